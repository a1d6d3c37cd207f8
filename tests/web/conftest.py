"""Fixtures for the pages' tests: the real app over SQLite (and PostgreSQL where it matters),
users with passwords who sign in through the login form, and a browser for Playwright tests.

(The REST API's fixtures live in conftest_api.py.)
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from amity import accounts
from amity.book import Book
from amity.security import hash_password
from amity.web.app import create_app
from tests.conftest import Clock, new_book, skip_or_fail

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery"
_HASH: dict[str, str] = {}
CSRF_META = re.compile(r'data-csrf="([^"]+)"')


@pytest.fixture(autouse=True, scope="session")
def _web_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test writes a session secret or uploads into the real user data folder."""
    home = tmp_path_factory.mktemp("amity-home")
    saved = {k: os.environ.get(k) for k in ("AMITY_SECRET_KEY", "AMITY_HOME", "AMITY_SCHEDULER")}
    os.environ.update(
        AMITY_SECRET_KEY="test-secret-" + uuid.uuid4().hex,
        AMITY_HOME=str(home),
        AMITY_SCHEDULER="0",
    )
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def password_hash() -> str:
    """argon2 is slow on purpose: hash the test password once per process."""
    if "h" not in _HASH:
        _HASH["h"] = hash_password(PASSWORD)
    return _HASH["h"]


@dataclass
class WebUser:
    """A signed-in browser session (in process): its client, its Book, its CSRF token."""

    client: TestClient
    book: Book
    email: str
    csrf: str = ""

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, **kwargs)

    def post(
        self, url: str, data: dict[str, Any] | None = None, *, htmx: bool = False, **kwargs: Any
    ) -> Any:
        headers = dict(kwargs.pop("headers", {}) or {})
        headers.setdefault("X-CSRF-Token", self.csrf)
        if htmx:
            headers["HX-Request"] = "true"
        return self.client.post(url, data=data or {}, headers=headers, **kwargs)


def csrf_of(html: str) -> str:
    found = CSRF_META.search(html)
    assert found, "every page carries the session's CSRF token"
    return found.group(1)


def make_user(book: Book, *, name: str = "Test User", admin: bool = False) -> str:
    """Give a Book's owner a name and password (as signing up would); returns the e-mail."""
    from sqlalchemy import update

    from amity.store import schema as s
    from amity.store.engine import write_transaction

    with write_transaction(book.ctx.engine) as conn:
        conn.execute(
            update(s.users)
            .where(s.users.c.id == book.owner_id)
            .values(name=name, password_hash=password_hash(), is_admin=admin)
        )
    return str(book.owner()["email"])


def session_cookie(data: dict[str, Any]) -> str:
    """A session cookie as SessionMiddleware signs it (skips argon2 in most tests; the
    sign-in form itself is tested in test_accounts.py)."""
    import base64
    import json

    from itsdangerous import TimestampSigner

    payload = base64.b64encode(json.dumps(data).encode())
    return TimestampSigner(os.environ["AMITY_SECRET_KEY"]).sign(payload).decode()


def sign_in(app: FastAPI, book: Book, *, admin: bool = False) -> WebUser:
    """A user with a password and a signed-in session (cookie), like after the login form."""
    from amity.web.sessions import COOKIE

    email = make_user(book, admin=admin)
    user = accounts.user_by_id(book.ctx.engine, book.owner_id)
    assert user is not None
    csrf = uuid.uuid4().hex
    client = TestClient(app, follow_redirects=False)
    sid = accounts.start_session(book.ctx.engine, user.id, method="password", now=book.now())
    client.cookies.set(
        COOKIE, session_cookie({"sid": sid, "csrf": csrf}), domain="testserver.local"
    )
    home = client.get("/")
    assert home.status_code == 200, home.text
    assert csrf_of(home.text) == csrf
    return WebUser(client, book, email, csrf)


@pytest.fixture
def web_app(db_url: str, clock: Clock) -> FastAPI:
    return create_app(db_url, clock=clock, scheduler=False)


@pytest.fixture
def sqlite_app(sqlite_url: str, clock: Clock) -> FastAPI:
    return create_app(sqlite_url, clock=clock, scheduler=False)


@pytest.fixture
def ann(web_app: FastAPI, db_url: str, clock: Clock) -> Iterator[WebUser]:
    user = sign_in(web_app, new_book(db_url, clock), admin=True)
    yield user
    user.client.close()


@pytest.fixture
def ben(web_app: FastAPI, db_url: str, clock: Clock) -> Iterator[WebUser]:
    user = sign_in(web_app, new_book(db_url, clock))
    yield user
    user.client.close()


@pytest.fixture
def fresh_url(tmp_path: Path, migrated_sqlite_file: Path) -> str:
    """A new, empty SQLite book (no user yet): the install's very first visit."""
    shutil.copyfile(migrated_sqlite_file, tmp_path / "fresh.db")
    return "sqlite:///" + str(tmp_path / "fresh.db")


# --- browser ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    db_url: str
    app: FastAPI


@pytest.fixture
def live_server(tmp_path: Path, migrated_sqlite_file: Path) -> Iterator[LiveServer]:
    """The app on uvicorn in a background thread, on a free loopback port, over a new book."""
    import uvicorn

    shutil.copyfile(migrated_sqlite_file, tmp_path / "live.db")
    db_url = "sqlite:///" + str(tmp_path / "live.db")
    app = create_app(db_url, scheduler=False)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    yield LiveServer(f"http://127.0.0.1:{port}", db_url, app)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        skip_or_fail(f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


__all__ = ["PASSWORD", "WebUser", "accounts", "csrf_of", "sign_in"]
