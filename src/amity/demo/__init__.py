"""A realistic, deterministic demo network: what newcomers see first and what benchmarks use.

:func:`build_demo_rows` invents a book: people in the four default circles, their jobs,
birthdays, contact points, tags, facts and questions, and ``years`` of history ending at
``now``: interactions of every kind with a realistic skew (a few people often, most rarely),
replies awaited and given, promises both ways, follow-ups, events with attendees,
relationships, introductions, exchanges, articles and shares, feedback and improvement goals
with check-ins.

It only builds rows in memory, keyed by table name, with local ids per table (1, 2, ...) and
foreign keys between them in local ids; people name their circle (``"circle"``) rather than
its id. Denormalised columns (``people.last_interaction_at``, the participants'
``occurred_at/direction/status``, ``interactions.replied_at``) are computed here, by the rules
the Book keeps when logging. ``Book.fill_demo`` writes the rows (``amity.store.bulk``).

Same seed and same ``now`` give the same rows: only ``random.Random(seed)`` draws (Faker's
name lists are read, not its generators), and nothing iterates a set.

Parts: ``drafting`` (state and drawing helpers), ``people`` (events and people), ``history``
(interactions, replies, attendance), ``ties`` (promises, network, feedback, goals); word
lists in ``words`` and ``countries``.
"""

from __future__ import annotations

from datetime import datetime

from amity.demo.drafting import Progress, Rows
from amity.demo.history import HistoryDrafts
from amity.demo.people import PeopleDrafts
from amity.demo.ties import TiesDrafts
from amity.errors import InvalidInput

__all__ = ["MAX_PEOPLE", "MAX_YEARS", "Progress", "Rows", "build_demo_rows", "check_size"]

MAX_PEOPLE = 500_000
MAX_YEARS = 30


def check_size(people: int, years: int) -> None:
    if isinstance(people, bool) or not isinstance(people, int) or not 1 <= people <= MAX_PEOPLE:
        raise InvalidInput(f"people is a whole number from 1 to {MAX_PEOPLE:,}", field="people")
    if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= MAX_YEARS:
        raise InvalidInput(f"years is a whole number from 1 to {MAX_YEARS}", field="years")


def build_demo_rows(
    *, people: int, years: int, seed: int, now: datetime, report: Progress | None = None
) -> Rows:
    """Every row of a demo book, with local ids per table (see the module's docstring)."""
    check_size(people, years)
    progress = report or (lambda _stage, _done, _total: None)
    progress("generating", 0, people)
    return DemoBuilder(people=people, years=years, seed=seed, now=now, report=progress).build()


class DemoBuilder(PeopleDrafts, HistoryDrafts, TiesDrafts):
    """Builds every demo row in memory, in an order that fixes what the seed draws."""

    def build(self) -> Rows:
        self._events()
        self._people()
        self.report("generating", self.n // 2, self.n)
        self._interactions()
        self._attendance()
        self._commitments()
        self._follow_ups()
        self._relationships()
        self._introductions()
        self._articles_and_shares()
        self._exchanges()
        self._feedback()
        self._goals()
        self._coverage()
        self.report("generating", self.n, self.n)
        return dict(self.rows)
