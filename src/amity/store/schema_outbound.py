"""The tables of notification channels, webhook subscriptions, the webhook outbox and their
delivery logs (issue 13): part of the one schema (``amity.store.schema`` re-exports them), in
their own module so that neither file grows past 700 lines."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from amity.store.schema import UTCDateTime, _created, _owner, metadata


def _cascade(name: str, target: str) -> Column[int]:
    return Column(name, Integer, ForeignKey(target, ondelete="CASCADE"), nullable=False, index=True)


notify_channels: Table = Table(
    "notify_channels",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    Column("name", String(100), nullable=False),
    Column("url_sealed", Text, nullable=False),  # the Apprise URL, sealed (amity.crypto)
    Column("masked", String(300), nullable=False),  # shown instead: scheme://host/***
    Column("enabled", Boolean, nullable=False, server_default="1"),
    _created(),
)

notify_deliveries: Table = Table(
    "notify_deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    _cascade("channel_id", "notify_channels.id"),
    Column("item_key", String(200), nullable=False),  # digest, an agenda key, test:...
    Column("day", Date, nullable=False),
    Column("kind", String(30), nullable=False),
    Column("title", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("status", String(20), nullable=False),  # pending, sent, failed, gave_up
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UTCDateTime()),
    Column("leased_until", UTCDateTime()),
    Column("error", String(1000)),
    _created(),
    Column("sent_at", UTCDateTime()),
    UniqueConstraint("owner_id", "channel_id", "item_key", "day"),
    Index("ix_notify_deliveries_owner_created", "owner_id", "created_at"),
    Index("ix_notify_deliveries_status_next", "status", "next_attempt_at"),
)

webhook_subscriptions: Table = Table(
    "webhook_subscriptions",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    Column("url", String(2000), nullable=False),
    Column("events", Text, nullable=False),  # JSON list of event types
    Column("secret_sealed", Text, nullable=False),  # whsec_..., sealed (amity.crypto)
    Column("enabled", Boolean, nullable=False, server_default="1"),
    Column("failures", Integer, nullable=False, server_default="0"),  # in a row
    Column("disabled_reason", String(1000)),
    _created(),
)

webhook_events: Table = Table(  # the outbox: written in the transaction of the write it reports
    "webhook_events",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    Column("msg_id", String(64), nullable=False, unique=True),
    Column("event_type", String(50), nullable=False),
    Column("payload", Text, nullable=False),  # JSON, as sent
    _created(),
)

webhook_deliveries: Table = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    _cascade("subscription_id", "webhook_subscriptions.id"),
    _cascade("event_id", "webhook_events.id"),
    Column("status", String(20), nullable=False),  # pending, sent, failed, gave_up
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UTCDateTime()),
    Column("leased_until", UTCDateTime()),
    Column("status_code", Integer),
    Column("error", String(1000)),
    _created(),
    Column("delivered_at", UTCDateTime()),
    UniqueConstraint("subscription_id", "event_id"),
    Index("ix_webhook_deliveries_owner_created", "owner_id", "created_at"),
    Index("ix_webhook_deliveries_status_next", "status", "next_attempt_at"),
)
