"""The whole database as JSON lines, written and read one row at a time.

Layout (UTF-8, one JSON value per line, usually gzip-compressed)::

    {"format": "amity-installation-backup", "version": 1, "revision": "...", ...}
    {"table": "users", "columns": ["id", "email", ...]}
    [1, "ana@example.org", ...]                       <- one canonical row per line
    ...
    {"end": true, "tables": {"users": {"count": 2, "checksum": "..."}, ...}}

The dump reads every table in one snapshot (a REPEATABLE READ transaction on PostgreSQL, one
read transaction on SQLite), so rows written meanwhile are either all in or all out. The
trailer makes a truncated file detectable. Rows keep their ids: a restore goes into an empty
database, where nothing else holds them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from typing import IO, Any

from sqlalchemy import Connection, Engine, Table, insert, text, update

from amity.store.backup.measure import (
    TableSum,
    backed_up_tables,
    canonical_line,
    from_canonical,
    iter_rows,
    key_of,
    present_columns,
    row_digest,
)

FORMAT = "amity-installation-backup"
VERSION = 1
BATCH = 500


class DamagedBackup(ValueError):
    """A backup file that cannot be read back whole (truncated, altered, not a backup)."""


def dump(engine: Engine, out: IO[str], *, now: datetime) -> dict[str, TableSum]:
    """Write the whole database to ``out``; returns each table's count and checksum."""
    sums: dict[str, TableSum] = {}
    for line in dump_lines(engine, now=now, sums=sums):
        out.write(line)
    return sums


def dump_lines(
    engine: Engine, *, now: datetime, sums: dict[str, TableSum] | None = None
) -> Iterator[str]:
    """The whole database as lines (each ending in a newline), read in one snapshot;
    ``sums`` receives each table's count and checksum."""
    totals: dict[str, TableSum] = {} if sums is None else sums
    with _snapshot(engine) as conn:
        header = {"format": FORMAT, "version": VERSION,
                  "revision": current_revision_on(conn), "dialect": engine.dialect.name,
                  "created_at": now.astimezone(UTC).isoformat()}  # fmt: skip
        yield json.dumps(header) + "\n"
        present = present_columns(conn)
        for table in backed_up_tables():
            if table.name not in present:
                continue
            columns = present[table.name]
            yield json.dumps({"table": table.name, "columns": columns}) + "\n"
            total = totals[table.name] = TableSum()
            for values in iter_rows(conn, table, columns):
                line = canonical_line(values)
                total.add(partial(key_of, table, columns, values), row_digest(line))
                yield line + "\n"
        trailer = {name: {"count": t.count, "checksum": t.checksum} for name, t in totals.items()}
        yield json.dumps({"end": True, "tables": trailer}) + "\n"


def current_revision_on(conn: Connection) -> str | None:
    try:
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    except Exception:
        return None
    return None if row is None else str(row[0])


