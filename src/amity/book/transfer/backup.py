"""The JSON backup: a complete, lossless, deterministic document of one book.

Ids are renumbered densely per table (in id order) so that the document does not depend on
where the rows physically live; restoring inserts rows in that order into an empty book and
remaps every foreign key, so export -> restore -> export gives the same document even in a
database shared with other owners.
"""

from __future__ import annotations

import base64
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Connection,
    Date,
    Float,
    Integer,
    LargeBinary,
    String,
    Table,
    insert,
    select,
    update,
)
from sqlalchemy.exc import StatementError

from amity.book.context import BookContext, new_id
from amity.book.transfer.backup_emails import bad_email_rows, keep_in_notes
from amity.book.transfer.results import BackupContents
from amity.errors import InvalidInput, NotEmpty
from amity.store import schema as s
from amity.store.schema import UTCDateTime

FORMAT = "amity-backup"
VERSION = 1
# derived or secret: rebuilt after a restore (search) or deliberately left out (tokens);
# data_versions moves by itself with every write (a cache key, not the book's data);
# notification channels and webhooks hold secrets sealed with this installation's key, and
# their delivery logs and the outbox are history of this installation, not of the book
SKIPPED = {
    "search_docs",
    "api_tokens",
    "digests_sent",
    "invitations",
    "login_attempts",
    "data_versions",
    "agenda_shares",  # derived like search_docs: ranked again on the next agenda read
    "notify_channels",
    "notify_deliveries",
    "webhook_subscriptions",
    "webhook_events",
    "webhook_deliveries",
    "capture_keys",  # which quick captures arrived: this installation's idempotency keys
}
SECRET_SETTINGS = {"smtp.password"}
MIN_INTEGER, MAX_INTEGER = -(2**31), 2**31 - 1  # whole-number columns are 32-bit on PostgreSQL


def backup_tables() -> list[Table]:
    return [
        t
        for t in s.metadata.sorted_tables
        if "owner_id" in t.c and t.name not in SKIPPED and t is not s.users
    ]


def export_document(ctx: BookContext, *, include_secrets: bool = False) -> dict[str, Any]:
    tables: dict[str, list[dict[str, Any]]] = {}
    with ctx.read() as conn:
        id_maps: dict[str, dict[int, int]] = {}
        raw: dict[str, list[dict[str, Any]]] = {}
        for table in backup_tables():
            order = [table.c.id] if "id" in table.c else list(table.primary_key.columns)
            rows = [
                dict(r._mapping)
                for r in conn.execute(
                    select(table).where(table.c.owner_id == ctx.owner_id).order_by(*order)
                )
            ]
            raw[table.name] = rows
            if "id" in table.c:
                id_maps[table.name] = {row["id"]: n for n, row in enumerate(rows, start=1)}
        from amity.book.transfer.backup_journal import export_mapper, remap_change

        number = export_mapper(id_maps)
        raw["changes"] = [remap_change(r, number) for r in raw.get("changes", [])]
        for table in backup_tables():
            out = []
            for row in raw[table.name]:
                if table is s.settings and row["key"] in SECRET_SETTINGS and not include_secrets:
                    continue
                out.append(_export_row(table, row, id_maps))
            out.sort(key=_row_sort_key)
            tables[table.name] = out
    return {"format": FORMAT, "version": VERSION, "tables": tables}


def _row_sort_key(row: dict[str, Any]) -> tuple[Any, ...]:
    if "id" in row:
        return (row["id"],)
    return tuple(str(v) for v in row.values())


