"""Relationship health (0-100, with its factors) and the relationships drifting apart."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from amity.book.agenda.loader import load_awaiting_replies
from amity.book.agenda.part import check_day
from amity.book.agenda.people import load_people
from amity.book.context import BookContext
from amity.book.people import People
from amity.errors import InvalidInput, NotFound
from amity.rules.agenda import (
    AgendaState,
    done_contact_dates,
    effective_last_contact,
)
from amity.rules.dates import local_date, time_zone
from amity.store import schema as s

if TYPE_CHECKING:  # loaded on first use: `amity today` imports this module
    from amity.rules.health import HealthInput, Touch
    from amity.rules.reliability import PromiseRecord

HEALTH_HISTORY_DAYS = 365 + 180 + 30  # reciprocity year + frequency windows + drift period


class RelationshipHealth:
    def __init__(self, ctx: BookContext, people: People) -> None:
        self._ctx = ctx
        self._people = people

    def of(self, ref: str | int, *, today: date | None = None) -> Any:
        """One person's health (0-100) with its five factors."""
        from amity.rules.health import health

        with self._ctx.read() as conn:
            person = self._people.resolve_in(conn, ref)
            day, inputs = self._inputs(conn, today, person.id)
        if not inputs:
            raise NotFound(f"{person.name} is archived: no health to show")
        return health(inputs[0], day)

    def all(self, *, today: date | None = None) -> list[Any]:
        """Everyone's health, weakest first."""
        from amity.rules.health import health

        with self._ctx.read() as conn:
            day, inputs = self._inputs(conn, today, None)
        results = [health(data, day) for data in inputs]
        results.sort(key=lambda h: (h.score, h.person.name, h.person.id))
        return results

    def drifting(
        self, *, today: date | None = None, period_days: int = 30, limit: int | None = 10
    ) -> list[Any]:
        """Relationships whose health fell the most over ``period_days``."""
        from amity.rules.health import drifting

        if not 1 <= period_days <= 365:
            raise InvalidInput("the period is between 1 and 365 days", field="period")
        if limit is not None and limit < 1:
            raise InvalidInput("limit must be at least 1", field="limit")
        with self._ctx.read() as conn:
            day, inputs = self._inputs(conn, today, None)
        return drifting(inputs, day, period_days=period_days, limit=limit)

    def _inputs(
        self, conn: Connection, today: date | None, person_id: int | None
    ) -> tuple[date, list[HealthInput]]:
        """Everyone's (or one person's) health inputs for ``today``: five queries."""
        from amity.rules.cadence import contact_start, effective_cadence
        from amity.rules.health import HealthInput

        check_day(today)
        owner = self._ctx.owner_id
        tz_name = self._ctx.setting("timezone", conn)
        tz = time_zone(tz_name)
        day = today or self._ctx.today(conn)
        since = datetime.combine(day - timedelta(days=HEALTH_HISTORY_DAYS), time(0), tzinfo=tz)
        touches = _touches(conn, owner, person_id, since, tz)
        promises = _promises(conn, owner, person_id, tz)
        awaiting: dict[int, list[date]] = defaultdict(list)
        for reply in load_awaiting_replies(conn, owner):
            awaiting[reply.person_id].append(local_date(reply.occurred_at, tz))
        done = done_contact_dates(_done_keep_in_touch(conn, owner, person_id), tz_name)
        inputs = []
        for person in load_people(conn, owner, person_id):
            added = None if person.created_at is None else local_date(person.created_at, tz)
            inputs.append(
                HealthInput(
                    person=person.ref,
                    cadence_days=effective_cadence(person.cadence_days, person.circle_cadence_days),
                    touches=touches.get(person.id, ()),
                    started_on=contact_start(None, added, person.met_on)[0],
                    last_contact=effective_last_contact(
                        person.last_interaction_at, done.get(person.id), tz
                    ),
                    promises=promises.get(person.id, ()),
                    awaiting_since=awaiting.get(person.id, ()),
                )
            )
        return day, inputs


def _touches(
    conn: Connection, owner_id: int, person_id: int | None, since: datetime, tz: tzinfo
) -> dict[int, list[Touch]]:
    """Done interactions since ``since``, per person, as local days and directions."""
    from amity.rules.health import Touch

    ip = s.interaction_participants
    query = select(ip.c.person_id, ip.c.occurred_at, ip.c.direction).where(
        ip.c.owner_id == owner_id, ip.c.status == "done", ip.c.occurred_at >= since
    )
    if person_id is not None:
        query = query.where(ip.c.person_id == person_id)
    touches: dict[int, list[Touch]] = defaultdict(list)
    for touch in conn.execute(query):
        touches[touch.person_id].append(Touch(local_date(touch.occurred_at, tz), touch.direction))
    return touches


def _promises(
    conn: Connection, owner_id: int, person_id: int | None, tz: tzinfo
) -> dict[int, list[PromiseRecord]]:
    """Every promise, both ways, per person (the day it was kept as a local day)."""
    from amity.rules.reliability import PromiseRecord

    c = s.commitments
    query = select(c.c.id, c.c.person_id, c.c.direction, c.c.due_on, c.c.status, c.c.done_at).where(
        c.c.owner_id == owner_id
    )
    if person_id is not None:
        query = query.where(c.c.person_id == person_id)
    promises: dict[int, list[PromiseRecord]] = defaultdict(list)
    for row in conn.execute(query):
        done_on = None if row.done_at is None else local_date(row.done_at, tz)
        promises[row.person_id].append(
            PromiseRecord(row.id, row.person_id, row.direction, row.due_on, row.status, done_on)
        )
    return promises


def _done_keep_in_touch(
    conn: Connection, owner_id: int, person_id: int | None
) -> list[AgendaState]:
    """Keep-in-touch items marked done (they count as contact)."""
    t = s.agenda_states
    pattern = "keep\\_in\\_touch:%" if person_id is None else f"keep\\_in\\_touch:p{person_id}:%"
    query = select(t.c.item_key, t.c.state, t.c.acted_at, t.c.until).where(
        t.c.owner_id == owner_id, t.c.state == "done", t.c.item_key.like(pattern, escape="\\")
    )
    return [AgendaState(r.item_key, r.state, r.acted_at, r.until) for r in conn.execute(query)]


__all__ = ["RelationshipHealth"]
