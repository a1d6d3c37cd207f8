"""Today's occasions of the agenda kinds a demo book lacks on the day it is measured, so the
agenda benchmarks and the old-versus-new test compute every kind: two articles added today
(``share``: matched against every profile), an event that ended a week ago where two people
were met (``event_follow_up``), and a feedback request (``feedback_request``).

The demo's history ends when the book was built, its articles are older than the two weeks
that make an article "new", so without these the costly ``share`` pass never runs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

ARTICLES = (
    (
        "https://example.org/bench/startups-hiring",
        "Scaling startups: hiring senior engineers",
        ("hiring", "startups"),
        "Notes on hiring engineers for climate tech startups, fundraising and pricing. " * 20,
    ),
    (
        "https://example.org/bench/postgres-platform",
        "PostgreSQL at scale for data platform teams",
        ("postgresql", "data platform"),
        None,
    ),
)


def add_every_kind(book: Any) -> None:
    """Add today's occasions (idempotent: an article already there is left alone)."""
    from amity.errors import Conflict

    for url, title, topics, text in ARTICLES:
        try:
            book.articles.add(url, title=title, topics=topics, text=text)
        except Conflict:
            return  # added before: the rest was too
    people = [p.id for p in book.people.list(limit=3)]
    if len(people) < 3:
        return
    ended = book.today() - timedelta(days=7)
    event = book.network.events.add("Benchmark meetup", "meetup", starts_on=ended, ends_on=ended)
    book.network.events.met(people[:2], event.id)
    book.feedback.ask(people[2], "the benchmark talk")


@contextmanager
def every_kind_copy(db_path: str) -> Iterator[str]:
    """A scratch copy of a SQLite book with today's occasions of every kind (deleted after):
    the cached demo book itself stays as it was built."""
    source = Path(db_path)
    copy = source.with_name(f"scratch-every-kind-{source.name}")
    _drop(copy)
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    from amity.book import _ENGINES, open_book

    try:
        add_every_kind(open_book(str(copy)))
        yield str(copy)
    finally:
        for url in [u for u in _ENGINES if str(copy) in u]:
            _ENGINES.pop(url).dispose()
        _drop(copy)


def _drop(path: Path) -> None:
    for leftover in (path, *path.parent.glob(path.name + "-*")):
        leftover.unlink(missing_ok=True)
