"""The journal, undo and the trash through the Book, on SQLite and PostgreSQL (issue 15)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from amity.book import Book, InteractionInput, PersonInput
from amity.book.history import purge_trash
from amity.errors import Conflict, NotFound
from tests.conftest import Clock, new_book


def _ana(book: Book) -> int:
    return book.people.add(
        PersonInput(name="Ana Lima", emails=["ana@example.org"], org="Acme", tags=["friend"])
    ).id


def test_every_write_is_one_group_with_door_actor_and_fields(book: Book) -> None:
    book.acting("web", "me@example.org")
    ana = _ana(book)
    book.acting("api", "token laptop")
    book.people.edit(ana, PersonInput(name="Ana Lima-Souza", title="CTO"))
    groups = book.history.groups()
    assert [g.door for g in groups] == ["api", "web"]
    assert [g.actor for g in groups] == ["token laptop", "me@example.org"]
    edit, add = groups
    assert add.kind == "add" and add.summary.startswith("added person Ana Lima")
    assert {c.table for c in add.changes} >= {"people", "contact_points", "person_tags", "jobs"}
    person_row = next(c for c in edit.changes if c.table == "people" and c.op == "update")
    fields = {f.name: (f.before, f.after) for f in person_row.fields}
    assert fields["name"] == ("Ana Lima", "Ana Lima-Souza")
    assert fields["title"] == (None, "CTO")
    assert "name_key" not in fields and "version" not in fields  # derived, hidden
    assert edit.summary.startswith("edited person Ana Lima-Souza")


def test_person_history_lists_only_their_groups(book: Book) -> None:
    ana = _ana(book)
    bob = book.people.add(PersonInput(name="Bob Stone")).id
    book.people.add_fact(ana, "interest", "sailing")
    book.interactions.log(InteractionInput(people=[bob], kind="call", subject="catch-up"))
    ana_groups = book.history.groups(person=ana)
    bob_groups = book.history.groups(person=bob)
    assert len(ana_groups) == 2 and len(bob_groups) == 2
    assert any("fact" in g.summary for g in ana_groups)
    assert any("interaction" in g.summary for g in bob_groups)
    assert not {g.id for g in ana_groups} & {g.id for g in bob_groups}


def test_undo_the_last_edit_sets_fields_back(book: Book) -> None:
    ana = _ana(book)
    book.people.edit(ana, PersonInput(org="Globex", title="CTO"))
    version = book.people.get(ana).version
    result = book.history.undo()
    person = book.people.get(ana)
    assert person.org == "Acme" and person.title is None
    assert person.version > version  # an ETag never names two states
    assert result.reverted >= 1 and result.removed == 1  # the job at Globex
    assert book.history.groups()[0].kind == "undo"
    assert book.history.groups()[0].undoes_id == result.group.id
    # the next undo goes further back: the person's creation
    book.history.undo()
    with pytest.raises(NotFound):
        book.people.resolve("Ana Lima")


def test_undo_refuses_when_a_later_change_touched_the_same_rows(book: Book) -> None:
    ana = _ana(book)
    book.people.edit(ana, PersonInput(org="Globex"))
    first = book.history.groups()[0].id
    book.people.edit(ana, PersonInput(name="Ana L."))
    with pytest.raises(Conflict, match="later change"):
        book.history.undo(first)
    assert book.people.get(ana).org == "Globex"  # nothing was changed
    book.history.undo(first, force=True)
    person = book.people.get(ana)
    assert person.org == "Acme" and person.name == "Ana L."


def test_undo_of_an_add_refuses_when_a_later_record_hangs_on_it(book: Book) -> None:
    ana = _ana(book)
    added = book.history.groups()[0].id
    book.people.add_fact(ana, "family", "two kids")
    with pytest.raises(Conflict):
        book.history.undo(added)


def test_a_deleted_person_goes_to_the_trash_and_comes_back_whole(book: Book) -> None:
    ana = _ana(book)
    bob = book.people.add(PersonInput(name="Bob Stone", introduced_by="Ana Lima")).id
    book.people.add_fact(ana, "interest", "sailing")
    book.people.add_question(ana, "How was Lisbon?")
    solo = book.interactions.log(InteractionInput(people=[ana], kind="call", subject="alone"))
    shared = book.interactions.log(InteractionInput(people=[ana, bob], kind="meeting"))
    before = book.people.get(ana)
    book.people.purge(ana)
    with pytest.raises(NotFound):
        book.people.resolve("Ana Lima")
    assert book.people.get(bob).introduced_by is None
    [entry] = book.history.trash()
    assert entry.kind == "delete"
    assert ("person", "Ana Lima") in entry.records
    assert ("interaction", f"alone ({solo.occurred_at:%Y-%m-%d})") in entry.records
    assert entry.related >= 4  # e-mail, tag, fact, question, participants...
    assert entry.until - entry.deleted_at == timedelta(days=30)
    result = book.history.restore(entry.id)
    assert result.restored >= 6
    after = book.people.get(ana)
    assert after.name == before.name and after.emails == before.emails
    assert after.tags == before.tags and after.org == "Acme"
    assert [f.text for f in after.facts] == ["sailing"]
    assert book.people.get(bob).introduced_by is not None  # the reference came back too
    assert {i.id for i in book.interactions.timeline(ana)} == {solo.id, shared.id}
    assert book.search("sailing") or book.search("Ana")  # indexed again
    assert book.history.trash() == []
    with pytest.raises(NotFound):
        book.history.restore(entry.id)


def test_a_merge_is_undone_from_the_trash(book: Book) -> None:
    ana = _ana(book)
    twin = book.people.add(
        PersonInput(name="Ana L.", emails=["ana@work.example"], phones=["+351912345678"])
    ).id
    book.people.add_fact(twin, "interest", "jazz")
    book.transfer.merge(ana, twin, backup=False)
    assert [f.text for f in book.people.get(ana).facts] == ["jazz"]
    [entry] = book.history.trash()
    assert entry.kind == "merge" and "merged Ana L." in entry.summary
    book.history.restore(entry.id)
    assert book.people.get(ana).facts == []
    back = book.people.get(twin)
    assert back.name == "Ana L." and [f.text for f in back.facts] == ["jazz"]
    assert back.emails == ["ana@work.example"]
    assert book.people.get(ana).emails == ["ana@example.org"]


def test_other_owners_history_is_not_found(book: Book, clock: Clock, db_url: str) -> None:
    ana = _ana(book)
    book.people.purge(ana)
    entry = book.history.trash()[0]
    other = new_book(db_url, clock)
    assert other.history.groups() == [] and other.history.trash() == []
    with pytest.raises(NotFound):
        other.history.restore(entry.id)
    with pytest.raises(NotFound):
        other.history.undo(entry.id)
    with pytest.raises(NotFound):
        other.history.undo()


def test_the_trash_is_purged_after_thirty_days(book: Book, clock: Clock) -> None:
    ana = _ana(book)
    book.people.edit(ana, PersonInput(title="CTO"))
    book.people.purge(ana)
    [entry] = book.history.trash()
    clock.advance(days=29)
    assert purge_trash(book.ctx.engine, clock(), owner_id=book.owner_id) == 0
    assert book.history.trash() != []
    clock.advance(days=2)
    assert book.history.trash() == []
    assert book.history.purge_expired() == 1
    group = book.history.group(entry.id)
    assert group.purged_at is not None
    assert all(c.op not in ("delete", "cascade") for c in group.changes)
    # every earlier change about the person is forgotten too
    assert all(c.person_id != ana for g in book.history.groups() for c in g.changes)
    with pytest.raises(NotFound):
        book.history.groups(person=str(ana))
    with pytest.raises(Conflict):
        book.history.undo(entry.id)


def test_backup_round_trip_keeps_history_and_trash(book: Book, clock: Clock, db_url: str) -> None:
    ana = _ana(book)
    bob = book.people.add(PersonInput(name="Bob Stone")).id
    book.people.add_fact(bob, "interest", "chess")
    book.people.edit(bob, PersonInput(org="Initech"))
    book.people.purge(ana)
    document = book.export_json()
    assert document["tables"]["change_groups"] and document["tables"]["changes"]
    target = new_book(db_url, clock)
    target.restore_json(document)
    assert target.export_json() == document
    [entry] = target.history.trash()
    assert ("person", "Ana Lima") in entry.records
    target.history.restore(entry.id)
    assert target.people.get("Ana Lima").emails == ["ana@example.org"]
    target.history.undo(target.history.groups(person="Bob Stone")[0].id)
    assert target.people.get("Bob Stone").org is None


def test_bulk_demo_fill_is_one_undoable_group(db_url: str, clock: Clock) -> None:
    book = new_book(db_url, clock)
    book.fill_demo(people=12, years=1, seed=3)
    [group] = book.history.groups()
    assert group.kind == "import" and "people" in group.summary
    assert any(c.op == "bulk" and c.table == "people" and c.count >= 12 for c in group.changes)
    book.history.undo()
    assert book.people.list() == []
    assert book.counts()["interactions"] == 0


def test_restore_puts_back_under_a_new_id_when_the_old_one_is_taken(
    sqlite_book: Book,
) -> None:
    book = sqlite_book
    ana = _ana(book)
    book.people.purge(ana)
    entry = book.history.trash()[0]
    # SQLite hands the highest id out again
    newcomer = book.people.add(PersonInput(name="Carla Dias")).id
    result = book.history.restore(entry.id)
    assert book.people.get("Ana Lima").emails == ["ana@example.org"]
    assert book.people.get(newcomer).name == "Carla Dias"
    assert result.restored >= 1


def test_times_are_the_books_clock(book: Book, clock: Clock) -> None:
    clock.set(datetime(2026, 3, 1, 9, 30, tzinfo=UTC))
    _ana(book)
    assert book.history.groups()[0].at == datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def test_every_record_kind_deleted_through_book_records_lands_in_the_trash(book: Book) -> None:
    """book.records (issue 12) knows nothing of the journal: its deletes are captured anyway."""
    ana = _ana(book)
    fact = book.people.add_fact(ana, "interest", "sailing")
    talk = book.interactions.log(InteractionInput(people=[ana], kind="call", subject="Lisbon"))
    goal = book.feedback.add_goal("Speak slower", check_in="weekly")
    book.records.delete("fact", fact.id)
    book.records.delete("interaction", talk.id)
    book.records.delete("goal", goal.id or 0)
    entries = book.history.trash()
    assert [e.records for e in entries] == [
        (("goal", "Speak slower"),),
        ((("interaction", f"Lisbon ({talk.occurred_at:%Y-%m-%d})")),),
        (("fact", "sailing"),),
    ]
    for entry in entries:
        book.history.restore(entry.id)
    assert [f.text for f in book.people.get(ana).facts] == ["sailing"]
    assert [i.subject for i in book.interactions.timeline(ana)] == ["Lisbon"]
    assert book.people.get(ana).last_interaction_at == talk.occurred_at
