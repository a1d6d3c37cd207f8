"""Contact groups in the Book (``book.groups``, issue 12 section 4).

A group card (vCard 4.0 ``KIND:group`` with ``MEMBER``s, Apple's ``X-ADDRESSBOOKSERVER-KIND``)
is a group, never a person: a tag named after it, carried by the members who are in the book
(linked by UID, e-mail or exact name, as related people are: see `amity.book.related`), and
the members who are not, listed by what the card says until someone answers to them (a later
import, a person added by hand). Re-importing the card adds members it gained; it never takes
a tag off anyone.
"""

from __future__ import annotations

import builtins
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, and_, insert, select, update

from amity.book.context import BookContext, insert_id
from amity.book.related import keys_of_people, people_answering
from amity.errors import NotFound
from amity.model import PersonRef
from amity.rules.normalize import NormalizeError, normalize_tag
from amity.rules.related import related_key, shown_name
from amity.rules.text import clean_text, fold
from amity.store import schema as s

BATCH = 500


@dataclass
class Group:
    id: int
    name: str
    tag: str
    uid: str
    members: list[PersonRef] = field(default_factory=list)  # in the book
    missing: list[str] = field(default_factory=list)  # named on the card, nobody in the book
    values: list[str] = field(default_factory=list)  # every MEMBER as the card had it

    @property
    def missing_counts(self) -> list[tuple[str, int]]:
        """Members not in the book by name, each once with how many ("someone not in your
        book", 3)."""
        return list(Counter(self.missing).items())


@dataclass
class CardGroup:
    """A group as an import read it."""

    name: str
    uid: str
    members: list[str] = field(default_factory=list)  # MEMBER values as the card has them


