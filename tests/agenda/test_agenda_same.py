"""The agenda computed as before the speed work of issue 14: the items (keys, reasons, order,
scores) of the 300-person demo book with today's occasions of every kind
(:mod:`benchmarks.every_kind`), on SQLite and PostgreSQL, before and after writes that move
what the agenda reads (a note, an interest, a share, an interaction). The expected items were
written by the implementation before the change (``REGENERATE=1`` rewrites them)."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from benchmarks.every_kind import ARTICLES, add_every_kind
from sqlalchemy import create_engine, text

from amity.book import Book, InteractionInput, PersonInput
from tests.conftest import PG_ADMIN_URL, Clock, new_book, skip_or_fail

EXPECTED = Path(__file__).parent / "data" / "agenda_demo_300.json"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def snapshot(book: Book) -> dict[str, Any]:
    return {
        name: [[a.key, a.reason, round(a.score, 6)] for a in items]
        for name, items in (
            ("top", book.agenda.items(limit=50)),
            ("all", book.agenda.items()),
        )
    }


def writes(book: Book) -> None:
    """Writes touching the share pass's profiles and the keep-in-touch inputs."""
    people = book.people.list(limit=40)
    a, b, c = people[5], people[17], people[33]
    book.people.edit(
        a.id,
        PersonInput(
            note="Loves hiring senior engineers for startups",
            title="Head of hiring",
            tags=["startups"],
        ),
    )
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


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new database: item keys carry ids, and ties are ranked by key."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'same.db'}"
        return
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        skip_or_fail(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc.__class__.__name__}")
    name = f"amity_same_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    yield url
    from amity.book import _ENGINES

    engine = _ENGINES.pop(url, None)
    if engine is not None:
        engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_the_agenda_is_what_it_was(fresh_url: str) -> None:
    book = new_book(fresh_url, Clock(NOW), "owner@example.org")
    got = run(book)
    kinds = {key.split(":")[0] for key, _, _ in got["before"]["all"]}
    assert {"share", "event_follow_up", "feedback_request", "keep_in_touch"} <= kinds
    assert got["before"] != got["after"]
    if os.environ.get("REGENERATE"):
        EXPECTED.write_text(json.dumps(got, indent=1) + "\n")
    expected = json.loads(EXPECTED.read_text())
    for when in ("before", "after"):
        for name in ("top", "all"):
            assert_same(got[when][name], expected[when][name], f"{when} the writes, {name}")


def assert_same(got: list[Any], expected: list[Any], what: str) -> None:
    first = next((n for n, (a, b) in enumerate(zip(got, expected, strict=False)) if a != b), None)
    assert first is None, f"{what}: item {first} is {got[first]}, was {expected[first]}"
    assert len(got) == len(expected), f"{what}: {len(got)} items, were {len(expected)}"
