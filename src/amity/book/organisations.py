"""Organisations in the Book (``book.organisations``, issue 12 section 4): list, get, add, edit,
delete, the people who work there, and the one upsert every import path uses.

A company card (vCard ``KIND:org``, Apple's ``X-ABShowAs:COMPANY``) or a CSV row with a
company but no person's name is an organisation, never a person. Names are unique per owner
case-insensitively (``rules.organisations.organisation_key``); people work at one through their
jobs (``jobs.organisation`` matched the same way, in Python, so SQLite and PostgreSQL agree on
non-ASCII names).
"""

from __future__ import annotations

import builtins
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from amity.book.context import BookContext, new_id
from amity.book.people import People
from amity.errors import Conflict, InvalidInput, NotFound
from amity.model.organisations import Member, Organisation
from amity.rules.normalize import NormalizeError, normalize_email, normalize_phone
from amity.rules.organisations import organisation_key, what_a_card_adds
from amity.rules.text import clean_text
from amity.store import schema as s

LIMITS = {"name": 300, "website": 500}


@dataclass
class OrganisationInput:
    """What a door sends; None leaves a field as it is (on edit), "" or [] clears it."""

    name: str | None = None
    website: str | None = None
    emails: list[str] | None = None
    phones: list[str] | None = None
    address: str | None = None
    notes: str | None = None


@dataclass
class CardOrganisation:
    """An organisation as an import read it (values as the card has them)."""

    name: str
    website: str | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    address: str | None = None
    notes: str | None = None
    uid: str | None = None


