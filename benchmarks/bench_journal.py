"""The journal's cost on the write path (issue 15): median milliseconds per write on a fresh
SQLite book of 500 demo people, for edits, logged interactions, facts and deletions.

Run it against another checkout for the figure without the journal:
``PYTHONPATH=../main/src python -m benchmarks.bench_journal``.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

N = 60


def _median_ms(action: Callable[[int], Any], count: int) -> float:
    times = []
    for n in range(count):
        start = time.perf_counter()
        action(n)
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 2)


def run() -> dict[str, float]:
    from amity.book import InteractionInput, PersonInput, open_book

    with tempfile.TemporaryDirectory() as folder:
        clock = lambda: datetime(2026, 12, 1, 12, tzinfo=UTC)  # noqa: E731
        book = open_book("sqlite:///" + str(Path(folder) / "j.db"), clock=clock)
        book.fill_demo(people=500, years=1, seed=7)
        ids = [p.id for p in book.people.list(limit=400)]
        return {
            "edit person (ms)": _median_ms(
                lambda n: book.people.edit(ids[n], PersonInput(title=f"T{n}")), N
            ),
            "log interaction (ms)": _median_ms(
                lambda n: book.interactions.log(
                    InteractionInput(people=[ids[n], ids[n + 1]], kind="call", subject="x")
                ),
                N,
            ),
            "add fact (ms)": _median_ms(
                lambda n: book.people.add_fact(ids[n], "interest", f"topic {n}"), N
            ),
            "delete person (ms)": _median_ms(lambda n: book.people.purge(ids[200 + n]), N),
        }


if __name__ == "__main__":
    import json
    import sys

    result = run()
    json.dump(result, sys.stdout, indent=2)
    print()
