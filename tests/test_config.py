"""amity.config: which database, and where its files live."""

from __future__ import annotations

from pathlib import Path

import pytest

from amity.config import data_folder, default_db_path, describe_url, resolve_url


def test_db_option_wins_then_the_environment_then_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AMITY_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("AMITY_DATABASE_URL", raising=False)
    assert resolve_url() == f"sqlite:///{tmp_path / 'home' / 'amity.db'}"
    assert default_db_path() == tmp_path / "home" / "amity.db"
    monkeypatch.setenv("AMITY_DATABASE_URL", "postgresql://u@h/db")
    assert resolve_url() == "postgresql://u@h/db"
    assert resolve_url(tmp_path / "x.db") == f"sqlite:///{(tmp_path / 'x.db').resolve()}"
    assert resolve_url("sqlite:///elsewhere.db") == "sqlite:///elsewhere.db"


def test_files_live_beside_a_sqlite_file_else_in_the_home_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AMITY_HOME", str(tmp_path / "home"))
    assert data_folder(f"sqlite:///{tmp_path / 'books' / 'a.db'}") == (tmp_path / "books").resolve()
    assert data_folder("postgresql+psycopg://u@h/db") == tmp_path / "home"
    assert data_folder("sqlite:///:memory:") == tmp_path / "home"


def test_described_urls_never_show_the_password() -> None:
    shown = describe_url("postgresql+psycopg://amity:s3cret@db.example.org:5432/amity")
    assert "s3cret" not in shown
    assert shown.startswith("postgresql+psycopg://amity:")
    assert "db.example.org:5432/amity" in shown
