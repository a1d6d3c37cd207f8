"""Benchmark: the agenda in process against a raw-SQL floor measured in the same run.

``run(db_path) -> dict`` opens a scratch copy of the book with today's occasions of every kind
(:mod:`benchmarks.every_kind`: without them the demo book has no new article, and the costly
``share`` pass never runs) and measures, median of RUNS after one warm-up, wall and CPU time
(``process_time``: the machine is shared, CPU time is the figure to compare):

- ``cold``: ``book.agenda.items(limit=50)`` (what `amity today` shows, every kind computed)
  right after a write, so the inputs are loaded again (the cache is invalidated); the write
  (a setting) leaves profiles alone, so the share matches stay cached, as after logging an
  interaction or acting on an item;
- ``cold_profile``: the same right after a write to a profile (a person's notes), so the share
  matches are computed again too (the full cost);
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
import os
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
    from benchmarks.every_kind import every_kind_copy

    with every_kind_copy(db_path) as copy:
        return _measure(copy, runs)


def _measure(db_path: str, runs: int) -> dict[str, Any]:
    from collections import Counter
    from datetime import timedelta

    from amity.book import open_book

    book = open_book(db_path)
    people = book.people.count()
    kinds = Counter(a.kind for a in book.agenda.items())
    touch = _a_write(book)
    cold, cold_cpu = _median(lambda: book.agenda.items(limit=50), runs, before=touch)
    profile, profile_cpu = _median(
        lambda: book.agenda.items(limit=50), runs, before=_a_profile_write(book)
    )
    book.agenda.items(limit=50)
    warm, warm_cpu = _median(lambda: book.agenda.items(limit=50), runs)
    every, every_cpu = _median(book.agenda.items, max(3, runs // 2), before=touch)
    since = (book.ctx.now() - timedelta(days=30)).replace(tzinfo=None).isoformat(" ")
    floor, floor_cpu = _floor(db_path, book.owner_id, since, runs)
    target = next((ms for limit, ms in TARGETS if people <= limit), None)
    out = {
        "people": people,
        "kinds": dict(sorted(kinds.items())),
        "cold_ms": cold,
        "cold_cpu_ms": cold_cpu,
        "cold_profile_ms": profile,
        "cold_profile_cpu_ms": profile_cpu,
        "cold_profile_cpu_to_floor": round(profile_cpu / floor_cpu, 1) if floor_cpu else None,
        "warm_ms": warm,
        "warm_cpu_ms": warm_cpu,
        "all_items_ms": every,
        "all_items_cpu_ms": every_cpu,
        "floor_ms": floor,
        "floor_cpu_ms": floor_cpu,
        "cold_to_floor": round(cold / floor, 1) if floor else None,
        "cold_cpu_to_floor": round(cold_cpu / floor_cpu, 1) if floor_cpu else None,
        "warm_to_floor": round(warm / floor, 1) if floor else None,
        "target_ms": target,
        "meets_target_cold_cpu": None if target is None else cold_cpu <= target,
        "load_average": round(os.getloadavg()[0], 2),
    }
    print(
        f"agenda in process, {people:,} people, {len(kinds)} kinds: CPU cold {cold_cpu:.1f} ms, "
        f"after a profile write {profile_cpu:.1f} ms, "
        f"warm {warm_cpu:.1f} ms, every item {every_cpu:.1f} ms; raw-SQL floor "
        f"{floor_cpu:.1f} ms; cold/floor {out['cold_cpu_to_floor']}x (wall: cold {cold:.1f}, "
        f"warm {warm:.1f}, floor {floor:.1f} ms; load {out['load_average']})",
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


def _a_profile_write(book: Any) -> Callable[[], None]:
    """A write to a profile (a person's notes, one character added or taken back): the
    share matches are computed again."""
    from amity.book import PersonInput

    person = book.people.list(limit=1)[0]
    notes = [book.people.get(person.id).notes or "Met at a conference"]
    notes.append(notes[0] + ".")

    def write() -> None:
        notes.reverse()
        book.people.edit(person.id, PersonInput(note=notes[0]))

    return write


def _median(
    call: Callable[[], Any], runs: int, before: Callable[[], None] | None = None
) -> tuple[float, float]:
    """Median wall and CPU time of ``call`` in ms; ``before`` (untimed) runs ahead of each."""
    call()
    times, cpu = [], []
    for _ in range(runs):
        if before is not None:
            before()
        started, cpu_started = time.perf_counter(), time.process_time()
        call()
        cpu.append((time.process_time() - cpu_started) * 1000)
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2), round(statistics.median(cpu), 2)


def _floor(db_path: str, owner_id: int, since: str, runs: int) -> tuple[float, float]:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        return _median(lambda: conn.execute(FLOOR_SQL, (owner_id, since)).fetchall(), runs)


if __name__ == "__main__":
    print(json.dumps([run(path) for path in sys.argv[1:]], indent=2))
