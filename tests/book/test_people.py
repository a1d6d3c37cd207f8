"""The people part of the Book: the contract, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from amity.book import Book, PersonInput
from amity.errors import Ambiguous, Conflict, InvalidInput, NotFound
from amity.model import PartialDate
from tests.conftest import Clock, new_book


def add(book: Book, name: str, **kw: object) -> int:
    return book.people.add(PersonInput(name=name, **kw)).id  # type: ignore[arg-type]


def test_add_normalises_and_reads_back(book: Book) -> None:
    person = book.people.add(
        PersonInput(
            name="  Ana Lima ",
            emails=["Ana@Example.COM"],
            phones=["+351 912 345 678"],
            org="Acme",
            title="CTO",
            tags=["Python", "Lisbon "],
            circle="Close",
            birthday="--04-15",
            met_where="PyCon",
            note="Likes jazz",
        )
    )
    assert person.name == "Ana Lima"
    assert person.emails == ["Ana@example.com"]
    assert person.phones == ["+351912345678"]
    assert person.tags == ["lisbon", "python"]
    assert person.circle == "close"
    assert person.birthday == PartialDate(4, 15)
    assert person.jobs[0].organisation == "Acme"
    again = book.people.get(person.id)
    assert again.notes == "Likes jazz" and again.met_where == "PyCon"


def test_phone_region_setting_is_used(book: Book) -> None:
    book.settings.set("phone.region", "GB")
    person = book.people.add(PersonInput(name="Tom", phones=["020 7946 0018"]))
    assert person.phones == ["+442079460018"]


@pytest.mark.parametrize(
    ("field", "data"),
    [
        ("name", PersonInput(name="   ")),
        ("email", PersonInput(name="X", emails=["not-an-address"])),
        ("phone", PersonInput(name="X", phones=["12"])),
        ("birthday", PersonInput(name="X", birthday="1990-02-30")),
        ("circle", PersonInput(name="X", circle="nope")),
        ("cadence", PersonInput(name="X", cadence="often")),
        ("timezone", PersonInput(name="X", timezone="Mars/Olympus")),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    book: Book, field: str, data: PersonInput
) -> None:
    with pytest.raises(InvalidInput) as caught:
        book.people.add(data)
    assert caught.value.field == field
    assert book.people.count() == 0


def test_resolve_by_id_email_exact_name_and_prefix(book: Book) -> None:
    ana = add(book, "Ana Lima", emails=["ana@example.com"])
    add(book, "Anabela Costa")
    zoe = add(book, "Zoë Ångström")
    assert book.people.resolve(str(ana)).id == ana
    assert book.people.resolve("ANA@example.com").id == ana
    assert book.people.resolve("ana lima").id == ana
    assert book.people.resolve("anab").name == "Anabela Costa"
    assert book.people.resolve("zoe").id == zoe  # accents folded
    assert book.people.resolve("angs").id == zoe  # a word of the name
    with pytest.raises(Ambiguous) as caught:
        book.people.resolve("an")
    assert {name for _, name in caught.value.candidates} >= {"Ana Lima", "Anabela Costa"}
    with pytest.raises(NotFound):
        book.people.resolve("nobody")
    with pytest.raises(NotFound):
        book.people.resolve("999999")


def test_exact_name_beats_prefix(book: Book) -> None:
    ana = add(book, "Ana")
    add(book, "Ana Lima")
    assert book.people.resolve("Ana").id == ana


def test_edit_changes_fields_and_bumps_version(book: Book) -> None:
    pid = add(book, "Ana", emails=["a@x.org"], org="Acme", title="Dev")
    before = book.people.get(pid)
    after = book.people.edit(
        pid, PersonInput(title="CTO", emails=["b@x.org"], cadence="6w"), remove_emails=["A@X.org"]
    )
    assert after.emails == ["b@x.org"]
    assert after.title == "CTO"
    assert after.cadence_days == 42
    assert after.version == before.version + 1
    moved = book.people.edit(pid, PersonInput(org="Globex"))
    assert [j.organisation for j in moved.jobs] == ["Globex", "Acme"]
    assert moved.jobs[1].end_date is not None


def test_edit_with_a_stale_version_conflicts(book: Book) -> None:
    pid = add(book, "Ana")
    book.people.edit(pid, PersonInput(note="x"))
    with pytest.raises(Conflict):
        book.people.edit(pid, PersonInput(note="y"), if_version=1)
    assert book.people.get(pid).notes == "x"


def test_never_cadence(book: Book) -> None:
    pid = add(book, "Ana", cadence="never")
    assert book.people.get(pid).cadence_days == 0
    assert book.people.edit(pid, PersonInput(cadence="")).cadence_days is None


def test_list_filters_and_sorts(book: Book, clock: Clock) -> None:
    from amity.book import InteractionInput

    a = add(book, "Ana", tags=["python"], circle="inner", org="Acme")
    clock.advance(minutes=1)
    b = add(book, "Ben", tags=["python"], org="Globex")
    clock.advance(minutes=1)
    c = add(book, "Cleo", circle="inner")
    book.interactions.log(InteractionInput(people=[b], kind="call"))
    clock.advance(hours=1)
    book.interactions.log(InteractionInput(people=[c], kind="call"))
    assert [p.id for p in book.people.list(tag="python")] == [a, b]
    assert [p.id for p in book.people.list(circle="INNER")] == [a, c]
    assert [p.id for p in book.people.list(org="glob")] == [b]
    assert [p.id for p in book.people.list(sort="last-contact")] == [c, b, a]
    assert [p.id for p in book.people.list(sort="added")] == [c, b, a]
    assert [p.id for p in book.people.list(sort="name", limit=2, offset=1)] == [b, c]


def test_archive_hides_and_purge_deletes(book: Book) -> None:
    from amity.book import InteractionInput

    a = add(book, "Ana")
    b = add(book, "Ben")
    book.interactions.log(InteractionInput(people=[a], kind="call", notes="solo"))
    shared = book.interactions.log(InteractionInput(people=[a, b], kind="meeting", notes="both"))
    book.people.archive(a)
    assert [p.id for p in book.people.list()] == [b]
    assert [p.id for p in book.people.list(only_archived=True)] == [a]
    book.people.restore(a)
    book.people.purge(a)
    with pytest.raises(NotFound):
        book.people.get(a)
    remaining = book.interactions.timeline(None)
    assert [i.id for i in remaining] == [shared.id]
    assert [r.id for r in remaining[0].people] == [b]
    assert book.search("solo") == []


def test_facts_questions_tags(book: Book) -> None:
    pid = add(book, "Ana")
    fact = book.people.add_fact("Ana", "interest", "sailing")
    question = book.people.add_question("Ana", "How was the regatta?")
    book.people.tag(pid, ["Sailing", "sailing"])
    person = book.people.untag(pid, []) if False else book.people.get(pid)
    assert [f.text for f in person.facts] == ["sailing"] and fact.kind == "interest"
    assert [q.text for q in person.questions] == [question.text]
    assert person.tags == ["sailing"]
    assert book.people.untag(pid, ["sailing"]).tags == []
    with pytest.raises(InvalidInput):
        book.people.add_fact("Ana", "hobby", "x")


def test_tenancy_one_owner_cannot_see_another(db_url: str, clock: Clock) -> None:
    alice = new_book(db_url, clock)
    bob = new_book(db_url, clock)
    pid = add(alice, "Ana Lima", emails=["ana@example.com"])
    alice.people.add_fact(pid, "interest", "secret sailing")
    assert bob.people.list() == []
    assert bob.search("sailing") == []
    for ref in (str(pid), "ana@example.com", "Ana Lima", "Ana"):
        with pytest.raises(NotFound):
            bob.people.resolve(ref)
    with pytest.raises(NotFound):
        bob.people.edit(pid, PersonInput(note="mine now"))
    with pytest.raises(NotFound):
        bob.people.purge(pid)
    assert alice.people.get(pid).notes is None


def test_lines_are_the_list_without_the_rest_of_each_person(book: Book, clock: Clock) -> None:
    """`book.people.lines` (what `amity list` prints) shows the people `list` returns, in its
    order, with the same name, title, organisation, circle, tags and last contact, whatever
    the filters; past 500 people the tags come from one pass over the book's tags."""
    from amity.book import InteractionInput
    from amity.book.people import finding

    a = add(book, "Ana", tags=["python", "climbing"], circle="inner", org="Acme")
    clock.advance(minutes=1)
    b = add(book, "Ben", tags=["python"], org="Globex")
    clock.advance(minutes=1)
    add(book, "Cleo", circle="inner")
    book.people.edit(b, PersonInput(title="CTO"))
    book.interactions.log(InteractionInput(people=[b], kind="call"))
    book.people.archive(a)

    def projected(**filters: object) -> list[tuple[object, ...]]:
        return [(p.id, p.name, p.title, p.org, p.circle, tuple(p.tags), p.last_interaction_at)
                for p in book.people.list(**filters)]  # type: ignore[arg-type]  # fmt: skip

    cases: list[dict[str, object]] = [
        {}, {"tag": "python"}, {"circle": "INNER"}, {"org": "glob"}, {"only_archived": True},
        {"include_archived": True, "sort": "last-contact"}, {"sort": "added", "reverse": True},
        {"sort": "name", "limit": 1, "offset": 1}, {"limit": 0},
    ]  # fmt: skip
    for filters in cases:
        lines = book.people.lines(**filters)
        assert [(x.id, x.name, x.title, x.org, x.circle, x.tags, x.last_interaction_at)
                for x in lines] == projected(**filters), filters  # fmt: skip
    archived = book.people.lines(only_archived=True)
    assert [(x.name, x.tags, x.circle) for x in archived] == [
        ("Ana", ("climbing", "python"), "inner")]  # fmt: skip
    assert {x.name: x.title for x in book.people.lines(include_archived=True)}["Ben"] == "CTO"
    original = finding.ID_BATCH
    try:
        finding.ID_BATCH = 1  # the one-pass reading of every tag
        assert [x.tags for x in book.people.lines(include_archived=True)] == [
            ("climbing", "python"), ("python",), ()]  # fmt: skip
    finally:
        finding.ID_BATCH = original
