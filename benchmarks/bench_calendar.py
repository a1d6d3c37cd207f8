"""Benchmark: calendar imports that once ran away (issue 11's recurrence storm).

- the 300-byte storm (``RRULE:FREQ=SECONDLY`` without an end, from 2020) previewed in process
  through ``book.transfer.preview`` (the path of the CLI, the API and the web preview): wall
  time, median of 3, and the instances kept (target: well under 2 s, 5,000 instances);
- the same as a whole process, ``amity import --dry-run storm.ics`` (Python start-up included);
  wall and CPU time (on a shared machine the CPU time is the figure to compare);
- a rule that never matches (``FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30``), which dateutil alone
  walks for seconds: stopped by the per-series time cap (0.5 s).

    run("/tmp/bench") -> {"storm_preview_s": ..., "storm_instances": 5000, ...}
    python -m benchmarks.bench_calendar [WORKDIR]
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

TARGET_S = 2.0
STORM = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//storm//EN\r\nBEGIN:VEVENT\r\n"
         b"UID:storm-1@example.com\r\nDTSTAMP:20200101T000000Z\r\nDTSTART:20200101T000000Z\r\n"
         b"DTEND:20200101T000001Z\r\nRRULE:FREQ=SECONDLY\r\nSUMMARY:Storm\r\n"
         b"ATTENDEE;CN=Ana:mailto:ana@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")  # fmt: skip
NEVER = STORM.replace(b"FREQ=SECONDLY", b"FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30")


def run(workdir: str) -> dict[str, Any]:
    from amity.book import open_book
    from amity.book.transfer import ImportOptions

    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    db = work / "calendar-bench.db"
    db.unlink(missing_ok=True)
    url = f"sqlite:///{db}"
    book = open_book(url, "bench@example.org", clock=lambda: datetime.now(UTC))
    options = ImportOptions(create_people=True)
    times, cpu, kept, warnings = [], [], 0, 0
    for _ in range(3):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = book.transfer.preview(STORM, filename="storm.ics", options=options)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        kept, warnings = result.summary()["interactions_new"], len(result.plan.warnings)
    started = time.perf_counter()
    never = book.transfer.preview(NEVER, filename="never.ics", options=options)
    never_s = time.perf_counter() - started
    path = work / "storm.ics"
    path.write_bytes(STORM)
    started, children = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "amity", "--db", url, "import", str(path),
                    "--dry-run", "--create-people"], check=True, capture_output=True)  # fmt: skip
    process_s = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    process_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    return {
        "storm_preview_s": round(statistics.median(times), 3),
        "storm_preview_cpu_s": round(statistics.median(cpu), 3),
        "storm_instances": kept,
        "storm_warnings": warnings,
        "storm_cli_process_s": round(process_s, 3),
        "storm_cli_process_cpu_s": round(process_cpu, 3),
        "never_matching_rule_s": round(never_s, 3),
        "never_matching_warning": never.plan.warnings[0].reason if never.plan.warnings else None,
        "target_s": TARGET_S,
        "ok": statistics.median(cpu) < TARGET_S and process_cpu < TARGET_S,
    }


if __name__ == "__main__":
    folder = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="amity-cal-bench-")
    for key, value in run(folder).items():
        print(f"{key:28}{value}")
