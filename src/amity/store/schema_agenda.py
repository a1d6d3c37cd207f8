"""The agenda's stored share matches (issue 14): the costliest input of the agenda (recent
articles ranked against every profile) kept in the database per owner, for the day, time zone
and profiles version it was found under, so that a new process (`amity today`, a web worker
just started) reads it instead of ranking again. Derived, like the search index: never
journaled, backed up or counted; any change to what matching reads moves the owner's profiles
version (``data_versions``), and an entry under another version, day or zone is not used.
Part of the one schema (``amity.store.schema`` re-exports it)."""

from __future__ import annotations

from sqlalchemy import Column, Date, Integer, String, Table, Text

from amity.store.schema import UTCDateTime, _owner, metadata

agenda_shares: Table = Table(
    "agenda_shares",
    metadata,
    _owner(primary_key=True),
    Column("day", Date, nullable=False),
    Column("zone", String(64), nullable=False),
    Column("profiles_version", Integer, nullable=False),
    Column("payload", Text, nullable=False),  # JSON: amity.book.agenda.stored
    Column("built_at", UTCDateTime(), nullable=False),
)
