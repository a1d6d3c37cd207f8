"""Settings → Backups and the Today warning, in process, on a database of their own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from amity.book import _ENGINES
from amity.web.app import create_app
from tests.conftest import Clock, new_book
from tests.web.conftest import WebUser, sign_in


@pytest.fixture
def own_app(tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Iterator[FastAPI]:
    for name in ("AMITY_BACKUP_DIR", "AMITY_BACKUP_PASSPHRASE", "AMITY_BACKUP_KEEP"):
        monkeypatch.delenv(name, raising=False)
    url = f"sqlite:///{tmp_path / 'amity.db'}"
    yield create_app(url, clock=clock, scheduler=False)
    engine = _ENGINES.pop(url, None)
    if engine is not None:
        engine.dispose()


@pytest.fixture
def admin(own_app: FastAPI, tmp_path: Path, clock: Clock) -> Iterator[WebUser]:
    user = sign_in(own_app, new_book(f"sqlite:///{tmp_path / 'amity.db'}", clock), admin=True)
    user.book.fill_demo(people=10, years=1, seed=3)
    yield user
    user.client.close()


def test_back_up_check_and_restore_from_settings(admin: WebUser, tmp_path: Path) -> None:
    page = admin.get("/settings")
    assert 'id="backups"' in page.text and "No backups yet." in page.text
    made = admin.post("/settings/backups/now")
    assert made.status_code == 200, made.text
    assert "checked in a scratch database" in made.text
    [backup] = sorted((tmp_path / "backups").glob("amity-*.sqlite"))
    name = backup.name.removesuffix(".sqlite")
    assert f'data-backup="{name}"' in made.text
    restored = admin.post("/settings/backups/restore", {"name": name})
    assert "identical to the backup" in restored.text
    assert (tmp_path / "backups" / f"restored-{name}.db").is_file()
    again = admin.post("/settings/backups/restore", {"name": name})
    assert again.status_code == 422 and "exists" in again.text

    data = bytearray(backup.read_bytes())
    data[len(data) // 3] ^= 0xFF
    backup.write_bytes(bytes(data))
    checked = admin.post("/settings/backups/verify", {"name": name})
    assert checked.status_code == 422 and "changed since it was taken" in checked.text
    today = admin.get("/")
    assert 'id="backup-warning"' in today.text and "changed since it was taken" in today.text
    assert admin.post("/settings/backups/now").status_code == 200  # a good one clears it
    assert 'id="backup-warning"' not in admin.get("/").text


def test_schedule_and_passphrase_in_settings(admin: WebUser, tmp_path: Path) -> None:
    saved = admin.post("/settings/backups/config", {"every": "12h", "keep": "5d,2w"})
    assert (
        saved.status_code == 200
        and "every 12 hours" in saved.text
        and 'value="5d,2w,0m"' in saved.text
    )
    bad = admin.post("/settings/backups/config", {"keep": "lots"})
    assert bad.status_code == 422
    differ = admin.post("/settings/backups/passphrase", {"passphrase": "one long phrase",
                                                         "again": "another phrase"})  # fmt: skip
    assert differ.status_code == 422 and "differ" in differ.text
    set_ = admin.post("/settings/backups/passphrase", {"passphrase": "one long phrase",
                                                       "again": "one long phrase"})  # fmt: skip
    assert "Encrypted with a passphrase (stored)" in set_.text
    assert "one long phrase" not in set_.text
    made = admin.post("/settings/backups/now")
    assert made.status_code == 200 and "· encrypted" in made.text
    assert list((tmp_path / "backups").glob("amity-*.sqlite.enc"))


def test_backups_are_for_admins_only(own_app: FastAPI, admin: WebUser, tmp_path: Path,
                                     clock: Clock) -> None:  # fmt: skip
    other = sign_in(own_app, new_book(f"sqlite:///{tmp_path / 'amity.db'}", clock))
    assert 'id="backups"' not in other.get("/settings").text
    for path in ("now", "verify", "restore", "config", "passphrase"):
        assert other.post(f"/settings/backups/{path}", {"name": "x"}).status_code == 404
    assert not (tmp_path / "backups").exists()
    other.client.close()
