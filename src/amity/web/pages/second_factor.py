"""Second factors in the web app: the step after a right password (a code from the
authenticator app, or a recovery code), and Settings → Security's authenticator app,
recovery codes and the installation's policy."""

from __future__ import annotations

import base64
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from amity import accounts
from amity.accounts import User
from amity.errors import AmityError, NotFound
from amity.security import verify_password
from amity.web.deps import check_csrf, client_address, config, current_session_id
from amity.web.pages.auth import DEVICE_COOKIE, signed_in
from amity.web.pages.common import BookDep, Text
from amity.web.pages.security import done
from amity.web.templating import render

router = APIRouter(include_in_schema=False)
PENDING_SECONDS = 5 * 60  # the right password is remembered this long for the second step


def pending_sign_in(request: Request) -> dict[str, Any] | None:
    """The right password waiting for its second factor (None when none, or too old)."""
    pending = request.session.get("pending")
    if not isinstance(pending, dict) or not isinstance(pending.get("uid"), int):
        return None
    age = config(request).clock().timestamp() - float(pending.get("at", 0))
    if not 0 <= age <= PENDING_SECONDS:
        request.session.pop("pending", None)
        return None
    return pending


def _expired() -> Response:
    return RedirectResponse("/login?expired=1", status_code=303)


@router.get("/login/second-factor", response_class=HTMLResponse)
async def second_factor_form(request: Request) -> Response:
    pending = pending_sign_in(request)
    if pending is None:
        return _expired()
    factors = await run_in_threadpool(
        accounts.second_factors, config(request).engine, pending["uid"]
    )
    return render(
        request,
        "login_second_factor.html",
        {"factors": factors, "error": None, "passkeys_possible": _passkeys_possible(request)},
    )


def _passkeys_possible(request: Request) -> bool:
    from amity.accounts.passkeys import relying_party

    return relying_party(config(request).base_url) is not None


@router.post("/login/second-factor", response_class=HTMLResponse)
async def second_factor(request: Request, code: Text = "") -> Response:
    await check_csrf(request)
    pending = pending_sign_in(request)
    if pending is None:
        return _expired()
    cfg = config(request)
    now = cfg.clock()
    user_id = int(pending["uid"])
    user = await run_in_threadpool(accounts.user_by_id, cfg.engine, user_id)
    if user is None:
        return _expired()
    device = await run_in_threadpool(
        accounts.known_device, cfg.engine, user_id, request.cookies.get(DEVICE_COOKIE)
    )
    attempt = accounts.second_factor_keys(
        user_id=user_id,
        client=client_address(request),
        device=None if device is None else str(device),
    )
    factors = await run_in_threadpool(accounts.second_factors, cfg.engine, user_id)
    context = {"factors": factors, "passkeys_possible": _passkeys_possible(request)}
    wait = await run_in_threadpool(lambda: accounts.signin_wait(cfg.engine, attempt, now=now))
    if wait:
        return render(
            request,
            "login_second_factor.html",
            {**context, "error": f"Too many wrong codes; try again in {wait} seconds."},
            status_code=429,
            headers={"Retry-After": str(wait)},
        )
    used = await run_in_threadpool(lambda: _check_code(cfg.engine, cfg.url, user_id, code, now))
    await run_in_threadpool(
        lambda: accounts.record_attempt(cfg.engine, attempt, succeeded=used is not None, now=now)
    )
    if used is None:
        return render(
            request,
            "login_second_factor.html",
            {**context, "error": "That code is not right."},
            status_code=401,
        )
    target = str(pending.get("next") or "/")
    return await signed_in(
        request, user, target, method=str(pending.get("method", "password")), second_factor=used
    )


def _check_code(engine: Any, url: str, user_id: int, code: str, now: Any) -> str | None:
    """ "totp" or "recovery" for a right code, else None."""
    text = "".join(code.split())
    if text.isdigit():
        return "totp" if accounts.verify_totp(engine, user_id, text, url=url, now=now) else None
    return (
        "recovery" if accounts.use_recovery_code(engine, user_id, text, url=url, now=now) else None
    )


