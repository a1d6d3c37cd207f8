"""The agenda's network items of some kinds, for the parts' tests (one agenda builds them all)."""

from __future__ import annotations

from datetime import date

from amity.book import Book
from amity.model import Action


def agenda_items(book: Book, day: date, *kinds: str) -> list[Action]:
    """Today's agenda items of these kinds (every kind is built by the one agenda engine)."""
    return [a for a in book.agenda.items(today=day) if a.kind in kinds]


def feedback_items(book: Book, day: date) -> list[Action]:
    """``goal_checkin`` and ``feedback_request`` items (what the feedback log brings)."""
    return agenda_items(book, day, "goal_checkin", "feedback_request")
