"""The review from the Book's data (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from amity.book import Book, InteractionInput, PersonInput, create_user
from amity.errors import InvalidInput
from tests.conftest import Clock


def test_the_review_compares_the_week_with_the_one_before(book: Book, clock: Clock) -> None:
    clock.set(datetime(2026, 11, 1, 12, tzinfo=UTC))
    book.people.add(PersonInput(name="Ana", circle="close"))
    clock.set(datetime(2026, 11, 21, 12, tzinfo=UTC))
    book.people.add(PersonInput(name="Ben"))
    book.interactions.log(
        InteractionInput(
            people=["Ana"], kind="call", occurred_at=datetime(2026, 11, 14, 10, tzinfo=UTC)
        )
    )
    book.interactions.log(
        InteractionInput(
            people=["Ana", "Ben"],
            kind="meeting",
            occurred_at=datetime(2026, 11, 20, 10, tzinfo=UTC),
        )
    )
    book.interactions.log(
        InteractionInput(
            people=["Ben"],
            kind="email",
            needs_reply=True,
            occurred_at=datetime(2026, 11, 21, 8, tzinfo=UTC),
        )
    )
    book.interactions.log(
        InteractionInput(
            people=["Ben"],
            kind="email",
            direction="outbound",
            occurred_at=datetime(2026, 11, 21, 11, tzinfo=UTC),
        )
    )
    book.commitments.add("Ana", "send notes", due_on=date(2026, 11, 22))
    book.network.ledger.gave("Ana", "advice", "x", on=date(2026, 11, 22))
    book.feedback.add("nice", kind="positive", themes=["speaking"], on=date(2026, 11, 23))
    goal = book.feedback.add_goal("Speak slower")
    book.feedback.check_in(goal.id or 0, 30, on=date(2026, 11, 16))
    book.feedback.check_in(goal.id or 0, 60, on=date(2026, 11, 24))
    clock.set(datetime(2026, 11, 25, 12, tzinfo=UTC))
    r = book.reviews.review("week")
    assert (r.period.start, r.period.end) == (date(2026, 11, 19), date(2026, 11, 25))
    assert (r.people_reached.current, r.people_reached.previous) == (2, 1)
    assert r.people_reached_by_circle["close"].current == 1
    assert r.interactions_by_kind["email"].current == 2
    assert (r.new_people.current, r.new_people.previous) == (1, 0)
    assert r.median_reply_hours.current == 3.0
    assert (r.promises_judged.current, r.promises_kept_on_time.current) == (1, 0.0)
    assert r.given.current == 1
    assert r.feedback_themes["speaking"].current == 1
    assert (r.goal_progress[0].progress.current, r.goal_progress[0].progress.previous) == (60, 30)
    month = book.reviews.review("month", today=date(2026, 11, 25))
    assert month.people_reached.current == 2 and month.period.days == 30
    with pytest.raises(InvalidInput):
        book.reviews.review("year")


def test_a_built_review_is_kept_until_the_book_changes(book: Book, clock: Clock) -> None:
    """Read twice with nothing written, the same (frozen) review comes back; any write moves
    the data version and the next read sees it; another owner's review is its own."""
    clock.set(datetime(2026, 11, 25, 12, tzinfo=UTC))
    book.people.add(PersonInput(name="Ana"))
    first = book.reviews.review("week")
    assert book.reviews.review("week") is first
    assert first.interactions.current == 0
    book.interactions.log(
        InteractionInput(people=["Ana"], kind="call",
                         occurred_at=datetime(2026, 11, 24, 10, tzinfo=UTC))
    )  # fmt: skip
    after = book.reviews.review("week")
    assert after is not first
    assert (after.interactions.current, after.people_reached.current) == (1, 1)
    assert book.reviews.review("month").interactions.current == 1
    other = Book(book.ctx.engine, create_user(book.ctx.engine, f"o{uuid.uuid4().hex[:12]}@example.org"),
                 book.ctx.url, clock)  # fmt: skip
    assert other.reviews.review("week").interactions.current == 0
    assert book.reviews.review("week") is after
