"""Interactions: several participants, last contact, replies, timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from amity.book import Book, InteractionInput, PersonInput
from amity.errors import InvalidInput, NotFound
from tests.conftest import Clock


def test_log_with_several_people_updates_last_contact(book: Book, clock: Clock) -> None:
    a = book.people.add(PersonInput(name="Ana")).id
    b = book.people.add(PersonInput(name="Ben")).id
    when = clock() - timedelta(days=3)
    logged = book.interactions.log(
        InteractionInput(people=["Ana", b], kind="meeting", occurred_at=when, subject="Lunch")
    )
    assert {r.id for r in logged.people} == {a, b}
    assert logged.status == "done"
    for pid in (a, b):
        assert book.people.get(pid).last_interaction_at == when
    older = when - timedelta(days=10)
    book.interactions.log(InteractionInput(people=[a], kind="call", occurred_at=older))
    assert book.people.get(a).last_interaction_at == when  # an older one does not move it back


def test_future_interaction_is_planned_and_not_contact(book: Book, clock: Clock) -> None:
    a = book.people.add(PersonInput(name="Ana")).id
    planned = book.interactions.log(
        InteractionInput(people=[a], kind="meeting", occurred_at=clock() + timedelta(days=2))
    )
    assert planned.status == "planned"
    assert book.people.get(a).last_interaction_at is None


def test_refuses_bad_kind_direction_and_missing_people(book: Book) -> None:
    book.people.add(PersonInput(name="Ana"))
    with pytest.raises(InvalidInput):
        book.interactions.log(InteractionInput(people=["Ana"], kind="telepathy"))
    with pytest.raises(InvalidInput):
        book.interactions.log(InteractionInput(people=["Ana"], direction="sideways"))
    with pytest.raises(InvalidInput):
        book.interactions.log(InteractionInput(people=[]))
    with pytest.raises(InvalidInput):
        book.interactions.log(
            InteractionInput(people=["Ana"], direction="outbound", needs_reply=True)
        )
    with pytest.raises(NotFound):
        book.interactions.log(InteractionInput(people=["Ana", "Nobody"]))
    assert book.interactions.count() == 0


def test_reply_clears_awaiting_in_the_same_thread_only(book: Book, clock: Clock) -> None:
    book.people.add(PersonInput(name="Ana"))
    t0 = clock() - timedelta(days=5)
    first = book.interactions.log(
        InteractionInput(
            people=["Ana"], kind="email", needs_reply=True, occurred_at=t0, thread_key="t1"
        )
    )
    second = book.interactions.log(
        InteractionInput(
            people=["Ana"],
            kind="email",
            needs_reply=True,
            occurred_at=t0 + timedelta(hours=1),
            thread_key="t2",
        )
    )
    assert first.direction == "inbound"
    assert [i.id for i in book.interactions.awaiting_reply()] == [first.id, second.id]
    book.interactions.log(
        InteractionInput(
            people=["Ana"],
            kind="email",
            direction="outbound",
            occurred_at=t0 + timedelta(days=1),
            thread_key="t2",
        )
    )
    assert [i.id for i in book.interactions.awaiting_reply()] == [first.id]
    assert book.interactions.get(second.id).replied_at == t0 + timedelta(days=1)
    book.interactions.log(InteractionInput(people=["Ana"], kind="call", direction="outbound"))
    assert book.interactions.awaiting_reply() == []  # a call (no thread) answers everything


def test_reply_before_the_message_does_not_count(book: Book, clock: Clock) -> None:
    book.people.add(PersonInput(name="Ana"))
    book.interactions.log(
        InteractionInput(
            people=["Ana"],
            kind="email",
            direction="outbound",
            occurred_at=clock() - timedelta(days=9),
        )
    )
    book.interactions.log(
        InteractionInput(
            people=["Ana"], kind="email", needs_reply=True, occurred_at=clock() - timedelta(days=2)
        )
    )
    assert len(book.interactions.awaiting_reply()) == 1


def test_timeline_and_delete_recompute_last_contact(book: Book, clock: Clock) -> None:
    a = book.people.add(PersonInput(name="Ana")).id
    old = book.interactions.log(
        InteractionInput(people=[a], kind="call", occurred_at=datetime(2026, 1, 1, 12, tzinfo=UTC))
    )
    new = book.interactions.log(
        InteractionInput(people=[a], kind="video", occurred_at=datetime(2026, 6, 1, 12, tzinfo=UTC))
    )
    assert [i.id for i in book.interactions.timeline(a)] == [new.id, old.id]
    assert [i.id for i in book.interactions.timeline(a, kind="call")] == [old.id]
    book.interactions.delete(new.id)
    assert book.people.get(a).last_interaction_at == old.occurred_at
    with pytest.raises(NotFound):
        book.interactions.delete(new.id)
