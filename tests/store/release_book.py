"""A book as a released version of Amity left it: every table's rows at that schema revision.

``python -m tests.store.release_book OUT.json`` (run with the released version's code on the
path, e.g. ``PYTHONPATH=/tmp/amity-0.1.0/src``) fills a new SQLite book with the demo network
and a few hand-made rows on a fixed clock, then writes every table's rows with the revision.
:func:`load_release_book` writes them into an empty database brought to that revision, for
the upgrade test. Only SQLAlchemy reflection is used here, never the current schema: the rows
must go into the old tables as they were.
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, Engine, MetaData, Table, insert, text, update

SKIPPED = {"alembic_version"}
SKIPPED_PREFIX = "search_fts"  # SQLite's FTS5 index, rebuilt by its triggers
GENERATED = {"tsv"}  # PostgreSQL's generated tsvector


def dump(engine: Engine, revision: str, made_by: str) -> dict[str, Any]:
    meta = MetaData()
    meta.reflect(engine)
    tables: dict[str, Any] = {}
    with engine.connect() as conn:
        for table in _tables(meta):
            columns = [c.name for c in table.columns if c.name not in GENERATED]
            order = [table.c[name] for name in columns if table.c[name].primary_key]
            rows = conn.execute(
                table.select().with_only_columns(*[table.c[c] for c in columns]).order_by(*order)
            )
            tables[table.name] = {
                "columns": columns,
                "rows": [[_plain(v) for v in row] for row in rows],
            }
    return {"revision": revision, "made_by": made_by, "tables": tables}


def load_release_book(engine: Engine, doc: dict[str, Any]) -> None:
    """Write the dumped rows into ``engine``'s database (empty, at ``doc['revision']``)."""
    meta = MetaData()
    meta.reflect(engine)
    with engine.begin() as conn:
        for table in _tables(meta):
            data = doc["tables"].get(table.name)
            if not data or not data["rows"]:
                continue
            self_refs = {
                fk.parent.name for fk in table.foreign_keys if fk.column.table.name == table.name
            }
            rows = [
                _typed(table, dict(zip(data["columns"], row, strict=True))) for row in data["rows"]
            ]
            # rows pointing at rows of the same table (people introduced by people) go in
            # first without the pointer, which is set once every row exists
            conn.execute(insert(table), [{**r, **dict.fromkeys(self_refs)} for r in rows])
            for row in rows:
                later = {name: row[name] for name in self_refs if row[name] is not None}
                if later:
                    conn.execute(update(table).where(table.c.id == row["id"]).values(**later))
            if engine.dialect.name == "postgresql" and "id" in table.c:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT max(id) FROM {table.name}))"
                    )
                )


def _tables(meta: MetaData) -> list[Table]:
    return [
        t
        for t in meta.sorted_tables
        if t.name not in SKIPPED and not t.name.startswith(SKIPPED_PREFIX)
    ]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _typed(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, value in row.items():
        kind = table.c[name].type
        if value is not None and isinstance(kind, DateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(kind, Date):
            value = date.fromisoformat(value)
        out[name] = value
    return out


def make(out: Path) -> None:
    """Run with the released code: a demo network plus hand-made rows, on a fixed clock."""
    import importlib

    from amity import __version__
    from amity.book import InteractionInput, PersonInput, open_book
    from amity.store.engine import current_revision

    generate_demo = importlib.import_module("amity.book.demo").generate_demo  # 0.1.0's API

    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        book = open_book(str(Path(tmp) / "release.db"), clock=lambda: now)
        generate_demo(book, people=12, years=1, seed=14)
        zoe = book.people.add(
            PersonInput(name="Zoë Ångström", org="Globex", tags=["ceramics"], birthday="--02-29")
        )
        book.interactions.log(
            InteractionInput(people=[zoe.id], kind="call", subject="Upgrade check")
        )
        book.settings.set("digest.enabled", True)
        engine = book.ctx.engine
        doc = dump(engine, current_revision(engine) or "", f"amity {__version__}")
    out.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    make(Path(sys.argv[1]))
