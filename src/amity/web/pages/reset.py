"""Forgotten password (issue 12 §7): ask for a link by e-mail, then choose a new password
through it. The answer to "send me a link" never says whether the address has an account."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from amity import password_reset
from amity.book import Book
from amity.errors import AmityError, InvalidInput
from amity.security import hash_password, password_problem
from amity.web.deps import check_csrf, config
from amity.web.templating import render

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]
log = logging.getLogger("amity.web")
SENT = (
    "If an account exists for that address and this Amity can send e-mail, a link to choose "
    "a new password is on its way (it works once, for an hour). Otherwise, whoever runs this "
    "Amity can set one with: amity user reset-password EMAIL"
)


@router.get("/forgot")
async def forgot_form(request: Request) -> Response:
    return render(request, "forgot.html", {"email": "", "sent": None})


@router.post("/forgot")
async def forgot(request: Request, email: Text = "") -> Response:
    await check_csrf(request)
    cfg = config(request)
    address = email.strip()[:320]
    link = await run_in_threadpool(
        lambda: password_reset.create_reset(cfg.engine, address, now=cfg.clock())
    )
    if link is not None:
        await run_in_threadpool(_send, request, link)
    return render(request, "forgot.html", {"email": address, "sent": SENT})


def _send(request: Request, link: password_reset.ResetLink) -> None:
    from amity.notify.reset import send_reset_link, smtp_configured

    cfg = config(request)
    book = Book(cfg.engine, link.user.id, cfg.url, cfg.clock)
    settings = book.settings.all(reveal_secrets=True)
    if not smtp_configured(settings):
        log.warning("password reset asked for user %s, but no SMTP is configured", link.user.id)
        return
    try:
        send_reset_link(
            settings,
            to=link.user.email,
            name=link.user.name,
            link=f"{cfg.base_url}/reset/{link.token}",  # the configured address, never Host
            minutes=password_reset.RESET_MINUTES,
            now=cfg.clock(),
        )
    except AmityError as exc:
        log.warning("password reset e-mail for user %s failed: %s", link.user.id, exc)


@router.get("/reset/{token}")
async def reset_form(request: Request, token: str) -> Response:
    cfg = config(request)
    user = await run_in_threadpool(
        lambda: password_reset.open_reset(cfg.engine, token, now=cfg.clock())
    )
    if user is None:
        return _gone(request)
    return render(request, "reset.html", {"token": token, "email": user.email, "error": None})


@router.post("/reset/{token}")
async def reset(request: Request, token: str, password: Text = "", again: Text = "") -> Response:
    await check_csrf(request)
    cfg = config(request)
    user = await run_in_threadpool(
        lambda: password_reset.open_reset(cfg.engine, token, now=cfg.clock())
    )
    if user is None:
        return _gone(request)
    problem = password_problem(password) or (
        "the two passwords differ" if password != again else None
    )
    try:
        if problem:
            raise InvalidInput(problem, field="password")
        password_hash = await run_in_threadpool(hash_password, password)
        await run_in_threadpool(
            lambda: password_reset.use_reset(cfg.engine, token, password_hash, now=cfg.clock())
        )
    except InvalidInput as exc:
        context = {"token": token, "email": user.email, "error": str(exc)}
        return render(request, "reset.html", context, status_code=422)
    return RedirectResponse("/login?reset=1", status_code=303)


def _gone(request: Request) -> Response:
    message = "This reset link is unknown, used or expired. Ask for a new one."
    return render(request, "error.html", {"status": 404, "message": message}, status_code=404)
