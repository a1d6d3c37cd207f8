"""Benchmark: `amity today --json`, whole process (Python start-up included), on a given book.

Targets (issue 14; issue 3 asked 0.5 s and 3 s): at most 0.35 s on the 10,000-person demo book
with 3 years of history, at most 1 s on the 100,000-person one; measured on a scratch copy with
today's occasions of every kind (benchmarks/every_kind.py).

    run("/path/to/demo-10k.db")             -> {"median_s": ..., "target_s": 0.35, ...}
    python benchmarks/bench_agenda.py DB [--runs 7] [--date 2026-11-25]
    python benchmarks/bench_agenda.py DB --build 10000   # make a demo book first
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

TARGETS = ((20_000, 0.35), (200_000, 1.0))  # issue 14 (up to this many people, seconds)


def _people_in(db_path: str) -> int | None:
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
            return int(
                conn.execute("SELECT count(*) FROM people WHERE archived_at IS NULL").fetchone()[0]
            )
    except sqlite3.Error:
        return None


def target_for(people: int | None) -> float | None:
    if people is None:
        return None
    return next((seconds for limit, seconds in TARGETS if people <= limit), None)


def _command(db_path: str, day: str | None, every_item: bool) -> list[str]:
    command = [sys.executable, "-m", "amity", "--db", db_path, "today", "--json"]
    if every_item:
        command.append("--all")
    return [*command, "--date", day] if day else command


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(
    db_path: str,
    *,
    runs: int = 7,
    warmup: int = 1,
    day: str | None = None,
    every_item: bool = False,
) -> dict[str, Any]:
    """Median, min and max wall time of ``amity today --json`` over ``runs`` fresh processes,
    on a scratch copy of the book with today's occasions of every kind
    (:mod:`benchmarks.every_kind`).

    ``cpu_median_s`` (user + system time of the process) is reported too: on a shared machine
    it says what the wall time would be without the neighbours. ``every_item`` adds ``--all``
    (by default `amity today` shows the 50 most important items).
    """
    from benchmarks.every_kind import every_kind_copy

    if not Path(db_path).exists():
        raise FileNotFoundError(db_path)
    with every_kind_copy(db_path) as copy:
        return {**_measure(copy, runs, warmup, day, every_item), "db": db_path}


def _measure(
    db_path: str, runs: int, warmup: int, day: str | None, every_item: bool
) -> dict[str, Any]:
    command = _command(db_path, day, every_item)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed Amity runs from compiled bytecode
    env.pop("AMITY_DATABASE_URL", None)
    items = 0
    for _ in range(max(warmup, 0)):
        subprocess.run(command, check=True, capture_output=True, env=env)
    times, cpu = [], []
    for _ in range(max(runs, 1)):
        cpu_before = _children_cpu()
        start = time.perf_counter()
        done = subprocess.run(command, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
        cpu.append(_children_cpu() - cpu_before)
        items = len(json.loads(done.stdout))
    people = _people_in(db_path)
    median = statistics.median(times)
    target = target_for(people)
    return {
        "name": "amity today --json" + (" --all" if every_item else "") + " (whole process)",
        "db": db_path,
        "people": people,
        "items": items,
        "runs": len(times),
        "median_s": round(median, 4),
        "min_s": round(min(times), 4),
        "max_s": round(max(times), 4),
        "cpu_median_s": round(statistics.median(cpu), 4),
        "load_average": round(os.getloadavg()[0], 2),
        "target_s": target,
        "meets_target": None if target is None else median <= target,
    }


def build_demo(db_path: str, people: int, years: int = 3) -> None:
    """A demo book (amity.demo) of ``people`` people and ``years`` of history."""
    from amity.book import open_book

    open_book(db_path).fill_demo(people=people, years=years)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="SQLite book to measure")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--date", dest="day", help="answer as of this day (YYYY-MM-DD)")
    parser.add_argument("--all", dest="every_item", action="store_true", help="amity today --all")
    parser.add_argument(
        "--build",
        type=int,
        metavar="PEOPLE",
        help="first build a demo book with this many people (file must not exist)",
    )
    args = parser.parse_args(argv)
    if args.build:
        build_demo(args.db, args.build)
    print(
        json.dumps(run(args.db, runs=args.runs, day=args.day, every_item=args.every_item), indent=2)
    )


if __name__ == "__main__":
    main()
