"""Promises both ways (mine / theirs) with due dates and a kept-on-time rate; explicit
follow-ups ("follow up with Ana in 3 days")."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, insert, or_, select, update

from amity.book.context import BookContext, new_id
from amity.book.events import emit
from amity.book.people import People
from amity.errors import InvalidInput, NotFound
from amity.model import Commitment, FollowUp, PersonRef
from amity.model.types import COMMITMENT_DIRECTIONS
from amity.rules.agenda import MAX_ID, supported_day
from amity.rules.dates import local_date, time_zone
from amity.rules.reliability import KeptRate, PromiseRecord, reliability
from amity.serialize import commitment_json
from amity.store import schema as s

MAX_TEXT = 2000
PROMISE_FILTERS = ("open", "overdue", "done", "dropped", "all")


def _text(value: str, what: str) -> str:
    body = value.replace("\x00", "").strip()
    try:
        body.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(f"{what} is not valid text (broken characters)", field="text") from None
    if not body:
        raise InvalidInput(f"{what} needs some text", field="text")
    if len(body) > MAX_TEXT:
        raise InvalidInput(f"{what} is at most {MAX_TEXT} characters", field="text")
    return body


def _due(day: date | None) -> date | None:
    if day is not None and not supported_day(day):
        raise InvalidInput(
            f"{day.isoformat()} is out of range: a due date between 1800 and 9000", field="due_on"
        )
    return day


@dataclass(frozen=True)
class ReliabilityReport:
    """Kept-on-time rates for one direction: overall and per person (most judged first)."""

    direction: str | None
    overall: KeptRate
    per_person: list[tuple[PersonRef, KeptRate]]


class Commitments:
    def __init__(self, ctx: BookContext, people: People) -> None:
        self._ctx = ctx
        self._people = people

    def add(
        self,
        ref: str | int,
        text: str,
        *,
        direction: str = "mine",
        due_on: date | None = None,
        also: Sequence[str | int] = (),
    ) -> Commitment:
        """A promise: ``mine`` (I promised PERSON) or ``theirs`` (PERSON promised me).
        ``also``: other people the same promise involves (made to, or by, several at once):
        one promise, one agenda item, not one per person."""
        if direction not in COMMITMENT_DIRECTIONS:
            raise InvalidInput(f"a promise is mine or theirs, not {direction!r}", field="direction")
        body = _text(text, "a promise")
        due_on = _due(due_on)
        with self._ctx.write() as conn:
            person = self._people.resolve_in(conn, ref, include_archived=False)
            others = _others(self._people, conn, person, also)
            now = self._ctx.now()
            created_id = new_id(
                conn.execute(
                    insert(s.commitments).values(
                        owner_id=self._ctx.owner_id,
                        person_id=person.id,
                        direction=direction,
                        text=body,
                        due_on=due_on,
                        status="open",
                        created_at=now,
                    )
                )
            )
            _link(
                conn, s.commitment_people, "commitment_id", self._ctx.owner_id, created_id, others
            )
            made = Commitment(
                person, direction, body, due_on, "open", now, None, created_id, others
            )
            emit(conn, self._ctx.owner_id, "promise.created", commitment_json(made), at=now)
        return made

    def get(self, commitment_id: int) -> Commitment:
        with self._ctx.read() as conn:
            return self._get(conn, commitment_id)

    def _get(self, conn: Connection, commitment_id: int) -> Commitment:
        if not 0 < commitment_id <= MAX_ID:
            raise NotFound(f"no promise P{commitment_id}")
        found = self._load(conn, [s.commitments.c.id == commitment_id])
        if not found:
            raise NotFound(f"no promise P{commitment_id}")
        return found[0]

    def list(
        self,
        *,
        direction: str | None = None,
        status: str = "open",
        person: str | int | None = None,
        today: date | None = None,
    ) -> builtins.list[Commitment]:
        """Promises, soonest due first (no due date last). ``status``: open, overdue (open and
        past due), done, dropped or all."""
        c = s.commitments
        if direction is not None and direction not in COMMITMENT_DIRECTIONS:
            raise InvalidInput(f"direction is mine or theirs, not {direction!r}", field="direction")
        if status not in PROMISE_FILTERS:
            raise InvalidInput(f"status is one of {', '.join(PROMISE_FILTERS)}", field="status")
        where = []
        if direction is not None:
            where.append(c.c.direction == direction)
        if status in ("open", "overdue"):
            where.append(c.c.status == "open")
        elif status != "all":
            where.append(c.c.status == status)
        if today is not None and not supported_day(today):
            raise InvalidInput(f"{today.isoformat()} is out of range", field="date")
        with self._ctx.read() as conn:
            if status == "overdue":
                day = today or self._today(conn)
                where += [c.c.due_on.is_not(None), c.c.due_on < day]
            if person is not None:
                pid = self._people.resolve_in(conn, person).id
                cp = s.commitment_people
                also = select(cp.c.commitment_id).where(
                    cp.c.owner_id == self._ctx.owner_id, cp.c.person_id == pid
                )
                where.append(or_(c.c.person_id == pid, c.c.id.in_(also)))
            return self._load(conn, where)

    def done(self, commitment_id: int) -> Commitment:
        """Mark a promise kept (now)."""
        return self._close(commitment_id, "done")

    def drop(self, commitment_id: int) -> Commitment:
        """Drop a promise: it no longer counts, neither kept nor late."""
        return self._close(commitment_id, "dropped")

    def _close(self, commitment_id: int, status: str) -> Commitment:
        c = s.commitments
        with self._ctx.write() as conn:
            current = self._get(conn, commitment_id)
            if current.status != "open":
                raise InvalidInput(
                    f"promise P{commitment_id} is already {current.status}", field="status"
                )
            now = self._ctx.now()
            conn.execute(
                update(c)
                .where(c.c.owner_id == self._ctx.owner_id, c.c.id == commitment_id)
                .values(status=status, done_at=now if status == "done" else None)
            )
            closed = self._get(conn, commitment_id)
            if status == "done":
                emit(conn, self._ctx.owner_id, "promise.kept", commitment_json(closed), at=now)
            return closed

    def reliability(
        self, *, direction: str | None = "mine", today: date | None = None
    ) -> ReliabilityReport:
        """The kept-on-time rate (done on or before the due date), overall and per person."""
        c, p = s.commitments, s.people
        with self._ctx.read() as conn:
            tz_name = self._ctx.setting("timezone", conn)
            day = today or self._ctx.today(conn)
            rows = conn.execute(
                select(
                    c.c.id,
                    c.c.person_id,
                    c.c.direction,
                    c.c.due_on,
                    c.c.status,
                    c.c.done_at,
                    p.c.name,
                )
                .join(p, p.c.id == c.c.person_id)
                .where(c.c.owner_id == self._ctx.owner_id)
            ).all()
        tz = time_zone(tz_name)
        names = {r.person_id: r.name for r in rows}
        records = [
            PromiseRecord(
                r.id,
                r.person_id,
                r.direction,
                r.due_on,
                r.status,
                None if r.done_at is None else local_date(r.done_at, tz),
            )
            for r in rows
        ]
        result = reliability(records, day, direction=direction)
        per_person = sorted(
            ((PersonRef(pid, names[pid]), rate) for pid, rate in result.per_person.items()),
            key=lambda pair: (-pair[1].judged, pair[0].name, pair[0].id),
        )
        return ReliabilityReport(direction, result.overall, per_person)

    def _today(self, conn: Connection) -> date:
        return self._ctx.today(conn)

    def _load(self, conn: Connection, where: builtins.list[Any]) -> builtins.list[Commitment]:
        c, p = s.commitments, s.people
        rows = conn.execute(
            select(c, p.c.name)
            .join(p, p.c.id == c.c.person_id)
            .where(c.c.owner_id == self._ctx.owner_id, *where)
            .order_by(c.c.due_on.is_(None), c.c.due_on, c.c.id)
        ).all()
        others = load_others(
            conn, s.commitment_people, "commitment_id", self._ctx.owner_id, [r.id for r in rows]
        )
        return [
            Commitment(
                PersonRef(r.person_id, r.name),
                r.direction,
                r.text,
                r.due_on,
                r.status,
                r.created_at,
                r.done_at,
                r.id,
                others.get(r.id, []),
            )
            for r in rows
        ]


class FollowUps:
    def __init__(self, ctx: BookContext, people: People) -> None:
        self._ctx = ctx
        self._people = people

    def add(
        self, ref: str | int, text: str, due_on: date, *, also: Sequence[str | int] = ()
    ) -> FollowUp:
        """Follow up with PERSON on ``due_on``: it shows on the agenda from that day.
        ``also``: the other people the same follow-up involves (one item for all)."""
        body = _text(text, "a follow-up")
        _due(due_on)
        with self._ctx.write() as conn:
            person = self._people.resolve_in(conn, ref, include_archived=False)
            others = _others(self._people, conn, person, also)
            now = self._ctx.now()
            created_id = new_id(
                conn.execute(
                    insert(s.follow_ups).values(
                        owner_id=self._ctx.owner_id,
                        person_id=person.id,
                        text=body,
                        due_on=due_on,
                        created_at=now,
                    )
                )
            )
            _link(conn, s.follow_up_people, "follow_up_id", self._ctx.owner_id, created_id, others)
        return FollowUp(person, body, due_on, now, None, created_id, others)

    def list(self, *, include_done: bool = False) -> list[FollowUp]:
        f, p = s.follow_ups, s.people
        query = (
            select(f, p.c.name)
            .join(p, p.c.id == f.c.person_id)
            .where(f.c.owner_id == self._ctx.owner_id)
            .order_by(f.c.due_on, f.c.id)
        )
        if not include_done:
            query = query.where(f.c.done_at.is_(None))
        with self._ctx.read() as conn:
            rows = conn.execute(query).all()
            others = load_others(
                conn, s.follow_up_people, "follow_up_id", self._ctx.owner_id, [r.id for r in rows]
            )
        return [
            FollowUp(
                PersonRef(r.person_id, r.name),
                r.text,
                r.due_on,
                r.created_at,
                r.done_at,
                r.id,
                others.get(r.id, []),
            )
            for r in rows
        ]

    def done(self, follow_up_id: int) -> None:
        if not 0 < follow_up_id <= MAX_ID:
            raise NotFound(f"no open follow-up {follow_up_id}")
        f = s.follow_ups
        with self._ctx.write() as conn:
            changed = conn.execute(
                update(f)
                .where(
                    f.c.owner_id == self._ctx.owner_id,
                    f.c.id == follow_up_id,
                    f.c.done_at.is_(None),
                )
                .values(done_at=self._ctx.now())
            ).rowcount
        if not changed:
            raise NotFound(f"no open follow-up {follow_up_id}")


def _others(
    people: People, conn: Connection, first: PersonRef, refs: Sequence[str | int]
) -> builtins.list[PersonRef]:
    """The other people an item involves, resolved, without the first one or repeats."""
    if len(refs) > 50:
        raise InvalidInput("an item involves at most 50 people", field="also")
    found: dict[int, PersonRef] = {}
    for ref in refs:
        other = people.resolve_in(conn, ref, include_archived=False)
        if other.id != first.id:
            found.setdefault(other.id, other)
    return builtins.list(found.values())


def _link(
    conn: Connection,
    table: Table,
    column: str,
    owner_id: int,
    item_id: int,
    others: Sequence[PersonRef],
) -> None:
    if others:
        conn.execute(
            insert(table),
            [{"owner_id": owner_id, column: item_id, "person_id": o.id} for o in others],
        )


def load_others(
    conn: Connection, table: Table, column: str, owner_id: int, ids: Sequence[int]
) -> dict[int, builtins.list[PersonRef]]:
    """The other people of each item (by item id), in name order."""
    found: dict[int, builtins.list[PersonRef]] = {}
    if not ids:
        return found
    p = s.people
    key = table.c[column]
    for start in range(0, len(ids), 500):
        rows = conn.execute(
            select(key, p.c.id, p.c.name)
            .join(p, p.c.id == table.c.person_id)
            .where(table.c.owner_id == owner_id, key.in_(ids[start : start + 500]))
            .order_by(p.c.name_key, p.c.id)
        )
        for r in rows:
            found.setdefault(r[0], []).append(PersonRef(r.id, r.name))
    return found
