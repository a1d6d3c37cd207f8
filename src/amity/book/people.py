"""People: add, edit, find, list, tag, archive; their facts, questions, dates and jobs."""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, or_, select, update

from amity.book.context import BookContext, new_id
from amity.errors import Ambiguous, Conflict, InvalidInput, NotFound
from amity.model import (
    CONTACT_KINDS,
    FACT_KINDS,
    ContactPoint,
    Fact,
    ImportantDate,
    Job,
    PartialDate,
    Person,
    PersonRef,
    Question,
)
from amity.rules.normalize import (
    NormalizeError,
    email_key,
    normalize_email,
    normalize_phone,
    normalize_tag,
    parse_cadence,
    phone_key,
)
from amity.rules.text import fold
from amity.store import schema as s

SORTS = ("name", "last-contact", "added")
DATE_KINDS = ("birthday", "anniversary", "custom")


@dataclass
class PersonInput:
    """What a user may set on a person; ``None`` leaves a field as it is on edit."""

    name: str | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    org: str | None = None
    title: str | None = None
    tags: list[str] = field(default_factory=list)
    circle: str | None = None
    cadence: str | None = None  # "30d", "6w", "never"; "" clears the override
    birthday: str | PartialDate | None = None
    met_where: str | None = None
    met_on: date | None = None
    how_met: str | None = None
    introduced_by: str | None = None  # a person reference
    note: str | None = None
    preferred_channel: str | None = None
    timezone: str | None = None
    language: str | None = None
    best_time: str | None = None
    style_notes: str | None = None
    nickname: str | None = None


