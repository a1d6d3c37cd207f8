"""Introductions: who introduced whom (you, or someone else), and how it turned out."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import date

from sqlalchemy import Connection, insert, or_, select, update

from amity.book.context import BookContext, insert_id, required
from amity.book.network.ledger import Ledger
from amity.book.network.lookup import names_of
from amity.book.people import People
from amity.errors import InvalidInput, NotFound
from amity.model import Introduction
from amity.rules.text import clean_text
from amity.store import schema as s


class Introductions:
    def __init__(self, ctx: BookContext, people: People, ledger: Ledger) -> None:
        self._ctx = ctx
        self._people = people
        self._ledger = ledger

    def add(
        self,
        a: str | int,
        b: str | int,
        *,
        by: str | int | None = None,
        note: str | None = None,
        on: date | None = None,
    ) -> Introduction:
        """Record an introduction of A and B, by C or (without ``by``) by you.

        When you made it, it is also logged as an intro you gave to each of them.
        """
        day = on or self._ctx.today()
        with self._ctx.write() as conn:
            first, second = self._people.resolve_in(conn, a), self._people.resolve_in(conn, b)
            if first.id == second.id:
                raise InvalidInput("introduce two different people", field="b")
            broker = self._people.resolve_in(conn, by) if by is not None else None
            if broker is not None and broker.id in (first.id, second.id):
                raise InvalidInput("the introducer is one of the two people", field="by")
            iid = int(
                insert_id(
                    conn,
                    insert(s.introductions).values(
                        owner_id=self._ctx.owner_id,
                        person_a_id=first.id,
                        person_b_id=second.id,
                        introduced_by_id=broker.id if broker else None,
                        occurred_on=day,
                        note=clean_text(note),
                        created_at=self._ctx.now(),
                    ),
                )
            )
            if broker is None:
                for ref, other in ((first, second), (second, first)):
                    self._ledger.record_in(
                        conn, ref, "given", "intro", f"introduced {ref.name} to {other.name}", day
                    )
        return Introduction(first, second, day, broker, clean_text(note), None, iid)

    def set_outcome(self, intro_id: int, outcome: str) -> Introduction:
        text = required(outcome, "an outcome", "outcome")
        i = s.introductions
        with self._ctx.write() as conn:
            done = conn.execute(
                update(i)
                .where(i.c.owner_id == self._ctx.owner_id, i.c.id == intro_id)
                .values(outcome=text)
            ).rowcount
            if not done:
                raise NotFound(f"no introduction with id {intro_id}")
            return self.load_in(conn, [intro_id])[0]

    def list(self, person: str | int | None = None) -> builtins.list[Introduction]:
        i = s.introductions
        with self._ctx.read() as conn:
            query = select(i.c.id).where(i.c.owner_id == self._ctx.owner_id)
            if person is not None:
                ref = self._people.resolve_in(conn, person)
                query = query.where(
                    or_(
                        i.c.person_a_id == ref.id,
                        i.c.person_b_id == ref.id,
                        i.c.introduced_by_id == ref.id,
                    )
                )
            ids = [
                r[0] for r in conn.execute(query.order_by(i.c.occurred_on.desc(), i.c.id.desc()))
            ]
            return self.load_in(conn, ids)

    def load_in(self, conn: Connection, ids: Sequence[int]) -> builtins.list[Introduction]:
        if not ids:
            return []
        i = s.introductions
        rows = {
            r.id: r
            for r in conn.execute(
                select(i).where(i.c.owner_id == self._ctx.owner_id, i.c.id.in_(list(ids)))
            )
        }
        wanted = {
            x
            for r in rows.values()
            for x in (r.person_a_id, r.person_b_id, r.introduced_by_id)
            if x
        }
        names = names_of(conn, self._ctx.owner_id, wanted)
        return [
            Introduction(
                names[r.person_a_id],
                names[r.person_b_id],
                r.occurred_on,
                names.get(r.introduced_by_id) if r.introduced_by_id else None,
                r.note,
                r.outcome,
                r.id,
            )
            for r in (rows[x] for x in ids if x in rows)
        ]


__all__ = ["Introductions"]
