"""Events, met, relationships, introductions, warm paths, the ledger and coverage in the Book
(run on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from amity.book import Book, InteractionInput, PersonInput
from amity.errors import Ambiguous, InvalidInput, NotFound
from tests.conftest import Clock, new_book
from tests.network.helpers import agenda_items


def people(book: Book, *names: str, **kw: str) -> list[int]:
    return [book.people.add(PersonInput(name=n, **kw)).id for n in names]  # type: ignore[arg-type]


def test_an_event_records_whom_you_met_and_whether_you_followed_up(book: Book) -> None:
    ana, ben = people(book, "Ana Lima", "Ben Ode")
    event = book.network.events.add(
        "PyCon 2026",
        "conference",
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 10, 3),
        location="Lisbon",
    )
    assert event.kind == "conference" and event.id is not None
    found, refs = book.network.events.met(["Ana", "Ben"], "pycon", note="rust talk")
    assert found.id == event.id and [r.id for r in refs] == [ana, ben]
    book.interactions.log(
        InteractionInput(
            people=[ben],
            kind="email",
            direction="outbound",
            occurred_at=datetime(2026, 10, 5, tzinfo=UTC),
        )
    )
    detail = book.network.events.get("PyCon 2026")
    assert [(a.person.name, a.followed_up, a.note) for a in detail.attendees] == [
        ("Ana Lima", False, "rust talk"),
        ("Ben Ode", True, "rust talk"),
    ]
    person = book.people.get(ana)
    assert (person.met_event_id, person.met_on, person.met_where, person.how_met) == (
        event.id,
        date(2026, 10, 1),
        "PyCon 2026",
        "conference",
    )
    summary = book.network.events.list()
    assert [(s.event.name, s.people, s.met) for s in summary] == [("PyCon 2026", 2, 2)]


def test_meeting_again_updates_attendance_and_keeps_the_first_meeting(book: Book) -> None:
    people(book, "Ana")
    book.network.events.add("Meetup A", "meetup", starts_on=date(2026, 1, 10))
    book.network.events.add("Meetup B", "meetup", starts_on=date(2026, 3, 10))
    book.network.events.met(["Ana"], "Meetup A")
    book.network.events.met(["Ana"], "Meetup A", note="again", role="speaker")
    book.network.events.met(["Ana"], "Meetup B")
    assert book.people.get("Ana").met_on == date(2026, 1, 10)
    detail = book.network.events.get("Meetup A")
    assert [(a.role, a.note) for a in detail.attendees] == [("speaker", "again")]


def test_bad_event_input_is_refused_before_writing(book: Book) -> None:
    with pytest.raises(InvalidInput, match="one of"):
        book.network.events.add("X", "party")
    with pytest.raises(InvalidInput, match="end before"):
        book.network.events.add("X", "meetup", starts_on=date(2026, 2, 2), ends_on=date(2026, 2, 1))
    with pytest.raises(InvalidInput):
        book.network.events.add("  ", "meetup")
    book.network.events.add("Rust Meetup", "meetup")
    book.network.events.add("Rust Conf", "conference")
    with pytest.raises(Ambiguous):
        book.network.events.get("rust")
    with pytest.raises(NotFound):
        book.network.events.met(["Nobody"], "Rust Meetup")
    assert book.network.events.get("Rust Meetup").attendees == []


def test_relationships_are_not_duplicated_and_need_two_people(book: Book) -> None:
    people(book, "Ana", "Ben")
    first = book.network.relationships.relate("Ana", "Ben", "colleague")
    again = book.network.relationships.relate("Ben", "Ana", "colleague", note="same team")
    assert first.id == again.id
    assert [(r.kind, r.a.name, r.b.name) for r in book.network.relationships.list("Ben")] == [
        ("colleague", "Ana", "Ben")
    ]
    with pytest.raises(InvalidInput):
        book.network.relationships.relate("Ana", "Ana", "friend")
    with pytest.raises(InvalidInput, match="relationship is one of"):
        book.network.relationships.relate("Ana", "Ben", "nemesis")


def test_an_introduction_you_made_is_an_intro_given_to_both(book: Book) -> None:
    ana, ben, cleo = people(book, "Ana", "Ben", "Cleo")
    mine = book.network.introductions.add("Ana", "Ben", note="both into rust")
    theirs = book.network.introductions.add("Ben", "Cleo", by="Ana")
    assert mine.by is None and theirs.by is not None and theirs.by.id == ana
    ledger = book.network.ledger.exchanges()
    assert sorted((x.person.id, x.direction, x.kind) for x in ledger) == [
        (ana, "given", "intro"),
        (ben, "given", "intro"),
    ]
    assert {i.id for i in book.network.introductions.list("Ana")} == {mine.id, theirs.id}
    done = book.network.introductions.set_outcome(mine.id or 0, "they started a project")
    assert done.outcome == "they started a project"
    with pytest.raises(InvalidInput):
        book.network.introductions.add("Ana", "Ben", by="Ana")
    with pytest.raises(NotFound):
        book.network.introductions.set_outcome(99999, "x")
    del cleo


def test_warm_path_to_a_person_an_organisation_and_a_tag(book: Book, clock: Clock) -> None:
    book.people.add(PersonInput(name="Ana", circle="inner"))
    book.people.add(PersonInput(name="Ben", org="Acme", tags=["climate"]))
    book.people.add(PersonInput(name="Cleo", org="Acme"))
    book.interactions.log(
        InteractionInput(
            people=["Ana"], kind="call", occurred_at=datetime(2026, 11, 20, tzinfo=UTC)
        )
    )
    book.network.relationships.relate("Ana", "Ben", "friend")
    to_person = book.network.paths.find("Ben")
    assert to_person.target.kind == "person"
    best = to_person.paths[0]
    assert [h.target.name for h in best.hops] == ["Ana", "Ben"]
    assert best.hops[1].reason == "friends"
    to_org = book.network.paths.find("acme")
    assert to_org.target.kind == "org" and {p.name for p in to_org.target.people} == {"Ben", "Cleo"}
    assert to_org.paths[0].introducers[0].name == "Ana"
    to_tag = book.network.paths.find("tag:climate")
    assert to_tag.target.kind == "tag" and to_tag.paths[0].target.name == "Ben"
    with pytest.raises(NotFound):
        book.network.paths.find("Initech")
    with pytest.raises(InvalidInput):
        book.network.paths.find("Ben", limit=0)


def test_the_ledger_balance_and_give_items(book: Book, clock: Clock) -> None:
    ana, ben = people(book, "Ana", "Ben", circle="close")
    book.people.add_fact("Ana", "interest", "sailing")
    book.network.ledger.got("Ana", "intro", "to a client", on=date(2026, 9, 1))
    book.network.ledger.got("Ana", "advice", "pricing", on=date(2026, 9, 20))
    book.network.ledger.got("Ana", "referral", "a hire", on=date(2026, 10, 1))
    book.network.ledger.gave("Ben", "favor", "moved boxes", on=date(2026, 10, 1))
    balances = book.network.ledger.balance()
    assert [(b.person.id, b.given, b.received, b.balance) for b in balances] == [
        (ana, 0, 3, -3),
        (ben, 1, 0, 1),
    ]
    one = book.network.ledger.balance("Ana")[0]
    assert len(one.exchanges) == 3 and one.last_received == date(2026, 10, 1)
    assert book.network.ledger.balance("Ben")[0].exchanges[0].kind == "favour"
    items = agenda_items(book, date(2026, 11, 25), "give")
    assert [(a.kind, a.people[0].id) for a in items] == [("give", ana)]
    item = items[0]
    assert item.key == f"give:p{ana}:2026-10-01"
    assert "given you 3" in item.reason and "sailing" in item.reason
    assert item.details["weight"] == 3.0  # circle close
    assert agenda_items(book, date(2026, 9, 25), "give") == []  # not for a while yet
    book.network.ledger.gave("Ana", "help", "reviewed her deck", on=date(2026, 11, 1))
    assert agenda_items(book, date(2026, 11, 25), "give") == []  # you gave since
    with pytest.raises(InvalidInput, match="exchange is one of"):
        book.network.ledger.gave("Ana", "money", "x")
    with pytest.raises(InvalidInput):
        book.network.ledger.gave("Ana", "help", "  ")


def test_coverage_counts_people_by_tag_org_and_title(book: Book) -> None:
    book.people.add(PersonInput(name="Ana", tags=["climate"], title="CTO", org="Volta"))
    book.people.add(PersonInput(name="Ben", tags=["climate"], org="Acme"))
    book.network.coverage.add("Climate people", "tag", "climate", 3)
    book.network.coverage.add("Acme", "org", "acme", 1)
    target = book.network.coverage.add("CTOs", "title", "cto", 2)
    rows = {c.name: (c.have, c.gap) for c in book.network.coverage.list()}
    assert rows == {"Climate people": (2, 1), "Acme": (1, 0), "CTOs": (1, 1)}
    book.network.coverage.remove(target.id)
    assert len(book.network.coverage.list()) == 2
    with pytest.raises(InvalidInput):
        book.network.coverage.add("x", "tag", "y", 0)
    with pytest.raises(NotFound):
        book.network.coverage.remove(target.id)


def test_another_owner_sees_none_of_it(book: Book, clock: Clock) -> None:
    people(book, "Ana")
    event = book.network.events.add("Private", "meetup")
    book.network.ledger.gave("Ana", "help", "x")
    other = new_book(book.ctx.url, clock)
    with pytest.raises(NotFound):
        other.network.events.get(str(event.id))
    assert other.network.events.list() == [] and other.network.ledger.balance() == []
    assert other.network.coverage.list() == []


def test_talking_during_the_event_is_not_a_follow_up(book: Book) -> None:
    people(book, "Ana")
    book.network.events.add(
        "Summit", "conference", starts_on=date(2026, 10, 1), ends_on=date(2026, 10, 3)
    )
    book.network.events.met(["Ana"], "Summit")
    book.interactions.log(
        InteractionInput(
            people=["Ana"], kind="meeting", occurred_at=datetime(2026, 10, 3, 18, tzinfo=UTC)
        )
    )
    assert book.network.events.get("Summit").attendees[0].followed_up is False
    book.interactions.log(
        InteractionInput(
            people=["Ana"],
            kind="email",
            direction="outbound",
            occurred_at=datetime(2026, 10, 4, 9, tzinfo=UTC),
        )
    )
    assert book.network.events.get("Summit").attendees[0].followed_up is True


def test_your_participation_in_a_community_is_logged_by_date(book: Book) -> None:
    book.network.events.add("Rust forum", "community", notes="joined in 2025")
    book.network.events.log_participation("rust", "answered a question", on=date(2026, 11, 2))
    event = book.network.events.log_participation("rust", "posted a guide", on=date(2026, 11, 9))
    assert event.notes == "joined in 2025"  # the event's own notes stay its own
    assert [(p.day, p.text) for p in book.network.events.get("rust").participation] == [
        (date(2026, 11, 9), "posted a guide"),
        (date(2026, 11, 2), "answered a question"),
    ]
    with pytest.raises(InvalidInput):
        book.network.events.log_participation("rust", "two\nlines")
    assert len(book.network.events.participations("rust")) == 2  # nothing half-written


def test_a_participation_is_an_interaction_linked_to_the_event(
    book: Book, db_url: str, clock: Clock
) -> None:
    book.settings.set("timezone", "America/New_York")
    event = book.network.events.add("Rust forum", "community")
    book.network.events.log_participation(
        event.id or 0, "answered a question", on=date(2026, 11, 2)
    )
    book.network.events.log_participation(event.id or 0, "posted a guide", on=date(2026, 11, 9))
    found = book.network.events.participations("rust")
    assert [(p.day, p.text) for p in found] == [
        (date(2026, 11, 9), "posted a guide"),
        (date(2026, 11, 2), "answered a question"),
    ]
    newest = book.interactions.get(found[0].interaction_id)
    assert (newest.kind, newest.direction, newest.status, newest.notes, newest.people) == (
        "event",
        "outbound",
        "done",
        "posted a guide",
        [],
    )
    assert newest.occurred_at == datetime(2026, 11, 9, 17, tzinfo=UTC)  # noon in New York
    assert [x.id for x in book.interactions.timeline(None)] == [p.interaction_id for p in found]
    assert any("guide" in str(hit) for hit in book.search("guide"))
    review = book.reviews.review("week", today=date(2026, 11, 9))
    assert review.interactions_by_kind["event"].current == 1
    assert review.people_reached.current == 0  # contact with nobody
    document = book.export_json()
    target = new_book(db_url, clock)
    target.restore_json(document)
    assert [(p.day, p.text) for p in target.network.events.participations("rust")] == [
        (p.day, p.text) for p in found
    ]


def test_someone_at_every_top_customer(book: Book) -> None:
    book.people.add(PersonInput(name="Ana", org="Acme"))
    book.people.add(PersonInput(name="Ben", org="Acme"))
    book.people.add(PersonInput(name="Cleo", org="Globex"))
    target = book.network.coverage.add("Top customers", "org", " Acme, Globex ,Initech,")
    assert (target.selector, target.wanted) == ("Acme, Globex, Initech", 3)
    [found] = book.network.coverage.list()
    assert {k: [p.name for p in v] for k, v in found.groups.items()} == {
        "Acme": ["Ana", "Ben"],
        "Globex": ["Cleo"],
        "Initech": [],
    }
    assert (found.have, found.gap, len(found.people)) == (2, 1, 3)
    with pytest.raises(InvalidInput):
        book.network.coverage.add("x", "org", " , ")


def test_the_balance_is_one_grouped_query_whatever_the_number_of_exchanges(book: Book) -> None:
    from sqlalchemy import event

    ana, ben = people(book, "Ana", "Ben")
    statements: list[str] = []

    def record(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    def selects() -> int:
        statements.clear()
        event.listen(book.ctx.engine, "before_cursor_execute", record)
        try:
            book.network.ledger.balance()
        finally:
            event.remove(book.ctx.engine, "before_cursor_execute", record)
        return sum(1 for x in statements if x.lstrip().upper().startswith("SELECT"))

    book.network.ledger.got(ana, "advice", "pricing", on=date(2026, 9, 1))
    few = selects()
    for n in range(30):
        book.network.ledger.gave(ben if n % 2 else ana, "help", f"thing {n}", on=date(2026, 10, 1))
    assert selects() == few == 1
    balances = {b.person.id: (b.given, b.received) for b in book.network.ledger.balance()}
    assert balances == {ana: (15, 1), ben: (15, 0)}
