"""Export: the book's people (and organisations, as company cards) as records, for vCard and
CSV through the format registry.

People are read ``BATCH`` at a time with a handful of set-based queries per batch; a person
without a UID gets a stable one derived from the owner and the id, so that exporting twice
names the same cards the same way (vdirsyncer and khard name files by it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sqlalchemy import Connection, select

from amity.book.context import BookContext
from amity.book.transfer.keys import BATCH, chunks
from amity.formats.records import PersonRecord, Relation
from amity.model import ContactPoint, ImportantDate, PartialDate
from amity.store import schema as s


def vcard_file_name(uid: str) -> str:
    """A safe file name from a UID (vdirsyncer's rule: keep it when it is safe)."""
    safe = re.sub(r"[^A-Za-z0-9._@+-]", "_", uid).strip(".")
    return safe[:200] or "card"


def export_uid(owner_id: int, person_id: int) -> str:
    """A stable UID for a person that has none (vdirsyncer and khard name files by it)."""
    import uuid

    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"amity:{owner_id}:{person_id}"))


def people_records(ctx: BookContext) -> Iterator[PersonRecord]:
    """Every active person as a `PersonRecord`, by name, loaded ``BATCH`` at a time."""
    p = s.people
    query = select(p.c.id).where(p.c.owner_id == ctx.owner_id, p.c.archived_at.is_(None))
    with ctx.read() as conn:
        ids = list(conn.execute(query.order_by(p.c.name_key, p.c.id)).scalars())
    for chunk in chunks(ids, BATCH):
        with ctx.read() as conn:
            yield from _records_for(conn, ctx.owner_id, chunk)


def _records_for(conn: Connection, owner: int, ids: list[int]) -> list[PersonRecord]:
    p, cp, d, j, rel = s.people, s.contact_points, s.important_dates, s.jobs, s.relationships
    t, pt = s.tags, s.person_tags
    records: dict[int, PersonRecord] = {}
    for r in conn.execute(select(p).where(p.c.owner_id == owner, p.c.id.in_(ids))):
        records[r.id] = PersonRecord(
            name=r.name, given_name=r.given_name, family_name=r.family_name,
            nickname=r.nickname, org=r.org, title=r.title, notes=r.notes, photo=r.photo,
            uid=r.uid or export_uid(owner, r.id), met_on=r.met_on, how_met=r.how_met,
            is_group=r.is_group, source="amity", source_ref=str(r.id))  # fmt: skip
    lists = {"email": "emails", "phone": "phones", "url": "urls", "social": "socials",
             "impp": "impps", "address": "addresses"}  # fmt: skip
    for r in conn.execute(
        select(cp)
        .where(cp.c.owner_id == owner, cp.c.person_id.in_(ids))
        .order_by(cp.c.person_id, cp.c.position, cp.c.id)
    ):
        target = getattr(records[r.person_id], lists.get(r.kind, "urls"))
        target.append(ContactPoint(r.kind, r.value, r.label, r.normalized, r.service,
                                   r.is_primary))  # fmt: skip
    for r in conn.execute(
        select(pt.c.person_id, t.c.name)
        .join(t, t.c.id == pt.c.tag_id)
        .where(pt.c.owner_id == owner, pt.c.person_id.in_(ids))
        .order_by(t.c.name)
    ):
        records[r.person_id].tags.append(r.name)
    for r in conn.execute(
        select(d).where(d.c.owner_id == owner, d.c.person_id.in_(ids)).order_by(d.c.id)
    ):
        record, when = records[r.person_id], PartialDate(r.month, r.day, r.year)
        if r.kind == "birthday" and record.birthday is None:
            record.birthday = when
        elif r.kind == "anniversary" and r.label is None and record.anniversary is None:
            record.anniversary = when
        else:
            record.dates.append(ImportantDate("custom" if r.kind == "birthday" else r.kind,
                                              when, r.label))  # fmt: skip
    for r in conn.execute(
        select(j)
        .where(j.c.owner_id == owner, j.c.person_id.in_(ids), j.c.end_date.is_(None))
        .order_by(j.c.id)
    ):
        record = records[r.person_id]
        if record.org and r.organisation == record.org and r.department:
            record.department = r.department
    names = {
        r.id: r.name
        for r in conn.execute(
            select(p.c.id, p.c.name, p.c.uid).where(
                p.c.owner_id == owner,
                p.c.id.in_(
                    select(rel.c.person_b_id).where(
                        rel.c.owner_id == owner, rel.c.person_a_id.in_(ids)
                    )
                ),
            )
        )
    }
    for r in conn.execute(
        select(rel).where(rel.c.owner_id == owner, rel.c.person_a_id.in_(ids)).order_by(rel.c.id)
    ):
        name = r.name_hint or names.get(r.person_b_id)
        record = records[r.person_a_id]
        if name and r.kind == "member" and record.is_group:
            record.members.append(name)
        elif name:
            record.related.append(Relation(r.kind, name))
    return [records[i] for i in ids if i in records]


def organisation_records(ctx: BookContext) -> list[PersonRecord]:
    """Every organisation as a company card (``is_org``: vCard 4.0 writes ``KIND:org``, 3.0
    Apple's ``X-ABShowAs:COMPANY``, CSV a row with only the company), which imports back as
    the same organisation."""
    import uuid

    from amity.book.organisations import Organisations

    out = []
    for org in Organisations(ctx).list():
        uid = org.uid or str(uuid.uuid5(uuid.NAMESPACE_URL, f"amity:{ctx.owner_id}:org:{org.id}"))
        out.append(PersonRecord(
            name=org.name, org=org.name, is_org=True, uid=uid, notes=org.notes, source="amity",
            source_ref=f"organisation:{org.id}",
            emails=[ContactPoint("email", e, None, e.lower()) for e in org.emails],
            phones=[ContactPoint("phone", p, None, p) for p in org.phones],
            urls=[ContactPoint("url", org.website, None, org.website.lower())] if org.website else [],
            addresses=[ContactPoint("address", org.address, None, org.address)] if org.address else [],
        ))  # fmt: skip
    return out


def group_records(ctx: BookContext) -> list[PersonRecord]:
    """Every group as a group card (``KIND:group`` in 4.0, Apple's group card in 3.0) with its
    members as the imported card listed them."""
    from amity.book.groups import Groups

    return [
        PersonRecord(
            name=g.name,
            uid=g.uid,
            is_group=True,
            members=g.values,
            source="amity",
            source_ref=f"group:{g.id}",
        )
        for g in Groups(ctx).list()
    ]
