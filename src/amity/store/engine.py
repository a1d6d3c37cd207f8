"""Engine set-up: SQLite pragmas, write transactions, schema upgrades.

Which database (URL resolution, the data folder) is :mod:`amity.config`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.pool import NullPool

from amity.config import sqlite_path

WRITE = "amity_write"
POOL_ENV = "AMITY_DB_POOL_SIZE"
DEFAULT_POOL = 5
HEADROOM = 20
THREADS_ENV = "AMITY_WEB_THREADS"


def make_engine(url: str) -> Engine:
    """An engine with Amity's connection policy for the given URL.

    On a server database each process keeps ``AMITY_DB_POOL_SIZE`` connections (default 5) and
    opens as many again under load; `amity serve --workers N` sets it so that N workers fit
    the server's ``max_connections`` (:func:`pool_per_worker`).
    """
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    pool = max(1, int(os.environ.get(POOL_ENV) or DEFAULT_POOL))
    return create_engine(url, pool_pre_ping=True, pool_size=pool, max_overflow=pool, future=True)


def pool_per_worker(engine: Engine, workers: int) -> tuple[int, int]:
    """(pool size per worker, connections the server allows us) for ``workers`` processes.

    Each worker may hold twice its pool size (pool plus overflow); HEADROOM connections stay
    free for the CLI, maintenance and the scheduler's neighbours. SQLite has no limit.
    """
    if engine.dialect.name != "postgresql":
        return DEFAULT_POOL, 0
    with engine.connect() as conn:
        allowed = int(conn.execute(text("SHOW max_connections")).scalar_one()) - int(
            conn.execute(text("SHOW superuser_reserved_connections")).scalar_one()
        )
    budget = max(0, allowed - HEADROOM)
    return max(1, min(DEFAULT_POOL, budget // (2 * max(1, workers)))), budget


def request_threads(engine: Engine) -> int | None:
    """Requests a web worker runs at once on a server database (:func:`amity.book.request_threads`)."""
    if engine.dialect.name == "sqlite":
        return None
    size = getattr(engine.pool, "size", None)
    return max(1, int(os.environ.get(THREADS_ENV) or (size() if callable(size) else DEFAULT_POOL)))


def _sqlite_engine(url: str) -> Engine:
    path = sqlite_path(url)
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        future=True,
        poolclass=NullPool if not path or path == ":memory:" else None,
        connect_args={"timeout": 30, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # let SQLAlchemy, not the driver, decide when transactions begin (see below)
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        if path and path != ":memory:":
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the write lock up front: a deferred BEGIN that upgrades later fails
        # with "database is locked" under concurrency (measured: STACK.md).
        if conn.get_execution_options().get(WRITE):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


@contextmanager
def write_transaction(engine: Engine, journal: Any = None) -> Iterator[Connection]:
    """A transaction that will write: BEGIN IMMEDIATE on SQLite, a plain one elsewhere.

    With a :class:`amity.store.journal.Journal`, every change it makes is recorded there.
    """
    options: dict[str, Any] = {WRITE: True}
    if journal is not None:
        from amity.store.journal import JOURNAL, install

        install(engine)
        options[JOURNAL] = journal
    with engine.connect().execution_options(**options) as conn, conn.begin():
        yield conn


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn, conn.begin():
        yield conn


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database, or None for an empty database."""
    with engine.connect() as conn:
        try:
            row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        except Exception:
            conn.rollback()
            return None
        return row[0] if row else None


def head_revision() -> str:
    from amity.store.migrations import HEAD

    return HEAD


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision (idempotent; no-op when current)."""
    if current_revision(engine) == head_revision():
        return
    from amity.store.migrations import run_upgrade

    run_upgrade(engine)
