"""Benchmark: the agenda in process against a raw-SQL floor measured in the same run.

``run(db_path) -> dict`` opens the book and measures, median of RUNS after one warm-up:

- ``cold``: ``book.agenda.items(limit=50)`` (what `amity today` shows, every kind computed)
  right after a write, so the inputs are loaded again (the cache is invalidated);
- ``warm``: the same call again, served from the cache (the engine still runs);
- ``all``: ``book.agenda.items()`` (every item, no limit), cold;
- ``floor``: plain sqlite3, who is overdue: one index probe per person on
  (person_id, occurred_at), the PERF.md floor, on the same file;

and prints the ratios to the floor. Targets (issue 14): at most 45 ms at 10,000 people and
450 ms at 100,000, every kind included.

    python -m benchmarks.bench_agenda_inproc BOOK.db [BOOK.db...]
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

RUNS = 7
TARGETS = ((20_000, 45.0), (200_000, 450.0))
FLOOR_SQL = """
SELECT p.id FROM people p
WHERE p.owner_id = ? AND p.archived_at IS NULL
  AND coalesce((SELECT max(ip.occurred_at) FROM interaction_participants ip
                WHERE ip.person_id = p.id), '1900-01-01') < ?
"""


def run(db_path: str, *, runs: int = RUNS) -> dict[str, Any]:
    from datetime import timedelta

    from amity.book import open_book

    book = open_book(db_path)
    people = book.people.count()
    touch = _a_write(book)
    cold = _median(lambda: book.agenda.items(limit=50), runs, before=touch)
    book.agenda.items(limit=50)
    warm = _median(lambda: book.agenda.items(limit=50), runs)
    every = _median(book.agenda.items, max(3, runs // 2), before=touch)
    since = (book.ctx.now() - timedelta(days=30)).replace(tzinfo=None).isoformat(" ")
    floor = _floor(db_path, book.owner_id, since, runs)
    target = next((ms for limit, ms in TARGETS if people <= limit), None)
    out = {
        "people": people,
        "cold_ms": cold,
        "warm_ms": warm,
        "all_items_ms": every,
        "floor_ms": floor,
        "cold_to_floor": round(cold / floor, 1) if floor else None,
        "warm_to_floor": round(warm / floor, 1) if floor else None,
        "target_ms": target,
        "meets_target_cold": None if target is None else cold <= target,
    }
    print(
        f"agenda in process, {people:,} people: cold {cold:.1f} ms, warm {warm:.1f} ms, "
        f"every item {every:.1f} ms; raw-SQL floor {floor:.1f} ms; "
        f"cold/floor {out['cold_to_floor']}x, warm/floor {out['warm_to_floor']}x",
        file=sys.stderr,
        flush=True,
    )
    return out


def _a_write(book: Any) -> Callable[[], None]:
    """A write that changes nothing visible but moves the data version (a setting set to
    the value it has), so the next agenda loads its inputs again."""
    factor = book.settings.get("agenda.overdue_factor")

    def touch() -> None:
        book.settings.set("agenda.overdue_factor", factor)

    return touch


def _median(call: Callable[[], Any], runs: int, before: Callable[[], None] | None = None) -> float:
    """Median wall time of ``call`` in ms; ``before`` (untimed) runs ahead of each call."""
    call()
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


def _floor(db_path: str, owner_id: int, since: str, runs: int) -> float:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        conn.execute(FLOOR_SQL, (owner_id, since)).fetchall()
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            conn.execute(FLOOR_SQL, (owner_id, since)).fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


if __name__ == "__main__":
    print(json.dumps([run(path) for path in sys.argv[1:]], indent=2))
