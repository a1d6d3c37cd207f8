"""Backups taken while four writers work are all valid and restore identically."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from amity.backups import Backups, files
from amity.book import Book, InteractionInput, PersonInput, create_user, open_engine
from amity.store.backup import measure
from tests.conftest import PG_ADMIN_URL, Clock

BACKUPS = 20
WRITERS = 4


def write_until(book: Book, stop: threading.Event, done: list[int]) -> None:
    n = 0
    while not stop.is_set():
        person = book.people.add(PersonInput(name=f"Writer {book.owner_id} {n}"))
        book.interactions.log(InteractionInput(kind="call", people=[person.id], notes=f"n{n}"))
        n += 1
    done.append(n)


def take_backups_under_writes(backups: Backups, books: list[Book], kind: str) -> list[str]:
    stop = threading.Event()
    done: list[int] = []
    writers = [threading.Thread(target=write_until, args=(b, stop, done)) for b in books]
    for w in writers:
        w.start()
    try:
        runs = [backups.now(kind=kind) for _ in range(BACKUPS)]
    finally:
        stop.set()
        for w in writers:
            w.join()
    assert [r.status for r in runs] == ["ok"] * BACKUPS, [r.error for r in runs if r.error]
    assert len(done) == WRITERS and min(done) > 0
    people = [r.rows for r in runs]
    assert len(set(people)) > 1, "the writers wrote while the backups were taken"
    return [r.name or "" for r in runs]


def restored_sums(url: str) -> dict[str, tuple[int, str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {n: (t.count, t.checksum) for n, t in measure.measure(conn).items()}
    finally:
        engine.dispose()


def assert_restores_identically(backups: Backups, names: list[str], tmp_path: Path) -> None:
    for name in names:
        manifest = files.read_manifest(backups.folder, name)
        target = tmp_path / f"restored-{name}.db"
        backups.restore(name, str(target))
        expected = {n: (t["count"], t["checksum"]) for n, t in manifest["tables"].items()}
        got = restored_sums(f"sqlite:///{target}")
        assert {n: got[n] for n in expected} == expected, name


@pytest.mark.slow
def test_twenty_sqlite_backups_under_four_writers(
    backups: Backups, installation: Book, clock: Clock, tmp_path: Path
) -> None:
    backups.configure(keep="400d")  # keep all twenty
    engine = open_engine(backups.url)
    books = [Book(engine, create_user(engine, f"w{i}@example.org"), backups.url, clock)
             for i in range(WRITERS)]  # fmt: skip
    names = take_backups_under_writes(backups, books, "sqlite")
    assert len({f.name for f in backups.kept()}) == BACKUPS
    assert_restores_identically(backups, names, tmp_path)


@pytest.mark.pg
@pytest.mark.slow
def test_twenty_postgresql_backups_under_four_writers(
    pg_url: str, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AMITY_BACKUP_DIR", str(tmp_path / "backups"))
    monkeypatch.delenv("AMITY_BACKUP_PASSPHRASE", raising=False)
    engine = open_engine(pg_url)
    backups = Backups(engine, pg_url, clock)
    backups.configure(keep="400d")
    books = [Book(engine, create_user(engine, f"pgw{uuid.uuid4().hex[:8]}@example.org"), pg_url,
                  clock) for _ in range(WRITERS)]  # fmt: skip
    names = take_backups_under_writes(backups, books, "json")
    assert_restores_identically(backups, names[-3:], tmp_path)  # into SQLite files
    # and the last one into an empty PostgreSQL database
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    target = f"amity_restore_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{target}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + target
    try:
        backups.restore(names[-1], url)
        manifest = files.read_manifest(backups.folder, names[-1])
        got = restored_sums(url)
        assert {n: got[n] for n in manifest["tables"]} == {
            n: (t["count"], t["checksum"]) for n, t in manifest["tables"].items()
        }
        restored = create_engine(url)
        with restored.begin() as conn:  # new ids follow the restored ones
            high = conn.execute(text("SELECT max(id) FROM people")).scalar()
            nxt = conn.execute(text("SELECT nextval(pg_get_serial_sequence('people','id'))"))
            assert nxt.scalar() > high
        restored.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)'))
        admin.dispose()
