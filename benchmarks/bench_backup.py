"""Benchmark: the installation's backups on the 10,000-person demo book (issue 15).

On a copy of the demo database (so the cached book is never written), in a child process
so that its peak memory is the backups' own:

- ``sqlite_s``: `amity backup now` (online backup API, manifest, restore into a scratch
  database and check) wall time; ``json_s``: the same as streamed JSON lines (PostgreSQL's
  kind); ``encrypted_s``: the SQLite kind with a passphrase (scrypt + AES-GCM);
  ``verify_s``: `amity backup verify` of the newest; ``restore_s``: into a new file;
- ``*_cpu_s``: the same in CPU time of the process (the figure to compare on a shared
  machine);
- ``rows``, ``db_mb``, ``sqlite_mb``, ``json_mb``: what was backed up;
- ``peak_rss_mb``: the child's peak memory (bounded: rows are streamed, files copied and
  encrypted in 1 MiB chunks).

    run("/path/to/demo.db") -> {...};  python -m benchmarks.bench_backup DEMO.db
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def run(db: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="amity-bench-backup-") as work:
        copy = Path(work) / "amity.db"
        shutil.copyfile(db, copy)
        env = {**os.environ, "AMITY_BACKUP_DIR": str(Path(work) / "backups"),
               "AMITY_SECRET_KEY": "bench-backup-secret-" + "x" * 32}  # fmt: skip
        env.pop("AMITY_BACKUP_PASSPHRASE", None)
        child = subprocess.run([sys.executable, "-m", "benchmarks.bench_backup", "--child",
                                str(copy)], capture_output=True, text=True, env=env,
                               check=True)  # fmt: skip
        return dict(json.loads(child.stdout.splitlines()[-1]))


def _child(db: Path) -> dict[str, Any]:
    from amity.backups import open_backups

    backups = open_backups(str(db))
    backups.configure(keep="400d")
    out: dict[str, Any] = {"db_mb": round(db.stat().st_size / 1e6, 1)}

    def timed(label: str, call: Any) -> Any:
        started, cpu = time.perf_counter(), time.process_time()
        result = call()
        out[label] = round(time.perf_counter() - started, 2)
        out[label.replace("_s", "_cpu_s")] = round(time.process_time() - cpu, 2)
        return result

    first = timed("sqlite_s", lambda: backups.now(kind="sqlite"))
    second = timed("json_s", lambda: backups.now(kind="json"))
    backups.set_passphrase("a benchmark passphrase")
    timed("encrypted_s", lambda: backups.now(kind="sqlite"))
    timed("verify_s", backups.verify)
    assert first.status == second.status == "ok", (first.error, second.error)
    timed("restore_s", lambda: backups.restore(first.name or "", str(db.parent / "r.db")))
    out["rows"] = first.rows
    out["sqlite_mb"] = round((first.bytes or 0) / 1e6, 1)
    out["json_mb"] = round((second.bytes or 0) / 1e6, 1)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


if __name__ == "__main__":
    if sys.argv[1] == "--child":
        print(json.dumps(_child(Path(sys.argv[2]))))
    else:
        print(json.dumps(run(sys.argv[1]), indent=1))
