"""The agenda computed as before the speed work of issue 14: the items (keys, reasons, order,
scores) of the 300-person demo book with today's occasions of every kind
(:mod:`benchmarks.every_kind`), on SQLite and PostgreSQL, before and after writes that move
what the agenda reads (a note, an interest, a share, an interaction). The expected items were
written by the implementation before the change (``REGENERATE=1`` rewrites them)."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from amity.book import Book, InteractionInput, PersonInput
from amity.book.agenda.part import RECORD_TABLES
from amity.rules.agenda import parse_item_key
from benchmarks.every_kind import ARTICLES, add_every_kind
from tests.conftest import Clock, new_book

EXPECTED = Path(__file__).parent / "data" / "agenda_demo_300.json"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def id_bases(book: Book) -> dict[str, int]:
    """The owner's first id in each table an item key names (the test database is shared, so
    keys are compared by their ids' offsets from these)."""
    bases = {}
    with book.ctx.read() as conn:
        for record, table in RECORD_TABLES.items():
            first = conn.execute(
                select(func.min(table.c.id)).where(table.c.owner_id == book.owner_id)
            ).scalar()
            bases[record] = first or 0
    return bases


def stable_key(key: str, bases: dict[str, int]) -> str:
    offsets = iter(record_id - bases[record] for record, record_id in parse_item_key(key).records)
    return re.sub(r"(?<=:)([a-z])\d+(?=:|$)", lambda m: f"{m[1]}+{next(offsets)}", key)


def snapshot(book: Book) -> dict[str, Any]:
    bases = id_bases(book)
    return {
        name: [[stable_key(a.key, bases), a.reason, round(a.score, 6)] for a in items]
        for name, items in (
            ("top", book.agenda.items(limit=50)),
            ("all", book.agenda.items()),
        )
    }


def writes(book: Book) -> None:
    """Writes touching the share pass's profiles and the keep-in-touch inputs."""
    people = book.people.list(limit=40)
    a, b, c = people[5], people[17], people[33]
    book.people.edit(a.id, PersonInput(note="Loves hiring senior engineers for startups", title="Head of hiring", tags=["startups"]))
    book.people.add_fact(b.id, "interest", "data platform")
    article = next(x.article for x in book.articles.list() if x.article.url == ARTICLES[0][0])
    book.articles.share(article.id, [c.id])
    book.interactions.log(InteractionInput(people=[people[0].id], kind="call", notes="hello"))


def run(book: Book) -> dict[str, Any]:
    book.fill_demo(people=300, years=3, seed=42)
    add_every_kind(book)
    before = snapshot(book)
    writes(book)
    return {"before": before, "after": snapshot(book)}


def test_the_agenda_is_what_it_was(db_url: str) -> None:
    book = new_book(db_url, Clock(NOW))
    got = run(book)
    kinds = {key.split(":")[0] for key, _, _ in got["before"]["all"]}
    assert {"share", "event_follow_up", "feedback_request", "keep_in_touch"} <= kinds
    assert got["before"] != got["after"]
    if os.environ.get("REGENERATE"):
        EXPECTED.write_text(json.dumps(got, indent=1) + "\n")
    expected = json.loads(EXPECTED.read_text())
    assert got["before"] == expected["before"]
    assert got["after"] == expected["after"]
