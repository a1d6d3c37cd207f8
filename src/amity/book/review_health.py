"""The review's health (issue 14): everyone's touch counts, cadence and promises as
:class:`~amity.rules.health.HealthInput` (loaded for everyone, or for a few people), and which
people a book's changes since a kept judgement touched (read from the journal).

Drifting judges every person in touch on three days, which costs a book-sized pass (0.5 s at
10,000 people); the judgement (:class:`~amity.rules.review.Judged`, a few scores a person) is
kept, and after a write only the people the write touched are judged again. Which ones comes
from the journal (``change_groups``/``changes``, one group per journaled write): the change
groups since the judgement must account for every write since (the data version moved by
exactly their number), none may be a bulk import, and no circle may have changed; otherwise
the whole book is judged again. A setting (unjournaled) moves the version without a group,
so it too means judging again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import Connection, and_, case, func, select, type_coerce

from amity.model import PersonRef
from amity.rules.cadence import effective_cadence
from amity.rules.dates import local_date
from amity.rules.health import Counts, HealthInput
from amity.rules.reliability import PromiseRecord
from amity.rules.review import Judged
from amity.store import schema as s
from amity.store.schema import UTCDateTime

NO_TOUCH = Counts(None, 0, 0, 0, 0)
WHOLE_BOOK = frozenset({"circles"})  # a circle's cadence or name: everyone is judged again
PER_PERSON = frozenset({"people", "interaction_participants", "commitments"})
MAX_CHANGED = 500  # more people touched than this: judging everyone is as quick


@dataclass(frozen=True)
class Kept:
    """A judgement of everyone, and what it was made from."""

    version: int  # the owner's data version it was made under
    last_group: int  # the newest change group it includes
    zone: str  # the time zone local days were counted in
    judged: dict[int, Judged]


def last_group(conn: Connection, owner_id: int) -> int:
    g = s.change_groups
    found = conn.execute(select(func.max(g.c.id)).where(g.c.owner_id == owner_id)).scalar()
    return int(found or 0)


def changed_people(conn: Connection, owner_id: int, kept: Kept, version: int) -> set[int] | None:
    """The people whose health inputs changed since ``kept`` was made, or None when the
    journal cannot say (see the module's docstring)."""
    g, c, ip = s.change_groups, s.changes, s.interaction_participants
    if version < kept.version:
        return None
    groups = conn.execute(
        select(func.count()).select_from(g).where(g.c.owner_id == owner_id,
                                                  g.c.id > kept.last_group)
    ).scalar_one()  # fmt: skip
    if groups != version - kept.version:  # a write journaled nothing (a setting, a restore)
        return None
    people: set[int] = set()
    interactions: set[int] = set()
    for table, op, person_id, key in conn.execute(
        select(c.c.table_name, c.c.op, c.c.person_id, c.c.row_key)
        .where(c.c.owner_id == owner_id, c.c.group_id > kept.last_group)
        .distinct()
    ):
        if op == "bulk" or table in WHOLE_BOOK:
            return None
        if table == "interactions":
            if not str(key).isdigit():
                return None
            interactions.add(int(key))
        elif table in PER_PERSON:
            if person_id is None:
                return None
            people.add(int(person_id))
        if len(people) + len(interactions) > MAX_CHANGED:
            return None
    if interactions:  # who is in them now (who left is a change of its own)
        people.update(
            int(r[0])
            for r in conn.execute(
                select(ip.c.person_id).where(ip.c.owner_id == owner_id,
                                             ip.c.interaction_id.in_(sorted(interactions)))
            )
        )  # fmt: skip
    return people


def load_health(conn: Connection, owner_id: int, tz: tzinfo, days: Sequence[date],
                history: datetime, ids: Collection[int] | None = None) -> list[HealthInput]:  # fmt: skip
    """Each person's health input as of ``days`` (touch counts since ``history``, cadence,
    promises), for everyone in touch since then, or for ``ids`` among them."""
    p, c, cm = s.people, s.circles, s.commitments
    who = sorted(ids) if ids is not None else None
    query = (
        select(p.c.id, p.c.name, p.c.created_at, p.c.met_on, p.c.cadence_days,
               c.c.cadence_days.label("circle_days"))
        .select_from(p.outerjoin(c, c.c.id == p.c.circle_id))
        .where(p.c.owner_id == owner_id, p.c.archived_at.is_(None))
    )  # fmt: skip
    promises = select(cm).where(cm.c.owner_id == owner_id)
    if who is not None:
        if not who:
            return []
        query = query.where(p.c.id.in_(who))
        promises = promises.where(cm.c.person_id.in_(who))
    counts = _counts(conn, owner_id, days, history, tz, who)
    touched = set().union(*counts.values())  # the others were never in touch: no score
    promises_of: dict[int, list[PromiseRecord]] = defaultdict(list)
    for r in conn.execute(promises):
        promises_of[r.person_id].append(promise_from_row(r, tz))
    return [
        HealthInput(
            person=PersonRef(r.id, r.name),
            cadence_days=effective_cadence(r.cadence_days, r.circle_days),
            started_on=r.met_on or local_date(r.created_at, tz),
            promises=promises_of.get(r.id, []),
            counts={d: found.get(r.id, NO_TOUCH) for d, found in counts.items()},
        )
        for r in conn.execute(query)
        if r.id in touched
    ]


def promise_from_row(r: Any, tz: tzinfo) -> PromiseRecord:
    """A ``commitments`` row as a reliability record (its done time as a local date)."""
    return PromiseRecord(r.id, r.person_id, r.direction, r.due_on, r.status,
                         local_date(r.done_at, tz) if r.done_at else None)  # fmt: skip


def _counts(conn: Connection, owner_id: int, days: Sequence[date], history: datetime,
            tz: tzinfo, who: Sequence[int] | None) -> dict[date, dict[int, Counts]]:  # fmt: skip
    """Each person's touch counts (rules.health.Counts) as of each of ``days``, counted in
    SQL in one pass over the participants since ``history``: a local day's bounds become
    instants, so the counts are those of `counts_of` on local dates."""
    ip = s.interaction_participants

    def until(d: date) -> datetime:  # the first instant after local day d
        return datetime.combine(d + timedelta(days=1), time(0), tzinfo=tz)

    at, out = ip.c.occurred_at, ip.c.direction == "outbound"
    columns: list[Any] = [ip.c.person_id]
    for d in days:
        end = until(d)
        recent, previous = until(d - timedelta(days=90)), until(d - timedelta(days=180))
        year = until(d - timedelta(days=365))
        columns += [
            type_coerce(func.max(case((at < end, at))), UTCDateTime()),
            func.sum(case((and_(at >= recent, at < end), 1), else_=0)),
            func.sum(case((and_(at >= previous, at < recent), 1), else_=0)),
            func.sum(case((and_(at >= year, at < end, out), 1), else_=0)),
            func.sum(case((and_(at >= year, at < end, ip.c.direction == "inbound"), 1),
                          else_=0)),
        ]  # fmt: skip
    query = select(*columns).where(ip.c.owner_id == owner_id, ip.c.status == "done",
                                   at >= history)  # fmt: skip
    if who is not None:
        query = query.where(ip.c.person_id.in_(who))
    found: dict[date, dict[int, Counts]] = {d: {} for d in days}
    for row in conn.execute(query.group_by(ip.c.person_id)):
        for n, d in enumerate(days):
            last, recent_n, previous_n, mine, theirs = row[1 + 5 * n : 6 + 5 * n]
            found[d][row[0]] = Counts(local_date(last, tz) if last else None,
                                      int(recent_n or 0), int(previous_n or 0),
                                      int(mine or 0), int(theirs or 0))  # fmt: skip
    return found
