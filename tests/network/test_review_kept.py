"""The review keeps everyone's drift scores and, after a write, judges again only the people
the journal says the write touched (issue 14): after every kind of write the kept review is
the review built from nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

import contextlib
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from amity.book import Book, InteractionInput, PersonInput, review
from amity.book.review_health import changed_people, last_group
from amity.errors import NotFound
from tests.conftest import Clock


def _fresh(book: Book, kind: str) -> object:
    """The review built from nothing (no kept review, no kept scores); what was kept stays,
    so the next write updates the judgements the earlier ones updated."""
    engine = book.ctx.engine
    reviews, kept = review._REVIEWS.pop(engine, None), review._KEPT.pop(engine, None)
    try:
        return book.reviews.review(kind)
    finally:
        for cache, saved in ((review._REVIEWS, reviews), (review._KEPT, kept)):
            cache.pop(engine, None)
            if saved is not None:
                cache[engine] = saved  # type: ignore[index]


def _populate(book: Book, clock: Clock, rng: random.Random) -> list[int]:
    book.settings.set("timezone", "Europe/Lisbon")
    long_ago = (clock() - timedelta(days=400)).date()
    people = [book.people.add(PersonInput(
        name=f"Person {n:02d}", met_on=long_ago, circle=rng.choice([None, "close", "network"]),
        cadence=rng.choice([None, "30d", "90d"]))).id for n in range(30)]  # fmt: skip
    for _ in range(150):
        at = clock() - timedelta(days=rng.randint(1, 200), hours=rng.randint(0, 23))
        book.interactions.log(InteractionInput(
            people=rng.sample(people, rng.randint(1, 2)), kind="call",
            direction=rng.choice(("outbound", "inbound", "mutual")), occurred_at=at))  # fmt: skip
    return people


def test_after_every_kind_of_write_the_kept_review_is_the_fresh_one(
    book: Book, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[set[int] | None] = []

    def counting(*args: Any) -> set[int] | None:
        said.append(found := changed_people(*args))
        return found

    monkeypatch.setattr(review, "changed_people", counting)
    clock.set(datetime(2026, 11, 25, 12, tzinfo=UTC))
    rng = random.Random(5)
    people = _populate(book, clock, rng)
    logged: list[int] = []

    def log() -> None:
        at = clock() - timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 5))
        logged.append(book.interactions.log(InteractionInput(
            people=rng.sample(people, 2), kind="meeting", occurred_at=at)).id or 0)  # fmt: skip

    def move() -> None:
        when = clock() - timedelta(days=rng.randint(0, 60))
        for found in reversed(logged):  # an undo may have taken the newest away
            with contextlib.suppress(NotFound):
                book.records.edit("interaction", found, {"occurred_at": when})
                return

    def delete() -> None:
        while logged:
            with contextlib.suppress(NotFound):
                book.records.delete("interaction", logged.pop())
                return

    def promise() -> None:
        made = book.commitments.add(rng.choice(people), "send the deck",
                                    due_on=clock().date() - timedelta(days=rng.randint(0, 20)))  # fmt: skip
        if rng.random() < 0.5:
            book.commitments.done(made.id or 0)

    def cadence() -> None:
        book.people.edit(rng.choice(people), PersonInput(cadence=rng.choice(["14d", "60d"])))

    def archive() -> None:
        book.people.archive(rng.choice(people[:10]))

    def restore() -> None:
        for pid in people[:10]:
            if book.people.get(pid).archived_at is not None:
                book.people.restore(pid)
                return

    def circle() -> None:  # every member's cadence: judged from nothing
        book.circle_settings.set("close", every=rng.choice(["21d", "45d"]))

    def zone() -> None:  # a setting, not journaled: judged from nothing
        book.settings.set("timezone", rng.choice(["Pacific/Auckland", "Europe/Lisbon"]))

    def fact() -> None:  # nobody's health
        book.people.add_fact(rng.choice(people), "interest", "sailing")

    def undo() -> None:
        if book.history.last_undoable() is not None:
            book.history.undo(force=True)

    def merge() -> None:
        keep, other = rng.sample(people[10:], 2)
        book.transfer.merge(keep, other, backup=False)
        people.remove(other)

    steps = [log, log, move, delete, promise, cadence, archive, restore, circle, zone, fact,
             undo, merge, log, move]  # fmt: skip
    kinds = ["week", "month"]
    for kind in kinds:
        book.reviews.review(kind)
    for n in range(30):
        step = steps[n % len(steps)] if n < len(steps) else rng.choice(steps)
        step()
        for kind in kinds:
            kept = book.reviews.review(kind)
            assert kept == _fresh(book, kind), (n, step.__name__, kind)
    updated = [found for found in said if found is not None]
    assert len(updated) >= 30 and any(updated) and None in said  # both ways were taken


def test_the_journal_names_the_people_a_write_touched(book: Book, clock: Clock) -> None:
    clock.set(datetime(2026, 11, 25, 12, tzinfo=UTC))
    ana, ben, cleo = (book.people.add(PersonInput(name=n)).id for n in ("Ana", "Ben", "Cleo"))
    book.reviews.review("week")
    newest = review._kept_of(book.ctx.engine).newest(
        (book.ctx.owner_id, date(2026, 11, 25), "week")
    )
    kept = newest[1] if newest is not None else None
    assert kept is not None
    book.interactions.log(InteractionInput(people=[ana, ben], kind="call"))
    with book.ctx.read() as conn:
        version = book.ctx.data_version(conn)
        assert changed_people(conn, book.ctx.owner_id, kept, version) == {ana, ben}
        assert last_group(conn, book.ctx.owner_id) > kept.last_group
    book.settings.set("locale", "en_US")  # no change group: the journal cannot say
    with book.ctx.read() as conn:
        version = book.ctx.data_version(conn)
        assert changed_people(conn, book.ctx.owner_id, kept, version) is None
    assert cleo not in {ana, ben}


def test_kept_judgements_are_bounded_in_number_and_in_people(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from amity.book.review_health import Kept
    from amity.rules.review import Judged

    monkeypatch.setattr(review, "KEPT_PEOPLE", 5)

    class Database:  # a stand-in engine: a fresh store of kept judgements
        pass

    engine = Database()
    store = review._kept_of(engine)  # type: ignore[arg-type]

    class Kept_:  # the store's own view: put(key, version, kept), get(key) any version
        def put(self, key: tuple[object, ...], kept_: Kept) -> None:
            store.put(key, kept_.version, kept_)

        def get(self, key: tuple[object, ...]) -> Kept | None:
            found = store.newest(key)
            return found[1] if found is not None else None

    kept = Kept_()
    two = {n: Judged(n, "x", None, (1, 1, 1)) for n in range(2)}
    for owner in range(3):
        kept.put((owner, date(2026, 1, 1), "week"), Kept(1, 1, "", dict(two)))
    assert kept.get((0, date(2026, 1, 1), "week")) is None  # 6 people > 5: the oldest out
    assert kept.get((2, date(2026, 1, 1), "week")) is not None
    big = {n: Judged(n, "x", None, (1, 1, 1)) for n in range(9)}
    kept.put((9, date(2026, 1, 1), "week"), Kept(1, 1, "", big))
    assert kept.get((9, date(2026, 1, 1), "week")) is not None  # the newest always stays
    assert kept.get((2, date(2026, 1, 1), "week")) is None
    kept.put((9, date(2026, 1, 1), "week"), Kept(0, 1, "", big))  # older than what is kept
    assert (kept.get((9, date(2026, 1, 1), "week")) or Kept(0, 0, "", {})).version == 1
