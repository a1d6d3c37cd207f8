"""Putting a change group back: conflicts with later changes, then the inverse of each change.

The inverse runs in three steps, in the transaction of the undo (itself journaled):
1. rows the group added are deleted (bulk rows by their ids), newest first;
2. rows it deleted (the records and what was deleted with them) are inserted again, parents
   before children, under their old ids unless another row holds one now (then a new id, and
   every reference among the restored rows follows it);
3. fields it changed are set back, newest first (``version`` moves forward, so an ETag never
   names two states).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, and_, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from amity.book.transfer.backup import _from_json
from amity.errors import Conflict
from amity.store import schema as s
from amity.store.journal import BOOKKEEPING, journal_children, key_columns, parse_key


@dataclass
class Stored:
    """A change as stored: ``before``/``after`` decoded from JSON."""

    group_id: int
    table: str
    key: tuple[Any, ...]
    op: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @classmethod
    def of(cls, row: Any) -> Stored:
        return cls(
            int(row.group_id),
            row.table_name,
            parse_key(row.row_key),
            row.op,
            json.loads(row.before) if row.before else None,
            json.loads(row.after) if row.after else None,
        )


@dataclass
class Outcome:
    removed: int = 0
    restored: int = 0
    reverted: int = 0
    people: set[int] = field(default_factory=set)
    interactions: set[int] = field(default_factory=set)
    id_map: dict[str, dict[int, int]] = field(default_factory=dict)


def later_conflicts(
    conn: Connection, owner: int, group_id: int, changes: list[Stored]
) -> list[int]:
    """Ids of later groups (still in effect) that touched rows this group added or changed,
    or added rows that refer to rows this group added."""
    g, c = s.change_groups, s.changes
    keys: dict[str, set[str]] = {}
    added: dict[str, set[int]] = {}
    for ch in changes:
        if ch.op in ("insert", "update"):
            keys.setdefault(ch.table, set()).add(_key_text(ch.key))
        if ch.op == "insert" and len(ch.key) == 1:
            added.setdefault(ch.table, set()).add(int(ch.key[0]))
        if ch.op == "bulk":
            ids = (ch.after or {}).get("ids", [])
            keys.setdefault(ch.table, set()).update(str(i) for i in ids)
            added.setdefault(ch.table, set()).update(ids)
    in_effect = and_(
        g.c.owner_id == owner,
        g.c.id > group_id,
        g.c.undone_at.is_(None),
        or_(g.c.undoes_id.is_(None), g.c.undoes_id < group_id),
    )
    later = select(g.c.id).where(in_effect)
    found: set[int] = set()
    for table, wanted in keys.items():
        listed = sorted(wanted)
        for start in range(0, len(listed), 500):
            rows = conn.execute(
                select(c.c.group_id, c.c.op, c.c.after).where(
                    c.c.owner_id == owner,
                    c.c.table_name == table,
                    c.c.row_key.in_(listed[start : start + 500]),
                    c.c.group_id.in_(later),
                )
            )
            for r in rows:
                if r.op == "update" and set(json.loads(r.after or "{}")) <= BOOKKEEPING:
                    continue
                found.add(int(r.group_id))
    for parent, ids in added.items():
        for child, column in journal_children(parent):
            rows = conn.execute(
                select(c.c.group_id, c.c.after).where(
                    c.c.owner_id == owner,
                    c.c.table_name == child,
                    c.c.op.in_(("insert", "update")),
                    c.c.group_id.in_(later),
                )
            )
            for r in rows:
                if json.loads(r.after or "{}").get(column) in ids:
                    found.add(int(r.group_id))
    return sorted(found)


def _key_text(key: tuple[Any, ...]) -> str:
    from amity.store.journal import key_text

    return key_text(key)


def apply_undo(conn: Connection, owner: int, changes: list[Stored], now: datetime) -> Outcome:
    out = Outcome()
    for ch in reversed(changes):
        if ch.op in ("insert", "bulk"):
            _remove(conn, owner, ch, out)
    order = {t.name: n for n, t in enumerate(s.metadata.sorted_tables)}
    gone = sorted((ch for ch in changes if ch.op in ("delete", "cascade")),
                  key=lambda ch: order.get(ch.table, 0))  # fmt: skip
    deferred: list[tuple[Table, int, str, int]] = []
    for ch in gone:
        _reinsert(conn, owner, ch, out, deferred)
    for table, row_id, column, old in deferred:
        target = out.id_map.get(table.name, {}).get(old, old)
        conn.execute(update(table).where(table.c.id == row_id).values({column: target}))
    for ch in reversed(changes):
        if ch.op == "update":
            _revert(conn, owner, ch, out, now)
    return out


def _track(ch: Stored, row: dict[str, Any] | None, out: Outcome, key: tuple[Any, ...]) -> None:
    if ch.table == "people":
        out.people.add(int(key[0]))
    elif ch.table == "interactions":
        out.interactions.add(int(key[0]))
    if row:
        for name in ("person_id", "person_a_id", "person_b_id"):
            if isinstance(row.get(name), int):
                out.people.add(int(row[name]))
        if isinstance(row.get("interaction_id"), int) and ch.table == "interaction_participants":
            out.interactions.add(int(row["interaction_id"]))


def _where_key(table: Table, key: tuple[Any, ...], owner: int) -> Any:
    names = key_columns(table)
    cond = and_(*[table.c[n] == v for n, v in zip(names, key, strict=True)])
    return and_(cond, table.c.owner_id == owner) if "owner_id" in table.c else cond


def _remove(conn: Connection, owner: int, ch: Stored, out: Outcome) -> None:
    table = s.metadata.tables.get(ch.table)
    if table is None:
        return
    if ch.op == "bulk":
        ids = list((ch.after or {}).get("ids", []))
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            out.removed += int(conn.execute(delete(table).where(
                table.c.owner_id == owner, table.c.id.in_(chunk))).rowcount or 0)  # fmt: skip
        return
    _track(ch, ch.after, out, ch.key)
    out.removed += int(conn.execute(delete(table).where(_where_key(table, ch.key, owner))).rowcount
                       or 0)  # fmt: skip


def _decode(table: Table, data: dict[str, Any], out: Outcome) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, raw in data.items():
        if name not in table.c:
            continue  # a column that no longer exists
        column = table.c[name]
        value = _from_json(column.type, raw)
        if value is not None and column.foreign_keys and name != "id":
            target = next(iter(column.foreign_keys)).column.table.name
            value = out.id_map.get(target, {}).get(value, value)
        values[name] = value
    return values


def _reinsert(conn: Connection, owner: int, ch: Stored, out: Outcome,
              deferred: list[tuple[Table, int, str, int]]) -> None:  # fmt: skip
    table = s.metadata.tables.get(ch.table)
    if table is None or not ch.before:
        return
    values = _decode(table, ch.before, out)
    values["owner_id"] = owner
    later: list[tuple[str, int]] = []
    for column in table.c:  # a reference to a row of the same table waits for that row
        own = column.name != "id" and any(fk.column.table is table for fk in column.foreign_keys)
        if own and values.get(column.name) is not None:
            later.append((column.name, values[column.name]))
            values[column.name] = None
    old_id = values.get("id")
    if old_id is not None:
        taken = conn.execute(select(table.c.id).where(table.c.id == old_id)).first()
        if taken is not None:
            values.pop("id")
    elif conn.execute(select(*table.primary_key.columns).where(
            _where_key(table, ch.key, owner))).first() is not None:  # fmt: skip
        return  # a composite row that is there again
    try:
        result = conn.execute(insert(table).values(**values))
    except IntegrityError as exc:
        reason = str(exc.orig).splitlines()[0][:200]
        raise Conflict(f"cannot put back {ch.table} {ch.key[0]}: {reason}") from None
    if old_id is not None:
        key = result.inserted_primary_key
        new = int(key[0]) if key is not None and key[0] is not None else int(old_id)
        out.id_map.setdefault(table.name, {})[int(old_id)] = new
        deferred.extend((table, new, name, value) for name, value in later)
        _track(ch, values, out, (new,))
    else:
        _track(ch, values, out, ch.key)
    out.restored += 1


def _revert(conn: Connection, owner: int, ch: Stored, out: Outcome, now: datetime) -> None:
    table = s.metadata.tables.get(ch.table)
    if table is None or not ch.before:
        return
    key = tuple(out.id_map.get(table.name, {}).get(k, k) if n == "id" else k
                for n, k in zip(key_columns(table), ch.key, strict=True))  # fmt: skip
    values = _decode(table, ch.before, out)
    values.pop("updated_at", None)
    values.pop("version", None)
    if "version" in table.c:
        values["version"] = table.c.version + 1
    if "updated_at" in table.c:
        values["updated_at"] = now
    try:
        done = conn.execute(update(table).where(_where_key(table, key, owner)).values(**values))
    except IntegrityError as exc:
        reason = str(exc.orig).splitlines()[0][:200]
        raise Conflict(f"cannot set back {ch.table} {key[0]}: {reason}") from None
    if done.rowcount:
        out.reverted += 1
        _track(ch, {**(ch.before or {}), **(ch.after or {})}, out, key)
