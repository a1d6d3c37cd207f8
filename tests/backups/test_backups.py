"""Backups of the whole installation: taken, checked in a scratch database, kept, restored."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from amity.backups import Backups
from amity.book import Book, open_book
from amity.errors import InvalidInput, NotFound
from amity.store.backup import measure
from amity.store.schema import metadata
from tests.conftest import Clock

# each backup restored into a scratch database and checked: make test runs it, test-fast not
pytestmark = pytest.mark.slow


def manifest_of(backups: Backups, name: str) -> dict:  # type: ignore[type-arg]
    return json.loads((backups.folder / f"{name}.manifest.json").read_text())


def sums_of(url: str) -> dict[str, tuple[int, str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {n: (t.count, t.checksum) for n, t in measure.measure(conn).items()}
    finally:
        engine.dispose()


@pytest.mark.parametrize("kind", ["sqlite", "json"])
def test_a_backup_is_checked_kept_and_restores_the_same_book(
    backups: Backups, installation: Book, tmp_path: Path, kind: str
) -> None:
    run = backups.now(kind=kind)
    assert (run.status, run.error, run.kind) == ("ok", None, kind)
    assert run.tables == len(metadata.tables) and run.rows and run.rows > 100
    [kept] = backups.kept()
    assert (kept.name, kept.checked, kept.encrypted) == (run.name, "ok", False)
    manifest = manifest_of(backups, kept.name)
    assert set(manifest["tables"]) == set(metadata.tables)  # every table, from the schema
    assert manifest["tables"]["people"]["count"] == 25

    counts = backups.restore(kept.name, str(tmp_path / "restored.db"))
    assert counts["people"] == 25
    restored = open_book(str(tmp_path / "restored.db"), "ana@example.org", create=False)
    assert restored.export_json() == installation.export_json()
    assert restored.search("a")  # the search index came along (FTS5 on SQLite)
    # and the restored database measures like the manifest, table by table
    assert {n: (t["count"], t["checksum"]) for n, t in manifest["tables"].items()} == {
        n: v
        for n, v in sums_of(f"sqlite:///{tmp_path / 'restored.db'}").items()
        if n in manifest["tables"]
    }


def test_restore_never_overwrites(backups: Backups, tmp_path: Path) -> None:
    name = backups.now().name
    assert name
    with pytest.raises(InvalidInput, match="not the one in use"):
        backups.restore(name, str(tmp_path / "amity.db"))
    (tmp_path / "other.db").write_bytes(b"something")
    with pytest.raises(InvalidInput, match="exists"):
        backups.restore(name, str(tmp_path / "other.db"))
    with pytest.raises(NotFound):
        backups.restore("amity-20200101T000000Z", str(tmp_path / "new.db"))
    with pytest.raises(NotFound):
        backups.verify("../../etc/passwd")


def test_encrypted_backups_need_the_passphrase(
    backups: Backups, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backups.set_passphrase("correct horse battery staple")
    run = backups.now()
    assert run.status == "ok" and run.encrypted
    [kept] = backups.kept()
    payload = (backups.folder / kept.file).read_bytes()
    assert kept.file.endswith(".sqlite.enc") and payload.startswith(b"AMITYENC")
    assert b"SQLite format 3" not in payload and b"ana@example.org" not in payload
    # the passphrase is stored sealed, never in clear
    assert b"correct horse" not in (tmp_path / "amity.db").read_bytes()
    assert backups.verify().status == "ok"

    wrong = backups.verify(passphrase="not the passphrase")
    assert wrong.status == "failed" and "wrong passphrase" in (wrong.error or "")
    with pytest.raises(InvalidInput, match="wrong passphrase"):
        backups.restore(kept.name, str(tmp_path / "r.db"), passphrase="not the passphrase")
    backups.set_passphrase(None)
    missing = backups.verify()
    assert missing.status == "failed" and "give its passphrase" in (missing.error or "")
    monkeypatch.setenv("AMITY_BACKUP_PASSPHRASE", "correct horse battery staple")
    assert backups.restore(kept.name, str(tmp_path / "r.db"))["people"] == 25


def test_a_damaged_backup_fails_its_check_and_is_shown(backups: Backups) -> None:
    assert backups.failing() is None
    name = backups.now().name
    [kept] = backups.kept()
    path = backups.folder / kept.file
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    run = backups.verify(name)
    assert run.status == "failed" and "changed since it was taken" in (run.error or "")
    failing = backups.failing()
    assert failing is not None and failing.name == name
    assert backups.kept()[0].checked == "failed"
    # a later good backup clears the warning
    assert backups.now().status == "ok"
    assert backups.failing() is None


def test_a_backup_whose_copy_differs_is_not_kept(
    backups: Backups, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Verification compares the restored copy with the manifest: a wrong checksum fails."""
    from amity.backups import files

    real_take = files.take

    def take_and_spoil(*args, **kwargs):  # type: ignore[no-untyped-def]
        taken = real_take(*args, **kwargs)
        taken.manifest["tables"]["people"]["checksum"] = "0" * 64
        return taken

    monkeypatch.setattr(files, "take", take_and_spoil)
    run = backups.now()
    assert run.status == "failed"
    assert "people: the checksum differs" in (run.error or "")
    assert backups.kept() == []  # deleted, not kept
    assert backups.failing() is not None


