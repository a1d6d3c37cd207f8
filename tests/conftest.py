"""Shared fixtures: a Book on SQLite and on PostgreSQL (the contract suite runs on both),
a controllable clock, and helpers that turn "missing PostgreSQL/Chromium" into a failure in CI.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

# argon2id at its smallest cost in the suite (amity.security): a sign-in costs ~1 ms, not
# ~300 ms; subprocess servers the tests start inherit it. Production keeps the default cost.
os.environ.setdefault("AMITY_PASSWORD_HASH_COST", "low")

from amity.book import Book, create_user, open_engine

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO.parent / "shared" / "fixtures"
IN_CI = bool(os.environ.get("CI"))
PG_ADMIN_URL = os.environ.get(
    "AMITY_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def skip_or_fail(reason: str) -> None:
    """Skip locally; in CI (CI set) a missing service is a failure, never a silent skip."""
    if IN_CI:
        pytest.fail(f"{reason} (CI is set: every suite must run)", pytrace=False)
    pytest.skip(reason)


@dataclass
class Clock:
    """A clock the tests move by hand; the Book reads time only through it."""

    now_value: datetime = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now_value

    def advance(self, **kwargs: float) -> None:
        self.now_value += timedelta(**kwargs)

    def set(self, value: datetime) -> None:
        self.now_value = value


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "contract.db")


@pytest.fixture(scope="session")
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh PostgreSQL database for this test process, dropped at the end."""
    worker_id = getattr(request.config, "workerinput", {}).get("workerid", "main")
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        skip_or_fail(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc.__class__.__name__}")
    name = f"amity_test_{worker_id}_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    yield url
    from amity.book import _ENGINES

    engine = _ENGINES.pop(url, None)
    if engine is not None:
        engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def db_url(request: pytest.FixtureRequest) -> str:
    """The URL of a database on each backend: the contract suite runs twice."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


def new_book(url: str, clock: Clock, email: str | None = None) -> Book:
    """A new owner in the shared test database: a fresh, empty book (tenancy isolates it)."""
    engine = open_engine(url)
    owner = create_user(engine, email or f"u{uuid.uuid4().hex[:12]}@example.org", now=clock())
    return Book(engine, owner, url, clock)


@pytest.fixture
def book(db_url: str, clock: Clock) -> Book:
    return new_book(db_url, clock)


@pytest.fixture
def sqlite_book(sqlite_url: str, clock: Clock) -> Book:
    return new_book(sqlite_url, clock)


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite book at the newest schema, made once per test process: a fresh
    database costs ~0.3 s of migrations, and the CLI tests each need one."""
    path = tmp_path_factory.mktemp("template") / "amity.db"
    from amity.store.engine import make_engine, upgrade

    engine = make_engine("sqlite:///" + str(path))
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, migrated_sqlite_file: Path) -> Path:
    """A private data folder for CLI runs: `amity` uses $AMITY_HOME/amity.db (a copy of
    an empty book at the newest schema)."""
    import shutil

    shutil.copyfile(migrated_sqlite_file, tmp_path / "amity.db")
    monkeypatch.setenv("AMITY_HOME", str(tmp_path))
    monkeypatch.delenv("AMITY_DATABASE_URL", raising=False)
    monkeypatch.delenv("AMITY_DB", raising=False)
    return tmp_path
