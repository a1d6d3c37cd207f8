"""Single sign-on pages: "Sign in with <provider>" (OpenID Connect, web/sso.py), the
provider's callback, linking and unlinking a provider in Settings → Security."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from amity import accounts
from amity.accounts import User
from amity.errors import AmityError, NotFound
from amity.web.deps import config, session_user
from amity.web.pages.auth import safe_next, signed_in
from amity.web.pages.common import BookDep
from amity.web.pages.security import done
from amity.web.sso import OidcSettings, SsoFailed
from amity.web.templating import render

router = APIRouter(include_in_schema=False)
FLOW_SECONDS = 10 * 60
CALLBACK = "/login/sso/callback"


def oidc(request: Request) -> OidcSettings:
    settings = getattr(request.app.state, "oidc", None)
    if not isinstance(settings, OidcSettings):
        raise NotFound("single sign-on is not set up on this installation")
    return settings


def _redirect_uri(request: Request) -> str:
    return config(request).base_url + CALLBACK


async def _start(request: Request, *, intent: str, target: str) -> Response:
    settings = oidc(request)
    redirect_uri = _redirect_uri(request)
    try:
        url, kept = await run_in_threadpool(settings.authorization_url, redirect_uri)
    except AmityError as exc:
        return _failed(request, str(exc), 502)
    request.session["sso"] = {
        **kept,
        "intent": intent,
        "next": target,
        "at": config(request).clock().timestamp(),
    }
    return RedirectResponse(url, status_code=303)


def _failed(request: Request, message: str, status: int) -> Response:
    return render(
        request,
        "login.html",
        {"email": "", "next": "/", "error": message, "passkeys_possible": False},
        status_code=status,
    )


@router.get("/login/sso")
async def start_sign_in(request: Request, next: str = "/") -> Response:
    return await _start(request, intent="sign_in", target=safe_next(next))


@router.get("/settings/security/sso/link")
async def start_link(request: Request, book: BookDep) -> Response:
    """A link, not a form: the CSP's form-action 'self' would stop a form's redirect to the
    provider. The callback checks the state kept in this session and the signed-in user."""
    return await _start(request, intent="link", target="/settings/security")


@router.get(CALLBACK)
async def callback(request: Request, code: str = "", state: str = "", error: str = "") -> Response:
    cfg = config(request)
    settings = oidc(request)
    kept: Any = request.session.pop("sso", None)
    if not isinstance(kept, dict) or not state or state != kept.get("state"):
        return _failed(request, "This sign-in link is stale or forged; start again.", 400)
    if not 0 <= cfg.clock().timestamp() - float(kept.get("at", 0)) <= FLOW_SECONDS:
        return _failed(request, "The sign-in took too long; start again.", 400)
    if error or not code:
        return _failed(request, f"The provider did not sign you in ({error or 'no code'}).", 401)
    try:
        identity = await run_in_threadpool(
            lambda: settings.identity(
                code, _redirect_uri(request), kept, now=cfg.clock().timestamp()
            )
        )
    except SsoFailed as exc:
        return _failed(request, str(exc), 401)
    except AmityError as exc:
        return _failed(request, str(exc), 502)
    if kept.get("intent") == "link":
        current = await session_user(request)
        if current is None:
            return _failed(request, "Sign in first, then link the provider.", 401)
        try:
            await run_in_threadpool(
                lambda: accounts.link_sso(cfg.engine, current.id, identity, now=cfg.clock())
            )
        except AmityError as exc:
            return _failed(request, str(exc), 409)
        return RedirectResponse("/settings/security?linked=1", status_code=303)
    try:
        user_id = await run_in_threadpool(
            lambda: accounts.sso_sign_in(
                cfg.engine, identity, allowed_domains=settings.allowed_domains, now=cfg.clock()
            )
        )
    except AmityError as exc:
        return _failed(request, str(exc), 403)
    user = await run_in_threadpool(accounts.user_by_id, cfg.engine, user_id)
    if user is None:
        return _failed(request, "This account no longer exists.", 403)
    target = safe_next(str(kept.get("next") or "/"))
    return await signed_in(request, user, target, method="sso")  # the provider is the factor


@router.post("/settings/security/sso/{link_id}/remove", response_class=HTMLResponse)
def remove_link(request: Request, book: BookDep, link_id: int) -> Response:
    accounts.unlink_sso(config(request).engine, book.owner_id, link_id)
    return done(request, "sso", message="The provider is unlinked.")


def sso_context(request: Request) -> dict[str, Any]:
    user: User = request.state.user
    settings = getattr(request.app.state, "oidc", None)
    return {
        "sso_name": settings.name if isinstance(settings, OidcSettings) else None,
        "sso_links": accounts.list_sso_links(config(request).engine, user.id),
    }
