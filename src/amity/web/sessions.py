"""The signed session cookie: its secret, and the Secure flag decided per request."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from amity.config import data_folder

SECRET_ENV = "AMITY_SECRET_KEY"
SECRET_FILE = "secret.key"
COOKIE = "amity_session"
MAX_AGE = 14 * 24 * 3600


def session_secret(url: str) -> str:
    """``$AMITY_SECRET_KEY`` (for several machines), else a file in the data folder made on
    first run (created exclusively, so workers starting together agree on one secret)."""
    env = os.environ.get(SECRET_ENV, "").strip()
    if env:
        return env
    path = data_folder(url) / SECRET_FILE
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    return _read(path)


def _read(path: Path) -> str:
    for _ in range(50):  # another worker may be writing it this instant
        value = path.read_text().strip()
        if value:
            return value
        import time

        time.sleep(0.01)
    raise RuntimeError(f"the session secret file {path} is empty")


class Sessions:
    """SessionMiddleware (HttpOnly, SameSite=Lax) whose cookie is Secure when the request came
    over HTTPS (uvicorn applies X-Forwarded-Proto from trusted proxies) or when forced."""

    def __init__(self, app: ASGIApp, *, secret: str, force_secure: bool = False) -> None:
        self._secure = self._middleware(app, secret, https_only=True)
        self._plain = (
            self._secure if force_secure else self._middleware(app, secret, https_only=False)
        )

    @staticmethod
    def _middleware(app: ASGIApp, secret: str, *, https_only: bool) -> SessionMiddleware:
        return SessionMiddleware(
            app,
            secret_key=secret,
            session_cookie=COOKIE,
            max_age=MAX_AGE,
            same_site="lax",
            https_only=https_only,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        secure = scope.get("scheme") in ("https", "wss")
        await (self._secure if secure else self._plain)(scope, receive, send)