# --- Settings → Security: the authenticator app -------------------------------------------------


def second_factor_context(request: Request) -> dict[str, Any]:
    """What security.html's second-factor section shows."""
    cfg = config(request)
    user: User = request.state.user
    info = getattr(request.state, "session_info", None)
    from amity.web.pages.passkeys import passkey_context

    return {
        **passkey_context(request),
        "factors": accounts.second_factors(cfg.engine, user.id),
        "required": accounts.second_factor_required(cfg.engine),
        "session_has_factor": bool(info and info.second_factor),
        "totp_setup": None,
        "recovery_codes": None,
    }


def _setup(request: Request, secret: str) -> dict[str, str]:
    user: User = request.state.user
    uri = accounts.provisioning_uri(secret, user.email)
    image = base64.b64encode(accounts.qr_svg(uri)).decode("ascii")
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return {"secret": grouped, "qr": f"data:image/svg+xml;base64,{image}", "uri": uri}


@router.post("/settings/security/totp/start", response_class=HTMLResponse)
def start_totp(request: Request, book: BookDep) -> Response:
    cfg = config(request)
    try:
        secret = accounts.begin_totp(cfg.engine, book.owner_id, url=cfg.url, now=cfg.clock())
    except AmityError as exc:
        return done(request, "second-factor", error=str(exc))
    return done(request, "second-factor", totp_setup=_setup(request, secret))


@router.post("/settings/security/totp/confirm", response_class=HTMLResponse)
def confirm_totp(request: Request, book: BookDep, code: Text = "") -> Response:
    cfg = config(request)
    try:
        codes = accounts.confirm_totp(cfg.engine, book.owner_id, code, url=cfg.url, now=cfg.clock())
    except AmityError as exc:
        secret = accounts.pending_totp_secret(cfg.engine, book.owner_id, url=cfg.url)
        setup = _setup(request, secret) if secret else None
        return done(request, "second-factor", error=str(exc), totp_setup=setup)
    sid = current_session_id(request)
    if sid:  # this session has just proved the factor
        accounts.mark_second_factor(cfg.engine, sid, "totp")
    return done(
        request,
        "second-factor",
        message="The authenticator app is on. Keep these recovery codes somewhere safe: each "
        "works once, and they are not shown again.",
        recovery_codes=codes,
    )


@router.post("/settings/security/totp/disable", response_class=HTMLResponse)
def disable_totp(request: Request, book: BookDep, password: Text = "") -> Response:
    cfg = config(request)
    user: User = request.state.user
    if user.has_password:
        _, stored = accounts.login_candidate(cfg.engine, user.email)
        if not verify_password(stored, password):
            return done(request, "second-factor", error="The password is wrong.")
    accounts.disable_totp(cfg.engine, user.id)
    return done(request, "second-factor", message="The authenticator app is off.")


@router.post("/settings/security/recovery-codes", response_class=HTMLResponse)
def renew_recovery_codes(request: Request, book: BookDep) -> Response:
    cfg = config(request)
    if not accounts.second_factors(cfg.engine, book.owner_id).any:
        raise NotFound("set up a second factor first")
    codes = accounts.new_recovery_codes(cfg.engine, book.owner_id, url=cfg.url, now=cfg.clock())
    return done(
        request,
        "second-factor",
        message="New recovery codes; the old ones no longer work.",
        recovery_codes=codes,
    )


@router.post("/settings/security/policy", response_class=HTMLResponse)
def save_policy(request: Request, book: BookDep, required: Text = "") -> Response:
    user: User = request.state.user
    if not user.is_admin:
        raise NotFound("no such page")
    cfg = config(request)
    on = required in ("1", "on", "true")
    accounts.require_second_factor(cfg.engine, on, now=cfg.clock())
    message = (
        "Everyone now needs a second factor (single sign-on excepted)."
        if on
        else "A second factor is now optional."
    )
    return done(request, "policy", message=message)
