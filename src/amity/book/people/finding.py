"""Finding people: resolve a reference, load one with every detail, load and list many."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Select, and_, func, or_, select

from amity.book.context import BookContext
from amity.errors import Ambiguous, InvalidInput, NotFound
from amity.model import (
    ContactPoint,
    Fact,
    ImportantDate,
    Job,
    PartialDate,
    Person,
    PersonLine,
    PersonRef,
    Question,
)
from amity.rules.normalize import email_key, normalize_tag
from amity.rules.text import fold
from amity.store import schema as s

SORTS = ("name", "last-contact", "added")
ID_BATCH = 500  # a longer list reads its tags in one pass over all the book's tags


class PeopleFinding:
    """Resolving references and loading people (set-based: no query per person)."""

    def __init__(self, ctx: BookContext) -> None:
        self._ctx = ctx

    def resolve(self, ref: str | int, *, include_archived: bool = True) -> PersonRef:
        """A person from an id, an e-mail address, an exact name or an unambiguous prefix."""
        with self._ctx.read() as conn:
            return self.resolve_in(conn, ref, include_archived=include_archived)

    def resolve_in(
        self, conn: Connection, ref: str | int, *, include_archived: bool = True
    ) -> PersonRef:
        p = s.people
        owner = p.c.owner_id == self._ctx.owner_id
        visible = owner if include_archived else and_(owner, p.c.archived_at.is_(None))
        text = str(ref).strip()
        if not text:
            raise InvalidInput("an empty person reference")
        if text.isdigit():
            row = conn.execute(select(p.c.id, p.c.name).where(visible, p.c.id == int(text))).first()
            if row is None:
                raise NotFound(f"no person with id {text}")
            return PersonRef(row.id, row.name)
        if "@" in text:
            cp = s.contact_points
            rows = conn.execute(
                select(p.c.id, p.c.name)
                .join(cp, cp.c.person_id == p.c.id)
                .where(
                    visible,
                    cp.c.owner_id == self._ctx.owner_id,
                    cp.c.kind == "email",
                    cp.c.normalized == email_key(text),
                )
                .distinct()
            ).all()
            return self._one(rows, text)
        key = fold(text)
        rows = conn.execute(select(p.c.id, p.c.name).where(visible, p.c.name_key == key)).all()
        if rows:
            return self._one(rows, text)
        like = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = conn.execute(
            select(p.c.id, p.c.name)
            .where(
                visible,
                or_(
                    p.c.name_key.like(like + "%", escape="\\"),
                    p.c.name_key.like("% " + like + "%", escape="\\"),
                ),
            )
            .order_by(p.c.name_key)
            .limit(20)
        ).all()
        return self._one(rows, text)

    @staticmethod
    def _one(rows: Sequence[Any], text: str) -> PersonRef:
        if not rows:
            raise NotFound(f"no person matches {text!r}")
        if len(rows) > 1:
            raise Ambiguous(
                f"{text!r} matches {len(rows)} people; use an id or a longer name",
                [(r.id, r.name) for r in rows],
            )
        return PersonRef(rows[0].id, rows[0].name)

    def sharing_emails(
        self, emails: Iterable[str], *, exclude: int | None = None
    ) -> builtins.list[tuple[str, PersonRef]]:
        """Who already has one of ``emails`` (compared case-insensitively), each with the
        address as typed: adding such a person again would be a duplicate."""
        keys = {email_key(e): e.strip() for e in emails if e and e.strip()}
        if not keys:
            return []
        p, cp = s.people, s.contact_points
        query = (
            select(cp.c.normalized, p.c.id, p.c.name)
            .join(p, p.c.id == cp.c.person_id)
            .where(
                cp.c.owner_id == self._ctx.owner_id,
                p.c.owner_id == self._ctx.owner_id,
                cp.c.kind == "email",
                cp.c.normalized.in_(builtins.list(keys)[:100]),
            )
            .order_by(p.c.id)
        )
        if exclude is not None:
            query = query.where(p.c.id != exclude)
        with self._ctx.read() as conn:
            rows = conn.execute(query).all()
        return [(keys[r.normalized], PersonRef(r.id, r.name)) for r in rows]

    def get(self, ref: str | int) -> Person:
        """One person with all their details."""
        with self._ctx.read() as conn:
            person_ref = self.resolve_in(conn, ref)
            return self.load_details(conn, person_ref.id)

    def load_details(self, conn: Connection, person_id: int) -> Person:
        person = self.load_many(conn, [person_id])[0]
        owner = self._ctx.owner_id
        cp = s.contact_points
        person.contact_points = [
            ContactPoint(
                kind=r.kind,
                value=r.value,
                label=r.label,
                normalized=r.normalized,
                service=r.service,
                is_primary=r.is_primary,
                id=r.id,
            )
            for r in conn.execute(
                select(cp)
                .where(cp.c.owner_id == owner, cp.c.person_id == person_id)
                .order_by(cp.c.kind, cp.c.position, cp.c.id)
            )
        ]
        d = s.important_dates
        person.dates = [
            ImportantDate(
                kind=r.kind, when=PartialDate(r.month, r.day, r.year), label=r.label, id=r.id
            )
            for r in conn.execute(
                select(d)
                .where(d.c.owner_id == owner, d.c.person_id == person_id)
                .order_by(d.c.month, d.c.day, d.c.id)
            )
        ]
        j = s.jobs
        person.jobs = [
            Job(
                organisation=r.organisation,
                title=r.title,
                department=r.department,
                start_date=r.start_date,
                end_date=r.end_date,
                id=r.id,
            )
            for r in conn.execute(
                select(j)
                .where(j.c.owner_id == owner, j.c.person_id == person_id)
                .order_by(
                    j.c.end_date.is_(None).desc(), j.c.start_date.desc().nulls_last(), j.c.id.desc()
                )
            )
        ]
        f = s.facts
        person.facts = [
            Fact(
                kind=r.kind,
                text=r.text,
                person_id=person_id,
                happened_on=r.happened_on,
                created_at=r.created_at,
                id=r.id,
            )
            for r in conn.execute(
                select(f).where(f.c.owner_id == owner, f.c.person_id == person_id).order_by(f.c.id)
            )
        ]
        q = s.questions
        person.questions = [
            Question(
                text=r.text,
                person_id=person_id,
                created_at=r.created_at,
                asked_at=r.asked_at,
                answer=r.answer,
                id=r.id,
            )
            for r in conn.execute(
                select(q).where(q.c.owner_id == owner, q.c.person_id == person_id).order_by(q.c.id)
            )
        ]
        return person

    def load_many(self, conn: Connection, ids: Sequence[int]) -> builtins.list[Person]:
        """People with what lists show (e-mails, phones, tags, circle, birthday): 4 queries."""
        if not ids:
            return []
        p, c = s.people, s.circles
        owner = self._ctx.owner_id
        intro = s.people.alias("intro")
        rows = conn.execute(
            select(p, c.c.name.label("circle_name"), intro.c.name.label("intro_name"))
            .select_from(
                p.outerjoin(c, c.c.id == p.c.circle_id).outerjoin(
                    intro, intro.c.id == p.c.introduced_by_id
                )
            )
            .where(p.c.owner_id == owner, p.c.id.in_(ids))
        ).all()
        by_id = {row.id: person_from_row(row) for row in rows}
        missing = [i for i in ids if i not in by_id]
        r: Any  # rows of several shapes below
        if missing:
            raise NotFound(f"no person with id {missing[0]}")
        cp = s.contact_points
        for r in conn.execute(
            select(cp.c.person_id, cp.c.kind, cp.c.value)
            .where(
                cp.c.owner_id == owner, cp.c.person_id.in_(ids), cp.c.kind.in_(("email", "phone"))
            )
            .order_by(cp.c.person_id, cp.c.is_primary.desc(), cp.c.position, cp.c.id)
        ):
            target = by_id[r.person_id]
            (target.emails if r.kind == "email" else target.phones).append(r.value)
        pt, t = s.person_tags, s.tags
        for r in conn.execute(
            select(pt.c.person_id, t.c.name)
            .join(t, t.c.id == pt.c.tag_id)
            .where(pt.c.owner_id == owner, pt.c.person_id.in_(ids))
            .order_by(t.c.name)
        ):
            by_id[r.person_id].tags.append(r.name)
        d = s.important_dates
        for r in conn.execute(
            select(d.c.person_id, d.c.year, d.c.month, d.c.day)
            .where(d.c.owner_id == owner, d.c.person_id.in_(ids), d.c.kind == "birthday")
            .order_by(d.c.id)
        ):
            if by_id[r.person_id].birthday is None:
                by_id[r.person_id].birthday = PartialDate(r.month, r.day, r.year)
        return [by_id[i] for i in ids]

    def list(self, **filters: Any) -> builtins.list[Person]:
        """People with what lists show (:meth:`load_many`), filtered and sorted in SQL: the
        filters are :meth:`_listing`'s (tag, circle, org, sort, reverse, limit, offset,
        include_archived, only_archived, ids)."""
        query = self._listing(**filters)
        with self._ctx.read() as conn:
            found = [r.id for r in conn.execute(query)]
            return self.load_many(conn, found)

    def lines(self, **filters: Any) -> builtins.list[PersonLine]:
        """What a list of people shows of each (name, title, organisation, circle, tags, last
        contact), the same people in the same order as :meth:`list` with the same filters, in
        two queries and without building whole people: `amity list` at 100,000 people."""
        p, c, pt, t = s.people, s.circles, s.person_tags, s.tags
        owner = self._ctx.owner_id
        query = (
            self._listing(**filters)
            .add_columns(  # PersonLine's fields in order, but the tags
                p.c.name, p.c.title, p.c.org, c.c.name, p.c.last_interaction_at
            )
            .outerjoin(c, c.c.id == p.c.circle_id)
        )
        tags: dict[int, builtins.list[str]] = {}
        with self._ctx.read() as conn:
            rows = conn.execute(query).all()
            wanted = {r[0] for r in rows}
            tagged = select(pt.c.person_id, t.c.name).join(t, t.c.id == pt.c.tag_id).where(
                pt.c.owner_id == owner).order_by(t.c.name)  # fmt: skip
            batches = ([tagged] if len(wanted) > ID_BATCH else
                       [tagged.where(pt.c.person_id.in_(wanted))] if wanted else [])  # fmt: skip
            for batch in batches:  # a long list: every tag of the book, one pass
                for person_id, name in conn.execute(batch):
                    if person_id in wanted:
                        tags.setdefault(person_id, []).append(name)
        return [PersonLine(*r, tuple(tags.get(r[0], ()))) for r in rows]  # type: ignore[call-arg]

    def _listing(
        self,
        *,
        tag: str | None = None,
        circle: str | None = None,
        org: str | None = None,
        sort: str = "name",
        reverse: bool = False,
        limit: int | None = None,
        offset: int = 0,
        include_archived: bool = False,
        only_archived: bool = False,
        ids: Iterable[int] | None = None,
    ) -> Select[Any]:
        """The ids of the people a list shows, filtered, in order, one page."""
        if sort not in SORTS:
            raise InvalidInput(f"sort by one of {', '.join(SORTS)}, not {sort!r}", field="sort")
        if limit is not None and limit < 0:
            raise InvalidInput("limit must be 0 or more", field="limit")
        p = s.people
        query = select(p.c.id).where(p.c.owner_id == self._ctx.owner_id)
        if only_archived:
            query = query.where(p.c.archived_at.is_not(None))
        elif not include_archived:
            query = query.where(p.c.archived_at.is_(None))
        if ids is not None:
            query = query.where(p.c.id.in_(list(ids)))
        if tag:
            pt, t = s.person_tags, s.tags
            query = query.where(
                p.c.id.in_(
                    select(pt.c.person_id)
                    .join(t, t.c.id == pt.c.tag_id)
                    .where(t.c.owner_id == self._ctx.owner_id, t.c.name == normalize_tag(tag))
                )
            )
        if circle:
            c = s.circles
            query = query.where(
                p.c.circle_id.in_(
                    select(c.c.id).where(
                        c.c.owner_id == self._ctx.owner_id,
                        func.lower(c.c.name) == circle.strip().lower(),
                    )
                )
            )
        if org:
            query = query.where(func.lower(p.c.org).like("%" + org.strip().lower() + "%"))
        order: builtins.list[Any]
        if sort == "name":
            order = [p.c.name_key.desc() if reverse else p.c.name_key, p.c.id]
        elif sort == "added":
            order = [p.c.created_at.desc() if not reverse else p.c.created_at, p.c.id.desc()]
        else:  # most recently contacted first; never contacted last
            order = (
                [p.c.last_interaction_at.is_(None), p.c.last_interaction_at.desc()]
                if not reverse
                else [p.c.last_interaction_at.is_not(None), p.c.last_interaction_at.asc()]
            )
            order.append(p.c.id)
        query = query.order_by(*order).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return query

    def names_like(self, typed: str, *, limit: int = 10) -> builtins.list[PersonRef]:
        """People (not archived) whose name, or a word of it, starts like ``typed``: what a
        field naming a person suggests. Name starts first, then word starts, by name."""
        key = fold(typed)[:100]
        if not key or limit < 1:
            return []
        p = s.people
        pattern = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = (
            select(p.c.id, p.c.name, p.c.name_key)
            .where(
                p.c.owner_id == self._ctx.owner_id,
                p.c.archived_at.is_(None),
                or_(
                    p.c.name_key.like(pattern + "%", escape="\\"),
                    p.c.name_key.like("% " + pattern + "%", escape="\\"),
                ),
            )
            .order_by(p.c.name_key, p.c.id)
            .limit(limit * 5)
        )
        with self._ctx.read() as conn:
            rows = sorted(
                conn.execute(query).all(),
                key=lambda r: (not r.name_key.startswith(key), r.name_key, r.id),
            )
        return [PersonRef(r.id, r.name) for r in rows[:limit]]

    def count(self, *, include_archived: bool = False) -> int:
        p = s.people
        query = select(func.count()).select_from(p).where(p.c.owner_id == self._ctx.owner_id)
        if not include_archived:
            query = query.where(p.c.archived_at.is_(None))
        with self._ctx.read() as conn:
            return int(conn.execute(query).scalar_one())


def person_from_row(r: Any) -> Person:
    return Person(
        id=r.id,
        name=r.name,
        org=r.org,
        title=r.title,
        circle=r.circle_name,
        cadence_days=r.cadence_days,
        last_interaction_at=r.last_interaction_at,
        created_at=r.created_at,
        archived_at=r.archived_at,
        given_name=r.given_name,
        family_name=r.family_name,
        nickname=r.nickname,
        preferred_channel=r.preferred_channel,
        timezone=r.timezone,
        country=r.country,
        language=r.language,
        best_time=r.best_time,
        style_notes=r.style_notes,
        how_met=r.how_met,
        met_where=r.met_where,
        met_on=r.met_on,
        met_event_id=r.met_event_id,
        introduced_by=PersonRef(r.introduced_by_id, r.intro_name) if r.introduced_by_id else None,
        notes=r.notes,
        photo=r.photo,
        uid=r.uid,
        is_group=r.is_group,
        version=r.version,
        updated_at=r.updated_at,
    )
