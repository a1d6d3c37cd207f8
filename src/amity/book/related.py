"""Related people named on cards, linked to the person in the book they name.

An imported relation (vCard ``RELATED``, Apple ``X-ABRELATEDNAMES``, a CSV "Relation" column)
is stored as what the card said (``name_hint``, matched on ``name_key``) with ``person_b_id``
empty until someone in the book answers to it: by UID, by e-mail, or by exact name (case and
accents ignored, and only when exactly one other person has it). Never the person themself.
Imports resolve the relations of the people they touch and those naming the people they
create, so a spouse imported later, or added by hand, is linked then.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select, update

from amity.rules.related import person_keys, related_key
from amity.store import schema as s


def resolve_related(conn: Connection, owner: int, *, person_ids: Iterable[int] | None = None,
                    new_ids: Iterable[int] | None = None) -> int:  # fmt: skip
    """Link pending relations to the person they name; returns how many were linked. Without
    ids, every pending relation of the book is tried."""
    rel = s.relationships
    pending = and_(rel.c.owner_id == owner, rel.c.person_b_id.is_(None),
                   rel.c.name_hint.is_not(None))  # fmt: skip
    query = select(rel.c.id, rel.c.person_a_id, rel.c.name_hint, rel.c.name_key).where(pending)
    if conn.execute(select(rel.c.id).where(pending).limit(1)).first() is None:
        return 0  # nothing waits for a person (most books, most imports): no key is computed
    found_rows: dict[int, Any] = {}
    if person_ids is None and new_ids is None:
        found_rows = {r.id: r for r in conn.execute(query)}
    else:
        for chunk in chunks(sorted(set(person_ids or ())), BATCH):
            found_rows.update((r.id, r) for r in conn.execute(
                query.where(rel.c.person_a_id.in_(chunk))))  # fmt: skip
        keys = keys_of_people(conn, owner, sorted(set(new_ids or ())))
        for chunk in chunks(sorted(keys), BATCH):
            found_rows.update((r.id, r) for r in conn.execute(
                query.where(rel.c.name_key.in_(chunk))))  # fmt: skip
    rows = list(found_rows.values())
    if not rows:
        return 0
    key_of: dict[int, str] = {}
    for r in rows:
        key = r.name_key or related_key(r.name_hint)
        if key is None:
            continue
        key_of[r.id] = key
        if r.name_key != key:
            conn.execute(update(rel).where(rel.c.id == r.id).values(name_key=key))
    found = people_answering(conn, owner, set(key_of.values()))
    linked = 0
    for r in rows:
        candidates = found.get(key_of.get(r.id, ""), set()) - {r.person_a_id}
        if len(candidates) == 1:
            conn.execute(update(rel).where(rel.c.id == r.id).values(person_b_id=candidates.pop()))
            linked += 1
    return linked


def keys_of_people(conn: Connection, owner: int, ids: list[int]) -> set[str]:
    p, cp = s.people, s.contact_points
    keys: set[str] = set()
    for chunk in chunks(ids, BATCH):
        emails: dict[int, list[str]] = defaultdict(list)
        for e in conn.execute(select(cp.c.person_id, cp.c.normalized).where(
                cp.c.owner_id == owner, cp.c.kind == "email", cp.c.person_id.in_(chunk))):  # fmt: skip
            emails[e.person_id].append(e.normalized or "")
        for r in conn.execute(select(p.c.id, p.c.name, p.c.uid).where(
                p.c.owner_id == owner, p.c.id.in_(chunk))):  # fmt: skip
            keys.update(person_keys(r.name, r.uid, emails[r.id]))
    return keys


def people_answering(conn: Connection, owner: int, keys: set[str]) -> dict[str, set[int]]:
    """Key -> the ids of the people (not groups) answering to it."""
    p, cp = s.people, s.contact_points
    found: dict[str, set[int]] = defaultdict(set)
    names = sorted(k[5:] for k in keys if k.startswith("name:"))
    emails = sorted(k[6:] for k in keys if k.startswith("email:"))
    uids = sorted(k[4:] for k in keys if k.startswith("uid:"))
    person = and_(p.c.owner_id == owner, p.c.is_group.is_(False))
    for chunk in chunks(names, BATCH):
        for r in conn.execute(select(p.c.id, p.c.name_key).where(person, p.c.name_key.in_(chunk))):
            found[f"name:{r.name_key}"].add(r.id)
    for chunk in chunks(emails, BATCH):
        for r in conn.execute(select(cp.c.person_id, cp.c.normalized).join(
                p, p.c.id == cp.c.person_id).where(person, cp.c.owner_id == owner,
                cp.c.kind == "email", func.lower(cp.c.normalized).in_(chunk))):  # fmt: skip
            found[f"email:{(r.normalized or '').lower()}"].add(r.person_id)
    for chunk in chunks(uids, BATCH):
        low = func.lower(p.c.uid)
        wanted = [*chunk, *(f"urn:uuid:{u}" for u in chunk)]
        for r in conn.execute(select(p.c.id, p.c.uid).where(person, or_(low.in_(wanted)))):
            found[f"uid:{(r.uid or '').lower().removeprefix('urn:uuid:')}"].add(r.id)
    return found


BATCH = 500  # ids per IN list


def chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


__all__ = ["keys_of_people", "people_answering", "resolve_related"]
