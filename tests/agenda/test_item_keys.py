"""Every agenda key names records of the user's: done, snooze or dismiss on a key about another
user's record, or one that does not exist, is "not found" (Book: NotFound, CLI: exit 2; the API
and the pages answer 404, tests/web/test_agenda_keys.py) and stores nothing. For every kind, on
SQLite and PostgreSQL (issue 15's probe found give, share, goal_checkin and feedback_request
keys taking any id)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from amity.book import Book
from amity.errors import NotFound
from amity.store import schema as s
from tests.agenda.helpers import keys, records, refused_keys, stored_states
from tests.conftest import Clock, new_book

TODAY = date(2026, 11, 25)  # the clock's day


@pytest.fixture
def two_books(book: Book, db_url: str, clock: Clock) -> tuple[Book, dict[str, int], dict[str, int]]:
    other = new_book(db_url, clock)
    return book, records(book), records(other)


def test_the_book_refuses_keys_about_records_that_are_not_yours(
    two_books: tuple[Book, dict[str, int], dict[str, int]],
) -> None:
    book, mine, theirs = two_books
    for key in refused_keys(mine, theirs):
        with pytest.raises(NotFound, match="no agenda item"):
            book.agenda.done(key)
        with pytest.raises(NotFound, match="no agenda item"):
            book.agenda.snooze(key, TODAY + timedelta(days=3), today=TODAY)
        with pytest.raises(NotFound, match="no agenda item"):
            book.agenda.dismiss(key)
    assert stored_states(book) == []
    with book.ctx.read() as conn:  # done on another user's request did not mark it asked
        asked = conn.execute(
            select(s.feedback_requests.c.asked_on).where(s.feedback_requests.c.id == theirs["ask"])
        ).scalar()
    assert asked is None


def test_the_book_takes_keys_about_its_own_records(
    two_books: tuple[Book, dict[str, int], dict[str, int]],
) -> None:
    book, mine, _ = two_books
    own = keys(mine)
    for key in own[:2]:
        book.agenda.dismiss(key)
    for key in own[2:4]:
        book.agenda.snooze(key, TODAY + timedelta(days=3), today=TODAY)
    for key in own[4:]:
        book.agenda.done(key)
    assert sorted(stored_states(book)) == sorted(own)


def test_the_cli_exits_2_on_keys_about_records_that_are_not_yours(
    two_books: tuple[Book, dict[str, int], dict[str, int]],
    db_url: str,
    cli_env: object,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from amity.cli.main import run

    book, mine, theirs = two_books
    email = book.owner()["email"]
    for key in refused_keys(mine, theirs)[::3]:
        for command in (["done", key], ["snooze", key, "--for", "3d"], ["dismiss", key]):
            capsys.readouterr()
            with pytest.raises(SystemExit) as stopped:
                run(["--db", db_url, "--user", email, *command])
            error = capsys.readouterr().err
            assert stopped.value.code == 2, (command, error)
            assert "no agenda item" in error and "Traceback" not in error
    assert stored_states(book) == []
