"""Engine set-up: which database, SQLite pragmas, write transactions, schema upgrades."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.pool import NullPool

ENV_URL = "AMITY_DATABASE_URL"
WRITE = "amity_write"


def default_db_path() -> Path:
    """The embedded database: one SQLite file in the platform's user data folder."""
    from platformdirs import user_data_path

    base = os.environ.get("AMITY_HOME")
    folder = Path(base) if base else user_data_path("amity", appauthor=False)
    return folder / "amity.db"


def data_folder(url: str) -> Path:
    """Where backups and other files of this database live (beside the SQLite file)."""
    if url.startswith("sqlite") and "///" in url:
        path = url.split("///", 1)[1].split("?", 1)[0]
        if path and path != ":memory:":
            return Path(path).resolve().parent
    return default_db_path().parent


def resolve_url(db: str | os.PathLike[str] | None = None) -> str:
    """``--db PATH`` wins, then ``AMITY_DATABASE_URL``, then the embedded default."""
    if db:
        text_db = str(db)
        if "://" in text_db:
            return text_db
        return "sqlite:///" + str(Path(text_db).expanduser().resolve())
    env = os.environ.get(ENV_URL)
    if env:
        return env
    return "sqlite:///" + str(default_db_path())


def describe_url(url: str) -> str:
    """The URL with any password hidden, for display."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str) -> Engine:
    """An engine with Amity's connection policy for the given URL."""
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return create_engine(url, pool_pre_ping=True, future=True)


def _sqlite_engine(url: str) -> Engine:
    path = url.split("///", 1)[1].split("?", 1)[0] if "///" in url else ""
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
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that will write: BEGIN IMMEDIATE on SQLite, a plain one elsewhere."""
    with engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
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
