"""Tables of connected accounts (issue 10, shared by every source kind), of the CardDAV server
under /dav/, and of work milestones, on the one ``metadata`` of :mod:`amity.store.schema`
(which imports them, so ``schema.sync_accounts`` is where every table is)."""

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

from amity.store.schema import UTCDateTime, _created, _owner, _person, metadata


def account_column(*, index: bool = True) -> Column[int]:
    """The account a row belongs to (deleted with it)."""
    return Column(
        "account_id",
        Integer,
        ForeignKey("sync_accounts.id", ondelete="CASCADE"),
        nullable=False,
        index=index,
    )


# --- work milestones (issue 10) ---------------------------------------------------------------

job_changes: Table = Table(
    "job_changes",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    _person(),
    Column("kind", String(20), nullable=False),  # new_job, promotion
    Column("from_org", String(300)),
    Column("from_title", String(300)),
    Column("to_org", String(300)),
    Column("to_title", String(300)),
    Column("learned_on", Date, nullable=False),
    Column("source", String(50)),  # carddav, vcard, linkedin...
    _created(),
    Index("ix_job_changes_owner_learned", "owner_id", "learned_on"),
)

# --- connected accounts (issue 10; shared by every source kind) ------------------------------

sync_accounts: Table = Table(
    "sync_accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    Column("kind", String(20), nullable=False),  # carddav, caldav, ics, imap
    Column("name", String(200), nullable=False),
    Column("url", String(2000), nullable=False),
    Column("username", String(320)),
    Column("secret", Text),  # sealed by amity.crypto (purpose "sync"), never in clear
    Column("options", Text, nullable=False, server_default="{}"),  # JSON, per kind
    Column("cursor", Text, nullable=False, server_default="{}"),  # JSON, opaque per kind
    Column("enabled", Boolean, nullable=False, server_default="1"),
    Column("interval_minutes", Integer, nullable=False, server_default="15"),
    Column("next_run_at", UTCDateTime()),
    Column("failures", Integer, nullable=False, server_default="0"),  # in a row
    Column("last_error", Text),  # redacted
    Column("last_run_at", UTCDateTime()),
    Column("last_success_at", UTCDateTime()),
    Column("lease_until", UTCDateTime()),  # one run at a time per account, across workers
    Column("lease_token", String(64)),
    _created(),
    UniqueConstraint("owner_id", "name"),
    Index("ix_sync_accounts_due", "enabled", "next_run_at"),
)

sync_runs: Table = Table(
    "sync_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    account_column(),
    Column("trigger", String(20), nullable=False),  # manual, scheduler
    Column("status", String(20), nullable=False),  # running, ok, failed
    Column("started_at", UTCDateTime(), nullable=False),
    Column("finished_at", UTCDateTime()),
    Column("counts", Text, nullable=False, server_default="{}"),  # JSON outcome -> n
    Column("details", Text, nullable=False, server_default="{}"),  # JSON: requests, reconciled
    Column("error", Text),  # redacted
    Index("ix_sync_runs_owner_account", "owner_id", "account_id", "started_at"),
)

sync_items: Table = Table(
    "sync_items",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    Column(
        "run_id",
        Integer,
        ForeignKey("sync_runs.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("direction", String(10), nullable=False),  # pull, push
    # created, updated, unchanged, conflict, error, skipped, deleted
    Column("outcome", String(20), nullable=False),
    Column("remote_ref", String(1000)),  # href, Message-ID, UID...
    Column("uid", String(300)),
    Column("record_kind", String(20)),  # person, interaction
    Column("record_id", Integer),
    Column("label", String(300)),
    Column("reason", Text),
    Index("ix_sync_items_owner_run", "owner_id", "run_id"),
)

sync_links: Table = Table(
    "sync_links",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    account_column(),
    Column("collection", String(1000), nullable=False, server_default=""),
    Column("remote_ref", String(1000), nullable=False),
    Column("remote_uid", String(300)),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="SET NULL"), index=True),
    Column(
        "interaction_id", Integer, ForeignKey("interactions.id", ondelete="SET NULL"), index=True
    ),
    Column("etag", String(300)),
    Column("base", Text),  # the remote item as last synced: the merge base, kept byte for byte
    Column("local_base", Text),  # JSON: Amity's side as last synced
    Column("synced_at", UTCDateTime(), nullable=False),
    UniqueConstraint("account_id", "remote_ref"),
    Index("ix_sync_links_owner_account", "owner_id", "account_id"),
)

sync_conflicts: Table = Table(
    "sync_conflicts",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    account_column(),
    Column("run_id", Integer, ForeignKey("sync_runs.id", ondelete="SET NULL"), index=True),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), index=True),
    Column("remote_ref", String(1000)),
    Column("field", String(50), nullable=False),
    Column("base_value", Text),  # JSON
    Column("amity_value", Text),  # JSON
    Column("server_value", Text),  # JSON
    Column("kept", String(10), nullable=False),  # amity, server: what the rule applied
    _created(),
    Column("resolved_at", UTCDateTime()),
    Column("resolution", String(10)),  # amity, server
    Index("ix_sync_conflicts_owner_open", "owner_id", "resolved_at"),
)

# --- the CardDAV server under /dav/ (issue 10) ---------------------------------------------------

dav_cards: Table = Table(
    "dav_cards",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="SET NULL"), index=True),
    Column("name", String(300), nullable=False),  # the resource name: <uid>.vcf
    Column("uid", String(300)),
    Column("body", Text),  # the card a client last PUT: its unknown properties are served back
    Column("state", String(64)),  # hash of Amity's fields and the body at the last refresh
    Column("etag", String(64), nullable=False),
    Column("seq", Integer, nullable=False),  # change number: the sync-token is the owner's max
    Column("deleted_at", UTCDateTime()),  # a tombstone, for sync-collection
    UniqueConstraint("owner_id", "name"),
    Index("ix_dav_cards_owner_seq", "owner_id", "seq"),
)

dav_state: Table = Table(
    "dav_state",
    metadata,
    _owner(primary_key=True),
    Column("seq", Integer, nullable=False, server_default="0"),
)
