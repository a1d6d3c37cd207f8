"""From a request to the signed-in user's Book: the one dependency every page and API route uses.

A request is authenticated by EITHER ``Authorization: Bearer <api token>`` (no CSRF check:
browsers never send it on their own) OR the signed session cookie, whose epoch must match the
user's current ``session_epoch`` ("log out everywhere" bumps it) and whose unsafe requests
must carry the session's CSRF token (header ``X-CSRF-Token``, or form field ``csrf_token``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from amity import accounts
from amity.accounts import User
from amity.book import Book
from amity.security import new_token, same_secret

if TYPE_CHECKING:
    from sqlalchemy import Engine

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


@dataclass
class WebConfig:
    """What the app keeps for its whole life: the database, the clock, cookie policy."""

    engine: Engine
    url: str
    clock: Callable[[], datetime]
    secure_cookies: bool = False
    base_url: str = ""  # for links in e-mails; never taken from the Host header


class NotSignedIn(Exception):
    """No valid session or token; API paths answer 401 JSON, pages redirect to sign-in."""

    def __init__(self, message: str = "sign in or send an API token") -> None:
        super().__init__(message)


class ReadOnlyToken(Exception):
    """A write sent with a token whose scope is ``read``: 403."""

    def __init__(self, message: str = "this API token is read-only") -> None:
        super().__init__(message)


class CsrfRejected(Exception):
    """An unsafe request from a session without the session's CSRF token."""

    def __init__(self, message: str = "missing or wrong CSRF token; reload the page") -> None:
        super().__init__(message)


def config(request: Request) -> WebConfig:
    cfg: WebConfig = request.app.state.amity
    return cfg


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use (also for anonymous sessions)."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = new_token()
        request.session["csrf"] = token
    return token


async def check_csrf(request: Request) -> None:
    """Unsafe session requests must echo the session's token (header or form field)."""
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()  # cached by Starlette: the route reads it again
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not same_secret(expected, sent):
        raise CsrfRejected()


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


async def get_user(request: Request) -> User:
    """The signed-in user (cached on the request), or NotSignedIn / CsrfRejected."""
    cached = getattr(request.state, "user", None)
    if isinstance(cached, User):
        return cached
    cfg = config(request)
    token = bearer_token(request)
    if token is not None:
        grant = await run_in_threadpool(
            accounts.api_token_grant, cfg.engine, token, now=cfg.clock()
        )
        user = (
            None
            if grant is None
            else await run_in_threadpool(accounts.user_by_id, cfg.engine, grant.owner_id)
        )
        if user is None or grant is None:
            raise NotSignedIn("unknown or revoked API token")
        if not grant.can_write and request.method not in SAFE_METHODS:
            raise ReadOnlyToken()
        request.state.auth = "token"
    else:
        user = await session_user(request)
        if user is None:
            raise NotSignedIn()
        await check_csrf(request)
        request.state.auth = "session"
    request.state.user = user
    return user


async def session_user(request: Request) -> User | None:
    """The user of a valid session cookie; a stale one (old epoch, deleted user) is cleared."""
    uid, epoch = request.session.get("uid"), request.session.get("epoch")
    if not isinstance(uid, int) or not isinstance(epoch, int):
        return None
    user = await run_in_threadpool(accounts.user_by_id, config(request).engine, uid)
    if user is None or user.session_epoch != epoch or not user.has_password:
        request.session.pop("uid", None)
        request.session.pop("epoch", None)
        return None
    return user


async def get_book(request: Request) -> Book:
    """The Book of the signed-in user (session cookie or Bearer API token)."""
    user = await get_user(request)
    cfg = config(request)
    return Book(cfg.engine, user.id, cfg.url, cfg.clock)


def sign_in(request: Request, user: User) -> None:
    """Start a session: a fresh CSRF token, the user's current epoch."""
    request.session.clear()
    request.session.update({"uid": user.id, "epoch": user.session_epoch, "csrf": new_token()})


def sign_out(request: Request) -> None:
    request.session.clear()
