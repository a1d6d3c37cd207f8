"""First run (the owner account), sign in and out, log out everywhere, invitations."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from amity import accounts
from amity.accounts import User
from amity.errors import AmityError, InvalidInput
from amity.security import hash_password, new_token, password_problem, verify_password
from amity.web.deps import (
    check_csrf,
    client_address,
    config,
    get_user,
    session_user,
    sign_in,
    sign_out,
)
from amity.web.templating import render

router = APIRouter(include_in_schema=False)
DEVICE_COOKIE = "amity_device"  # a browser that signed in before (amity.accounts.sessions)
DEVICE_MAX_AGE = 365 * 24 * 3600
SETUP_METHOD = "setup"
Text = Annotated[str, Form()]


def _home(target: str = "/") -> RedirectResponse:
    return RedirectResponse(target, status_code=303)


def safe_next(value: str) -> str:
    """Only local paths: never redirect to another site after sign-in."""
    parts = urlsplit(value or "/")
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//"):
        return "/"
    return value


@router.get("/setup")
async def setup_form(request: Request) -> Response:
    if await run_in_threadpool(accounts.has_owner, config(request).engine):
        return _home("/login")
    return render(request, "setup.html", {"name": "", "email": "", "error": None})


@router.post("/setup")
async def setup(
    request: Request, name: Text = "", email: Text = "", password: Text = ""
) -> Response:
    await check_csrf(request)
    cfg = config(request)
    if await run_in_threadpool(accounts.has_owner, cfg.engine):
        return _home("/login")
    problem = password_problem(password)
    try:
        if problem:
            raise InvalidInput(problem, field="password")
        password_hash = await run_in_threadpool(hash_password, password)
        user_id = await run_in_threadpool(
            lambda: accounts.create_owner(
                cfg.engine, name=name, email=email, password_hash=password_hash, now=cfg.clock()
            )
        )
    except AmityError as exc:
        return render(
            request,
            "setup.html",
            {"name": name, "email": email, "error": str(exc)},
            status_code=422,
        )
    user = await run_in_threadpool(accounts.user_by_id, cfg.engine, user_id)
    assert user is not None
    return await signed_in(request, user, "/", method=SETUP_METHOD)


@router.get("/login")
async def login_form(request: Request, next: str = "/") -> Response:
    cfg = config(request)
    if not await run_in_threadpool(accounts.has_owner, cfg.engine):
        return _home("/setup")
    if await session_user(request) is not None:
        return _home(safe_next(next))
    return render(
        request,
        "login.html",
        {
            "email": "",
            "error": None,
            "next": safe_next(next),
            "passkeys_possible": passkeys_possible(request),
        },
    )


def passkeys_possible(request: Request) -> bool:
    from amity.accounts.passkeys import relying_party

    return relying_party(config(request).base_url) is not None


@router.post("/login")
async def login(
    request: Request, email: Text = "", password: Text = "", next: Text = "/"
) -> Response:
    await check_csrf(request)
    cfg = config(request)
    now = cfg.clock()
    context = {
        "email": email,
        "next": safe_next(next),
        "passkeys_possible": passkeys_possible(request),
    }
    user, password_hash = await run_in_threadpool(accounts.login_candidate, cfg.engine, email)
    device = (
        await run_in_threadpool(
            accounts.known_device, cfg.engine, user.id, request.cookies.get(DEVICE_COOKIE)
        )
        if user is not None
        else None
    )
    factors = (
        None
        if user is None
        else await run_in_threadpool(accounts.second_factors, cfg.engine, user.id)
    )
    attempt = accounts.attempt_keys(
        user_id=None if user is None else user.id,
        typed=email,
        client=client_address(request),
        device=None if device is None else str(device),
        second_factor=factors is not None and factors.any,
    )
    wait = await run_in_threadpool(lambda: accounts.signin_wait(cfg.engine, attempt, now=now))
    if wait:
        return render(
            request,
            "login.html",
            {**context, "error": f"Too many failed sign-ins; try again in {_duration(wait)}."},
            status_code=429,
            headers={"Retry-After": str(wait)},
        )
    ok = await run_in_threadpool(verify_password, password_hash, password)
    ok = ok and user is not None
    await run_in_threadpool(
        lambda: accounts.record_attempt(cfg.engine, attempt, succeeded=ok, now=now)
    )
    if not ok or user is None:
        return render(
            request,
            "login.html",
            {**context, "error": "Wrong e-mail address or password."},
            status_code=401,
        )
    if factors is not None and factors.any:
        return ask_second_factor(request, user, safe_next(next), method="password")
    return await signed_in(request, user, safe_next(next), method="password")


def ask_second_factor(request: Request, user: User, target: str, *, method: str) -> Response:
    """The password was right: the session remembers that for a few minutes, and the next
    page asks for a code, a recovery code or a passkey."""
    request.session.clear()
    request.session.update(
        {
            "pending": {
                "uid": user.id,
                "at": config(request).clock().timestamp(),
                "next": target,
                "method": method,
            },
            "csrf": new_token(),
        }
    )
    return _home("/login/second-factor")


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


async def signed_in(
    request: Request,
    user: User,
    target: str,
    *,
    method: str,
    second_factor: str | None = None,
    as_json: bool = False,
) -> Response:
    """Start the session and remember this browser as one of the account's devices (answers
    ``{"redirect": target}`` to a script with ``as_json``)."""
    cfg = config(request)
    await run_in_threadpool(
        lambda: sign_in(request, user, method=method, second_factor=second_factor)
    )
    device = await run_in_threadpool(
        lambda: accounts.remember_device(
            cfg.engine, user.id, request.cookies.get(DEVICE_COOKIE), now=cfg.clock()
        )
    )
    response: Response = JSONResponse({"redirect": target}) if as_json else _home(target)
    response.set_cookie(
        DEVICE_COOKIE,
        device,
        max_age=DEVICE_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=cfg.secure_cookies or request.url.scheme == "https",
    )
    return response


@router.post("/logout")
async def logout(request: Request, user: Annotated[User, Depends(get_user)]) -> Response:
    await run_in_threadpool(sign_out, request)
    return _home("/login")


@router.post("/logout-everywhere")
async def logout_everywhere(
    request: Request, user: Annotated[User, Depends(get_user)], tokens: Text = ""
) -> Response:
    """Every session ends on the server; with ``tokens``, API tokens and app passwords too."""
    cfg = config(request)
    now = cfg.clock()
    await run_in_threadpool(lambda: accounts.end_all_sessions(cfg.engine, user.id, now=now))
    if tokens in ("1", "on", "true"):
        await run_in_threadpool(
            lambda: accounts.revoke_all_api_tokens(cfg.engine, user.id, now=now)
        )
    await run_in_threadpool(sign_out, request)
    return _home("/login")


@router.get("/invite/{token}")
async def invitation_form(request: Request, token: str) -> Response:
    cfg = config(request)
    invitation = await run_in_threadpool(
        lambda: accounts.open_invitation(cfg.engine, token, now=cfg.clock())
    )
    if invitation is None:
        return render(
            request,
            "error.html",
            {"status": 404, "message": "This invitation link is unknown, used or expired."},
            status_code=404,
        )
    return render(
        request,
        "invite.html",
        {
            "token": token,
            "invited_email": invitation["email"],
            "name": "",
            "email": "",
            "error": None,
        },
    )


@router.post("/invite/{token}")
async def accept_invitation(
    request: Request, token: str, name: Text = "", email: Text = "", password: Text = ""
) -> Response:
    await check_csrf(request)
    cfg = config(request)
    invitation = await run_in_threadpool(
        lambda: accounts.open_invitation(cfg.engine, token, now=cfg.clock())
    )
    if invitation is None:
        return render(
            request,
            "error.html",
            {"status": 404, "message": "This invitation link is unknown, used or expired."},
            status_code=404,
        )
    try:
        problem = password_problem(password)
        if problem:
            raise InvalidInput(problem, field="password")
        password_hash = await run_in_threadpool(hash_password, password)
        user_id = await run_in_threadpool(
            lambda: accounts.accept_invitation(
                cfg.engine,
                token,
                name=name,
                email=email,
                password_hash=password_hash,
                now=cfg.clock(),
            )
        )
    except AmityError as exc:
        return render(
            request,
            "invite.html",
            {
                "token": token,
                "invited_email": invitation["email"],
                "name": name,
                "email": email,
                "error": str(exc),
            },
            status_code=422,
        )
    user = await run_in_threadpool(accounts.user_by_id, cfg.engine, user_id)
    assert user is not None
    return await signed_in(request, user, "/", method="invitation")
