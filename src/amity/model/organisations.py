"""Organisations as data (issue 12 section 4): a company card is an organisation, not a person;
people work there through their jobs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class Organisation:
    name: str
    website: str | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    address: str | None = None
    notes: str | None = None
    uid: str | None = None
    id: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    people_count: int = 0  # people whose current job is here


@dataclass(frozen=True)
class Member:
    """Someone who works (or worked) at an organisation, from their jobs."""

    person_id: int
    name: str
    title: str | None
    current: bool
    since: date | None = None
    until: date | None = None