def test_a_cut_json_backup_is_reported(backups: Backups) -> None:
    import gzip

    backups.now(kind="json")
    [kept] = backups.kept()
    path = backups.folder / kept.file
    lines = gzip.decompress(path.read_bytes()).decode().splitlines(keepends=True)
    path.write_bytes(gzip.compress("".join(lines[: len(lines) // 2]).encode()))
    manifest = manifest_of(backups, kept.name)
    manifest.pop("sha256")  # as if the damage happened before the file's hash was taken
    (backups.folder / f"{kept.name}.manifest.json").write_text(json.dumps(manifest))
    run = backups.verify(kept.name)
    assert run.status == "failed" and "cut short" in (run.error or "")


def test_retention_prunes_with_the_clock(backups: Backups, clock: Clock) -> None:
    backups.configure(keep="3d")
    for _ in range(6):
        assert backups.now().status == "ok"
        clock.advance(days=1)
    names = [f.name for f in backups.kept()]
    assert len(names) == 3  # the three newest days (the recent day keeps only one)
    assert names == sorted(names, reverse=True)


def test_the_schedule_runs_a_backup_when_due(backups: Backups, clock: Clock) -> None:
    assert backups.settings().every == timedelta(days=1)
    first = backups.run_due()
    assert first is not None and first.trigger == "scheduled" and first.status == "ok"
    clock.advance(hours=23)
    assert backups.run_due() is None
    clock.advance(hours=1)
    assert backups.run_due() is not None
    backups.configure(every="off")
    clock.advance(days=3)
    assert backups.run_due() is None
    with pytest.raises(InvalidInput):
        backups.configure(keep="forever")


def test_backups_live_where_configured(
    installation: Book, tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from amity.backups import open_backups

    monkeypatch.setenv("AMITY_BACKUP_DIR", str(tmp_path / "elsewhere"))
    backups = open_backups(str(tmp_path / "amity.db"), clock=clock)
    assert backups.now().status == "ok"
    assert list((tmp_path / "elsewhere").glob("amity-*.sqlite"))
    assert not (tmp_path / "backups").exists()


def test_what_an_interrupted_backup_left_is_cleared(backups: Backups) -> None:
    import os

    backups.now()
    stale = backups.folder / ".partial-amity-20200101T000000Z.sqlite"
    stale.write_bytes(b"half a copy")
    leftover = backups.folder / ".work" / "tmpabc"
    leftover.mkdir()
    fresh = backups.folder / ".partial-amity-20990101T000000Z.sqlite"  # a backup running now
    fresh.write_bytes(b"being written")
    for path in (stale, leftover):
        os.utime(path, (0, 0))
    backups.prune()
    assert not stale.exists() and not leftover.exists() and fresh.exists()


@pytest.mark.pg
def test_a_postgresql_installation_backs_up_as_json_and_restores_into_sqlite(
    pg_url: str, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from amity.book import create_user, open_engine

    monkeypatch.setenv("AMITY_BACKUP_DIR", str(tmp_path / "backups"))
    monkeypatch.delenv("AMITY_BACKUP_PASSPHRASE", raising=False)
    engine = open_engine(pg_url)
    email = f"pg-{id(tmp_path)}@example.org"
    book = Book(engine, create_user(engine, email, now=clock()), pg_url, clock)
    book.fill_demo(people=15, years=1, seed=11)
    backups = Backups(engine, pg_url, clock)
    with pytest.raises(InvalidInput, match="PostgreSQL"):
        backups.now(kind="sqlite")
    run = backups.now()
    assert (run.status, run.kind) == ("ok", "json"), run.error
    assert backups.kept()[0].file.endswith(".jsonl.gz")
    backups.restore(run.name or "", str(tmp_path / "from-pg.db"))
    restored = open_book(str(tmp_path / "from-pg.db"), email, create=False)
    assert restored.export_json() == book.export_json()
