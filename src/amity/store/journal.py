"""The journal: what every write transaction changed, captured where SQL is executed.

``BookContext.write()`` opens its connection with a :class:`Journal` as an execution option.
Engine events (:func:`install`) then see every Core ``INSERT``, ``UPDATE`` and ``DELETE`` run
on that connection, so no write path can forget to record itself:

- ``UPDATE``: the rows the statement's ``WHERE`` selects are read before and after; the fields
  that changed are kept (before and after).
- ``DELETE``: the rows are read before, with every row the database will delete with them
  (``ON DELETE CASCADE``, followed through the schema's foreign keys) and every reference it
  will clear (``SET NULL``, recorded as an update), so the whole record can be put back.
- ``INSERT``: tables with an ``id`` note the largest id before their first insert; at the
  end the owner's rows above it are the new ones (one query per table). Composite keys come
  from the statement's parameters.
- Raw SQL is not seen: :mod:`amity.store.bulk` reports the ids it wrote with :func:`note_bulk`.

:meth:`Journal.flush` writes one ``change_groups`` row and its ``changes`` at the end of the
transaction. Tables in :data:`NOT_JOURNALED` (derived data, logs, secrets, machine state) are
not recorded; a new table is journaled unless it is added there.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Connection, Engine, Table, event, func, insert, select, tuple_
from sqlalchemy.sql.dml import Delete, Insert, Update

from amity.store import schema as s

JOURNAL = "amity_journal"  # the execution option that carries the journal

NOT_JOURNALED = frozenset({
    "change_groups", "changes", "search_docs", "data_versions", "digests_sent", "imports",
    "settings", "api_tokens", "notify_channels", "notify_deliveries", "webhook_subscriptions",
    "webhook_events", "webhook_deliveries", "sync_accounts", "sync_runs", "sync_items",
    "sync_links", "sync_conflicts", "dav_cards", "dav_state", "capture_keys",
    # sign-in (sessions, second factors: secrets), backups' runs, mirrors of other systems
    "web_sessions", "known_devices", "totp_secrets", "recovery_codes", "passkeys", "sso_links",
    "backup_runs", "backup_config", "mail_correspondents", "calendar_events", "agenda_shares",
})  # fmt: skip
#: rows deleted with a record but rebuilt rather than restored
NOT_KEPT = frozenset({"search_docs", "change_groups", "changes", "data_versions",
                      "agenda_shares"})  # fmt: skip
#: columns that change with every edit: an update of only these is not a conflict
BOOKKEEPING = frozenset({"updated_at", "version", "last_interaction_at"})


@dataclass
class Change:
    table: str
    key: tuple[Any, ...]
    op: str  # insert, update, delete, cascade, bulk
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    person: int | None = None  # the person the row is about, from the whole row
    row: dict[str, Any] | None = None  # the whole row (not stored: for labels)

    def __post_init__(self) -> None:
        if self.row is None:
            self.row = self.after if self.op == "insert" else self.before
        if self.person is None:
            self.person = person_in(self.table, self.key, self.row)


@dataclass
class Journal:
    """The changes of one write transaction of one owner (see the module's docstring)."""

    owner_id: int
    ids_only: bool = False  # imports: new rows are recorded as lists of ids, not snapshots
    kind: str = ""
    summary: str = ""
    undoes: int | None = None
    changes: list[Change] = field(default_factory=list)
    marks: dict[str, int] = field(default_factory=dict)
    composite: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    busy: bool = False
    pending: tuple[Any, Table, list[dict[str, Any]]] | None = None

    def record(self, change: Change) -> None:
        self.changes.append(change)


# --- the schema's shape -------------------------------------------------------------------------


def journaled(table: Table) -> bool:
    return "owner_id" in table.c and table.name not in NOT_JOURNALED and table is not s.users


def key_columns(table: Table) -> list[str]:
    return [c.name for c in table.primary_key.columns if c.name != "owner_id"]


def row_key(table: Table, row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[c] for c in key_columns(table))


def key_text(key: tuple[Any, ...]) -> str:
    """How a row's key is stored: "17" for an id, a JSON list for a composite key."""
    if len(key) == 1 and isinstance(key[0], int):
        return str(key[0])
    return json.dumps([_plain(v) for v in key], ensure_ascii=False)


def parse_key(text: str) -> tuple[Any, ...]:
    return tuple(json.loads(text)) if text.startswith("[") else (int(text),)


@cache
def children() -> dict[str, list[tuple[Table, str, str]]]:
    """Parent table -> (child table, column, ondelete) for every reference between tables."""
    found: dict[str, list[tuple[Table, str, str]]] = {}
    for table in s.metadata.sorted_tables:
        if table.name in NOT_KEPT:
            continue
        for column in table.c:
            for fk in column.foreign_keys:
                parent = fk.column.table.name
                if parent == "users":
                    continue
                rule = (fk.ondelete or "").upper()
                found.setdefault(parent, []).append((table, column.name, rule))
    return found


def journal_children(parent: str) -> list[tuple[str, str]]:
    """(child table, column) of the journaled tables that refer to ``parent``'s rows."""
    return [(t.name, col) for t, col, _ in children().get(parent, []) if journaled(t)]


# --- values as JSON -----------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, timedelta):
        return value.total_seconds()
    return value


def snapshot(row: Any) -> dict[str, Any]:
    """A row as JSON-ready fields (instants and dates as ISO text, bytes as base64)."""
    data = dict(row._mapping) if hasattr(row, "_mapping") else dict(row)
    data.pop("owner_id", None)
    return {k: _plain(v) for k, v in data.items()}


def dumps(data: dict[str, Any] | None) -> str | None:
    return None if data is None else json.dumps(data, ensure_ascii=False, sort_keys=True)


# --- the engine events --------------------------------------------------------------------------


def install(engine: Engine) -> None:
    """Listen to ``engine``'s statements (once per engine)."""
    if event.contains(engine, "before_execute", _before):
        return
    event.listen(engine, "before_execute", _before, retval=True)
    event.listen(engine, "after_execute", _after)


def _journal_of(conn: Connection, clause: Any) -> Journal | None:
    if not isinstance(clause, Insert | Update | Delete):
        return None
    journal = conn.get_execution_options().get(JOURNAL)
    if journal is None or journal.busy or not isinstance(clause.table, Table):
        return None
    if not journaled(clause.table):
        return None
    return journal  # type: ignore[no-any-return]


def _before(conn: Connection, clause: Any, multiparams: Any, params: Any, options: Any) -> Any:
    journal = _journal_of(conn, clause)
    if journal is not None:
        journal.busy = True
        try:
            table = clause.table
            if isinstance(clause, Insert):
                _before_insert(conn, journal, table)
            elif isinstance(clause, Update):
                journal.pending = (clause, table, _rows_where(conn, table, clause, multiparams))
            else:
                _before_delete(conn, journal, table, _rows_where(conn, table, clause, multiparams))
        finally:
            journal.busy = False
    return clause, multiparams, params


def _after(
    conn: Connection, clause: Any, multiparams: Any, params: Any, options: Any, result: Any
) -> None:
    journal = _journal_of(conn, clause)
    if journal is None:
        return
    journal.busy = True
    try:
        if isinstance(clause, Insert) and "id" not in clause.table.c:
            for values in _insert_values(conn, clause, multiparams):
                table: Table = clause.table  # type: ignore[assignment]
                journal.composite.append((table.name, row_key(table, values)))
        elif isinstance(clause, Update) and journal.pending and journal.pending[0] is clause:
            _after_update(conn, journal, clause, journal.pending[2])
            journal.pending = None
    finally:
        journal.busy = False


def _rows_where(conn: Connection, table: Table, clause: Any, multiparams: Any) -> list[Any]:
    query = select(table)
    if clause.whereclause is not None:
        query = query.where(clause.whereclause)
    many = multiparams if isinstance(multiparams, list) and multiparams else [{}]
    rows: list[Any] = []
    for one in many:
        rows.extend(conn.execute(query, one if isinstance(one, dict) else {}).all())
    return rows


def _before_insert(conn: Connection, journal: Journal, table: Table) -> None:
    if "id" in table.c and table.name not in journal.marks:
        journal.marks[table.name] = int(conn.execute(select(func.max(table.c.id))).scalar() or 0)


def _insert_values(conn: Connection, clause: Any, multiparams: Any) -> list[dict[str, Any]]:
    if isinstance(multiparams, list) and multiparams and isinstance(multiparams[0], dict):
        return [dict(m) for m in multiparams]
    compiled = clause.compile(dialect=conn.dialect)
    return [dict(compiled.params)]


def _after_update(conn: Connection, journal: Journal, clause: Any, before: list[Any]) -> None:
    table: Table = clause.table
    if not before:
        return
    keys = key_columns(table)
    new_keys = {}
    set_values = clause.compile(dialect=conn.dialect).params
    for row in before:
        key = dict(zip(keys, row_key(table, row._mapping), strict=True))
        for name in keys:  # an update may move a composite key (a merge moves person_tags)
            if name in set_values and name != "id":
                key[name] = set_values[name]
        new_keys[row_key(table, row._mapping)] = tuple(key[k] for k in keys)
    after = {
        row_key(table, r._mapping): r for r in _rows_by_keys(conn, table, list(new_keys.values()))
    }
    for row in before:
        old = snapshot(row)
        moved = new_keys[row_key(table, row._mapping)]
        current = after.get(moved)
        if current is None:
            continue
        new = snapshot(current)
        diff = [k for k in new if new[k] != old.get(k)]
        if diff:
            journal.record(
                Change(
                    table.name,
                    moved,
                    "update",
                    {k: old.get(k) for k in diff},
                    {k: new[k] for k in diff},
                    person_in(table.name, moved, new),
                    new,
                )
            )


def _rows_by_keys(conn: Connection, table: Table, keys: list[tuple[Any, ...]]) -> list[Any]:
    names = key_columns(table)
    out: list[Any] = []
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        if len(names) == 1:
            cond: Any = table.c[names[0]].in_([k[0] for k in chunk])
        else:  # row values: SQLite 3.15+ and PostgreSQL
            cond = tuple_(*[table.c[n] for n in names]).in_(chunk)
        out.extend(conn.execute(select(table).where(cond)).all())
    return out


def _before_delete(conn: Connection, journal: Journal, table: Table, rows: list[Any]) -> None:
    """Record ``rows`` and everything the database deletes or unlinks with them."""
    for row in rows:
        journal.record(Change(table.name, row_key(table, row._mapping), "delete", snapshot(row)))
    _follow(conn, journal, table, [r._mapping["id"] for r in rows] if "id" in table.c else [])


def _follow(conn: Connection, journal: Journal, parent: Table, ids: list[int]) -> None:
    if not ids:
        return
    for child, column, rule in children().get(parent.name, []):
        if rule not in ("CASCADE", "SET NULL"):
            continue
        rows: list[Any] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows.extend(conn.execute(select(child).where(child.c[column].in_(chunk))).all())
        if not rows:
            continue
        if rule == "SET NULL":
            for row in rows:
                key = row_key(child, row._mapping)
                if child is parent and key[0] in ids:
                    continue  # deleted itself
                journal.record(
                    Change(child.name, key, "update", {column: row._mapping[column]},
                           {column: None}, None, snapshot(row))
                )  # fmt: skip
            continue
        for row in rows:
            journal.record(Change(child.name, row_key(child, row._mapping), "cascade",
                                  snapshot(row)))  # fmt: skip
        if "id" in child.c:
            _follow(conn, journal, child, [r._mapping["id"] for r in rows])


def note_bulk(conn: Connection, table: Table, ids: list[int]) -> None:
    """Rows written by raw SQL (store.bulk): recorded as one change listing their ids."""
    journal = conn.get_execution_options().get(JOURNAL)
    if journal is not None and ids and journaled(table):
        journal.record(Change(table.name, (0,), "bulk", None, {"ids": sorted(ids)}))


# --- the end of the transaction -----------------------------------------------------------------


def flush(
    conn: Connection,
    journal: Journal,
    *,
    at: datetime,
    door: str,
    actor: str,
    describe: Any,
    trash_until: Any,
) -> int | None:
    """Write the transaction's change group; returns its id (None when nothing changed).

    ``describe(changes) -> (kind, summary)`` and ``trash_until(changes) -> datetime | None``
    are the Book's (what to call the group, how long its deleted records stay restorable).
    """
    journal.busy = True
    changes = _fold(conn, journal)
    if not changes:
        return None
    kind, summary = describe(changes)
    group = conn.execute(
        insert(s.change_groups).values(
            owner_id=journal.owner_id,
            at=at,
            door=door[:20],
            actor=actor[:320],
            kind=(journal.kind or kind)[:20],
            summary=(journal.summary or summary)[:500],
            trash_until=None if journal.undoes else trash_until(changes),
            undoes_id=journal.undoes,
        )
    ).inserted_primary_key
    assert group is not None
    group_id = int(group[0])
    people = _interaction_people(conn, journal.owner_id, changes)
    conn.execute(
        insert(s.changes),
        [
            {
                "owner_id": journal.owner_id,
                "group_id": group_id,
                "table_name": c.table,
                "row_key": key_text(c.key),
                "op": c.op,
                "person_id": person_of(c, people),
                "before": dumps(c.before),
                "after": dumps(c.after),
            }
            for c in changes
        ],
    )
    return group_id


def _fold(conn: Connection, journal: Journal) -> list[Change]:
    """The group's net changes: rows created in it appear once, as inserted (their state at
    the end), and a composite row deleted and written again is an update."""
    new_rows: list[Change] = []
    for name, mark in journal.marks.items():
        table = s.metadata.tables[name]
        query = (
            select(table).where(table.c.id > mark, table.c.owner_id == journal.owner_id)
            if not journal.ids_only
            else select(table.c.id).where(table.c.id > mark, table.c.owner_id == journal.owner_id)
        )
        rows = conn.execute(query.order_by(table.c.id)).all()
        if journal.ids_only and rows:
            new_rows.append(Change(name, (0,), "bulk", None, {"ids": [r[0] for r in rows]}))
        elif not journal.ids_only:
            new_rows.extend(Change(name, (r.id,), "insert", None, snapshot(r)) for r in rows)
    asked = list(dict.fromkeys(journal.composite))
    wanted: dict[str, list[tuple[Any, ...]]] = {}
    for name, key in asked:
        wanted.setdefault(name, []).append(key)
    stored: dict[tuple[str, tuple[Any, ...]], Any] = {}
    for name, keys in wanted.items():  # a query per 500 keys, not one per key
        table = s.metadata.tables[name]
        for row in _rows_by_keys(conn, table, keys):
            if "owner_id" not in table.c or row._mapping["owner_id"] == journal.owner_id:
                stored[(name, row_key(table, row._mapping))] = row
    composite: dict[tuple[str, tuple[Any, ...]], Change] = {
        (name, key): Change(name, key, "insert", None, snapshot(stored[(name, key)]))
        for name, key in asked
        if (name, key) in stored
    }
    out: list[Change] = []
    for change in journal.changes:
        top = journal.marks.get(change.table)
        if top is not None and change.op != "bulk" and change.key[0] > top:
            continue  # made in this group: only its final state counts
        found = composite.pop((change.table, change.key), None)
        if found is not None and change.op in ("delete", "cascade"):
            before, after = change.before or {}, found.after or {}
            diff = [k for k in after if after[k] != before.get(k)]
            if diff:
                out.append(Change(change.table, change.key, "update",
                                  {k: before.get(k) for k in diff}, {k: after[k] for k in diff}))  # fmt: skip
            continue
        if found is not None:
            out.append(found)
        out.append(change)
    out.extend(composite.values())
    out.extend(new_rows)
    return out


def _interaction_people(conn: Connection, owner_id: int, changes: list[Change]) -> dict[int, int]:
    """Interaction id -> one of its participants, for interactions changed in the group."""
    ids = {c.key[0] for c in changes if c.table == "interactions" and c.op != "bulk"}
    if not ids:
        return {}
    ip = s.interaction_participants
    found: dict[int, int] = {}
    for c in changes:
        if c.table == "interaction_participants":
            snap = c.after or c.before or {}
            if snap.get("interaction_id") in ids and isinstance(snap.get("person_id"), int):
                found.setdefault(snap["interaction_id"], snap["person_id"])
    missing = [i for i in ids if i not in found]
    if missing:
        rows = conn.execute(
            select(ip.c.interaction_id, func.min(ip.c.person_id))
            .where(ip.c.owner_id == owner_id, ip.c.interaction_id.in_(missing))
            .group_by(ip.c.interaction_id)
        )
        found.update({int(r[0]): int(r[1]) for r in rows})
    return found


def person_of(change: Change, interactions: dict[int, int] | None = None) -> int | None:
    """The person a changed row is about (people themselves; rows with a person_id; an
    interaction's participant)."""
    if change.table == "interactions" and change.op != "bulk":
        return (interactions or {}).get(change.key[0])
    return change.person


def person_in(table: str, key: tuple[Any, ...], row: dict[str, Any] | None) -> int | None:
    if table == "people" and key and isinstance(key[0], int) and key[0] > 0:
        return int(key[0])
    for name in ("person_id", "person_a_id"):
        if row and isinstance(row.get(name), int):
            return int(row[name])
    return None


__all__ = [
    "BOOKKEEPING",
    "JOURNAL",
    "NOT_JOURNALED",
    "Change",
    "Journal",
    "flush",
    "install",
    "journal_children",
    "journaled",
    "key_columns",
    "key_text",
    "note_bulk",
    "parse_key",
    "person_of",
    "snapshot",
]