class _snapshot:
    """A read transaction that sees one moment of the database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.conn: Connection | None = None

    def __enter__(self) -> Connection:
        options: dict[str, Any] = {}
        if self.engine.dialect.name == "postgresql":
            options["isolation_level"] = "REPEATABLE READ"
        self.conn = self.engine.connect().execution_options(**options)
        self.conn.begin()
        return self.conn

    def __exit__(self, *exc: object) -> None:
        assert self.conn is not None
        self.conn.rollback()
        self.conn.close()


def read_header(lines: Iterator[str]) -> dict[str, Any]:
    try:
        header = json.loads(next(lines))
    except (StopIteration, ValueError):
        raise DamagedBackup("not an Amity backup (no header line)") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise DamagedBackup("not an Amity installation backup")
    if header.get("version") != VERSION:
        raise DamagedBackup(f"backup version {header.get('version')!r} is not supported")
    return header


def load(lines: Iterator[str], engine: Engine) -> dict[str, int]:
    """Insert a dump (after its header line) into ``engine``'s empty database at the dump's
    revision; returns rows per table. Raises DamagedBackup on a cut or malformed file."""
    tables = {t.name: t for t in backed_up_tables()}
    order = {t.name: n for n, t in enumerate(backed_up_tables())}
    counts: dict[str, int] = {}
    later: list[tuple[Table, dict[str, Any], str, Any]] = []
    ended = False
    with engine.connect().execution_options(amity_write=True) as conn, conn.begin():
        table: Table | None = None
        columns: list[str] = []
        batch: list[dict[str, Any]] = []
        for number, line in enumerate(lines, start=2):
            try:
                item = json.loads(line)
            except ValueError:
                raise DamagedBackup(f"line {number} is not JSON (the file is damaged)") from None
            if isinstance(item, list):
                if table is None or len(item) != len(columns):
                    raise DamagedBackup(f"line {number}: a row out of place")
                batch.append(_row(table, columns, item, order, later))
                counts[table.name] += 1
                if len(batch) >= BATCH:
                    conn.execute(insert(table), batch)
                    batch = []
                continue
            if table is not None and batch:
                conn.execute(insert(table), batch)
                batch = []
            if not isinstance(item, dict):
                raise DamagedBackup(f"line {number}: neither a row nor a table")
            if item.get("end"):
                ended = True
                _check_trailer(item, counts)
                break
            name = item.get("table")
            if name not in tables:
                raise DamagedBackup(f"line {number}: unknown table {name!r}")
            table, columns = tables[name], list(item.get("columns") or [])
            if not set(columns) <= set(table.c.keys()):
                raise DamagedBackup(f"line {number}: unknown columns for {name}")
            counts[name] = 0
        if not ended:
            raise DamagedBackup("the backup is cut short (no end line)")
        for row in later:
            _set_later(conn, *row)
        _reset_sequences(conn)
    return counts


def _check_trailer(item: dict[str, Any], counts: dict[str, int]) -> None:
    expected = {name: t.get("count") for name, t in (item.get("tables") or {}).items()}
    if expected != counts:
        raise DamagedBackup("the rows read differ from the counts the backup ends with")


def count_rows(lines: Iterator[str]) -> dict[str, int]:
    """Rows per table of a dump (after its header), reading it through."""
    counts: dict[str, int] = {}
    current = ""
    for line in lines:
        if line.startswith("["):
            counts[current] += 1
        elif line.startswith("{"):
            item = json.loads(line)
            if item.get("end"):
                return counts
            current = item["table"]
            counts[current] = 0
    raise DamagedBackup("the backup is cut short (no end line)")


def _row(table: Table, columns: list[str], values: list[Any], order: dict[str, int],
         later: list[tuple[Table, dict[str, Any], str, Any]]) -> dict[str, Any]:  # fmt: skip
    row = {
        name: from_canonical(table.c[name].type, v) for name, v in zip(columns, values, strict=True)
    }
    for name in columns:
        column = table.c[name]
        value = row[name]
        if value is None or not column.foreign_keys:
            continue
        target = next(iter(column.foreign_keys)).column.table.name
        if order[target] >= order[table.name]:  # a row not inserted yet (people.introduced_by)
            pk = {c.name: row[c.name] for c in table.primary_key.columns}
            later.append((table, pk, name, value))
            row[name] = None
    return row


def _set_later(conn: Connection, table: Table, pk: dict[str, Any], column: str, value: Any) -> None:
    conn.execute(
        update(table).where(*[table.c[k] == v for k, v in pk.items()]).values({column: value})
    )


def _reset_sequences(conn: Connection) -> None:
    """PostgreSQL hands out ids from sequences: move them past the restored rows."""
    if conn.dialect.name != "postgresql":
        return
    for table in backed_up_tables():
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and pk[0].name == "id" and pk[0].autoincrement in (True, "auto"):
            conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table.name}"
            ))  # fmt: skip
