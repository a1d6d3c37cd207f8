"""From a request to the signed-in user's Book: the one dependency every page and API route uses.

A request is authenticated by EITHER ``Authorization: Bearer <api token>`` (no CSRF check:
browsers never send it on their own) OR the signed session cookie, whose session id must name
a live row of ``web_sessions`` (sign-out, "log out everywhere" and a password change revoke
it on the server) and whose unsafe requests must carry the session's CSRF token (header
``X-CSRF-Token``, or form field ``csrf_token``).
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


class SecondFactorRequired(Exception):
    """The installation requires a second factor and this session has none yet: pages send
    the user to Settings → Security to set one up, the API answers 403."""

    def __init__(
        self, message: str = "this installation requires a second factor; set one up first"
    ) -> None:
        super().__init__(message)


# what a session without the second factor the installation requires may still open
SETUP_PATHS = ("/settings/security", "/settings/password", "/logout", "/static/")
# single sign-on and proxy sign-ins skip the local second factor: the provider is the factor
FACTOR_FREE_METHODS = frozenset({"sso", "proxy"})


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
        user = await proxy_user(request) or await session_user(request)
        if user is None:
            raise NotSignedIn()
        await check_csrf(request)
        await _check_second_factor_policy(request)
        request.state.auth = "session"
    request.state.user = user
    return user


async def proxy_user(request: Request) -> User | None:
    """With AMITY_PROXY_AUTH_HEADER set, a request that came through a proxy named in
    AMITY_TRUSTED_PROXIES and carries the header is signed in as the existing user it names
    (a session with method "proxy" is started, or kept while it is that user's). The header
    from anyone else is ignored."""
    from amity.web.proxies import PEER_KEY, proxy_auth_header

    header = proxy_auth_header()
    if header is None or not request.scope.get(PEER_KEY):
        return None
    value = request.headers.get(header, "").strip()
    if not value:
        return None
    cfg = config(request)
    named = await run_in_threadpool(accounts.proxy_user, cfg.engine, value)
    if named is None:
        return None
    current = await session_user(request)
    if current is not None and current.id == named.id:
        return current
    await run_in_threadpool(lambda: sign_in(request, named, method="proxy"))
    await session_user(request)  # loads this session's details for the request
    return named


async def session_user(request: Request) -> User | None:
    """The user of a live server-side session; a revoked or unknown one is cleared."""
    sid = request.session.get("sid")
    if not isinstance(sid, str) or not sid:
        return None
    cfg = config(request)
    found = await run_in_threadpool(accounts.session_user, cfg.engine, sid, now=cfg.clock())
    if found is None:
        request.session.pop("sid", None)
        return None
    user, info = found
    request.state.session_info = info
    return user


async def _check_second_factor_policy(request: Request) -> None:
    info = getattr(request.state, "session_info", None)
    if info is None or info.second_factor or info.method in FACTOR_FREE_METHODS:
        return
    if request.url.path.startswith(SETUP_PATHS):
        return
    cfg = config(request)
    if await run_in_threadpool(accounts.second_factor_required, cfg.engine):
        raise SecondFactorRequired()


async def get_book(request: Request) -> Book:
    """The Book of the signed-in user (session cookie or Bearer API token)."""
    user = await get_user(request)
    cfg = config(request)
    api = request.url.path.startswith("/api/") or getattr(request.state, "auth", "") == "token"
    actor = user.email + (" (API token)" if getattr(request.state, "auth", "") == "token" else "")
    book = Book(cfg.engine, user.id, cfg.url, cfg.clock, door="api" if api else "web", actor=actor)
    request.state.book = book  # pages read its locale and time zone to show dates (display.py)
    return book


def client_address(request: Request) -> str:
    """The client's address (forwarding headers count only from AMITY_TRUSTED_PROXIES)."""
    return request.client.host if request.client else "unknown"


def sign_in(
    request: Request, user: User, *, method: str = "password", second_factor: str | None = None
) -> None:
    """Start a server-side session: a fresh session id and CSRF token in the cookie."""
    cfg = config(request)
    previous = request.session.get("sid")
    if isinstance(previous, str) and previous:
        accounts.revoke_session(cfg.engine, previous, now=cfg.clock())
    sid = accounts.start_session(
        cfg.engine,
        user.id,
        method=method,
        second_factor=second_factor,
        now=cfg.clock(),
        client=client_address(request),
        user_agent=request.headers.get("user-agent", ""),
    )
    request.session.clear()
    request.session.update({"sid": sid, "csrf": new_token()})


def current_session_id(request: Request) -> str | None:
    sid = request.session.get("sid")
    return sid if isinstance(sid, str) and sid else None


def sign_out(request: Request) -> None:
    """End this session on the server too: a copy of the cookie stops working."""
    sid = current_session_id(request)
    if sid is not None:
        cfg = config(request)
        accounts.revoke_session(cfg.engine, sid, now=cfg.clock())
    request.session.clear()