class Organisations:
    def __init__(self, ctx: BookContext, people: People | None = None) -> None:
        self._ctx = ctx
        self._people = people

    # --- reading ---------------------------------------------------------------------------

    def list(self, q: str | None = None) -> builtins.list[Organisation]:
        """Every organisation (by name), with how many people work there now."""
        o = s.organisations
        query = select(o).where(o.c.owner_id == self._ctx.owner_id)
        key = organisation_key(q or "")
        with self._ctx.read() as conn:
            rows = conn.execute(query.order_by(o.c.name_key, o.c.id)).all()
            counts = self._current_counts(conn)
        found = [_organisation(r, counts.get(r.name_key, 0)) for r in rows]
        return [x for x in found if key in organisation_key(x.name)] if key else found

    def get(self, ref: int | str) -> Organisation:
        with self._ctx.read() as conn:
            row = self._row(conn, ref)
            count = sum(1 for m in self._members(conn, row.name_key) if m.current)
        return _organisation(row, count)

    def find(self, name: str | None) -> Organisation | None:
        """The organisation of this name (any case), or None: for a person's job."""
        if not name or not name.strip():
            return None
        try:
            return self.get(name)
        except NotFound:
            return None

    def people(self, ref: int | str) -> builtins.list[Member]:
        """Who works there (current jobs first, then former), from their jobs."""
        with self._ctx.read() as conn:
            row = self._row(conn, ref)
            return self._members(conn, row.name_key)

    # --- writing ---------------------------------------------------------------------------

    def add(self, data: OrganisationInput) -> Organisation:
        name = _name(data.name)
        with self._ctx.write() as conn:
            region = self._ctx.setting("phone.region", conn) or "US"
            values = _prepared(data, region)
            self._check_free(conn, name)
            now = self._ctx.now()
            org_id = new_id(conn.execute(insert(s.organisations).values(
                owner_id=self._ctx.owner_id, name=name, name_key=organisation_key(name),
                created_at=now, updated_at=now, **values)))  # fmt: skip
            row = self._row(conn, org_id)
        return _organisation(row, 0)

    def edit(self, ref: int | str, data: OrganisationInput) -> Organisation:
        with self._ctx.write() as conn:
            row = self._row(conn, ref)
            region = self._ctx.setting("phone.region", conn) or "US"
            values = _prepared(data, region)
            if data.name is not None:
                name = _name(data.name)
                if organisation_key(name) != row.name_key:
                    self._check_free(conn, name)
                if name != row.name:
                    self._rename_jobs(conn, row.name_key, name)
                values.update(name=name, name_key=organisation_key(name))
            if values:
                o = s.organisations
                conn.execute(update(o).where(o.c.owner_id == self._ctx.owner_id,
                                             o.c.id == row.id)
                             .values(updated_at=self._ctx.now(), **values))  # fmt: skip
            row = self._row(conn, row.id)
            count = sum(1 for m in self._members(conn, row.name_key) if m.current)
        return _organisation(row, count)

    def delete(self, ref: int | str) -> Organisation:
        """Delete the organisation (people keep their jobs; restorable from the trash)."""
        with self._ctx.write() as conn:
            row = self._row(conn, ref)
            o = s.organisations
            conn.execute(delete(o).where(o.c.owner_id == self._ctx.owner_id, o.c.id == row.id))
        return _organisation(row, 0)

    def from_person(self, ref: int | str) -> Organisation:
        """A person who is really a company (a company card imported before Amity knew them)
        becomes an organisation: their name, e-mails, phones, first web link and address,
        notes and UID; the person is deleted in the same transaction (the trash restores
        them). Refused for someone who took part in interactions: a company card has none."""
        if self._people is None:
            raise RuntimeError("Organisations needs People to turn a person into one")
        ip = s.interaction_participants
        with self._ctx.write() as conn:
            person = self._people.resolve_in(conn, ref)
            taken = conn.execute(select(func.count()).where(
                ip.c.owner_id == self._ctx.owner_id, ip.c.person_id == person.id)).scalar_one()  # fmt: skip
            if taken:
                raise InvalidInput(f"{person.name} took part in {taken} interaction(s): a "
                                   "person, not a company card; edit their job instead")  # fmt: skip
            p = self._people.load_details(conn, person.id)
            points = {kind: [c.value for c in p.contact_points if c.kind == kind]
                      for kind in ("url", "address")}  # fmt: skip
            card = CardOrganisation(name=p.name, website=next(iter(points["url"]), None),
                                    emails=list(p.emails), phones=list(p.phones),
                                    address=next(iter(points["address"]), None), notes=p.notes,
                                    uid=p.uid)  # fmt: skip
            _, org_id = self.upsert_in(conn, card)
            self._people.purge_in(conn, person)
            row = self._row(conn, int(org_id or 0))
            count = sum(1 for m in self._members(conn, row.name_key) if m.current)
        return _organisation(row, count)

    def upsert_in(self, conn: Connection, card: CardOrganisation, *,
                  dry_run: bool = False) -> tuple[str, int | None]:  # fmt: skip
        """An imported organisation in the caller's transaction: ``created``, ``updated`` or
        ``unchanged``, and its id (None on a dry run that would create it). Matched by its UID,
        then by name (any case); a match only gains what it lacks."""
        name = (clean_text(card.name) or "")[:300]
        if not name:
            raise InvalidInput("an organisation needs a name", field="name")
        o = s.organisations
        owner = self._ctx.owner_id
        row = None
        if card.uid:
            row = conn.execute(select(o).where(o.c.owner_id == owner, o.c.uid == card.uid[:300])
                               .order_by(o.c.id).limit(1)).first()  # fmt: skip
        if row is None:
            row = conn.execute(select(o).where(o.c.owner_id == owner,
                                               o.c.name_key == organisation_key(name))).first()  # fmt: skip
        now = self._ctx.now()
        incoming = _card_values(card)
        if row is None:
            if dry_run:
                return "created", None
            values = {k: _stored(k, v) for k, v in incoming.items()}
            org_id = new_id(conn.execute(insert(o).values(
                owner_id=owner, name=name, name_key=organisation_key(name), created_at=now,
                updated_at=now, **values)))  # fmt: skip
            return "created", org_id
        changes = what_a_card_adds(_current(row), incoming)
        if not changes:
            return "unchanged", int(row.id)
        if not dry_run:
            conn.execute(update(o).where(o.c.owner_id == owner, o.c.id == row.id).values(
                updated_at=now, **{k: _stored(k, v) for k, v in changes.items()}))  # fmt: skip
        return "updated", int(row.id)

    # --- helpers ---------------------------------------------------------------------------

    def _row(self, conn: Connection, ref: int | str) -> Any:
        o = s.organisations
        query = select(o).where(o.c.owner_id == self._ctx.owner_id)
        if isinstance(ref, int) or (isinstance(ref, str) and ref.strip().isdigit()):
            row = conn.execute(query.where(o.c.id == int(ref))).first()
        else:
            row = conn.execute(query.where(o.c.name_key == organisation_key(ref))).first()
        if row is None:
            raise NotFound(f"no organisation {ref!r}")
        return row

    def _check_free(self, conn: Connection, name: str) -> None:
        o = s.organisations
        taken = conn.execute(select(o.c.id, o.c.name).where(
            o.c.owner_id == self._ctx.owner_id,
            o.c.name_key == organisation_key(name))).first()  # fmt: skip
        if taken is not None:
            raise Conflict(f"there is already an organisation named {taken.name!r}",
                           id=taken.id)  # fmt: skip

    def _rename_jobs(self, conn: Connection, key: str, name: str) -> None:
        """A renamed organisation keeps its people: their jobs (and current ``people.org``)
        there take the new name."""
        j, p = s.jobs, s.people
        owner = self._ctx.owner_id
        jobs = [r.id for r in conn.execute(select(j.c.id, j.c.organisation).where(
            j.c.owner_id == owner)) if organisation_key(r.organisation) == key]  # fmt: skip
        people = [r.id for r in conn.execute(select(p.c.id, p.c.org).where(
            p.c.owner_id == owner, p.c.org.is_not(None))) if organisation_key(r.org) == key]  # fmt: skip
        if jobs:
            conn.execute(update(j).where(j.c.owner_id == owner, j.c.id.in_(jobs))
                         .values(organisation=name))  # fmt: skip
        if people:
            conn.execute(update(p).where(p.c.owner_id == owner, p.c.id.in_(people)).values(
                org=name, version=p.c.version + 1, updated_at=self._ctx.now()))  # fmt: skip
            from amity.book.search import index_people

            index_people(conn, owner, people)

    def _current_counts(self, conn: Connection) -> Counter[str]:
        """People with a current job, per organisation key (one query)."""
        j, p = s.jobs, s.people
        rows = conn.execute(select(j.c.organisation, j.c.person_id).join(p, p.c.id == j.c.person_id)
                            .where(j.c.owner_id == self._ctx.owner_id, j.c.end_date.is_(None),
                                   p.c.archived_at.is_(None))).all()  # fmt: skip
        pairs = {(organisation_key(r.organisation), r.person_id) for r in rows}
        return Counter(key for key, _ in pairs)

    def _members(self, conn: Connection, key: str) -> builtins.list[Member]:
        j, p = s.jobs, s.people
        rows = conn.execute(
            select(p.c.id, p.c.name, j.c.organisation, j.c.title, j.c.start_date, j.c.end_date)
            .join(p, p.c.id == j.c.person_id)
            .where(j.c.owner_id == self._ctx.owner_id, p.c.archived_at.is_(None))
            .order_by(p.c.name_key, p.c.id, j.c.id.desc())
        ).all()
        seen: dict[int, Member] = {}
        for r in rows:
            if organisation_key(r.organisation) != key:
                continue
            member = Member(r.id, r.name, r.title, r.end_date is None, r.start_date, r.end_date)
            known = seen.get(r.id)
            if known is None or (member.current and not known.current):
                seen[r.id] = member
        return sorted(seen.values(), key=lambda m: (not m.current, m.name.casefold(), m.person_id))


