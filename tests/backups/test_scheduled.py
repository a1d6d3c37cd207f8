"""The web app's scheduler takes the installation's backups when they are due."""

from __future__ import annotations

from pathlib import Path

import pytest

from amity.backups import Backups
from amity.book import open_engine
from amity.web.deps import WebConfig
from amity.web.scheduler import BackupRound
from tests.conftest import Clock


def test_the_backup_round_takes_one_a_day(backups: Backups, clock: Clock, tmp_path: Path) -> None:
    url = backups.url
    round_ = BackupRound(WebConfig(engine=open_engine(url), url=url, clock=clock))
    assert round_() == "ok"
    assert round_() is None  # not due again today
    clock.advance(hours=24)
    assert round_() == "ok"
    assert [r.trigger for r in backups.runs()] == ["scheduled", "scheduled"]
    assert len(backups.kept()) == 2


def test_a_failing_round_is_recorded_and_shown(
    backups: Backups, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from amity.backups import files

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files, "take", no_space)
    url = backups.url
    assert BackupRound(WebConfig(engine=open_engine(url), url=url, clock=clock))() == "failed"
    failing = backups.failing()
    assert failing is not None and "No space left on device" in (failing.error or "")
