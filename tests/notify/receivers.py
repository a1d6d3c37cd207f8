"""Real HTTP receivers on loopback for the notification and webhook tests: each answers with the
statuses it is told to (200 by default), records what it got, and can hang (never answer) or
redirect. Stopped by the test that started it."""

from __future__ import annotations

import http.server
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Receiver:
    port: int
    statuses: list[int] = field(default_factory=list)  # answered in turn, then 200
    redirect_to: str | None = None
    received: list[dict[str, Any]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"127.0.0.1:{self.port}"


@contextmanager
def receiver(**options: Any) -> Iterator[Receiver]:
    """An HTTP server in a thread that records every POST (headers and body)."""
    state = Receiver(port=0, **options)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode()
            state.received.append({"path": self.path, "headers": dict(self.headers), "body": body})
            if state.redirect_to:
                self.send_response(307)
                self.send_header("Location", state.redirect_to)
                self.end_headers()
                return
            status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps({"ok": status < 400}).encode())

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()
