"""No page issues a query per row: the number of SQL statements a page runs does not grow
with the number of people, interactions, tags or promises shown."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event

from amity.book import Book, InteractionInput, PersonInput
from tests.conftest import Clock
from tests.web.conftest import WebUser

PAGES = [
    "/",
    "/people",
    "/people?q=person",
    "/people?tag=t1",
    "/people/{first}",
    "/promises",
    "/awaiting",
    "/settings",
    "/capture/names?names=Per",
    "/export/amity-people.vcf",
]


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    return sqlite_url


@contextmanager
def counting(book: Book) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(book.ctx.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(book.ctx.engine, "before_cursor_execute", count)


def fill(book: Book, clock: Clock, people: int) -> int:
    ids = []
    for n in range(people):
        person = book.people.add(
            PersonInput(
                name=f"Person {n}", circle="close", tags=[f"t{n % 3}"], emails=[f"p{n}@example.com"]
            )
        )
        ids.append(person.id)
        book.people.add_fact(person.id, "interest", f"topic {n}")
        book.commitments.add(person.id, f"promise {n}", due_on=clock().date())
    for n, pid in enumerate(ids):
        book.interactions.log(
            InteractionInput(
                people=[pid, ids[0]],
                kind="email",
                subject=f"hello {n}",
                needs_reply=n % 2 == 0,
                occurred_at=clock() - timedelta(days=40 + n),
            )
        )
    return ids[0]


def statements_per_page(user: WebUser, first: int) -> dict[str, int]:
    counts = {}
    for page in PAGES:
        path = page.format(first=first)
        with counting(user.book) as statements:
            assert user.get(path).status_code == 200, path
        counts[page] = len(statements)
    return counts


def test_pages_run_the_same_number_of_queries_for_4_and_40_people(
    ann: WebUser, ben: WebUser, clock: Clock
) -> None:
    small = statements_per_page(ann, fill(ann.book, clock, 4))
    large = statements_per_page(ben, fill(ben.book, clock, 40))
    assert all(n > 0 for n in small.values())
    grown = {page: (small[page], large[page]) for page in small if large[page] > small[page] + 2}
    assert grown == {}, f"queries per row on: {grown}"
