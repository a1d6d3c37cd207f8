"""Settings: notification channels (add, test at once, remove, what to send) and webhooks (add,
turn back on, remove). Each route calls one Book method and re-renders the Settings page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from amity.errors import AmityError
from amity.web.pages.common import BookDep, Text
from amity.web.pages.settings import _done

router = APIRouter(include_in_schema=False)
Checkbox = Annotated[str, Form()]
Texts = Annotated[list[str], Form()]


@router.post("/settings/notify/channels", response_class=HTMLResponse)
def add_channel(request: Request, book: BookDep, url: Text = "", name: Text = "") -> Response:
    from amity.notify.channels import check_channel_url

    try:
        check_channel_url(url)
        channel = book.notifications.add_channel(url, name=name.strip() or None)
    except AmityError as exc:
        return _done(request, book, "notify", error=str(exc))
    return _done(request, book, "notify", message=f"Channel {channel.name} added.")


@router.post("/settings/notify/channels/{channel_id}/test", response_class=HTMLResponse)
def test_channel(request: Request, book: BookDep, channel_id: int) -> Response:
    from amity.notify.channels import send

    delivery = book.notifications.send_test(channel_id, send)
    if delivery.status == "sent":
        return _done(request, book, "notify", message=f"Test sent through {delivery.channel}.")
    return _done(request, book, "notify", error=f"The test failed: {delivery.error}")


@router.post("/settings/notify/channels/{channel_id}/remove", response_class=HTMLResponse)
def remove_channel(request: Request, book: BookDep, channel_id: int) -> Response:
    gone = book.notifications.remove_channel(channel_id)
    return _done(request, book, "notify", message=f"Channel {gone.name} removed.")


@router.post("/settings/notify/preferences", response_class=HTMLResponse)
def save_preferences(
    request: Request,
    book: BookDep,
    digest: Checkbox = "",
    promises: Checkbox = "",
    dates: Checkbox = "",
    replies: Checkbox = "",
    follow_ups: Checkbox = "",
    reply_after_days: Text = "3",
    quiet_start: Text = "",
    quiet_end: Text = "",
) -> Response:
    values = {
        "notify.digest": bool(digest),
        "notify.promises": bool(promises),
        "notify.dates": bool(dates),
        "notify.replies": bool(replies),
        "notify.follow_ups": bool(follow_ups),
        "notify.reply_after_days": reply_after_days.strip() or "3",
        "notify.quiet_start": quiet_start.strip(),
        "notify.quiet_end": quiet_end.strip(),
    }
    try:
        book.notifications.set_preferences(values)
    except AmityError as exc:
        return _done(request, book, "notify", error=str(exc))
    return _done(request, book, "notify", message="Saved.")


@router.post("/settings/webhooks", response_class=HTMLResponse)
def add_webhook(request: Request, book: BookDep, url: Text = "", events: Texts = []) -> Response:  # noqa: B006
    try:
        sub, secret = book.webhooks.subscribe(url, events)
    except AmityError as exc:
        return _done(request, book, "webhooks", error=str(exc))
    return _done(
        request,
        book,
        "webhooks",
        message=f"Webhook {sub.id} added: copy its signing secret now.",
        new_secret=secret,
    )


@router.post("/settings/webhooks/{webhook_id}/enable", response_class=HTMLResponse)
def enable_webhook(request: Request, book: BookDep, webhook_id: int) -> Response:
    book.webhooks.enable(webhook_id)
    return _done(request, book, "webhooks", message="Webhook turned back on.")


@router.post("/settings/webhooks/{webhook_id}/remove", response_class=HTMLResponse)
def remove_webhook(request: Request, book: BookDep, webhook_id: int) -> Response:
    book.webhooks.unsubscribe(webhook_id)
    return _done(request, book, "webhooks", message="Webhook removed.")
