"""Edit and delete every kind of record (issue 12, section 2): on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from amity.book import Book, InteractionInput, PersonInput
from amity.errors import Conflict, InvalidInput, NotFound
from amity.model import PartialDate
from tests.conftest import Clock, new_book


def person(book: Book, name: str) -> int:
    return book.people.add(PersonInput(name=name)).id


def one_of_each(book: Book) -> dict[str, int]:
    """One record of every kind, all about Ana (and Bo), ids by kind."""
    ana, bo = person(book, "Ana Lima"), person(book, "Bo Chen")
    when = book.now() - timedelta(days=3)
    return {
        "ana": ana,
        "bo": bo,
        "interaction": book.interactions.log(
            InteractionInput(people=[ana], kind="call", occurred_at=when, notes="jazz talk")
        ).id
        or 0,
        "fact": book.people.add_fact(ana, "interest", "jazz").id or 0,
        "question": book.people.add_question(ana, "How was Porto?").id or 0,
        "date": book.people.add_date(ana, "anniversary", "2015-06-01", "wedding").id or 0,
        "promise": book.commitments.add(ana, "send the deck", due_on=date(2026, 12, 1)).id or 0,
        "follow_up": book.follow_ups.add(ana, "ask about Porto", date(2026, 12, 2)).id or 0,
        "event": book.network.events.add("PyCon", "conference").id or 0,
        "relationship": book.network.relationships.relate(ana, bo, "colleague").id,
        "article": book.articles.add("https://example.org/a", title="Jazz").id or 0,
        "goal": book.feedback.add_goal("Listen better").id or 0,
        "feedback": book.feedback.add("Great talk", kind="positive", person=ana).id or 0,
    }


EDITS: dict[str, tuple[dict[str, Any], str, Any]] = {
    # kind: (changes, attribute read back, expected value)
    "interaction": ({"kind": "meeting", "notes": "over lunch"}, "notes", "over lunch"),
    "fact": ({"kind": "family", "text": "two kids"}, "text", "two kids"),
    "question": ({"text": "How was Lisbon?", "answer": "sunny"}, "answer", "sunny"),
    "date": ({"when": "--07-04", "label": None}, "when", PartialDate(7, 4)),
    "promise": ({"text": "send the slides", "due_on": None}, "due_on", None),
    "follow_up": ({"due_on": date(2026, 12, 9)}, "due_on", date(2026, 12, 9)),
    "event": ({"name": "PyCon US", "starts_on": date(2026, 5, 1)}, "name", "PyCon US"),
    "relationship": ({"kind": "friend", "note": "old friends"}, "kind", "friend"),
    "article": ({"title": "Jazz, again", "topics": ["jazz", "music"]}, "topics", ["jazz", "music"]),
    "goal": ({"title": "Listen", "check_in_days": "weekly"}, "check_in_days", 7),
    "feedback": ({"kind": "constructive", "themes": ["pace"]}, "themes", ["pace"]),
}


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_edit_changes_only_what_is_sent(book: Book, kind: str) -> None:
    ids = one_of_each(book)
    changes, attribute, expected = EDITS[kind]
    edited = book.records.edit(kind, ids[kind], changes)
    assert getattr(edited, attribute) == expected
    again = book.records.get(kind, ids[kind])
    assert getattr(again, attribute) == expected
    assert again.id == ids[kind]


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_delete_removes_the_record_and_only_it(book: Book, kind: str) -> None:
    ids = one_of_each(book)
    book.records.delete(kind, ids[kind])
    with pytest.raises(NotFound):
        book.records.get(kind, ids[kind])
    with pytest.raises(NotFound):
        book.records.delete(kind, ids[kind])
    others = [k for k in EDITS if k != kind]
    for other in others:
        assert book.records.get(other, ids[other]).id == ids[other]
    assert book.people.get(ids["ana"]).name == "Ana Lima"


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_another_owners_record_is_not_found(book: Book, clock: Clock, kind: str) -> None:
    ids = one_of_each(book)
    stranger = new_book(book.ctx.url, clock)
    changes = EDITS[kind][0]
    with pytest.raises(NotFound):
        stranger.records.edit(kind, ids[kind], changes)
    with pytest.raises(NotFound):
        stranger.records.delete(kind, ids[kind])
    assert book.records.get(kind, ids[kind]).id == ids[kind]


@pytest.mark.parametrize(
    ("kind", "changes", "field"),
    [
        ("fact", {"kind": "hobby"}, "kind"),
        ("fact", {"text": "   "}, "text"),
        ("question", {"text": None}, "text"),
        ("date", {"when": "1990-02-30"}, "when"),
        ("promise", {"direction": "ours"}, "direction"),
        ("promise", {"due_on": date(1500, 1, 1)}, "due_on"),
        ("follow_up", {"due_on": None}, "due_on"),
        ("event", {"starts_on": date(2026, 6, 2), "ends_on": date(2026, 6, 1)}, "ends_on"),
        ("interaction", {"people": []}, "people"),
        ("interaction", {"occurred_at": datetime(2026, 1, 1)}, "occurred_at"),
        ("interaction", {"needs_reply": True}, "needs_reply"),
        ("goal", {"check_in_days": "daily-ish"}, "check_in"),
        ("feedback", {"received_on": "yesterday"}, "received_on"),
        ("relationship", {"kind": "enemy"}, "kind"),
        ("article", {"url": "not a url"}, "url"),
        ("goal", {"colour": "red"}, "colour"),
    ],
)
def test_bad_edits_are_refused_and_nothing_changes(
    book: Book, kind: str, changes: dict[str, Any], field: str
) -> None:
    ids = one_of_each(book)
    before = book.records.get(kind, ids[kind])
    with pytest.raises(InvalidInput) as err:
        book.records.edit(kind, ids[kind], {**changes})
    assert err.value.field == field
    assert book.records.get(kind, ids[kind]) == before


def test_article_url_clash_is_a_conflict(book: Book) -> None:
    first = book.articles.add("https://example.org/one")
    second = book.articles.add("https://example.org/two")
    with pytest.raises(Conflict):
        book.records.edit("article", second.id or 0, {"url": first.url})


def test_editing_an_interaction_moves_participants_and_last_contact(book: Book) -> None:
    ana, bo = person(book, "Ana"), person(book, "Bo")
    then = book.now() - timedelta(days=10)
    logged = book.interactions.log(InteractionInput(people=[ana], kind="call", occurred_at=then))
    assert book.people.get(ana).last_interaction_at == then
    later = book.now() - timedelta(days=1)
    edited = book.records.edit(
        "interaction", logged.id or 0, {"people": [bo], "occurred_at": later, "notes": "saxophone"}
    )
    assert [p.id for p in edited.people] == [bo]
    assert book.people.get(ana).last_interaction_at is None
    assert book.people.get(bo).last_interaction_at == later
    assert [i.id for i in book.interactions.timeline(bo)] == [logged.id]
    assert book.interactions.timeline(ana) == []
    assert [(h.kind, h.id) for h in book.search("saxophone")] == [("interaction", logged.id)]
    book.records.delete("interaction", logged.id or 0)
    assert book.people.get(bo).last_interaction_at is None
    assert book.search("saxophone") == []


def test_planned_when_moved_into_the_future(book: Book) -> None:
    ana = person(book, "Ana")
    logged = book.interactions.log(InteractionInput(people=[ana], kind="call"))
    edited = book.records.edit(
        "interaction", logged.id or 0, {"occurred_at": book.now() + timedelta(days=2)}
    )
    assert edited.status == "planned"
    assert book.people.get(ana).last_interaction_at is None


def test_fact_edits_reach_search_and_deletes_leave_it(book: Book) -> None:
    ana = person(book, "Ana")
    fact = book.people.add_fact(ana, "interest", "jazz")
    book.records.edit("fact", fact.id or 0, {"text": "bouldering"})
    assert [(h.kind, h.id) for h in book.search("bouldering")] == [("person", ana)]
    assert book.search("jazz") == []
    book.records.delete("fact", fact.id or 0)
    assert book.search("bouldering") == []
    assert book.people.get(ana).facts == []


def test_promise_status_and_person(book: Book, clock: Clock) -> None:
    ana, bo = person(book, "Ana"), person(book, "Bo")
    promise = book.commitments.add(ana, "intro to Cy")
    done = book.records.edit("promise", promise.id or 0, {"status": "done", "person": "Bo"})
    assert done.status == "done" and done.done_at == clock() and done.person.id == bo
    reopened = book.records.edit("promise", promise.id or 0, {"status": "open"})
    assert reopened.status == "open" and reopened.done_at is None


def test_feedback_person_can_be_cleared(book: Book) -> None:
    ana = person(book, "Ana")
    given = book.feedback.add("Clear slides", kind="positive", person=ana, themes=["slides"])
    edited = book.records.edit("feedback", given.id or 0, {"person": None, "themes": []})
    assert edited.person is None and edited.themes == []


def test_kind_names_doors_use(book: Book) -> None:
    ids = one_of_each(book)
    assert book.records.get("follow-up", ids["follow_up"]).id == ids["follow_up"]
    assert book.records.get("facts", ids["fact"]).id == ids["fact"]
    with pytest.raises(InvalidInput):
        book.records.get("tweet", 1)
    with pytest.raises(NotFound):
        book.records.get("fact", 2**40)


def test_clear_birthday(book: Book) -> None:
    ana = book.people.add(PersonInput(name="Ana", birthday="--04-15"))
    book.people.add_date(ana.id, "anniversary", "2015-06-01")
    cleared = book.people.clear_birthday(ana.id)
    assert cleared.birthday is None
    assert [d.kind for d in cleared.dates] == ["anniversary"]
    assert book.people.list()[0].birthday is None
    assert cleared.version == ana.version + 1


def test_interaction_edit_keeps_utc(book: Book) -> None:
    ana = person(book, "Ana")
    logged = book.interactions.log(InteractionInput(people=[ana], kind="call"))
    when = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
    assert book.records.edit("interaction", logged.id or 0, {"occurred_at": when}).occurred_at == (
        when
    )
