"""Passkeys in the web app: added and removed in Settings → Security, used after the
password (a second factor) or instead of it (sign-in with a passkey). The browser side is
static/passkeys.js; each ceremony's challenge waits in the signed session cookie."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from amity import accounts
from amity.accounts import User
from amity.accounts.passkeys import RelyingParty, relying_party
from amity.errors import AmityError, InvalidInput
from amity.web.deps import check_csrf, config, current_session_id
from amity.web.pages.auth import signed_in
from amity.web.pages.common import BookDep
from amity.web.pages.second_factor import pending_sign_in
from amity.web.pages.security import done

router = APIRouter(include_in_schema=False)
Payload = Annotated[dict[str, Any], Body()]
CHALLENGE_SECONDS = 5 * 60


def _rp(request: Request) -> RelyingParty:
    rp = relying_party(config(request).base_url)
    if rp is None:
        raise InvalidInput(
            "passkeys need AMITY_BASE_URL with a host name (https://amity.example.org, or "
            "http://localhost:8787 on this machine)"
        )
    return rp


def _keep(request: Request, name: str, challenge: str) -> None:
    request.session[name] = {"c": challenge, "at": config(request).clock().timestamp()}


def _take(request: Request, name: str) -> str:
    """The ceremony's challenge, usable once and for a few minutes."""
    kept = request.session.pop(name, None)
    if not isinstance(kept, dict) or not isinstance(kept.get("c"), str):
        raise InvalidInput("start again: no passkey request is waiting")
    age = config(request).clock().timestamp() - float(kept.get("at", 0))
    if not 0 <= age <= CHALLENGE_SECONDS:
        raise InvalidInput("start again: the passkey request expired")
    return str(kept["c"])


def _credential(payload: dict[str, Any]) -> str:
    import json

    credential = payload.get("credential")
    if not isinstance(credential, dict):
        raise InvalidInput("the passkey's answer is missing")
    return json.dumps(credential)


def _error(exc: AmityError, status: int = 422) -> JSONResponse:
    return JSONResponse({"error": {"code": exc.code, "message": str(exc)}}, status_code=status)


# --- Settings → Security ---------------------------------------------------------------------


@router.post("/settings/security/passkeys/options")
def registration_options(request: Request, book: BookDep) -> Response:
    user: User = request.state.user
    try:
        options, challenge = accounts.passkey_registration_options(
            config(request).engine, user, _rp(request)
        )
    except AmityError as exc:
        return _error(exc)
    _keep(request, "passkey_new", challenge)
    return Response(options, media_type="application/json")


@router.post("/settings/security/passkeys")
def register(request: Request, book: BookDep, payload: Payload) -> Response:
    cfg = config(request)
    try:
        passkey_id = accounts.finish_passkey_registration(
            cfg.engine,
            book.owner_id,
            _credential(payload),
            challenge=_take(request, "passkey_new"),
            rp=_rp(request),
            name=str(payload.get("name") or "Passkey")[:200],
            now=cfg.clock(),
        )
    except AmityError as exc:
        return _error(exc)
    sid = current_session_id(request)
    if sid:  # made in this session: it has proved a second factor
        accounts.mark_second_factor(cfg.engine, sid, "passkey")
    return JSONResponse({"id": passkey_id, "redirect": "/settings/security?passkey=added"})


@router.post("/settings/security/passkeys/{passkey_id}/remove", response_class=HTMLResponse)
def remove(request: Request, book: BookDep, passkey_id: int) -> Response:
    accounts.remove_passkey(config(request).engine, book.owner_id, passkey_id)
    return done(request, "second-factor", message="Passkey removed.")


def passkey_context(request: Request) -> dict[str, Any]:
    user: User = request.state.user
    cfg = config(request)
    return {
        "passkeys": accounts.list_passkeys(cfg.engine, user.id),
        "passkeys_possible": relying_party(cfg.base_url) is not None,
    }


# --- signing in ---------------------------------------------------------------------------------


@router.post("/login/passkey/options")
async def sign_in_options(request: Request) -> Response:
    """After the password: this user's passkeys; otherwise any passkey of this site."""
    await check_csrf(request)
    pending = pending_sign_in(request)
    try:
        rp = _rp(request)
        options, challenge = await run_in_threadpool(
            lambda: accounts.passkey_authentication_options(
                config(request).engine, rp, user_id=None if pending is None else pending["uid"]
            )
        )
    except AmityError as exc:
        return _error(exc)
    _keep(request, "passkey_sign_in", challenge)
    return Response(options, media_type="application/json")


@router.post("/login/passkey")
async def sign_in_with_passkey(request: Request, payload: Payload) -> Response:
    await check_csrf(request)
    cfg = config(request)
    pending = pending_sign_in(request)
    try:
        challenge = _take(request, "passkey_sign_in")
        rp = _rp(request)
        credential = _credential(payload)
        user_id = await run_in_threadpool(
            lambda: accounts.finish_passkey_authentication(
                cfg.engine,
                credential,
                challenge=challenge,
                rp=rp,
                now=cfg.clock(),
                user_id=None if pending is None else int(pending["uid"]),
            )
        )
    except AmityError as exc:
        return _error(exc, 401)
    user = await run_in_threadpool(accounts.user_by_id, cfg.engine, user_id)
    if user is None:
        return _error(InvalidInput("this account no longer exists"), 401)
    if pending is not None:  # the password, then the passkey
        target = str(pending.get("next") or "/")
        method, factor = str(pending.get("method", "password")), "passkey"
    else:  # the passkey alone: possession and the authenticator's own check (PIN, biometrics)
        target, method, factor = "/", "passkey", "passkey"
    return await signed_in(request, user, target, method=method, second_factor=factor, as_json=True)
