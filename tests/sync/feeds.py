"""A real HTTP server for ICS addresses, started by the test on a free loopback port: it serves
one calendar at a secret path with an ETag and a Last-Modified, answers 304 to a matching
If-None-Match or If-Modified-Since, and can be told to fail."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Feed:
    """What the server serves; tests change it between runs."""

    body: bytes = b""
    version: int = 1
    status: int = 200  # anything else: every GET fails with it
    conditionals: bool = True  # False: always 200 (a server without ETag support)
    requests: list[dict[str, str]] = field(default_factory=list)

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'

    @property
    def last_modified(self) -> str:
        return formatdate(1_700_000_000 + self.version * 3600, usegmt=True)

    def publish(self, body: bytes) -> None:
        self.body, self.version = body, self.version + 1


@dataclass
class FeedServer:
    url: str  # the secret address
    feed: Feed
    server: ThreadingHTTPServer


@contextmanager
def feed_server(token: str) -> Iterator[FeedServer]:
    feed = Feed()
    path = f"/calendar/ical/ana%40example.com/{token}/basic.ics"

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            feed.requests.append({k.lower(): v for k, v in self.headers.items()})
            if self.path != path:
                self._send(404, b"not found")
            elif feed.status != 200:
                self._send(feed.status, b"server trouble")
            elif feed.conditionals and (
                self.headers.get("If-None-Match") == feed.etag
                or self.headers.get("If-Modified-Since") == feed.last_modified
            ):
                self._send(304, b"")
            else:
                self._send(200, feed.body, {"ETag": feed.etag,
                                            "Last-Modified": feed.last_modified,
                                            "Content-Type": "text/calendar"})  # fmt: skip

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                if feed.conditionals or name == "Content-Type":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body and status != 304:
                self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield FeedServer(f"http://127.0.0.1:{server.server_address[1]}{path}", feed, server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def vevent(uid: str, start: str, summary: str, *attendees: str, extra: str = "",
           minutes: int = 60) -> str:  # fmt: skip
    """A VEVENT; ``start`` like 20261201T120000Z; attendees as 'email' or 'email:PARTSTAT'."""
    from datetime import datetime, timedelta

    begin = datetime.strptime(start, "%Y%m%dT%H%M%SZ")
    end = (begin + timedelta(minutes=minutes)).strftime("%Y%m%dT%H%M%SZ")
    lines = [f"UID:{uid}", "DTSTAMP:20261101T000000Z", f"DTSTART:{start}", f"DTEND:{end}",
             f"SUMMARY:{summary}", "ORGANIZER;CN=Me:mailto:me@example.com"]  # fmt: skip
    for attendee in attendees:
        email, _, partstat = attendee.partition(":")
        lines.append(f"ATTENDEE;PARTSTAT={partstat or 'ACCEPTED'}:mailto:{email}")
    if extra:
        lines.append(extra)
    return "BEGIN:VEVENT\r\n" + "\r\n".join(lines) + "\r\nEND:VEVENT\r\n"


def calendar(*events: str) -> bytes:
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//amity tests//EN\r\n" + "".join(events)
            + "END:VCALENDAR\r\n").encode()  # fmt: skip
