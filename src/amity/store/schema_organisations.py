"""Organisations (issue 12 section 4): company cards, ``KIND:org`` cards and CSV rows with a
company but no person's name, kept as organisations and never as people. People are linked
through their jobs (``jobs.organisation``, matched case-insensitively). Part of the one schema
(``amity.store.schema`` re-exports it)."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text, UniqueConstraint

from amity.store.schema import UTCDateTime, _created, _owner, metadata

organisations: Table = Table(
    "organisations",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(index=False),  # the unique key below leads with owner_id
    Column("name", String(300), nullable=False),
    Column("name_key", String(300), nullable=False),  # rules.organisations.organisation_key
    Column("website", String(500)),
    Column("emails", Text),  # JSON list, as the card has them
    Column("phones", Text),  # JSON list
    Column("address", Text),
    Column("notes", Text),
    Column("uid", String(300)),  # the card's UID (or one derived from the file): re-imports
    _created(),
    Column("updated_at", UTCDateTime(), nullable=False),
    UniqueConstraint("owner_id", "name_key", name="uq_organisations_owner_name"),
    Index("ix_organisations_owner_uid", "owner_id", "uid"),
)

__all__ = ["organisations"]
