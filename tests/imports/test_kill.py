"""kill -9 during `amity import`: the book stays consistent, and running the import again
completes it without duplicates."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.imports.generate import write_mbox

MESSAGES = 3001
CORRESPONDENTS = 300


def _amity(db: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "AMITY_HOME": str(db.parent)}
    env.pop("AMITY_DATABASE_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "amity", "--db", str(db), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _check_consistent(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        orphans = conn.execute(
            "SELECT count(*) FROM interaction_participants p LEFT JOIN interactions i "
            "ON i.id = p.interaction_id WHERE i.id IS NULL"
        ).fetchone()[0]
        assert orphans == 0
        lonely = conn.execute(
            "SELECT count(*) FROM interactions i WHERE NOT EXISTS (SELECT 1 FROM "
            "interaction_participants p WHERE p.interaction_id = i.id)"
        ).fetchone()[0]
        assert lonely == 0, "an interaction without its participants became visible"
        pointless = conn.execute(
            "SELECT count(*) FROM people p WHERE NOT EXISTS (SELECT 1 FROM contact_points c "
            "WHERE c.person_id = p.id)"
        ).fetchone()[0]
        assert pointless == 0, "a person without their e-mail became visible"
        doubled = conn.execute(
            "SELECT count(*) FROM (SELECT normalized FROM contact_points WHERE kind = 'email' "
            "GROUP BY owner_id, normalized HAVING count(*) > 1)"
        ).fetchone()[0]
        assert doubled == 0, "the same e-mail on two people: a duplicate was created"
        stale = conn.execute(
            "SELECT count(*) FROM people p WHERE last_interaction_at IS NOT (SELECT "
            "max(occurred_at) FROM interaction_participants x WHERE x.person_id = p.id)"
        ).fetchone()[0]
        assert stale == 0
        return {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("people", "interactions", "interaction_participants")
        }
    finally:
        conn.close()


def _wait_for_progress(db: Path, process: subprocess.Popen[bytes], *, beyond: int) -> None:
    """Until the running import has committed a batch past ``beyond`` interactions."""
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        try:
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
            done = conn.execute("SELECT count(*) FROM interactions").fetchone()[0]
            conn.close()
        except sqlite3.Error:
            done = 0
        if done > beyond:
            return
        time.sleep(0.02)


@pytest.mark.slow
def test_kill_9_at_random_moments_then_rerun_completes_without_duplicates(tmp_path: Path) -> None:
    mbox = write_mbox(tmp_path / "big.mbox", MESSAGES, correspondents=CORRESPONDENTS)
    db = tmp_path / "amity.db"
    assert _amity(db, "config", "set", "me.emails", "me@home.example").wait(30) == 0
    seen: list[dict[str, int]] = []
    moments = random.Random(4)
    for _ in range(4):
        before = seen[-1]["interactions"] if seen else 0
        process = _amity(db, "import", str(mbox), "--create-people")
        _wait_for_progress(db, process, beyond=before)
        time.sleep(moments.uniform(0.0, 0.2))  # somewhere inside a later batch, or between
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait(30)
        seen.append(_check_consistent(db))
    assert any(0 < counts["interactions"] < MESSAGES for counts in seen), (
        f"no kill landed in the middle of the import: {seen}"
    )
    finished = _amity(db, "import", str(mbox), "--create-people")
    assert finished.wait(120) == 0, finished.stderr.read() if finished.stderr else ""
    counts = _check_consistent(db)
    assert counts == {
        "people": CORRESPONDENTS,
        "interactions": MESSAGES,
        "interaction_participants": MESSAGES,
    }
    conn = sqlite3.connect(db)
    waiting = conn.execute(
        "SELECT count(*) FROM interactions WHERE needs_reply = 1 AND replied_at IS NULL"
    ).fetchone()[0]
    conn.close()
    assert waiting == MESSAGES % 3  # threads end with my answer, except an unfinished last one
