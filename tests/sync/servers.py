"""Real DAV servers for the sync tests: Radicale and Xandikos as subprocesses on free loopback
ports, each with its own folder, stopped by pid."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

VENV_BIN = Path(sys.executable).parent
MKCOL_ADDRESSBOOK = """<?xml version="1.0" encoding="utf-8"?>
<d:mkcol xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav"><d:set><d:prop>
<d:resourcetype><d:collection/><c:addressbook/></d:resourcetype>
<d:displayname>{name}</d:displayname></d:prop></d:set></d:mkcol>"""


# Radicale started by its own API, so that the test can turn off fsync (an internal option)
RADICALE = """
import sys
from radicale import config, log, server
log.setup()
configuration = config.load()
configuration.update({"server": {"hosts": sys.argv[1]}, "auth": {"type": "none"},
                      "logging": {"level": "error"},
                      "storage": {"filesystem_folder": sys.argv[2],
                                  "_filesystem_fsync": sys.argv[3]}}, "amity tests",
                     privileged=True)
server.serve(configuration)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class DavServer:
    """A running server: its base URL, the user, and the address book's URL."""

    kind: str
    base: str
    user: str
    password: str
    addressbook: str  # absolute URL of the address book (ends with /)
    process: subprocess.Popen[bytes]

    def client(self) -> httpx.Client:
        return httpx.Client(auth=(self.user, self.password), timeout=30)

    def put(self, name: str, card: str, *, etag: str | None = None) -> httpx.Response:
        headers = {"Content-Type": "text/vcard; charset=utf-8"}
        if etag:
            headers["If-Match"] = etag
        with self.client() as c:
            r = c.put(self.addressbook + name, content=card.encode(), headers=headers)
        assert r.status_code in (201, 204), r.text
        return r

    def get(self, name: str) -> tuple[str, str]:
        with self.client() as c:
            r = c.get(self.addressbook + name)
        assert r.status_code == 200, r.status_code
        return r.text, r.headers["etag"]

    def delete(self, name: str) -> None:
        with self.client() as c:
            r = c.delete(self.addressbook + name)
        assert r.status_code in (200, 204), r.status_code

    def names(self) -> list[str]:
        body = '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>'
        with self.client() as c:
            r = c.request(
                "PROPFIND",
                self.addressbook,
                content=body,
                headers={"Depth": "1", "Content-Type": "application/xml"},
            )
        from amity.sync.dav import parse_multistatus

        hrefs = [x.href for x in parse_multistatus(r.content).responses]
        return sorted(h.rstrip("/").rsplit("/", 1)[-1] for h in hrefs if h.endswith(".vcf"))


def _wait(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the DAV server exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("the DAV server did not start in 20 s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


@contextmanager
def radicale(folder: Path, user: str = "ana", *, fsync: bool = False) -> Iterator[DavServer]:
    """Radicale with its own folder; without fsync unless asked (a test's folder is thrown
    away, and every fsync on a shared disk costs tens of milliseconds)."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            RADICALE,
            f"127.0.0.1:{port}",
            str(folder / "collections"),
            str(fsync),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(port, process)
        base = f"http://127.0.0.1:{port}/"
        book = f"{base}{user}/contacts/"
        with httpx.Client(auth=(user, "secret-pw"), timeout=30) as c:
            c.request("PROPFIND", f"{base}{user}/", headers={"Depth": "0"})
            r = c.request("MKCOL", book, content=MKCOL_ADDRESSBOOK.format(name="Contacts"))
            assert r.status_code == 201, r.text
        yield DavServer("radicale", base, user, "secret-pw", book, process)
    finally:
        _stop(process)


@contextmanager
def xandikos(folder: Path, user: str = "ana") -> Iterator[DavServer]:
    port = free_port()
    process = subprocess.Popen(
        [
            str(VENV_BIN / "xandikos"),
            "serve",
            "-d",
            str(folder / "xandikos"),
            "--defaults",
            "-l",
            "127.0.0.1",
            "-p",
            str(port),
            "--current-user-principal",
            f"/{user}/",
            "--state-dir",
            str(folder / "xandikos-state"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(port, process)
        base = f"http://127.0.0.1:{port}/"
        yield DavServer("xandikos", base, user, "secret-pw", f"{base}{user}/contacts/addressbook/",
                        process)  # fmt: skip
    finally:
        _stop(process)


class FlakyProxy:
    """A real HTTP server in front of a DAV server that forwards every request, except when
    ``hook(method, path, n)`` (n: how many requests of that method came before) returns a
    replacement ``(status, body)``; the hook may also act on the server first (a second
    device writing between Amity's read and its write)."""

    def __init__(self, target: str, hook) -> None:  # type: ignore[no-untyped-def]
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        proxy = self
        self.target = target.rstrip("/")
        self.hook = hook
        self.body_hook = None  # (method, body) -> replacement or None
        self.seen: dict[str, int] = {}
        self.log: list[tuple[str, str]] = []

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _any(self) -> None:
                proxy.forward(self)

            do_GET = do_PUT = do_DELETE = do_PROPFIND = do_REPORT = do_MKCOL = _any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def forward(self, handler) -> None:  # type: ignore[no-untyped-def]
        method, path = handler.command, handler.path
        n = self.seen.get(method, 0)
        self.seen[method] = n + 1
        self.log.append((method, path))
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        replaced = self.hook(method, path, n)
        if replaced is None and self.body_hook is not None:
            replaced = self.body_hook(method, body)
        if replaced is not None:
            status, content = replaced
            handler.send_response(status)
            handler.send_header("Content-Length", str(len(content)))
            handler.end_headers()
            handler.wfile.write(content)
            return
        skip = {"host", "content-length", "connection", "accept-encoding"}
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in skip}
        with httpx.Client(timeout=30) as client:
            r = client.request(method, self.target + path, content=body, headers=headers)
        handler.send_response(r.status_code)
        for key, value in r.headers.items():
            if key.lower() not in {"content-length", "transfer-encoding", "connection",
                                   "content-encoding"}:  # fmt: skip
                handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(r.content)))
        handler.end_headers()
        handler.wfile.write(r.content)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
