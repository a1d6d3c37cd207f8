"""``book.transfer.dupes()``: candidate duplicate people, scored by `amity.rules.dupes`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from amity.book.context import BookContext
from amity.model import PersonRef
from amity.rules.dupes import DEFAULT_THRESHOLD, PersonSketch, find_duplicates
from amity.store import schema as s


@dataclass
class Duplicate:
    a: PersonRef
    b: PersonRef
    score: float
    reasons: list[str]


class Dupes:
    def __init__(self, ctx: BookContext) -> None:
        self._ctx = ctx

    def sketches(self) -> list[PersonSketch]:
        """Every active person with names, organisation, e-mails and phones: two queries."""
        p, cp = s.people, s.contact_points
        owner = self._ctx.owner_id
        points: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"email": [], "phone": []})
        with self._ctx.read() as conn:
            people = conn.execute(select(p.c.id, p.c.name, p.c.org).where(
                p.c.owner_id == owner, p.c.archived_at.is_(None), p.c.is_group.is_(False))
                .order_by(p.c.id)).all()  # fmt: skip
            for r in conn.execute(select(cp.c.person_id, cp.c.kind, cp.c.normalized).where(
                    cp.c.owner_id == owner, cp.c.kind.in_(("email", "phone")))):  # fmt: skip
                if r.normalized and (r.kind == "email" or r.normalized.startswith("+")):
                    points[r.person_id][r.kind].append(r.normalized)
        return [PersonSketch(r.id, r.name, r.org, tuple(points[r.id]["email"]),
                             tuple(points[r.id]["phone"])) for r in people]  # fmt: skip

    def find(self, *, threshold: float = DEFAULT_THRESHOLD) -> list[Duplicate]:
        sketches = self.sketches()
        names = {p.id: p.name for p in sketches}
        return [Duplicate(PersonRef(pair.a, names[pair.a]), PersonRef(pair.b, names[pair.b]),
                          pair.score, pair.reasons)
                for pair in find_duplicates(sketches, threshold=threshold)]  # fmt: skip
