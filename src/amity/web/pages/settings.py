"""Settings: circles and cadences, time zone and own addresses, SMTP and digest, password and
API tokens, users and invitations (password and sessions: pages/security.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from amity import accounts
from amity.accounts import User
from amity.book import Book
from amity.errors import AmityError, InvalidInput
from amity.web.deps import config
from amity.web.pages.common import BookDep, Text, split_list
from amity.web.templating import render

router = APIRouter(include_in_schema=False)
SMTP_FIELDS = ("smtp.host", "smtp.port", "smtp.user", "smtp.tls", "smtp.from", "smtp.to")
TLS_MODES = ("starttls", "ssl", "none")


def settings_context(request: Request, book: Book, **extra: Any) -> dict[str, Any]:
    cfg = config(request)
    user: User = request.state.user
    base = cfg.base_url
    values = book.settings.all()
    if not values.get("me.name") and user.name:  # sign-up asked for both: show them
        values = {**values, "me.name": user.name}
    if not values.get("me.emails") and user.email:
        values = {**values, "me.emails": [user.email]}
    context = {
        "s": values,
        "circles": book.circles(),
        "tls_modes": TLS_MODES,
        "tokens": accounts.list_api_tokens(cfg.engine, user.id),
        "scope_labels": accounts.SCOPE_LABELS,
        "users": accounts.list_users(cfg.engine) if user.is_admin else [],
        "invitations": accounts.list_invitations(cfg.engine, user.id) if user.is_admin else [],
        "base": base,
        "message": None,
        "error": None,
        "new_token": None,
        "invite_link": None,
        "section": None,
    }
    context.update(outbound_context(book))
    from amity.web.pages.connections import connections_context

    context.update(connections_context(book))
    from amity.web.pages.backups import backups_context

    context.update(backups_context(request))  # issue 15
    context.update(extra)
    return context


def outbound_context(book: Book) -> dict[str, Any]:
    """Notification channels, what to send, webhooks and their recent deliveries (issue 13)."""
    from amity.book.events import EVENT_TYPES

    return {
        "channels": book.notifications.channels(),
        "notify_prefs": book.notifications.preferences(),
        "notify_log": book.notifications.deliveries(limit=10),
        "webhooks": book.webhooks.subscriptions(),
        "webhook_log": book.webhooks.deliveries(limit=10),
        "event_types": EVENT_TYPES,
        "new_secret": None,
    }


def _done(
    request: Request,
    book: Book,
    section: str,
    *,
    message: str | None = None,
    error: str | None = None,
    **extra: Any,
) -> Response:
    context = settings_context(
        request, book, section=section, message=message, error=error, **extra
    )
    return render(request, "settings.html", context, status_code=422 if error else 200)


@router.get("/settings", response_class=HTMLResponse)
def settings_page(request: Request, book: BookDep) -> Response:
    return render(request, "settings.html", settings_context(request, book))


@router.post("/settings/general", response_class=HTMLResponse)
def save_general(
    request: Request,
    book: BookDep,
    timezone: Text = "UTC",
    my_name: Text = "",
    my_emails: Text = "",
    phone_region: Text = "US",
) -> Response:
    try:
        region = phone_region.strip().upper()
        if len(region) != 2 or not region.isalpha():
            raise InvalidInput(
                "the phone region is a two-letter country code like US or DE", field="phone.region"
            )
        values = {
            "timezone": timezone.strip() or "UTC",
            "me.name": my_name.strip()[:200],
            "me.emails": split_list(my_emails)[:50],
            "phone.region": region,
        }
        _check_all(book, values)
        for key, value in values.items():
            book.settings.set(key, value)
    except AmityError as exc:
        return _done(request, book, "general", error=str(exc))
    return _done(request, book, "general", message="Saved.")


def _check_all(book: Book, values: dict[str, Any]) -> None:
    """Validate every value before storing any (nothing half-saved)."""
    from amity.rules.normalize import NormalizeError, normalize_email
    from amity.rules.when import WhenError, zone

    if "timezone" in values:
        try:
            zone(values["timezone"])
        except WhenError as exc:
            raise InvalidInput(str(exc), field="timezone") from None
    for address in values.get("me.emails", []):
        try:
            normalize_email(address)
        except NormalizeError as exc:
            raise InvalidInput(str(exc), field="me.emails") from None


@router.post("/settings/circles", response_class=HTMLResponse)
async def save_circles(request: Request, book: BookDep) -> Response:
    """Each circle's cadence (``every-<id>``: 30d, 6w, never) and weight (``weight-<id>``)."""
    from starlette.concurrency import run_in_threadpool

    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        await run_in_threadpool(set_circles, book, form)
    except AmityError as exc:
        message = str(exc)
        return await run_in_threadpool(lambda: _done(request, book, "circles", error=message))
    return await run_in_threadpool(lambda: _done(request, book, "circles", message="Saved."))