class Groups:
    def __init__(self, ctx: BookContext) -> None:
        self._ctx = ctx

    def list(self) -> builtins.list[Group]:
        g = s.contact_groups
        with self._ctx.read() as conn:
            rows = conn.execute(select(g.c.id).where(g.c.owner_id == self._ctx.owner_id)
                                .order_by(g.c.name, g.c.id)).scalars().all()  # fmt: skip
            return [self._load(conn, i) for i in rows]

    def get(self, ref: int | str) -> Group:
        """By id, or by its name or its tag (any case)."""
        g, t = s.contact_groups, s.tags
        with self._ctx.read() as conn:
            query = select(g.c.id).join(t, t.c.id == g.c.tag_id).where(
                g.c.owner_id == self._ctx.owner_id)  # fmt: skip
            if isinstance(ref, int) or str(ref).isdigit():
                found = conn.execute(query.where(g.c.id == int(ref))).scalar()
            else:
                key = fold(str(ref))
                found = next((r.id for r in conn.execute(
                    select(g.c.id, g.c.name, t.c.name.label("tag")).join(t, t.c.id == g.c.tag_id)
                    .where(g.c.owner_id == self._ctx.owner_id))
                    if key in (fold(r.name), fold(r.tag))), None)  # fmt: skip
            if found is None:
                raise NotFound(f"no group {ref!r}")
            return self._load(conn, int(found))

    def of_tag(self, tag: str) -> Group | None:
        """The group behind a tag, when the tag came from a group card."""
        try:
            return self.get(tag)
        except NotFound:
            return None

    # --- imports -------------------------------------------------------------------------

    def upsert_in(self, conn: Connection, card: CardGroup, *, dry_run: bool = False
                  ) -> tuple[str, int | None]:  # fmt: skip
        """Create the group (its tag too) or add the members it gained: ("created" |
        "updated" | "unchanged", its id)."""
        g, m = s.contact_groups, s.contact_group_members
        owner, now = self._ctx.owner_id, self._ctx.now()
        name = clean_text(card.name) or "group"
        values = list(dict.fromkeys(v.strip()[:300] for v in card.members if v and v.strip()))
        row = conn.execute(select(g.c.id, g.c.tag_id).where(
            g.c.owner_id == owner, g.c.uid == card.uid[:300])).first()  # fmt: skip
        known: set[str] = set()
        if row is not None:
            known = set(conn.execute(select(m.c.value).where(m.c.group_id == row.id)).scalars())
        new_values = [v for v in values if v not in known]
        action = "created" if row is None else ("updated" if new_values else "unchanged")
        if dry_run:
            return action, None if row is None else int(row.id)
        if row is None:
            tag_id = self._tag(conn, name)
            group_id = int(insert_id(conn, insert(g).values(
                owner_id=owner, tag_id=tag_id, name=name[:300], uid=card.uid[:300],
                created_at=now, updated_at=now)))  # fmt: skip
        else:
            group_id, tag_id = int(row.id), int(row.tag_id)
            if new_values:
                conn.execute(update(g).where(g.c.id == group_id).values(updated_at=now))
        if new_values:
            conn.execute(insert(m), [{"owner_id": owner, "group_id": group_id, "value": v,
                                      "name_key": related_key(v)} for v in new_values])  # fmt: skip
            self.link_members(conn, group_ids=[group_id])
        return action, group_id

    def link_members(self, conn: Connection, *, group_ids: builtins.list[int] | None = None,
                     new_ids: builtins.list[int] | None = None) -> int:  # fmt: skip
        """Link pending members to the one person answering to them (of the given groups, or
        those naming the new people) and tag them; returns how many were linked."""
        m, g = s.contact_group_members, s.contact_groups
        owner = self._ctx.owner_id
        pending = and_(m.c.owner_id == owner, m.c.person_id.is_(None), m.c.name_key.is_not(None))
        if conn.execute(select(m.c.id).where(pending).limit(1)).first() is None:
            return 0  # no member waits for a person
        query = select(m.c.id, m.c.name_key, g.c.tag_id).join(g, g.c.id == m.c.group_id)
        rows: builtins.list[Any] = []
        if group_ids:
            rows += conn.execute(query.where(pending, m.c.group_id.in_(group_ids))).all()
        if new_ids:
            keys = sorted(keys_of_people(conn, owner, new_ids))
            for start in range(0, len(keys), BATCH):
                rows += conn.execute(query.where(pending,
                                                 m.c.name_key.in_(keys[start : start + BATCH]))).all()  # fmt: skip
        if not rows:
            return 0
        found = people_answering(conn, owner, {r.name_key for r in rows})
        linked: dict[int, tuple[int, int]] = {}
        for r in rows:
            candidates = found.get(r.name_key, set())
            if len(candidates) == 1:
                linked[r.id] = (next(iter(candidates)), r.tag_id)
        for member_id, (person_id, _) in linked.items():
            conn.execute(update(m).where(m.c.id == member_id).values(person_id=person_id))
        self._tag_people(conn, set(linked.values()))
        return len(linked)

    # --- inside ---------------------------------------------------------------------------

    def _tag(self, conn: Connection, name: str) -> int:
        t = s.tags
        try:
            tag = normalize_tag(name)
        except NormalizeError:
            tag = "group"
        found = conn.execute(select(t.c.id).where(t.c.owner_id == self._ctx.owner_id,
                                                  t.c.name == tag)).scalar()  # fmt: skip
        if found is not None:
            return int(found)
        return int(insert_id(conn, insert(t).values(owner_id=self._ctx.owner_id, name=tag)))

    def _tag_people(self, conn: Connection, pairs: set[tuple[int, int]]) -> None:
        pt = s.person_tags
        if not pairs:
            return
        people = sorted({p for p, _ in pairs})
        have = set()
        for start in range(0, len(people), BATCH):
            have |= {(r.person_id, r.tag_id) for r in conn.execute(select(
                pt.c.person_id, pt.c.tag_id).where(pt.c.owner_id == self._ctx.owner_id,
                pt.c.person_id.in_(people[start : start + BATCH])))}  # fmt: skip
        rows = [{"owner_id": self._ctx.owner_id, "person_id": p, "tag_id": t}
                for p, t in sorted(pairs - have)]  # fmt: skip
        if rows:
            conn.execute(insert(pt), rows)
            from amity.book.search import index_people

            index_people(conn, self._ctx.owner_id, sorted({r["person_id"] for r in rows}))

    def _load(self, conn: Connection, group_id: int) -> Group:
        g, m, t, p = s.contact_groups, s.contact_group_members, s.tags, s.people
        row = conn.execute(select(g.c.id, g.c.name, g.c.uid, t.c.name.label("tag"))
                           .join(t, t.c.id == g.c.tag_id).where(g.c.id == group_id)).one()  # fmt: skip
        group = Group(row.id, row.name, row.tag, row.uid)
        for r in conn.execute(select(m.c.value, p.c.id, p.c.name).outerjoin(
                p, p.c.id == m.c.person_id).where(m.c.group_id == group_id).order_by(m.c.id)):  # fmt: skip
            group.values.append(r.value)
            if r.id is not None:
                group.members.append(PersonRef(r.id, r.name))
            else:
                group.missing.append(shown_name(r.value))
        return group


__all__ = ["CardGroup", "Group", "Groups"]
