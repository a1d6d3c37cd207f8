"""What hangs on a person: contact points, tags, facts, questions and dates."""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import Connection, delete, func, insert, select

from amity.book.context import new_id
from amity.book.people.finding import PeopleFinding
from amity.book.people.input import Prepared, partial_date
from amity.errors import InvalidInput
from amity.model import DATE_KINDS, FACT_KINDS, Fact, ImportantDate, PartialDate, Question
from amity.rules.normalize import normalize_tag
from amity.store import schema as s


class PersonDetails(PeopleFinding):
    """Tags, facts, questions, dates and contact points of one person."""

    # --- tags -----------------------------------------------------------------------------

    def all_tags(self) -> builtins.list[tuple[str, int]]:
        t, pt = s.tags, s.person_tags
        with self._ctx.read() as conn:
            rows = conn.execute(
                select(t.c.name, func.count(pt.c.person_id))
                .select_from(t.outerjoin(pt, pt.c.tag_id == t.c.id))
                .where(t.c.owner_id == self._ctx.owner_id)
                .group_by(t.c.name)
                .order_by(t.c.name)
            )
            return [(r[0], int(r[1])) for r in rows]

    def _tag(self, conn: Connection, person_id: int, names: Sequence[str]) -> None:
        owner = self._ctx.owner_id
        t, pt = s.tags, s.person_tags
        for name in dict.fromkeys(names):
            tag_id = conn.execute(
                select(t.c.id).where(t.c.owner_id == owner, t.c.name == name)
            ).scalar()
            if tag_id is None:
                tag_id = new_id(conn.execute(insert(t).values(owner_id=owner, name=name)))
            linked = conn.execute(
                select(pt.c.tag_id).where(pt.c.person_id == person_id, pt.c.tag_id == tag_id)
            ).first()
            if linked is None:
                conn.execute(insert(pt).values(owner_id=owner, person_id=person_id, tag_id=tag_id))

    def _untag(self, conn: Connection, person_id: int, names: Sequence[str]) -> None:
        t, pt = s.tags, s.person_tags
        keys = [normalize_tag(n) for n in names]
        conn.execute(
            delete(pt).where(
                pt.c.owner_id == self._ctx.owner_id,
                pt.c.person_id == person_id,
                pt.c.tag_id.in_(
                    select(t.c.id).where(t.c.owner_id == self._ctx.owner_id, t.c.name.in_(keys))
                ),
            )
        )

    # --- facts, questions, dates ----------------------------------------------------------

    def add_fact(
        self, ref: str | int, kind: str, text: str, *, happened_on: date | None = None
    ) -> Fact:
        kind = kind.strip().lower().replace("-", "_")
        if kind not in FACT_KINDS:
            raise InvalidInput(
                f"a fact is one of {', '.join(FACT_KINDS)}, not {kind!r}", field="kind"
            )
        body = text.strip()
        if not body:
            raise InvalidInput("a fact needs some text", field="text")
        with self._ctx.write() as conn:
            person = self.resolve_in(conn, ref)
            now = self._ctx.now()
            fact_id = new_id(
                conn.execute(
                    insert(s.facts).values(
                        owner_id=self._ctx.owner_id,
                        person_id=person.id,
                        kind=kind,
                        text=body,
                        happened_on=happened_on,
                        created_at=now,
                    )
                )
            )
            self.reindex(conn, [person.id])
            return Fact(kind, body, person.id, happened_on, now, int(fact_id))

    def add_question(self, ref: str | int, text: str) -> Question:
        body = text.strip()
        if not body:
            raise InvalidInput("a question needs some text", field="text")
        with self._ctx.write() as conn:
            person = self.resolve_in(conn, ref)
            now = self._ctx.now()
            qid = new_id(
                conn.execute(
                    insert(s.questions).values(
                        owner_id=self._ctx.owner_id,
                        person_id=person.id,
                        text=body,
                        created_at=now,
                    )
                )
            )
            self.reindex(conn, [person.id])
            return Question(body, person.id, now, id=int(qid))

    def add_date(
        self, ref: str | int, kind: str, when: str | PartialDate, label: str | None = None
    ) -> ImportantDate:
        if kind not in DATE_KINDS:
            raise InvalidInput(
                f"a date is one of {', '.join(DATE_KINDS)}, not {kind!r}", field="kind"
            )
        partial = partial_date(when)
        with self._ctx.write() as conn:
            person = self.resolve_in(conn, ref)
            did = new_id(
                conn.execute(
                    insert(s.important_dates).values(
                        owner_id=self._ctx.owner_id,
                        person_id=person.id,
                        kind=kind,
                        label=label,
                        year=partial.year,
                        month=partial.month,
                        day=partial.day,
                    )
                )
            )
            return ImportantDate(kind, partial, label, int(did))

    # --- contact points and lists from an input -------------------------------------------

    def _apply_lists(self, conn: Connection, person_id: int, prepared: Prepared) -> None:
        owner = self._ctx.owner_id
        cp = s.contact_points
        existing = {
            (r.kind, r.normalized)
            for r in conn.execute(
                select(cp.c.kind, cp.c.normalized).where(
                    cp.c.owner_id == owner, cp.c.person_id == person_id
                )
            )
        }
        counts: dict[str, int] = defaultdict(int)
        for kind, _ in existing:
            counts[kind] += 1
        for point in prepared.points:
            if (point.kind, point.normalized) in existing:
                continue
            existing.add((point.kind, point.normalized))
            conn.execute(
                insert(cp).values(
                    owner_id=owner,
                    person_id=person_id,
                    kind=point.kind,
                    label=point.label,
                    value=point.value,
                    normalized=point.normalized,
                    service=point.service,
                    is_primary=counts[point.kind] == 0,
                    position=counts[point.kind],
                )
            )
            counts[point.kind] += 1
        if prepared.tags:
            self._tag(conn, person_id, prepared.tags)
        if prepared.birthday is not None:
            d = s.important_dates
            conn.execute(
                delete(d).where(
                    d.c.owner_id == owner, d.c.person_id == person_id, d.c.kind == "birthday"
                )
            )
            b = prepared.birthday
            conn.execute(
                insert(d).values(
                    owner_id=owner,
                    person_id=person_id,
                    kind="birthday",
                    year=b.year,
                    month=b.month,
                    day=b.day,
                )
            )

    def _remove_points(
        self, conn: Connection, person_id: int, kind: str, keys: Sequence[str]
    ) -> None:
        if not keys:
            return
        cp = s.contact_points
        conn.execute(
            delete(cp).where(
                cp.c.owner_id == self._ctx.owner_id,
                cp.c.person_id == person_id,
                cp.c.kind == kind,
                cp.c.normalized.in_(list(keys)),
            )
        )

    def reindex(self, conn: Connection, person_ids: Sequence[int]) -> None:
        from amity.book.search import index_people

        index_people(conn, self._ctx.owner_id, person_ids)