def set_circles(book: Book, form: dict[str, str]) -> None:
    """Validate every circle's values, then store them (nothing half-saved)."""
    from amity.rules.normalize import NormalizeError, parse_cadence

    changes = []
    for circle in book.circles():
        every = form.get(f"every-{circle['id']}", "").strip()
        weight_text = form.get(f"weight-{circle['id']}", "").strip()
        if not every and not weight_text:
            continue
        try:
            if every:
                parse_cadence(every)
            weight = float(weight_text) if weight_text else None
        except (NormalizeError, ValueError):
            raise InvalidInput(
                f"{circle['name']}: a cadence is like 30d, 6w or never and a weight is a number",
                field=f"every-{circle['id']}",
            ) from None
        if weight is not None and not 0 < weight <= 10:
            raise InvalidInput(
                f"{circle['name']}: a weight is above 0 and at most 10",
                field=f"weight-{circle['id']}",
            )
        changes.append((circle["name"], every or None, weight))
    for name, every_value, weight in changes:
        book.circle_settings.set(name, every=every_value, weight=weight)


@router.post("/settings/digest", response_class=HTMLResponse)
def save_digest(
    request: Request,
    book: BookDep,
    enabled: Text = "",
    time: Text = "07:30",
    to: Text = "",
    host: Text = "",
    port: Text = "587",
    user: Text = "",
    password: Text = "",
    tls: Text = "starttls",
    sender: Text = "",
) -> Response:
    try:
        values = digest_values(
            enabled=enabled,
            time=time,
            to=to,
            host=host,
            port=port,
            user=user,
            tls=tls,
            sender=sender,
        )
        for key, value in values.items():
            book.settings.set(key, value)
        if password:  # empty keeps the stored password (it is never shown)
            book.settings.set("smtp.password", password[:500])
    except AmityError as exc:
        return _done(request, book, "digest", error=str(exc))
    return _done(request, book, "digest", message="Saved.")


def digest_values(
    *, enabled: str, time: str, to: str, host: str, port: str, user: str, tls: str, sender: str
) -> dict[str, Any]:
    import re

    from amity.rules.normalize import NormalizeError, normalize_email

    clock = time.strip()
    if not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", clock):
        raise InvalidInput("the digest time is HH:MM, like 07:30", field="digest.time")
    if not port.strip().isdigit() or not 0 < int(port) < 65536:
        raise InvalidInput("the SMTP port is a number like 587", field="smtp.port")
    if tls not in TLS_MODES:
        raise InvalidInput(f"TLS is one of {', '.join(TLS_MODES)}", field="smtp.tls")
    addresses = {}
    for field, value in (("smtp.to", to), ("smtp.from", sender)):
        text = value.strip()
        if text:
            try:
                addresses[field] = normalize_email(text)
            except NormalizeError as exc:
                raise InvalidInput(str(exc), field=field) from None
        else:
            addresses[field] = ""
    for text, field in ((host, "smtp.host"), (user, "smtp.user")):
        if any(c in text for c in "\r\n\0") or len(text) > 300:
            raise InvalidInput(f"{field} is not valid", field=field)
    on = enabled in ("1", "on", "true")
    if on and not (addresses["smtp.to"] and host.strip()):
        raise InvalidInput("to send a digest, give an address and an SMTP server", field="smtp.to")
    return {
        "digest.enabled": on,
        "digest.time": f"{int(clock.split(':')[0]):02d}:{clock[-2:]}",
        "smtp.to": addresses["smtp.to"],
        "smtp.from": addresses["smtp.from"],
        "smtp.host": host.strip(),
        "smtp.port": int(port),
        "smtp.user": user.strip(),
        "smtp.tls": tls,
    }


@router.post("/settings/tokens", response_class=HTMLResponse)
def create_token(request: Request, book: BookDep, name: Text = "", scope: Text = "api") -> Response:
    cfg = config(request)
    try:
        _, token = accounts.create_api_token(
            cfg.engine, book.owner_id, name, now=cfg.clock(), scope=scope
        )
    except AmityError as exc:
        return _done(request, book, "tokens", error=str(exc))
    return _done(
        request,
        book,
        "tokens",
        new_token=token,
        message="Copy the token now: it is not shown again.",
    )


@router.post("/settings/tokens/{token_id}/revoke", response_class=HTMLResponse)
def revoke_token(request: Request, book: BookDep, token_id: int) -> Response:
    cfg = config(request)
    accounts.revoke_api_token(cfg.engine, book.owner_id, token_id, now=cfg.clock())
    return _done(request, book, "tokens", message="Token revoked.")


def _require_admin(request: Request) -> User:
    user: User = request.state.user
    if not user.is_admin:
        from amity.errors import NotFound

        raise NotFound("no such page")
    return user


@router.post("/settings/invitations", response_class=HTMLResponse)
def invite(request: Request, book: BookDep, email: Text = "") -> Response:
    user = _require_admin(request)
    cfg = config(request)
    try:
        token = accounts.create_invitation(cfg.engine, user.id, email, now=cfg.clock())
    except AmityError as exc:
        return _done(request, book, "users", error=str(exc))
    base = cfg.base_url
    return _done(
        request,
        book,
        "users",
        invite_link=f"{base}/invite/{token}",
        message="Send this link to the person you invite; it works once, for 7 days.",
    )


@router.post("/settings/invitations/{invitation_id}/withdraw", response_class=HTMLResponse)
def withdraw(request: Request, book: BookDep, invitation_id: int) -> Response:
    user = _require_admin(request)
    accounts.withdraw_invitation(config(request).engine, user.id, invitation_id)
    return _done(request, book, "users", message="Invitation withdrawn.")
