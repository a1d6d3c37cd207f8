"""The CLI makes the garbage collector rare while it starts (imports allocate some 200,000
long-lived objects) and puts it back, with those objects frozen, once the book is open or a
server starts; it is never off."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import gc, sys
from amity.cli import state
from amity.cli.main import run
usual = gc.get_threshold()
state.startup_begins()
during = gc.get_threshold()
assert gc.isenabled()
try:
    run(sys.argv[1:])
except SystemExit:
    pass
print(usual[0], during[0], gc.get_threshold()[0], gc.get_freeze_count() > 10_000, gc.isenabled())
"""


def _thresholds(*args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", SCRIPT, *args], capture_output=True, text=True,
                          check=True, timeout=60)  # fmt: skip
    return done.stdout.split()[-5:]


def test_the_collector_is_rare_during_start_up_and_usual_after_the_book_opens(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "book.db")
    usual, during, after, frozen, enabled = _thresholds("--db", db, "list", "--json")
    assert int(during) > int(usual) and after == usual
    assert frozen == "True" and enabled == "True"


def test_a_command_without_a_book_still_collects() -> None:
    usual, during, after, _frozen, enabled = _thresholds("--help")
    assert enabled == "True" and int(during) == int(after) > int(usual)  # rare, never off
    assert gc.isenabled()


def test_a_served_worker_freezes_what_building_the_app_made(tmp_path: Path) -> None:
    script = (
        "import gc, os; from amity.web.server import URL_ENV, app_from_env; "
        f"os.environ[URL_ENV] = 'sqlite:///{tmp_path / 'book.db'}'; "
        "before = gc.get_freeze_count(); app_from_env(); "
        "print(before, gc.get_freeze_count(), gc.isenabled())"
    )
    env = {**os.environ, "AMITY_SCHEDULER": "0"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, timeout=120, env=env)  # fmt: skip
    before, after, enabled = done.stdout.split()[-3:]
    assert int(before) == 0 and int(after) > 50_000 and enabled == "True"
