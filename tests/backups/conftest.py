"""An installation with a demo book on a SQLite file of its own, and its backups."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from amity.backups import Backups
from amity.book import _ENGINES, Book, create_user, open_engine
from tests.conftest import Clock


@pytest.fixture
def installation(tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Book]:
    """A SQLite database with one demo book, its backups under tmp_path/backups."""
    for name in ("AMITY_BACKUP_DIR", "AMITY_BACKUP_PASSPHRASE", "AMITY_BACKUP_KEEP",
                 "AMITY_BACKUP_EVERY", "AMITY_SECRET_KEY"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AMITY_HOME", str(tmp_path))
    url = f"sqlite:///{tmp_path / 'amity.db'}"
    engine = open_engine(url)
    book = Book(engine, create_user(engine, "ana@example.org", now=clock()), url, clock)
    book.fill_demo(people=25, years=1, seed=7)
    yield book
    _ENGINES.pop(url, None)
    engine.dispose()


@pytest.fixture
def backups(installation: Book, tmp_path: Path, clock: Clock) -> Backups:
    url = f"sqlite:///{tmp_path / 'amity.db'}"
    return Backups(open_engine(url), url, clock)
