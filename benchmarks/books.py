"""Cached demo books for the benchmarks, kept in benchmarks/.data/ (git-ignored) and reused.

- ``sqlite_book(people)``: a SQLite file (built by ``benchmarks.__main__.demo_book``).
- ``postgres_book(people, owners=1)``: a fresh PostgreSQL database restored from a cached
  ``pg_dump`` (custom format) of ``owners`` demo books of ``people`` each; the first call builds
  the books on PostgreSQL and dumps them (minutes at 100,000 people), later calls restore in
  seconds. Every call gives a new database (benchmarks that write start from the same book);
  drop it with ``drop_postgres(url)``.

The cache key carries the demo generator's hash (a changed generator builds new books);
``BENCH_FRESH=1`` rebuilds. PostgreSQL is ``$BENCH_PG_URL`` (default: the local server as
``postgres``, the same one the tests use).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
YEARS, SEED = 3, 42
PG_ADMIN = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def step(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def sqlite_book(people: int, years: int = YEARS) -> tuple[Path, dict[str, Any]]:
    from benchmarks.__main__ import demo_book

    return demo_book(people, years)


def generator_version() -> str:
    from benchmarks.__main__ import generator_version as version

    return version()


def postgres_book(
    people: int,
    *,
    owners: int = 1,
    years: int = YEARS,
    name: str = "amity_bench",
    admin: str = PG_ADMIN,
) -> str:
    """A new database ``name`` holding the cached demo book(s); returns its SQLAlchemy URL."""
    dump = _dump_path(people, owners, years)
    if os.environ.get("BENCH_FRESH") or not dump.exists():
        _build_dump(dump, people, owners, years)
    url = create_database(name, admin)
    started = time.perf_counter()
    subprocess.run(
        [_pg_tool("pg_restore"), "--no-owner", "--jobs", "2", "-d", _libpq(url), str(dump)],
        check=True,
        capture_output=True,
    )
    analyze(url)
    step(f"restored {dump.name} into {name} in {time.perf_counter() - started:.1f} s")
    return url


def drop_postgres(url: str, admin: str = PG_ADMIN) -> None:
    from amity.book import _ENGINES

    engine = _ENGINES.pop(url, None)
    if engine is not None:
        engine.dispose()
    server = create_engine(admin, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    server.dispose()


def _dump_path(people: int, owners: int, years: int) -> Path:
    return DATA / f"pg-demo-{owners}x{people}-{years}y-seed{SEED}-{generator_version()}.pgdump"


def _build_dump(dump: Path, people: int, owners: int, years: int) -> None:
    from amity.book import Book, create_user, open_engine

    DATA.mkdir(parents=True, exist_ok=True)
    for stale in DATA.glob(f"pg-demo-{owners}x{people}-{years}y-seed{SEED}-*"):
        stale.unlink()
    url = create_database("amity_bench_build")
    try:
        engine = open_engine(url)
        started = time.perf_counter()
        for n in range(owners):
            owner = create_user(engine, f"user{n}@bench.example")
            step(f"building PostgreSQL demo book {n + 1}/{owners} ({people:,} people)...")
            Book(engine, owner, url).fill_demo(people=people, years=years, seed=SEED + n)
        step(f"built in {time.perf_counter() - started:.0f} s; dumping to {dump.name}")
        partial = dump.with_suffix(".part")
        subprocess.run(
            [_pg_tool("pg_dump"), "-Fc", "-Z", "1", "-f", str(partial), _libpq(url)],
            check=True,
            capture_output=True,
        )
        partial.replace(dump)
    finally:
        drop_postgres(url)


def create_database(name: str, admin: str = PG_ADMIN) -> str:
    """A new, empty database ``name`` on the server of ``admin`` (dropped first if there)."""
    server = create_engine(admin, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return make_url(admin).set(database=name).render_as_string(hide_password=False)


def analyze(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found
