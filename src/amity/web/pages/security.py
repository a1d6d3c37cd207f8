"""Settings → Security: the password, the sessions signed in, API tokens and app passwords
revoked in one click, log out everywhere (and second factors, single sign-on identities and
the installation's policy where those are set up)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from amity import accounts
from amity.accounts import User
from amity.security import hash_password, password_problem, verify_password
from amity.web.deps import config, current_session_id
from amity.web.pages.common import BookDep, Text
from amity.web.templating import render

router = APIRouter(include_in_schema=False)
CHECKED = ("1", "on", "true")


def security_context(request: Request, **extra: Any) -> dict[str, Any]:
    cfg = config(request)
    user: User = request.state.user
    now = cfg.clock()
    info = getattr(request.state, "session_info", None)
    tokens = accounts.list_api_tokens(cfg.engine, user.id)
    context: dict[str, Any] = {
        "sessions": accounts.list_sessions(cfg.engine, user.id, now=now),
        "this_session": info.id if info is not None else None,
        "tokens": tokens,
        "active_tokens": [t for t in tokens if t["revoked_at"] is None],
        "scope_labels": accounts.SCOPE_LABELS,
        "has_password": user.has_password,
        "message": None,
        "error": None,
        "section": None,
    }
    from amity.web.pages.second_factor import second_factor_context
    from amity.web.pages.sso import sso_context

    context.update(second_factor_context(request))
    context.update(sso_context(request))
    context["required_now"] = request.query_params.get("required") == "1"
    context.update(extra)
    return context


def done(
    request: Request,
    section: str,
    *,
    message: str | None = None,
    error: str | None = None,
    **extra: Any,
) -> Response:
    context = security_context(request, section=section, message=message, error=error, **extra)
    return render(request, "security.html", context, status_code=422 if error else 200)


@router.get("/settings/security", response_class=HTMLResponse)
def security_page(request: Request, book: BookDep) -> Response:
    return render(request, "security.html", security_context(request))


@router.post("/settings/password", response_class=HTMLResponse)
def change_password(
    request: Request, book: BookDep, current: Text = "", new: Text = "", revoke_tokens: Text = ""
) -> Response:
    """A new password ends every other session; with ``revoke_tokens`` it also revokes every
    API token and app password (which a password change alone leaves working)."""
    cfg = config(request)
    user: User = request.state.user
    _, stored = accounts.login_candidate(cfg.engine, user.email)
    if not verify_password(stored, current):
        return done(request, "password", error="The current password is wrong.")
    problem = password_problem(new)
    if problem:
        return done(request, "password", error=problem.capitalize() + ".")
    now = cfg.clock()
    accounts.set_password(
        cfg.engine, user.id, hash_password(new), now=now, keep_session=current_session_id(request)
    )
    message = "Password changed; other sessions ended."
    if revoke_tokens in CHECKED:
        count = accounts.revoke_all_api_tokens(cfg.engine, user.id, now=now)
        message += f" {_tokens(count)} revoked."
    return done(request, "password", message=message)


def _tokens(count: int) -> str:
    return (
        f"{count} API token{'s' if count != 1 else ''} and app password{'s' if count != 1 else ''}"
    )


@router.post("/settings/security/tokens/revoke-all", response_class=HTMLResponse)
def revoke_all_tokens(request: Request, book: BookDep) -> Response:
    cfg = config(request)
    count = accounts.revoke_all_api_tokens(cfg.engine, book.owner_id, now=cfg.clock())
    return done(request, "tokens", message=f"{_tokens(count)} revoked.")


@router.post("/settings/security/sessions/{session_id}/revoke", response_class=HTMLResponse)
def revoke_session(request: Request, book: BookDep, session_id: int) -> Response:
    cfg = config(request)
    if not accounts.revoke_session_by_id(cfg.engine, book.owner_id, session_id, now=cfg.clock()):
        from amity.errors import NotFound

        raise NotFound(f"no active session #{session_id}")
    return done(request, "sessions", message="That session is signed out.")
