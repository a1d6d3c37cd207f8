"""The people the agenda may be about, filtered in SQL (a superset: the engine decides
exactly), and every active person as the engine's :class:`PersonInput`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    Float,
    Integer,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    or_,
    select,
)

from amity.rules.agenda import MAX_TIMING, AgendaSettings, PersonInput
from amity.store import schema as s

MAX_REFERENCED_IN_QUERY = 20_000  # bound parameters: SQLite allows 32,766
FLOAT_SLACK = 1e-9


def _days_since(conn: Connection, column: Any, today: date) -> Any:
    """Whole days from the UTC date of ``column`` to ``today`` (the local date differs by at
    most one day either way)."""
    if conn.dialect.name == "sqlite":
        return func.julianday(literal(today.isoformat())) - func.julianday(func.date(column))
    return cast(literal(today, Date) - cast(column, Date), Float)


def _capped(ratio: Any) -> Any:
    return case((ratio > MAX_TIMING, MAX_TIMING), else_=ratio)


def load_agenda_people(
    conn: Connection,
    owner_id: int,
    today: date,
    settings: AgendaSettings,
    explicit: set[int],
    *,
    limit: int | None = None,
) -> list[PersonInput]:
    """The active people who may be on today's agenda, filtered in SQL: those whose last
    contact (or, never contacted, their creation) is old enough for their cadence, those met
    recently, and ``explicit`` ones (referred to by another input or by a stored state).

    The filter is a superset: SQL counts days between UTC dates, which differ from local ones
    by at most a day, so it keeps two days of slack; done items only move a last contact
    later; the engine decides exactly. With a ``limit``, keep-in-touch candidates are also
    cut at a score floor: the ``limit``-th best *lower bound* of the keep-in-touch score among
    people nothing else touches; whoever's *upper bound* is below it cannot make the list.
    """
    if len(explicit) > MAX_REFERENCED_IN_QUERY:
        return load_people(conn, owner_id)
    p, c = s.people, s.circles
    cadence = func.coalesce(p.c.cadence_days, c.c.cadence_days)
    days = _days_since(conn, func.coalesce(p.c.last_interaction_at, p.c.created_at), today)
    soft_days = cadence * settings.soft_threshold
    may_be_due = and_(cadence > 0, days + 2 >= soft_days)
    met_since = today - timedelta(
        days=settings.new_contact_follow_up_days + settings.new_contact_window_days
    )
    if limit is not None:
        floor = _score_floor(conn, owner_id, limit, explicit, days, cadence, soft_days, met_since)
        if floor is not None:
            upper = _capped((days + 1) / cadence) * func.coalesce(c.c.weight, 1.0)
            may_be_due = and_(may_be_due, upper >= floor - FLOAT_SLACK)
    wanted = [p.c.met_on >= met_since, may_be_due]
    if explicit:
        wanted.append(p.c.id.in_(_ids(explicit)))
    return load_people(conn, owner_id, where=or_(*wanted))


def _score_floor(
    conn: Connection,
    owner_id: int,
    limit: int,
    explicit: set[int],
    days: Any,
    cadence: Any,
    soft_days: Any,
    met_since: date,
) -> float | None:
    """The ``limit``-th best lower bound of the keep-in-touch score among people surely due
    and touched by nothing else (no state, no other item, not met recently), or None."""
    p, c = s.people, s.circles
    lower = case(
        (and_(p.c.last_interaction_at.is_(None), p.c.met_on.is_not(None)), 0.0),
        else_=_capped((days - 1) / cadence),
    ) * func.coalesce(c.c.weight, 1.0)
    clean = [
        active_people(owner_id),
        cadence > 0,
        days - 2 >= soft_days,
        or_(p.c.met_on.is_(None), p.c.met_on < met_since),
    ]
    if explicit:
        clean.append(p.c.id.not_in(_ids(explicit)))
    floor = conn.execute(
        select(lower)
        .select_from(p.outerjoin(c, c.c.id == p.c.circle_id))
        .where(*clean)
        .order_by(lower.desc())
        .limit(1)
        .offset(limit - 1)
    ).scalar()
    return None if floor is None else float(floor)


def _ids(ids: set[int]) -> Any:
    """An expanding parameter: the statement is built (and cached) once, not an expression of
    hundreds of literals coerced on every call."""
    return bindparam("ids", sorted(ids), expanding=True, type_=Integer)


def active_people(owner_id: int) -> Any:
    p = s.people
    return and_(p.c.owner_id == owner_id, p.c.archived_at.is_(None), p.c.is_group.is_(False))


def load_people(
    conn: Connection, owner_id: int, person_id: int | None = None, *, where: Any = None
) -> list[PersonInput]:
    """Active people as the engine's PersonInput (a hot path on big books: the columns are
    selected in the dataclass's field order and passed positionally)."""
    p, c = s.people, s.circles
    query = (
        select(
            p.c.id,
            p.c.name,
            c.c.name,
            c.c.cadence_days,
            func.coalesce(c.c.weight, 1.0),
            p.c.cadence_days,
            p.c.created_at,
            p.c.met_on,
            p.c.met_event_id,
            p.c.last_interaction_at,
            p.c.preferred_channel,
            p.c.timezone,
        )
        .select_from(p.outerjoin(c, c.c.id == p.c.circle_id))
        .where(active_people(owner_id))
    )
    if person_id is not None:
        query = query.where(p.c.id == person_id)
    if where is not None:
        query = query.where(where)
    return [PersonInput(*row) for row in conn.execute(query)]


__all__ = ["active_people", "load_agenda_people", "load_people"]
