"""The Book's façade for the doors: its clock, today in the owner's zone, where it lives."""

from __future__ import annotations

from datetime import UTC, date, datetime

from amity.book import Book
from tests.conftest import Clock


def test_now_is_the_clock_handed_in_and_today_follows_the_owner_zone(
    book: Book, clock: Clock
) -> None:
    clock.set(datetime(2026, 11, 25, 23, 30, tzinfo=UTC))
    assert book.now() == clock()
    assert book.today() == date(2026, 11, 25)
    book.settings.set("timezone", "Asia/Tokyo")  # already the 26th there
    assert book.today() == date(2026, 11, 26)
    book.settings.set("timezone", "America/Los_Angeles")
    assert book.today() == date(2026, 11, 25)


def test_info_names_the_database_backend_and_schema(book: Book) -> None:
    info = book.info()
    assert info.backend in ("sqlite", "postgresql")
    assert info.database.startswith(info.backend)
    assert info.schema_version == info.schema_head
    assert info.schema_head
