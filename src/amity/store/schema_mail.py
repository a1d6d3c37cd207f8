"""Tables of mail sync (issue 11), on the one ``metadata`` of :mod:`amity.store.schema` (which
imports them, so ``schema.mail_correspondents`` is where every table is)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, UniqueConstraint

from amity.store.schema import UTCDateTime, _created, _owner, metadata

# People you write to who are not in the book: proposed, never created, by the mail sync.
# One row per owner and address; the counts come from messages seen once each (a message is
# known by its Message-ID in sync_links), so a rescan never counts twice.
mail_correspondents: Table = Table(
    "mail_correspondents",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(index=False),
    Column("email", String(320), nullable=False),  # lower-cased
    Column("name", String(300)),  # the display name last seen
    Column("sent_count", Integer, nullable=False, server_default="0"),  # you wrote to them
    Column("received_count", Integer, nullable=False, server_default="0"),  # they wrote to you
    Column("first_at", UTCDateTime()),
    Column("last_at", UTCDateTime()),
    Column("last_subject", String(300)),
    Column("status", String(20), nullable=False, server_default="open"),  # open, added, dismissed
    Column("person_id", Integer, ForeignKey("people.id", ondelete="SET NULL"), index=True),
    Column("account_id", Integer, ForeignKey("sync_accounts.id", ondelete="SET NULL"), index=True),
    _created(),
    UniqueConstraint("owner_id", "email"),
    Index("ix_mail_correspondents_owner_status", "owner_id", "status", "sent_count"),
)