def _export_row(
    table: Table, row: dict[str, Any], id_maps: dict[str, dict[int, int]]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in table.c:
        if column.name == "owner_id":
            continue
        value = row[column.name]
        if value is not None and column.name == "id":
            value = id_maps[table.name][value]
        elif value is not None and column.foreign_keys:
            target = next(iter(column.foreign_keys)).column.table.name
            if target in id_maps:
                value = id_maps[target].get(value)
        out[column.name] = _to_json(column.type, value)
    return out


def _to_json(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(kind, UTCDateTime) or isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def _from_json(kind: Any, value: Any) -> Any:
    """A document value as the column stores it; ValueError names what is wrong with it."""
    if value is None:
        return None
    if isinstance(value, list | dict):
        raise ValueError("a list or object where a single value belongs")
    if isinstance(kind, UTCDateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, Boolean):
        return bool(value)
    if isinstance(kind, Integer):
        return _integer(value)
    if isinstance(kind, Float):
        return float(value)
    if isinstance(kind, LargeBinary):
        return base64.b64decode(value)
    if isinstance(kind, String):
        return _text(value)
    return value


def _integer(value: Any) -> int:
    number = int(value)
    if not MIN_INTEGER <= number <= MAX_INTEGER:
        raise ValueError(f"{value} is out of range for a whole number column")
    return number


def _text(value: Any) -> str:
    """Text as it was exported (a column's length is the database's to enforce)."""
    if not isinstance(value, str):
        raise ValueError(f"{str(value)[:40]!r} is not text")
    if "\x00" in value:
        raise ValueError("text with a NUL character")
    return value


def validate_document(doc: Any) -> None:
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InvalidInput("not an Amity backup (the 'format' field is not 'amity-backup')")
    if doc.get("version") != VERSION:
        raise InvalidInput(
            f"backup version {doc.get('version')!r} is not supported (expected {VERSION})"
        )
    tables = doc.get("tables")
    if not isinstance(tables, dict):
        raise InvalidInput("the backup has no 'tables' object")
    known = {t.name: t for t in backup_tables()}
    for name, rows in tables.items():
        if name not in known:
            raise InvalidInput(f"unknown table {name!r} in the backup")
        if not isinstance(rows, list):
            raise InvalidInput(f"table {name!r} is not a list of rows")
        columns = set(known[name].c.keys())
        for n, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                raise InvalidInput(f"{name} row {n} is not an object")
            extra = set(row) - columns
            if extra:
                raise InvalidInput(f"{name} row {n}: unknown field(s) {', '.join(sorted(extra))}")


def book_is_empty(conn: Connection, owner_id: int) -> bool:
    for table in (s.people, s.interactions, s.events, s.articles, s.feedback, s.goals):
        if conn.execute(select(table.c.id).where(table.c.owner_id == owner_id).limit(1)).first():
            return False
    return True


def restore_document(ctx: BookContext, doc: dict[str, Any]) -> dict[str, int]:
    """Load a backup into this (empty) book in one transaction; returns rows per table."""
    validate_document(doc)
    counts: dict[str, int] = {}
    with ctx.write(journal="off") as conn:  # the backup brings its own history
        if not book_is_empty(conn, ctx.owner_id):
            raise NotEmpty(
                "this book already holds data; restore into an empty book "
                "(--db NEW.db or --user another@example.org)"
            )
        # the default circles and settings of a new book are replaced by the backup's
        # (and so is the journal of an empty book: the backup's history takes its place)
        for table in (s.circles, s.settings, s.changes, s.change_groups):
            conn.execute(table.delete().where(table.c.owner_id == ctx.owner_id))
        id_maps: dict[str, dict[int, int]] = {}
        deferred: list[tuple[Table, int, str, int]] = []
        bad = {id(row) for _, row, _ in bad_email_rows(doc)}  # to the notes, not the e-mails
        for table in backup_tables():
            if table is s.changes:
                continue  # last: the journal names rows of every table
            rows = doc["tables"].get(table.name, [])
            id_maps[table.name] = {}
            for n, row in enumerate(rows, start=1):
                if id(row) not in bad:
                    _restore_row(conn, ctx.owner_id, table, row, n, id_maps, deferred)
            counts[table.name] = len(rows) - (len(bad) if table is s.contact_points else 0)
        set_aside: dict[int, list[str]] = {}
        for _, row, _ in bad_email_rows(doc):
            person = id_maps["people"].get(row.get("person_id"))  # type: ignore[arg-type]
            if person is not None:
                set_aside.setdefault(person, []).append(str(row["value"]))
        keep_in_notes(conn, ctx.owner_id, set_aside)
        for table, row_id, column, old_target in deferred:
            target = next(iter(table.c[column].foreign_keys)).column.table.name
            if old_target not in id_maps[target]:
                raise InvalidInput(f"{table.name}: {column}={old_target} refers to a missing "
                                   f"{target} row")  # fmt: skip
            conn.execute(
                update(table)
                .where(table.c.id == row_id)
                .values({column: id_maps[target][old_target]})
            )
        _restore_journal(conn, ctx.owner_id, doc, id_maps, deferred, counts)
        from amity.book.search import index_interactions, index_people

        index_people(conn, ctx.owner_id, list(id_maps.get("people", {}).values()))
        index_interactions(conn, ctx.owner_id, list(id_maps.get("interactions", {}).values()))
    return counts


def _restore_journal(conn: Connection, owner_id: int, doc: dict[str, Any],
                     id_maps: dict[str, dict[int, int]],
                     deferred: list[tuple[Table, int, str, int]], counts: dict[str, int]) -> None:  # fmt: skip
    from amity.book.transfer.backup_journal import import_mapper, remap_change

    rows = doc["tables"].get("changes", [])
    ident = import_mapper(id_maps)
    id_maps["changes"] = {}
    for n, row in enumerate(rows, start=1):
        try:
            mapped = remap_change(row, ident)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise InvalidInput(f"changes row {n}: {exc}") from None
        _restore_row(conn, owner_id, s.changes, mapped, n, id_maps, deferred)
    counts["changes"] = len(rows)


def _restore_row(conn: Connection, owner_id: int, table: Table, row: dict[str, Any], n: int,
                 id_maps: dict[str, dict[int, int]],
                 deferred: list[tuple[Table, int, str, int]]) -> None:  # fmt: skip
    """Insert one row of the document (row ``n`` of its table), its references remapped; a
    row the database refuses is reported by table and number, never half-written."""
    try:
        values = _import_row(table, row, id_maps, deferred)
    except (ValueError, TypeError, KeyError) as exc:
        raise InvalidInput(f"{table.name} row {n}: {exc}") from None
    values["owner_id"] = owner_id
    old_id = values.pop("id", None)
    try:
        result = conn.execute(insert(table).values(**values))
    except StatementError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
        raise InvalidInput(f"{table.name} row {n}: the database refused it ({reason})") from None
    if old_id is not None:
        created = new_id(result)
        id_maps[table.name][old_id] = created
        for pending in [d for d in deferred if d[1] == -old_id and d[0] is table]:
            deferred.remove(pending)
            deferred.append((table, created, pending[2], pending[3]))


def _import_row(
    table: Table,
    row: dict[str, Any],
    id_maps: dict[str, dict[int, int]],
    deferred: list[tuple[Table, int, str, int]],
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column in table.c:
        if column.name == "owner_id" or column.name not in row:
            continue
        value = _from_json(column.type, row[column.name])
        if value is not None and column.foreign_keys and column.name != "id":
            target = next(iter(column.foreign_keys)).column.table.name
            if target == "users":
                continue
            mapping = id_maps.get(target)
            if mapping is None:
                raise ValueError(f"{column.name} refers to {target}, which is not in the backup")
            if value in mapping:
                value = mapping[value]
            elif target == table.name:  # a reference to a later row of the same table
                deferred.append((table, -_integer(row["id"]), column.name, value))
                value = None
            else:
                raise ValueError(f"{column.name}={value} refers to a missing {target} row")
        values[column.name] = value
    return values


NOT_EMPTY = "this book already holds data; a JSON backup restores into an empty book only"


def backup_contents(ctx: BookContext, doc: dict[str, Any]) -> BackupContents:
    """What a (valid) backup holds, and whether it can be restored into this book."""
    validate_document(doc)
    with ctx.read() as conn:
        empty = book_is_empty(conn, ctx.owner_id)
    tables = {name: len(rows) for name, rows in doc["tables"].items()}
    return BackupContents(tables, [] if empty else [NOT_EMPTY])
