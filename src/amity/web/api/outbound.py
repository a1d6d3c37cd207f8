"""Notification channels (Apprise URLs, never returned: only masked) and signed webhooks."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from amity.book import Book
from amity.serialize import (
    channel_json,
    notify_delivery_json,
    subscription_json,
    webhook_delivery_json,
)
from amity.web.api import errors as e
from amity.web.api.schemas import MAX_ID, Storable, Str100, Strict
from amity.web.deps import get_book

router = APIRouter()
BookDep = Annotated[Book, Depends(get_book)]
ChannelId = Annotated[int, Path(ge=1, le=MAX_ID, description="The channel's id")]
WebhookId = Annotated[int, Path(ge=1, le=MAX_ID, description="The webhook's id")]
Limit = Annotated[int, Query(ge=1, le=1000)]
UrlText = Annotated[str, Field(min_length=1, max_length=2000), Storable]
EventName = Literal[
    "person.created",
    "person.updated",
    "interaction.logged",
    "promise.created",
    "promise.kept",
    "agenda.item.done",
    "all",
]


class ChannelCreate(Strict):
    url: UrlText = Field(description="An Apprise URL, e.g. ntfy://ntfy.sh/my-topic")
    name: Str100 | None = None


class ChannelOut(BaseModel):
    id: int
    name: str
    masked: str
    enabled: bool
    created_at: str
    last_status: str | None
    last_error: str | None
    last_at: str | None
    failing: bool


class NotifyDeliveryOut(BaseModel):
    id: int
    channel_id: int
    channel: str
    kind: str
    item_key: str
    day: str
    title: str
    status: str
    attempts: int
    error: str | None
    created_at: str
    sent_at: str | None
    next_attempt_at: str | None


class PreferencesIn(Strict):
    model_config = ConfigDict(extra="forbid", strict=True)  # true is not a number of days

    digest: bool | None = None
    promises: bool | None = None
    dates: bool | None = None
    replies: bool | None = None
    reply_after_days: Annotated[int, Field(ge=0, le=365)] | None = None
    follow_ups: bool | None = None
    quiet_start: Annotated[str, Field(max_length=5, pattern=r"^(\d{1,2}:\d{2})?$")] | None = None
    quiet_end: Annotated[str, Field(max_length=5, pattern=r"^(\d{1,2}:\d{2})?$")] | None = None


class PreferencesOut(BaseModel):
    digest: bool
    promises: bool
    dates: bool
    replies: bool
    reply_after_days: int
    follow_ups: bool
    quiet_start: str | None
    quiet_end: str | None


class WebhookCreate(Strict):
    url: UrlText = Field(description="An http(s) URL that accepts POST")
    events: list[EventName] = Field(min_length=1, max_length=10)


class WebhookOut(BaseModel):
    id: int
    url: str
    events: list[str]
    enabled: bool
    failures: int
    disabled_reason: str | None
    created_at: str


class WebhookCreated(WebhookOut):
    secret: str = Field(description="The signing secret (whsec_...): shown only now")


class WebhookDeliveryOut(BaseModel):
    id: int
    subscription_id: int
    url: str
    event_type: str
    msg_id: str
    status: str
    attempts: int
    status_code: int | None
    error: str | None
    created_at: str
    delivered_at: str | None
    next_attempt_at: str | None


# --- notifications --------------------------------------------------------------------------


@router.get(
    "/notify/channels",
    response_model=list[ChannelOut],
    responses=e.READ,
    tags=["notify"],
    summary="Notification channels (addresses masked)",
)
def list_channels(book: BookDep) -> list[dict[str, Any]]:
    return [channel_json(c) for c in book.notifications.channels()]


@router.post(
    "/notify/channels",
    response_model=ChannelOut,
    status_code=status.HTTP_201_CREATED,
    responses=e.WRITE,
    tags=["notify"],
    summary="Add a channel (an Apprise URL, stored encrypted)",
)
def add_channel(book: BookDep, body: ChannelCreate) -> dict[str, Any]:
    from amity.notify.channels import check_channel_url

    check_channel_url(body.url)
    return channel_json(book.notifications.add_channel(body.url, name=body.name))


@router.delete(
    "/notify/channels/{channel_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=e.WRITE_ONE,
    tags=["notify"],
    summary="Remove a channel and its log",
)
def remove_channel(book: BookDep, channel_id: ChannelId) -> Response:
    book.notifications.remove_channel(channel_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/notify/channels/{channel_id}/test",
    response_model=NotifyDeliveryOut,
    responses=e.WRITE_ONE,
    tags=["notify"],
    summary="Send a test notification now; answers with the channel's result",
)
def test_channel(book: BookDep, channel_id: ChannelId) -> dict[str, Any]:
    from amity.notify.channels import send

    return notify_delivery_json(book.notifications.send_test(channel_id, send))


@router.get(
    "/notify/deliveries",
    response_model=list[NotifyDeliveryOut],
    responses=e.READ_ONE,
    tags=["notify"],
    summary="What was sent, newest first",
)
def notify_log(
    book: BookDep,
    limit: Limit = 50,
    channel: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> list[dict[str, Any]]:
    rows = book.notifications.deliveries(limit=limit, channel=channel)
    return [notify_delivery_json(d) for d in rows]


def _preferences(prefs: Any) -> dict[str, Any]:
    return {
        "digest": prefs.digest,
        "promises": prefs.promises,
        "dates": prefs.dates,
        "replies": prefs.replies,
        "reply_after_days": prefs.reply_after_days,
        "follow_ups": prefs.follow_ups,
        "quiet_start": None if prefs.quiet_start is None else prefs.quiet_start.strftime("%H:%M"),
        "quiet_end": None if prefs.quiet_end is None else prefs.quiet_end.strftime("%H:%M"),
    }


@router.get(
    "/notify/preferences",
    response_model=PreferencesOut,
    responses=e.READ,
    tags=["notify"],
    summary="What is sent, and the quiet hours",
)
def get_preferences(book: BookDep) -> dict[str, Any]:
    return _preferences(book.notifications.preferences())


@router.patch(
    "/notify/preferences",
    response_model=PreferencesOut,
    responses=e.WRITE,
    tags=["notify"],
    summary="Change what is sent, or the quiet hours",
)
def set_preferences(book: BookDep, body: PreferencesIn) -> dict[str, Any]:
    values = {f"notify.{k}": v for k, v in body.model_dump(exclude_none=True).items()}
    return _preferences(book.notifications.set_preferences(values))


# --- webhooks -------------------------------------------------------------------------------


@router.get(
    "/webhooks",
    response_model=list[WebhookOut],
    responses=e.READ,
    tags=["webhooks"],
    summary="Webhook subscriptions",
)
def list_webhooks(book: BookDep) -> list[dict[str, Any]]:
    return [subscription_json(w) for w in book.webhooks.subscriptions()]


@router.post(
    "/webhooks",
    response_model=WebhookCreated,
    status_code=status.HTTP_201_CREATED,
    responses=e.WRITE,
    tags=["webhooks"],
    summary="Subscribe a URL to events; the signing secret is returned once",
)
def add_webhook(book: BookDep, body: WebhookCreate) -> dict[str, Any]:
    sub, secret = book.webhooks.subscribe(body.url, list(body.events))
    return {**subscription_json(sub), "secret": secret}


@router.delete(
    "/webhooks/{webhook_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=e.WRITE_ONE,
    tags=["webhooks"],
    summary="Remove a subscription and its log",
)
def remove_webhook(book: BookDep, webhook_id: WebhookId) -> Response:
    book.webhooks.unsubscribe(webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/webhooks/{webhook_id}/enable",
    response_model=WebhookOut,
    responses=e.WRITE_ONE,
    tags=["webhooks"],
    summary="Turn a disabled subscription back on",
)
def enable_webhook(book: BookDep, webhook_id: WebhookId) -> dict[str, Any]:
    return subscription_json(book.webhooks.enable(webhook_id))


@router.get(
    "/webhooks/deliveries",
    response_model=list[WebhookDeliveryOut],
    responses=e.READ_ONE,
    tags=["webhooks"],
    summary="Webhook deliveries, newest first",
)
def webhook_log(
    book: BookDep,
    limit: Limit = 50,
    webhook: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> list[dict[str, Any]]:
    rows = book.webhooks.deliveries(limit=limit, subscription=webhook)
    return [webhook_delivery_json(d) for d in rows]
