"""The agenda's inputs are cached per owner, day and limit, and every write transaction of
the Book moves the owner's data version, so a cached agenda is never stale: on both backends,
whoever wrote (this Book, another Book object, another owner)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event

from amity.book import Book, InteractionInput, PersonInput
from amity.book.agenda.cache import INPUTS
from tests.agenda.helpers import bulk_people
from tests.conftest import Clock, new_book


def statements_of(book: Book, call) -> tuple[object, int]:  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def record(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(book.ctx.engine, "before_cursor_execute", record)
    try:
        return call(), len(seen)
    finally:
        event.remove(book.ctx.engine, "before_cursor_execute", record)


def keys(items: list) -> list[str]:  # type: ignore[type-arg]
    return [a.key for a in items]


def test_every_write_moves_the_owners_data_version_and_no_one_elses(
    book: Book, db_url: str, clock: Clock
) -> None:
    other = new_book(db_url, clock)
    with book.ctx.read() as conn:
        mine, theirs = book.ctx.data_version(conn), other.ctx.data_version(conn)
    book.people.add(PersonInput(name="Ana Lima"))
    book.settings.set("agenda.overdue_factor", 2.0)
    with book.ctx.read() as conn:
        assert book.ctx.data_version(conn) >= mine + 2
        assert other.ctx.data_version(conn) == theirs


def test_a_second_call_is_served_from_the_cache(book: Book) -> None:
    bulk_people(book, 30)
    INPUTS.clear()
    first, loading = statements_of(book, lambda: book.agenda.items(limit=50))
    again, cached = statements_of(book, lambda: book.agenda.items(limit=50))
    assert keys(again) == keys(first) and first
    assert cached < loading and cached <= 3  # BEGIN, the data version, the time zone


def test_writes_from_anywhere_invalidate_the_cached_agenda(
    book: Book, db_url: str, clock: Clock
) -> None:
    ids = bulk_people(book, 5)
    before = book.agenda.items()
    assert any(a.kind == "keep_in_touch" and a.people[0].id == ids[0] for a in before)
    elsewhere = Book(book.ctx.engine, book.owner_id, book.ctx.url, clock)  # another worker
    elsewhere.interactions.log(InteractionInput(people=[ids[0]], kind="call"))
    after = book.agenda.items()
    assert not any(a.kind == "keep_in_touch" and a.people[0].id == ids[0] for a in after)
    done = next(a for a in after if a.kind == "keep_in_touch")
    book.agenda.done(done.key)
    assert done.key not in keys(book.agenda.items())
    neighbour = new_book(db_url, clock)  # another owner's writes leave this cache alone
    bulk_people(neighbour, 2)
    assert keys(book.agenda.items()) == keys(book.agenda.items())


def test_a_new_day_is_a_new_agenda(book: Book, clock: Clock) -> None:
    bulk_people(book, 3)
    today = book.agenda.items()
    clock.advance(days=40)
    later = book.agenda.items()
    assert keys(later) != keys(today)
    assert keys(book.agenda.items(today=book.today() - timedelta(days=40))) == keys(today)
