"""First run (the owner account), sign in and out, log out everywhere, invitations."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from amity import accounts
from amity.accounts import User
from amity.errors import AmityError, InvalidInput
from amity.security import hash_password, password_problem, verify_password
from amity.web.deps import check_csrf, config, get_user, session_user, sign_in, sign_out
from amity.web.templating import render

router = APIRouter(include_in_schema=False)
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
    sign_in(request, user)
    return _home()


@router.get("/login")
async def login_form(request: Request, next: str = "/") -> Response:
    cfg = config(request)
    if not await run_in_threadpool(accounts.has_owner, cfg.engine):
        return _home("/setup")
    if await session_user(request) is not None:
        return _home(safe_next(next))
    return render(request, "login.html", {"email": "", "error": None, "next": safe_next(next)})


@router.post("/login")
async def login(
    request: Request, email: Text = "", password: Text = "", next: Text = "/"
) -> Response:
    await check_csrf(request)
    cfg = config(request)
    client = request.client.host if request.client else "unknown"
    now = cfg.clock()
    context = {"email": email, "next": safe_next(next)}
    if await run_in_threadpool(
        lambda: accounts.login_blocked(cfg.engine, email=email, client=client, now=now)
    ):
        return render(
            request,
            "login.html",
            {**context, "error": "Too many failed sign-ins; wait 15 minutes and try again."},
            status_code=429,
        )
    user, password_hash = await run_in_threadpool(accounts.login_candidate, cfg.engine, email)
    ok = await run_in_threadpool(verify_password, password_hash, password)
    await run_in_threadpool(
        lambda: accounts.record_login(cfg.engine, email=email, client=client, succeeded=ok, now=now)
    )
    if not ok or user is None:
        return render(
            request,
            "login.html",
            {**context, "error": "Wrong e-mail address or password."},
            status_code=401,
        )
    sign_in(request, user)
    return _home(safe_next(next))


@router.post("/logout")
async def logout(request: Request, user: Annotated[User, Depends(get_user)]) -> Response:
    sign_out(request)
    return _home("/login")


@router.post("/logout-everywhere")
async def logout_everywhere(request: Request, user: Annotated[User, Depends(get_user)]) -> Response:
    await run_in_threadpool(accounts.end_all_sessions, config(request).engine, user.id)
    sign_out(request)
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
    sign_in(request, user)
    return _home()
