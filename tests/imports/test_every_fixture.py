"""Every real-world file in ../shared/fixtures imports through the Book: good records in, bad
ones reported with their line (or message number), no crash; importing it again changes
nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from amity.book import Book
from amity.book.transfer import ImportOptions
from tests.conftest import FIXTURES

FILES = sorted(p for p in FIXTURES.glob("*/*") if p.is_file() and p.suffix != ".md")


def _content_counts(book: Book) -> dict[str, int]:
    return {k: v for k, v in book.counts().items() if k != "imports"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_fixture_imports_and_reimport_changes_nothing(sqlite_book: Book, path: Path) -> None:
    sqlite_book.settings.set("me.emails", ["me@example.org"])
    first = sqlite_book.transfer.run(path, options=ImportOptions(create_people=True))
    for error in first.plan.errors:
        assert error.line is not None and error.line >= 1, error
        assert error.reason.strip() and "\n" not in error.reason
    summary = first.summary()
    assert summary["errors"] == len(first.plan.errors)
    after_first = _content_counts(sqlite_book)
    assert after_first["people"] == summary["people_new"]
    assert after_first["interactions"] == summary["interactions_new"]

    again = sqlite_book.transfer.run(path, options=ImportOptions(create_people=True))
    assert _content_counts(sqlite_book) == after_first
    counts = again.summary()
    assert counts["people_new"] == counts["people_merged"] == counts["interactions_new"] == 0


def test_the_fixture_folder_is_all_there() -> None:
    assert len(FILES) >= 80
