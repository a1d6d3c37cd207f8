"""Relationships between people you know (colleagues, family, mentor...): evidence for warm
paths and for the brief."""

from __future__ import annotations

import builtins
from dataclasses import dataclass

from sqlalchemy import and_, insert, or_, select, update

from amity.book.context import BookContext, insert_id
from amity.book.people import People
from amity.errors import InvalidInput
from amity.model import PersonRef
from amity.rules.related import pair_key, shown_name
from amity.rules.text import clean_text
from amity.store import schema as s

RELATIONSHIP_KINDS = (
    "colleague",
    "friend",
    "family",
    "spouse",
    "partner",
    "parent",
    "child",
    "sibling",
    "manager",
    "report",
    "mentor",
    "mentee",
    "client",
    "other",
)


@dataclass
class Relationship:
    id: int
    a: PersonRef
    b: PersonRef
    kind: str
    note: str | None = None

    @property
    def named_only(self) -> bool:
        """``b`` is a name from a card, not (yet) a person in the book."""
        return not self.b.id


class Relationships:
    def __init__(self, ctx: BookContext, people: People) -> None:
        self._ctx = ctx
        self._people = people

    def relate(
        self, a: str | int, b: str | int, kind: str, *, note: str | None = None
    ) -> Relationship:
        kind = kind.strip().lower()
        if kind not in RELATIONSHIP_KINDS:
            raise InvalidInput(
                f"a relationship is one of {', '.join(RELATIONSHIP_KINDS)}, not {kind!r}",
                field="kind",
            )
        r = s.relationships
        with self._ctx.write() as conn:
            first, second = self._people.resolve_in(conn, a), self._people.resolve_in(conn, b)
            if first.id == second.id:
                raise InvalidInput("a person cannot be related to themselves", field="b")
            existing = conn.execute(
                select(r.c.id).where(
                    r.c.owner_id == self._ctx.owner_id,
                    r.c.kind == kind,
                    or_(
                        and_(r.c.person_a_id == first.id, r.c.person_b_id == second.id),
                        and_(r.c.person_a_id == second.id, r.c.person_b_id == first.id),
                    ),
                )
            ).scalar()
            if existing is not None:
                if note is not None:
                    conn.execute(update(r).where(r.c.id == existing).values(note=clean_text(note)))
                return Relationship(int(existing), first, second, kind, clean_text(note))
            rid = insert_id(
                conn,
                insert(r).values(
                    owner_id=self._ctx.owner_id,
                    person_a_id=first.id,
                    person_b_id=second.id,
                    kind=kind,
                    note=clean_text(note),
                    created_at=self._ctx.now(),
                ),
            )
        return Relationship(int(rid), first, second, kind, clean_text(note))

    def list(self, person: str | int | None = None) -> builtins.list[Relationship]:
        """Relationships in the order recorded; one imported from both ends (Ana's card says
        spouse Ben, Ben's says spouse Ana) is listed once. A related name nobody in the book
        answers to is listed with that name and an id of 0."""
        r, pa, pb = s.relationships, s.people.alias("pa"), s.people.alias("pb")
        with self._ctx.read() as conn:
            query = (
                select(
                    r.c.id,
                    r.c.kind,
                    r.c.note,
                    r.c.name_hint,
                    pa.c.id.label("a_id"),
                    pa.c.name.label("a_name"),
                    pb.c.id.label("b_id"),
                    pb.c.name.label("b_name"),
                )
                .join(pa, pa.c.id == r.c.person_a_id)
                .outerjoin(pb, pb.c.id == r.c.person_b_id)
                .where(r.c.owner_id == self._ctx.owner_id)
            )
            if person is not None:
                ref = self._people.resolve_in(conn, person)
                query = query.where(or_(r.c.person_a_id == ref.id, r.c.person_b_id == ref.id))
            rows = conn.execute(query.order_by(r.c.id)).all()
        found: builtins.list[Relationship] = []
        seen: set[tuple[object, ...]] = set()
        for x in rows:
            b = (PersonRef(x.b_id, x.b_name) if x.b_id is not None
                 else PersonRef(0, shown_name(x.name_hint or "")))  # fmt: skip
            if b.id == x.a_id or not b.name:
                continue  # never a relation of a person to themself
            key = pair_key(x.a_id, x.b_id, x.kind, b.name)
            if key in seen:
                continue
            seen.add(key)
            found.append(Relationship(x.id, PersonRef(x.a_id, x.a_name), b, x.kind, x.note))
        return found


def relationship_label(kind: str) -> str:
    """How a link of this kind reads in a path: "colleagues", "married", "mentor"..."""
    plural_kinds = {
        "colleague": "colleagues",
        "friend": "friends",
        "family": "family",
        "sibling": "siblings",
        "partner": "partners",
        "spouse": "married",
    }
    return plural_kinds.get(kind, kind)


__all__ = ["RELATIONSHIP_KINDS", "Relationship", "Relationships", "relationship_label"]
