"""Tables of calendar syncs (issue 11): one row per event instance a CalDAV calendar or an ICS
address holds, on the one ``metadata`` of :mod:`amity.store.schema` (which imports them)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from amity.store.schema import UTCDateTime, _owner, metadata
from amity.store.schema_sync import account_column

calendar_events: Table = Table(
    "calendar_events",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(index=False),
    account_column(index=False),
    # the CalDAV resource (href) that holds the event, or "" for an ICS address's one feed
    Column("resource", String(1000), nullable=False, server_default=""),
    Column("etag", String(300)),  # of the resource, as last pulled
    Column("uid", String(300), nullable=False),
    # the instance's original start (UTC ISO), "" for an event that does not recur
    Column("recurrence_id", String(40), nullable=False, server_default=""),
    Column(
        "interaction_id", Integer, ForeignKey("interactions.id", ondelete="SET NULL"), index=True
    ),
    # meeting (linked to interaction_id), skipped (no one in the book, a broadcast),
    # cancelled, removed (gone from the calendar while still planned)
    Column("state", String(20), nullable=False),
    Column("starts_at", UTCDateTime(), nullable=False),
    Column("fingerprint", String(64), nullable=False),  # what was applied, hashed
    Column("responses", Text),  # JSON: attendee e-mail -> PARTSTAT
    Column("synced_at", UTCDateTime(), nullable=False),
    UniqueConstraint("account_id", "uid", "recurrence_id"),
    Index("ix_calendar_events_owner_account", "owner_id", "account_id", "resource"),
)
