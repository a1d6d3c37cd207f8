"""No API list issues a query per row: the statement count of a request does not grow with
the number of rows it returns (measured on the engine the app and the Book share)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import event

from amity.book import InteractionInput, PersonInput

if TYPE_CHECKING:
    from tests.web.conftest_api import ApiUser

pytest_plugins = ["tests.web.conftest_api"]
LISTS = (
    "/people?limit=50",
    "/people?limit=50&sort=last-contact",
    "/interactions?limit=50",
    "/promises?status=all",
    "/follow-ups",
    "/agenda",
    "/search?q=acme",
    "/interactions/awaiting-reply",
)


@contextmanager
def counting(user: ApiUser) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = user.book.ctx.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def fill(user: ApiUser, people: int) -> None:
    book = user.book
    for n in range(people):
        pid = book.people.add(
            PersonInput(
                name=f"Person {len(book.people.list()) + n}",
                emails=[f"p{n}-{people}@example.org"],
                tags=["t"],
                org="Acme",
                birthday="--04-15",
            )
        ).id
        book.interactions.log(
            InteractionInput(
                people=[pid],
                kind="email",
                direction="inbound",
                needs_reply=True,
                subject="Acme plans",
            )
        )
        book.commitments.add(pid, "send the deck", due_on=book.today())
        book.follow_ups.add(pid, "ask again", book.today())


def statements_per_list(user: ApiUser) -> dict[str, int]:
    counts = {}
    for path in LISTS:
        with counting(user) as statements:
            response = user.client.get(user.url(path))
        assert response.status_code == 200, (path, response.text)
        counts[path] = len(statements)
    return counts


def test_list_statement_counts_do_not_grow_with_rows(alice: ApiUser) -> None:
    alice.client.get(alice.url("/people"))  # the token's first use records it (one write)
    alice.client.get(alice.url("/search?q=acme"))  # PostgreSQL's word statistics: read once
    fill(alice, 3)
    few = statements_per_list(alice)
    fill(alice, 12)
    many = statements_per_list(alice)
    assert many == few
    assert max(many.values()) <= 20, many