def _organisation(row: Any, people_count: int) -> Organisation:
    return Organisation(
        name=row.name,
        website=row.website,
        emails=json.loads(row.emails) if row.emails else [],
        phones=json.loads(row.phones) if row.phones else [],
        address=row.address,
        notes=row.notes,
        uid=row.uid,
        id=row.id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        people_count=people_count,
    )


def _current(row: Any) -> dict[str, Any]:
    org = _organisation(row, 0)
    return {"website": org.website, "address": org.address, "notes": org.notes, "uid": org.uid,
            "emails": org.emails, "phones": org.phones}  # fmt: skip


def _card_values(card: CardOrganisation) -> dict[str, Any]:
    return {
        "website": _fit(card.website, 500),
        "emails": [e for e in dict.fromkeys(x.strip() for x in card.emails) if e],
        "phones": [t for t in dict.fromkeys(x.strip() for x in card.phones) if t],
        "address": clean_text(card.address),
        "notes": clean_text(card.notes),
        "uid": _fit(card.uid, 300),
    }


def _stored(name: str, value: Any) -> Any:
    if name in ("emails", "phones"):
        return json.dumps(value) if value else None
    return value


def _fit(value: str | None, limit: int) -> str | None:
    text = clean_text(value)
    return text[:limit] if text else None


def _name(value: str | None) -> str:
    name = " ".join((value or "").split())
    if not name:
        raise InvalidInput("an organisation needs a name", field="name")
    if len(name) > LIMITS["name"]:
        raise InvalidInput("a name is at most 300 characters", field="name")
    return name


def _prepared(data: OrganisationInput, region: str) -> dict[str, Any]:
    """The columns ``data`` sets, checked before anything is written."""
    values: dict[str, Any] = {}
    if data.website is not None:
        website = data.website.strip()
        if website and "://" not in website:
            website = "https://" + website
        if website and not website.startswith(("http://", "https://")):
            raise InvalidInput("a website is an http:// or https:// address", field="website")
        if len(website) > LIMITS["website"]:
            raise InvalidInput("a website is at most 500 characters", field="website")
        values["website"] = website or None
    if data.emails is not None:
        emails = []
        for raw in (e for e in data.emails if e.strip()):
            try:
                emails.append(normalize_email(raw))
            except NormalizeError as exc:
                raise InvalidInput(str(exc), field="email") from None
        values["emails"] = _stored("emails", list(dict.fromkeys(emails)))
    if data.phones is not None:
        phones = []
        for raw in (t for t in data.phones if t.strip()):
            try:
                phones.append(normalize_phone(raw, region))
            except NormalizeError as exc:
                raise InvalidInput(str(exc), field="phone") from None
        values["phones"] = _stored("phones", list(dict.fromkeys(phones)))
    for name in ("address", "notes"):
        value = getattr(data, name)
        if value is not None:
            values[name] = clean_text(value)
    return values