class People:
    def __init__(self, ctx: BookContext) -> None:
        self._ctx = ctx

    # --- finding ------------------------------------------------------------------------

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
        by_id = {row.id: _person_from_row(row) for row in rows}
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

    def list(
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
    ) -> list[Person]:
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
        with self._ctx.read() as conn:
            found = [r.id for r in conn.execute(query)]
            return self.load_many(conn, found)

    def count(self, *, include_archived: bool = False) -> int:
        p = s.people
        query = select(func.count()).select_from(p).where(p.c.owner_id == self._ctx.owner_id)
        if not include_archived:
            query = query.where(p.c.archived_at.is_(None))
        with self._ctx.read() as conn:
            return int(conn.execute(query).scalar_one())

    # --- writing ------------------------------------------------------------------------

    def add(self, data: PersonInput) -> Person:
        name = (data.name or "").strip()
        if not name:
            raise InvalidInput("a person needs a name", field="name")
        if len(name) > 300:
            raise InvalidInput("a name is at most 300 characters", field="name")
        now = self._ctx.now()
        with self._ctx.write() as conn:
            prepared = self._prepare(conn, data)
            values: dict[str, Any] = {
                "owner_id": self._ctx.owner_id,
                "name": name,
                "name_key": fold(name),
                "created_at": now,
                "updated_at": now,
                **prepared.columns,
            }
            if data.circle is None:
                values.setdefault("circle_id", None)
            person_id = new_id(conn.execute(insert(s.people).values(**values)))
            self._apply_lists(conn, person_id, prepared)
            if data.org:
                conn.execute(
                    insert(s.jobs).values(
                        owner_id=self._ctx.owner_id,
                        person_id=person_id,
                        organisation=data.org.strip(),
                        title=data.title,
                    )
                )
            self.reindex(conn, [person_id])
            return self.load_details(conn, person_id)

    def edit(
        self,
        ref: str | int,
        data: PersonInput,
        *,
        remove_emails: Sequence[str] = (),
        remove_phones: Sequence[str] = (),
        remove_tags: Sequence[str] = (),
        if_version: int | None = None,
    ) -> Person:
        """Change what ``data`` sets; lists (e-mails, phones, tags) are added to."""
        with self._ctx.write() as conn:
            person = self.resolve_in(conn, ref)
            p = s.people
            current = conn.execute(
                select(p.c.version, p.c.org, p.c.title).where(
                    p.c.owner_id == self._ctx.owner_id, p.c.id == person.id
                )
            ).one()
            if if_version is not None and current.version != if_version:
                raise Conflict(
                    f"{person.name} changed since you read it (version {current.version})",
                    version=current.version,
                )
            prepared = self._prepare(conn, data)
            values = dict(prepared.columns)
            if data.name is not None:
                name = data.name.strip()
                if not name:
                    raise InvalidInput("a person needs a name", field="name")
                values.update(name=name, name_key=fold(name))
            values.update(updated_at=self._ctx.now(), version=current.version + 1)
            conn.execute(
                update(p)
                .where(p.c.owner_id == self._ctx.owner_id, p.c.id == person.id)
                .values(**values)
            )
            self._remove_points(conn, person.id, "email", [email_key(e) for e in remove_emails])
            region = self._ctx.setting("phone.region", conn)
            self._remove_points(
                conn, person.id, "phone", [phone_key(x, region) for x in remove_phones]
            )
            if remove_tags:
                self._untag(conn, person.id, remove_tags)
            self._apply_lists(conn, person.id, prepared)
            new_org = values.get("org", current.org)
            if (
                data.org is not None
                and data.org.strip()
                and data.org.strip() != (current.org or "")
            ):
                self._start_job(
                    conn, person.id, data.org.strip(), values.get("title", current.title)
                )
            elif data.title is not None and new_org:
                j = s.jobs
                latest = conn.execute(
                    select(j.c.id)
                    .where(
                        j.c.owner_id == self._ctx.owner_id,
                        j.c.person_id == person.id,
                        j.c.end_date.is_(None),
                    )
                    .order_by(j.c.id.desc())
                    .limit(1)
                ).scalar()
                if latest is not None:
                    conn.execute(update(j).where(j.c.id == latest).values(title=data.title))
            self.reindex(conn, [person.id])
            return self.load_details(conn, person.id)

    def _start_job(self, conn: Connection, person_id: int, org: str, title: str | None) -> None:
        j = s.jobs
        today = self._ctx.now().date()
        conn.execute(
            update(j)
            .where(
                j.c.owner_id == self._ctx.owner_id,
                j.c.person_id == person_id,
                j.c.end_date.is_(None),
            )
            .values(end_date=today)
        )
        conn.execute(
            insert(j).values(
                owner_id=self._ctx.owner_id,
                person_id=person_id,
                organisation=org,
                title=title,
                start_date=today,
            )
        )

    def archive(self, ref: str | int) -> PersonRef:
        with self._ctx.write() as conn:
            person = self.resolve_in(conn, ref)
            p = s.people
            conn.execute(
                update(p)
                .where(p.c.owner_id == self._ctx.owner_id, p.c.id == person.id)
                .values(
                    archived_at=self._ctx.now(), updated_at=self._ctx.now(), version=p.c.version + 1
                )
            )
            return person

    def restore(self, ref: str | int) -> PersonRef:
        with self._ctx.write() as conn:
            person = self.resolve_in(conn, ref)
            p = s.people
            conn.execute(
                update(p)
                .where(p.c.owner_id == self._ctx.owner_id, p.c.id == person.id)
                .values(archived_at=None, version=p.c.version + 1)
            )
            return person

    def purge(self, ref: str | int) -> PersonRef:
        """Delete a person and everything that is only theirs; shared interactions stay."""
        with self._ctx.write() as conn:
            person = self.resolve_in(conn, ref)
            owner = self._ctx.owner_id
            ip, i = s.interaction_participants, s.interactions
            solo = (
                select(ip.c.interaction_id)
                .where(ip.c.owner_id == owner)
                .group_by(ip.c.interaction_id)
                .having(func.count() == 1)
            )
            theirs = select(ip.c.interaction_id).where(
                ip.c.owner_id == owner, ip.c.person_id == person.id
            )
            only_theirs = [r[0] for r in conn.execute(theirs.intersect(solo))]
            if only_theirs:
                conn.execute(
                    delete(s.search_docs).where(
                        s.search_docs.c.owner_id == owner,
                        s.search_docs.c.doc_kind == "interaction",
                        s.search_docs.c.ref_id.in_(only_theirs),
                    )
                )
                conn.execute(delete(i).where(i.c.owner_id == owner, i.c.id.in_(only_theirs)))
            conn.execute(
                delete(s.search_docs).where(
                    s.search_docs.c.owner_id == owner,
                    s.search_docs.c.doc_kind == "person",
                    s.search_docs.c.ref_id == person.id,
                )
            )
            conn.execute(
                delete(s.people).where(s.people.c.owner_id == owner, s.people.c.id == person.id)
            )
            return person

    def tag(self, ref: str | int, tags: Sequence[str]) -> Person:
        return self.edit(ref, PersonInput(tags=list(tags)))

    def untag(self, ref: str | int, tags: Sequence[str]) -> Person:
        return self.edit(ref, PersonInput(), remove_tags=tags)

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
        partial = _partial(when)
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

    # --- helpers ------------------------------------------------------------------------

    def _prepare(self, conn: Connection, data: PersonInput) -> _Prepared:
        """Validate and normalise everything before the first write (nothing half-written)."""
        columns: dict[str, Any] = {}
        for name in (
            "org",
            "title",
            "met_where",
            "how_met",
            "preferred_channel",
            "language",
            "best_time",
            "style_notes",
            "nickname",
        ):
            value = getattr(data, name)
            if value is not None:
                columns[name] = value.strip() or None
        if data.note is not None:
            columns["notes"] = data.note.strip() or None
        if data.met_on is not None:
            columns["met_on"] = data.met_on
        if data.timezone is not None:
            from amity.rules.when import WhenError, zone

            if data.timezone.strip():
                try:
                    zone(data.timezone.strip())
                except WhenError as exc:
                    raise InvalidInput(str(exc), field="timezone") from None
            columns["timezone"] = data.timezone.strip() or None
        if data.cadence is not None:
            try:
                columns["cadence_days"] = (
                    parse_cadence(data.cadence) if data.cadence.strip() else None
                )
            except NormalizeError as exc:
                raise InvalidInput(str(exc), field="cadence") from None
        if data.circle is not None:
            columns["circle_id"] = (
                self._circle_id(conn, data.circle) if data.circle.strip() else None
            )
        if data.introduced_by is not None:
            columns["introduced_by_id"] = (
                self.resolve_in(conn, data.introduced_by).id if data.introduced_by.strip() else None
            )
        region = self._ctx.setting("phone.region", conn)
        points: list[ContactPoint] = []
        for raw in data.emails:
            try:
                value = normalize_email(raw)
            except NormalizeError as exc:
                raise InvalidInput(str(exc), field="email") from None
            points.append(ContactPoint("email", value, normalized=email_key(value)))
        for raw in data.phones:
            try:
                value = normalize_phone(raw, region)
            except NormalizeError as exc:
                raise InvalidInput(str(exc), field="phone") from None
            points.append(ContactPoint("phone", value, normalized=value))
        for raw in data.urls:
            url = raw.strip()
            if not url:
                continue
            points.append(ContactPoint("url", url, normalized=url.lower().rstrip("/")))
        try:
            tags = [normalize_tag(t) for t in data.tags]
        except NormalizeError as exc:
            raise InvalidInput(str(exc), field="tag") from None
        birthday = None
        if data.birthday is not None and data.birthday != "":
            birthday = _partial(data.birthday)
        return _Prepared(columns, points, tags, birthday)

    def _circle_id(self, conn: Connection, name: str) -> int:
        c = s.circles
        row = conn.execute(
            select(c.c.id).where(
                c.c.owner_id == self._ctx.owner_id, func.lower(c.c.name) == name.strip().lower()
            )
        ).first()
        if row is None:
            names = (
                conn.execute(
                    select(c.c.name)
                    .where(c.c.owner_id == self._ctx.owner_id)
                    .order_by(c.c.position)
                )
                .scalars()
                .all()
            )
            raise InvalidInput(f"no circle {name!r}; circles: {', '.join(names)}", field="circle")
        return int(row[0])

    def _apply_lists(self, conn: Connection, person_id: int, prepared: _Prepared) -> None:
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


@dataclass
class _Prepared:
    columns: dict[str, Any]
    points: list[ContactPoint]
    tags: list[str]
    birthday: PartialDate | None


def _partial(value: str | PartialDate) -> PartialDate:
    if isinstance(value, PartialDate):
        return value
    try:
        return PartialDate.parse(value)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="birthday") from None


def _person_from_row(r: Any) -> Person:
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


def contact_kinds() -> tuple[str, ...]:
    return CONTACT_KINDS


def as_datetime(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
