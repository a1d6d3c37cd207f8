"""People: add, edit, find, list, tag, archive; their facts, questions, dates and jobs.

``book.people`` is one object made of its concerns: finding (``finding.py``), checking input
(``input.py``), what hangs on a person (``details.py``); adding, editing, archiving and
purging are here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from amity.book.context import new_id
from amity.book.events import emit
from amity.book.groups import Groups
from amity.book.people.details import PersonDetails
from amity.book.people.finding import SORTS, PeopleFinding
from amity.book.people.input import PersonInput, PreparingInput
from amity.book.related import resolve_related
from amity.errors import Conflict, InvalidInput
from amity.model import Person, PersonRef
from amity.rules.normalize import email_key, phone_key
from amity.rules.text import fold
from amity.serialize import person_json
from amity.store import schema as s

__all__ = ["SORTS", "People", "PeopleFinding", "PersonInput"]


class People(PreparingInput, PersonDetails):
    """``book.people``: every use case about people (see the module's docstring)."""

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
            resolve_related(conn, self._ctx.owner_id, new_ids=[person_id])  # a named spouse...
            Groups(self._ctx).link_members(conn, new_ids=[person_id])  # ...or group member
            person = self.load_details(conn, person_id)
            emit(conn, self._ctx.owner_id, "person.created", person_json(person), at=now)
            return person

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
                select(p.c.version, p.c.org, p.c.title, p.c.country).where(
                    p.c.owner_id == self._ctx.owner_id, p.c.id == person.id
                )
            ).one()
            if if_version is not None and current.version != if_version:
                raise Conflict(
                    f"{person.name} changed since you read it (version {current.version})",
                    version=current.version,
                )
            prepared = self._prepare(conn, data, country=current.country)
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
            country = values.get("country", current.country)
            self._remove_points(
                conn, person.id, "phone", [phone_key(x, country, region) for x in remove_phones]
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
            changed = self.load_details(conn, person.id)
            emit(
                conn,
                self._ctx.owner_id,
                "person.updated",
                person_json(changed),
                at=values["updated_at"],
            )
            return changed

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
            return self.purge_in(conn, self.resolve_in(conn, ref))

    def purge_in(self, conn: Connection, person: PersonRef) -> PersonRef:
        """`purge` in the caller's transaction."""
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

    def clear_birthday(self, ref: str | int) -> Person:
        """Forget a person's birthday (their other dates stay)."""
        with self._ctx.write() as conn:
            person = self.resolve_in(conn, ref)
            d, p = s.important_dates, s.people
            conn.execute(
                delete(d).where(
                    d.c.owner_id == self._ctx.owner_id,
                    d.c.person_id == person.id,
                    d.c.kind == "birthday",
                )
            )
            conn.execute(
                update(p)
                .where(p.c.owner_id == self._ctx.owner_id, p.c.id == person.id)
                .values(updated_at=self._ctx.now(), version=p.c.version + 1)
            )
            return self.load_details(conn, person.id)

    def tag(self, ref: str | int, tags: Sequence[str]) -> Person:
        return self.edit(ref, PersonInput(tags=list(tags)))

    def untag(self, ref: str | int, tags: Sequence[str]) -> Person:
        return self.edit(ref, PersonInput(), remove_tags=tags)
