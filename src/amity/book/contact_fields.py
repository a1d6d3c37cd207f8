"""Amity's side of a synced card: the fields of people, read set-based and written back.

Shared by the CardDAV client (``book.contact_sync``) and server (``book.address_book``): the
same fields (``amity.rules.sync_merge``), keyed like the import pipeline matches them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from amity.book.context import BookContext
from amity.formats.vcard_sync import point_key
from amity.rules.text import clean_text, fold
from amity.store import schema as s

BATCH = 500
_COLUMNS = {"fn": "name", "given": "given_name", "family": "family_name",
            "nickname": "nickname", "org": "org", "title": "title", "note": "notes"}  # fmt: skip
KINDS = {"emails": "email", "phones": "phone", "urls": "url", "addresses": "address"}
_LIMITS = {"name": 300, "given_name": 200, "family_name": 200, "nickname": 200, "org": 300,
           "title": 300}  # fmt: skip


def apply_fields(conn: Connection, ctx: BookContext, person_id: int, changes: dict[str, Any],
                 before: dict[str, Any], *, source: str) -> None:  # fmt: skip
    """Write synced fields onto a person (lists replace what the field holds)."""
    owner, p = ctx.owner_id, s.people
    values: dict[str, Any] = {}
    for name, column in _COLUMNS.items():
        if name in changes:
            text = clean_text(changes[name]) if changes[name] else None
            limit = _LIMITS.get(column)
            values[column] = text[:limit] if text and limit else text
    if "fn" in changes:
        values["name"] = values["name"] or before.get("fn") or "?"
        values["name_key"] = fold(values["name"])
    values.update(updated_at=ctx.now(), version=p.c.version + 1)
    conn.execute(update(p).where(p.c.owner_id == owner, p.c.id == person_id).values(**values))
    if "org" in changes or "title" in changes:
        from amity.book.milestones import note_job

        new_org = values.get("org", before.get("org"))
        new_title = values.get("title", before.get("title"))
        note_job(conn, ctx, person_id, old=(before.get("org"), before.get("title")),
                 new=(new_org, new_title), source=source)  # fmt: skip
    if "birthday" in changes:
        _set_birthday(conn, owner, person_id, changes["birthday"])
    for name, kind in KINDS.items():
        if name in changes:
            _set_points(conn, owner, person_id, kind, changes[name] or [])
    if "tags" in changes:
        _set_tags(conn, owner, person_id, [str(i["k"]) for i in changes["tags"] or []])
    from amity.book.search import index_people

    index_people(conn, owner, [person_id])


def load_fields(conn: Connection, owner: int, ids: Sequence[int], *, notes: bool = False,
                tags: bool = False) -> dict[int, dict[str, Any]]:  # fmt: skip
    """The synced fields of people, a few queries per ``BATCH`` people."""
    p, cp, d, t, pt = s.people, s.contact_points, s.important_dates, s.tags, s.person_tags
    out: dict[int, dict[str, Any]] = {}
    r: Any
    for start in range(0, len(ids), BATCH):
        chunk = list(ids[start : start + BATCH])
        for r in conn.execute(select(p.c.id, p.c.name, p.c.given_name, p.c.family_name,
                                     p.c.nickname, p.c.org, p.c.title, p.c.notes)
                              .where(p.c.owner_id == owner, p.c.id.in_(chunk))):  # fmt: skip
            fields: dict[str, Any] = {
                "fn": r.name or None, "given": r.given_name or None,
                "family": r.family_name or None, "nickname": r.nickname or None,
                "org": r.org or None, "title": r.title or None, "birthday": None,
                "emails": [], "phones": [], "urls": [], "addresses": [],
            }  # fmt: skip
            if notes:
                fields["note"] = r.notes or None
            if tags:
                fields["tags"] = []
            out[r.id] = fields
        lists = {v: k for k, v in KINDS.items()}
        for r in conn.execute(select(cp.c.person_id, cp.c.kind, cp.c.value, cp.c.label,
                                     cp.c.normalized)
                              .where(cp.c.owner_id == owner, cp.c.person_id.in_(chunk),
                                     cp.c.kind.in_(list(lists)))
                              .order_by(cp.c.person_id, cp.c.position, cp.c.id)):  # fmt: skip
            items = out[r.person_id][lists[r.kind]]
            key = point_key(r.kind, r.value, r.normalized)
            if all(i["k"] != key for i in items):
                items.append({"k": key, "v": r.value, "l": r.label})
        for r in conn.execute(select(d.c.person_id, d.c.month, d.c.day, d.c.year)
                              .where(d.c.owner_id == owner, d.c.person_id.in_(chunk),
                                     d.c.kind == "birthday").order_by(d.c.id)):  # fmt: skip
            if out[r.person_id]["birthday"] is None:
                from amity.model import PartialDate

                out[r.person_id]["birthday"] = str(PartialDate(r.month, r.day, r.year))
        if tags:
            for r in conn.execute(select(pt.c.person_id, t.c.name).join(t, t.c.id == pt.c.tag_id)
                                  .where(pt.c.owner_id == owner, pt.c.person_id.in_(chunk))
                                  .order_by(t.c.name)):  # fmt: skip
                out[r.person_id]["tags"].append({"k": r.name, "v": r.name, "l": None})
    return out


def _set_birthday(conn: Connection, owner: int, person_id: int, value: str | None) -> None:
    from amity.model import PartialDate

    d = s.important_dates
    conn.execute(delete(d).where(d.c.owner_id == owner, d.c.person_id == person_id,
                                 d.c.kind == "birthday"))  # fmt: skip
    if value:
        when = PartialDate.parse(value)
        conn.execute(insert(d).values(owner_id=owner, person_id=person_id, kind="birthday",
                                      year=when.year, month=when.month, day=when.day))  # fmt: skip


def _set_points(conn: Connection, owner: int, person_id: int, kind: str,
                items: list[dict[str, Any]]) -> None:  # fmt: skip
    cp = s.contact_points
    rows = conn.execute(select(cp.c.id, cp.c.value, cp.c.normalized, cp.c.label).where(
        cp.c.owner_id == owner, cp.c.person_id == person_id, cp.c.kind == kind)).all()  # fmt: skip
    wanted = {str(i["k"]): i for i in items}
    have: dict[str, Any] = {}
    for r in rows:
        key = point_key(kind, r.value, r.normalized)
        if key not in wanted or key in have:
            conn.execute(delete(cp).where(cp.c.id == r.id))
        else:
            have[key] = r
            label = wanted[key].get("l")
            if label != r.label:
                conn.execute(update(cp).where(cp.c.id == r.id).values(label=_cut(label, 100)))
    position = len(have)
    for key, item in wanted.items():
        if key in have:
            continue
        value = clean_text(str(item.get("v") or key)) or key
        normalized = key if kind != "url" else value.lower().rstrip("/")
        conn.execute(insert(cp).values(owner_id=owner, person_id=person_id, kind=kind,
                                       label=_cut(item.get("l"), 100), value=value,
                                       normalized=normalized[:400], is_primary=position == 0,
                                       position=position))  # fmt: skip
        position += 1


def _set_tags(conn: Connection, owner: int, person_id: int, names: list[str]) -> None:
    from amity.book.transfer.apply import _link_tags

    t, pt = s.tags, s.person_tags
    keep = {n for n in names if n}
    conn.execute(delete(pt).where(pt.c.owner_id == owner, pt.c.person_id == person_id,
                                  pt.c.tag_id.in_(select(t.c.id).where(
                                      t.c.owner_id == owner, t.c.name.not_in(keep or {""})))))  # fmt: skip
    if keep:
        _link_tags(conn, owner, [(person_id, n) for n in sorted(keep)])


def _cut(value: Any, limit: int) -> str | None:
    return str(value)[:limit] if value else None
