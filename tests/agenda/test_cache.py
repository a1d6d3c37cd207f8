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


def profiles_version(book: Book) -> int:
    with book.ctx.read() as conn:
        return book.ctx.profiles_version(conn)


def test_only_profile_writes_move_the_profiles_version(book: Book) -> None:
    """Share matches stay cached across writes that change nothing matching reads (an
    interaction moves people.last_interaction_at only); every profile write moves it."""
    ids = bulk_people(book, 3)
    book.articles.add("https://x.org/a", title="Grid batteries", topics=["energy storage"])
    start = profiles_version(book)
    book.interactions.log(InteractionInput(people=[ids[0]], kind="call"))
    book.settings.set("agenda.overdue_factor", 2.0)
    assert profiles_version(book) == start
    writes = [
        lambda: book.people.edit(ids[0], PersonInput(note="Energy storage fan")),
        lambda: book.people.edit(ids[1], PersonInput(title="Battery engineer")),
        lambda: book.people.add_fact(ids[1], "interest", "grid batteries"),
        lambda: book.people.edit(ids[2], PersonInput(tags=["energy"])),
        lambda: book.articles.share("https://x.org/a", [ids[2]]),
        lambda: book.articles.add("https://x.org/b", title="Solar"),
        lambda: book.people.archive(ids[2]),
    ]
    for write in writes:
        before = profiles_version(book)
        write()
        assert profiles_version(book) > before


def test_share_matches_are_not_loaded_again_after_an_interaction(book: Book) -> None:
    ids = bulk_people(book, 4)
    book.people.add_fact(ids[1], "interest", "energy storage")
    book.articles.add("https://x.org/a", title="Grid batteries", topics=["energy storage"])
    first, loading = statements_of(book, book.agenda.items)
    assert any(a.kind == "share" for a in first)
    book.interactions.log(InteractionInput(people=[ids[0]], kind="call"))
    again, reloading = statements_of(book, book.agenda.items)
    assert [a.key for a in again if a.kind == "share"] == [
        a.key for a in first if a.kind == "share"
    ]
    assert reloading < loading  # the collection pass and the profiles are not read again
    book.people.edit(ids[1], PersonInput(note="energy storage, grid batteries, storage"))
    _, after_profile_write = statements_of(book, book.agenda.items)
    assert after_profile_write > reloading
