"""Finding people for the network's parts: names of ids, people by tag, organisation or
title (warm paths and coverage targets), and the instants a day starts and is at noon."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, tzinfo

from sqlalchemy import Connection, func, or_, select

from amity.model import PersonRef
from amity.store import schema as s


def names_of(conn: Connection, owner_id: int, ids: Iterable[int]) -> dict[int, PersonRef]:
    """The people with these ids (archived ones too), by id."""
    wanted = list(ids)
    if not wanted:
        return {}
    p = s.people
    return {
        r.id: PersonRef(r.id, r.name)
        for r in conn.execute(
            select(p.c.id, p.c.name).where(p.c.owner_id == owner_id, p.c.id.in_(wanted))
        )
    }


def people_tagged(conn: Connection, owner_id: int, tag: str) -> list[PersonRef]:
    """Active people with this tag, by name."""
    from amity.rules.normalize import NormalizeError, normalize_tag

    try:
        name = normalize_tag(tag)
    except NormalizeError:
        return []
    p, pt, t = s.people, s.person_tags, s.tags
    return [
        PersonRef(r.id, r.name)
        for r in conn.execute(
            select(p.c.id, p.c.name)
            .join(pt, pt.c.person_id == p.c.id)
            .join(t, t.c.id == pt.c.tag_id)
            .where(p.c.owner_id == owner_id, p.c.archived_at.is_(None), t.c.name == name)
            .order_by(p.c.name_key)
        )
    ]


def _like(text: str) -> str:
    return "%" + text.strip().lower().replace("%", "").replace("_", "") + "%"


def people_at_org(conn: Connection, owner_id: int, org: str) -> list[PersonRef]:
    """Active people whose organisation, or a current job's, contains ``org``."""
    p, j = s.people, s.jobs
    key = _like(org)
    current_job = select(j.c.person_id).where(
        j.c.owner_id == owner_id,
        j.c.end_date.is_(None),
        func.lower(j.c.organisation).like(key),
    )
    return [
        PersonRef(r.id, r.name)
        for r in conn.execute(
            select(p.c.id, p.c.name)
            .where(
                p.c.owner_id == owner_id,
                p.c.archived_at.is_(None),
                or_(func.lower(p.c.org).like(key), p.c.id.in_(current_job)),
            )
            .order_by(p.c.name_key)
        )
    ]


def people_titled(conn: Connection, owner_id: int, title: str) -> list[PersonRef]:
    """Active people whose job title contains ``title``."""
    p = s.people
    return [
        PersonRef(r.id, r.name)
        for r in conn.execute(
            select(p.c.id, p.c.name)
            .where(
                p.c.owner_id == owner_id,
                p.c.archived_at.is_(None),
                func.lower(p.c.title).like(_like(title)),
            )
            .order_by(p.c.name_key)
        )
    ]


def start_of(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def noon_of(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(12), tzinfo=tz).astimezone(UTC)
