"""Canonical rows and their checksums: what "the same data" means for a backup.

A row's canonical form is the JSON list of its values in the schema's column order, each
value in one spelling whatever the database (datetimes as naive UTC ISO text, dates as ISO
text, bytes as base64). A table's checksum is the sum, modulo 2**256, of the SHA-256 of its
rows' canonical forms: independent of the order rows come back in (collations differ between
SQLite and PostgreSQL), and computed while streaming. Its samples are the rows with the
smallest digests (again order-independent), kept by primary key so that a verification can
name the row that differs.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy import Connection, Table, TypeDecorator, inspect, select

from amity.store.schema import metadata

MODULUS = 2**256
SAMPLES = 5
BATCH = 1000


_PLAIN = frozenset({type(None), bool, int, str, float})


def canonical_value(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, bool | int | str | float):  # subclasses (an enum's value...)
        return value
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot back up a value of type {type(value).__name__}")


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def canonical_line(values: list[Any]) -> str:
    """One row as the JSON text stored in a JSON backup and hashed for its checksum."""
    return _ENCODE(values)


def row_digest(line: str) -> bytes:
    return hashlib.sha256(line.encode("utf-8")).digest()


@dataclass
class TableSum:
    """Count, order-independent checksum and sampled digests of one table's rows."""

    count: int = 0
    total: int = 0
    samples: dict[str, str] = field(default_factory=dict)  # pk as JSON text -> digest hex
    _worst: str = "g"  # above every hex digest while there is room for samples

    def add(self, key: Callable[[], str], digest: bytes) -> None:
        """Count a row by its digest; ``key`` (its primary key as JSON text) is asked only
        when the row is one of the samples so far."""
        self.count += 1
        self.total = (self.total + int.from_bytes(digest, "big")) % MODULUS
        hexed = digest.hex()
        if hexed >= self._worst:
            return
        if len(self.samples) >= SAMPLES:
            del self.samples[max(self.samples, key=self.samples.__getitem__)]
        self.samples[key()] = hexed
        if len(self.samples) >= SAMPLES:
            self._worst = max(self.samples.values())

    @property
    def checksum(self) -> str:
        return f"{self.total:064x}"

    def as_dict(self) -> dict[str, Any]:
        return {"count": self.count, "checksum": self.checksum, "samples": dict(self.samples)}


def backed_up_tables() -> list[Table]:
    """Every table of the schema, parents before children (the order of a restore)."""
    return list(metadata.sorted_tables)


def present_columns(conn: Connection) -> dict[str, list[str]]:
    """For each schema table that exists in this database, its columns the schema knows
    (in the schema's order): an older backup has fewer tables or columns."""
    inspector = inspect(conn)
    names = set(inspector.get_table_names())
    out: dict[str, list[str]] = {}
    for table in backed_up_tables():
        if table.name in names:
            have = {c["name"] for c in inspector.get_columns(table.name)}
            out[table.name] = [c.name for c in table.c if c.name in have]
    return out


def key_of(table: Table, columns: list[str], values: list[Any]) -> str:
    """The primary key of a row (as JSON text), for naming it and finding it again."""
    pk = [c.name for c in table.primary_key.columns]
    return canonical_line([values[columns.index(name)] for name in pk])


def iter_rows(conn: Connection, table: Table, columns: list[str]) -> Any:
    """The table's rows as canonical value lists, streamed in batches."""
    statement = select(*[table.c[name] for name in columns])
    result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(statement)
    for row in result:
        yield [canonical_value(v) for v in row]


def measure(conn: Connection, columns: dict[str, list[str]] | None = None) -> dict[str, TableSum]:
    """Count, checksum and samples of every table of the database behind ``conn``."""
    present = present_columns(conn) if columns is None else columns
    sums: dict[str, TableSum] = {}
    for table in backed_up_tables():
        if table.name not in present:
            continue
        cols = present[table.name]
        total = TableSum()
        for values in iter_rows(conn, table, cols):
            total.add(partial(key_of, table, cols, values), row_digest(canonical_line(values)))
        sums[table.name] = total
    return sums


def compare(expected: dict[str, Any], conn: Connection) -> list[str]:
    """What differs between a manifest's ``tables`` and the database behind ``conn``: missing
    tables, counts, checksums, and each sampled row by its key. Empty: the same data."""
    problems: list[str] = []
    present = present_columns(conn)
    for name in sorted(set(present) - set(expected)):
        problems.append(f"{name}: in the restored database but not in the backup's manifest")
    found = measure(conn, {n: c for n, c in present.items() if n in expected})
    tables = {t.name: t for t in backed_up_tables()}
    for name, want in expected.items():
        got = found.get(name)
        if got is None:
            problems.append(f"{name}: missing from the restored database")
            continue
        if got.count != want["count"]:
            problems.append(f"{name}: {got.count} rows restored, {want['count']} backed up")
        elif got.checksum != want["checksum"]:
            problems.append(f"{name}: the checksum differs (same {got.count} rows)")
        problems += _compare_samples(conn, tables[name], present[name], want.get("samples", {}))
    return problems


def _compare_samples(
    conn: Connection, table: Table, columns: list[str], samples: dict[str, str]
) -> list[str]:
    pk = [c.name for c in table.primary_key.columns]
    problems = []
    for key, digest in sorted(samples.items()):
        values = json.loads(key)
        where = [
            table.c[name] == _python_value(table, name, v)
            for name, v in zip(pk, values, strict=True)
        ]
        row = conn.execute(select(*[table.c[n] for n in columns]).where(*where)).first()
        if row is None:
            problems.append(f"{table.name} row {key}: missing after the restore")
        elif row_digest(canonical_line([canonical_value(v) for v in row])).hex() != digest:
            problems.append(f"{table.name} row {key}: differs from the backup")
    return problems


def _python_value(table: Table, column: str, value: Any) -> Any:
    return from_canonical(table.c[column].type, value)


def from_canonical(kind: Any, value: Any) -> Any:
    """A canonical (JSON) value as the column's Python value."""
    if value is None:
        return None
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    try:
        python_type = kind.python_type
    except NotImplementedError:
        return value
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date:
        return date.fromisoformat(value)
    if python_type is bytes:
        return base64.b64decode(value)
    return value
