"""SQLite: the online backup API, integrity checks and scratch databases.

``sqlite3.Connection.backup`` copies the database page by page while other connections keep
writing; copied in one step (the default), the copy is one consistent moment (STACK.md:
5 of 5 good under a live writer, where a file copy was good 1 time in 5).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import NullPool


def online_backup(engine: Engine, target: Path) -> None:
    """Copy the SQLite database behind ``engine`` into a new file ``target``."""
    if engine.dialect.name != "sqlite":
        raise ValueError("the online backup API is SQLite's")
    with engine.connect() as conn:
        source = conn.connection.driver_connection
        assert isinstance(source, sqlite3.Connection)
        copy = sqlite3.connect(str(target))
        try:
            source.backup(copy)
            # a self-contained file: no -wal beside it, whatever the source's journal mode
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()


def scratch_engine(path: Path) -> Engine:
    """An engine on a scratch SQLite file (foreign keys on, no pool: closed files). Nothing
    is synced to disk: a scratch database that a crash loses is simply made again."""
    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool, future=True)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.execute("PRAGMA foreign_keys=ON")
        dbapi_conn.execute("PRAGMA synchronous=OFF")
        dbapi_conn.execute("PRAGMA journal_mode=MEMORY")

    return engine


def integrity_problems(path: Path) -> list[str]:
    """``PRAGMA integrity_check`` and ``foreign_key_check`` of a SQLite file (empty: fine)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return [f"cannot open the database: {exc}"]
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        problems = [] if rows == ["ok"] else [f"integrity check: {r}" for r in rows[:10]]
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check").fetchmany(10):
            problems.append(f"{table} row {rowid} refers to a missing {parent} row")
        return problems
    except sqlite3.DatabaseError as exc:
        return [f"not a sound SQLite database: {exc}"]
    finally:
        conn.close()


def is_sqlite_file(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(16) == b"SQLite format 3\x00"
