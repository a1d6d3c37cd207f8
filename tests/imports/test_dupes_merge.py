"""Duplicates and merging, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from amity.book import Book, InteractionInput, PersonInput
from amity.errors import InvalidInput
from amity.rules.dupes import PersonSketch, find_duplicates
from amity.store import schema as s


@pytest.fixture(autouse=True)
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Backups of books on PostgreSQL go to $AMITY_HOME/backups."""
    monkeypatch.setenv("AMITY_HOME", str(tmp_path))
    return tmp_path


def test_rules_find_pairs_by_name_email_and_phone_with_reasons() -> None:
    people = [
        PersonSketch(1, "Zoë Ångström", "Acme", ("zoe@acme.example",)),
        PersonSketch(2, "Zoe Angstrom", "ACME", ("z.angstrom@acme.example",)),
        PersonSketch(3, "Bob Stone", None, ("bob@mail.example",), ("+14155550101",)),
        PersonSketch(4, "Robert Stone", None, (), ("+14155550101",)),
        PersonSketch(5, "Carla Dias", "Gamma"),
    ]
    pairs = {(p.a, p.b): p for p in find_duplicates(people)}
    assert set(pairs) == {(1, 2), (3, 4)}
    assert pairs[(1, 2)].score == 100 and pairs[(1, 2)].reasons == [
        "same name",
        "both at ACME",
        "same e-mail domain acme.example",
    ]
    assert "same phone +14155550101" in pairs[(3, 4)].reasons


def test_blocking_keeps_ten_thousand_people_far_from_fifty_million_comparisons() -> None:
    from amity.rules.dupes import candidate_pairs
    from amity.rules.text import fold

    people = [
        PersonSketch(i, f"Person{i} Family{i % 977}", None, (f"p{i}@x{i % 50}.example",))
        for i in range(10_000)
    ]
    pairs = candidate_pairs(people, {p.id: fold(p.name) for p in people}, max_block=300)
    assert len(pairs) < 200_000


def _two_anas(book: Book) -> tuple[int, int]:
    keep = book.people.add(
        PersonInput(
            name="Ana Lima", emails=["ana@acme.example"], tags=["python"], birthday="1990-04-15"
        )
    )
    other = book.people.add(
        PersonInput(
            name="Ana  Lima",
            emails=["ANA@acme.example", "al@home.example"],
            phones=["+1 415 555 0101"],
            tags=["python", "friends"],
            org="Acme",
            birthday="--04-15",
            note="Met at PyCon",
        )
    )
    return keep.id, other.id


def test_dupes_lists_the_pair_with_why(book: Book) -> None:
    keep, other = _two_anas(book)
    book.people.add(PersonInput(name="Someone Else"))
    found = book.transfer.dupes()
    assert [(d.a.id, d.b.id) for d in found] == [(keep, other)]
    assert "same e-mail ana@acme.example" in found[0].reasons


def test_merge_moves_everything_keeps_history_and_writes_a_backup(book: Book) -> None:
    keep, other = _two_anas(book)
    third = book.people.add(PersonInput(name="Bruno Costa")).id
    book.people.add_fact(other, "interest", "sailing")
    book.people.add_question(other, "How was the regatta?")
    shared = book.interactions.log(
        InteractionInput(
            people=[keep, other], kind="meeting", occurred_at=datetime(2026, 10, 1, tzinfo=UTC)
        )
    )
    solo = book.interactions.log(
        InteractionInput(
            people=[other, third], kind="call", occurred_at=datetime(2026, 11, 1, tzinfo=UTC)
        )
    )
    book.commitments.add(other, "send the slides", due_on=date(2026, 12, 1))
    book.follow_ups.add(other, "ask about the new job", date(2026, 12, 5))
    with book.ctx.write() as conn:
        event = conn.execute(
            insert(s.events).values(
                owner_id=book.owner_id, name="PyCon", kind="conference", created_at=book.ctx.now()
            )
        ).inserted_primary_key[0]
        conn.execute(
            insert(s.attendance),
            [
                {
                    "owner_id": book.owner_id,
                    "event_id": event,
                    "person_id": pid,
                    "created_at": book.ctx.now(),
                }
                for pid in (keep, other)
            ],
        )
        conn.execute(
            insert(s.relationships).values(
                owner_id=book.owner_id,
                person_a_id=keep,
                person_b_id=other,
                kind="colleague",
                created_at=book.ctx.now(),
            )
        )
        conn.execute(
            insert(s.relationships).values(
                owner_id=book.owner_id,
                person_a_id=other,
                person_b_id=third,
                kind="friend",
                created_at=book.ctx.now(),
            )
        )

    result = book.transfer.merge(keep, other)

    line = result.line()
    assert "\n" not in line and line.startswith("Merged Ana  Lima")
    assert result.backup is not None and result.backup.exists()
    backup = json.loads(result.backup.read_text())
    assert len(backup["tables"]["people"]) == 3  # the moment before
    assert book.people.count() == 2
    ana = book.people.get(keep)
    assert sorted(ana.emails) == ["al@home.example", "ana@acme.example"]
    assert ana.phones == ["+14155550101"] and ana.tags == ["friends", "python"]
    assert ana.org == "Acme" and ana.notes == "Met at PyCon"
    assert [(d.kind, d.when.year) for d in ana.dates] == [("birthday", 1990)]
    assert [f.text for f in ana.facts] == ["sailing"]
    assert [q.text for q in ana.questions] == ["How was the regatta?"]
    timeline = book.interactions.timeline(keep)
    assert {i.id for i in timeline} == {shared.id, solo.id}
    assert [p.id for p in book.interactions.get(shared.id).people] == [keep]
    assert ana.last_interaction_at == datetime(2026, 11, 1, tzinfo=UTC)
    with book.ctx.read() as conn:
        assert conn.execute(select(s.commitments.c.person_id)).scalars().all().count(keep) >= 1
        assert conn.execute(
            select(s.attendance.c.person_id).where(s.attendance.c.event_id == event)
        ).scalars().all() == [keep]
        relations = conn.execute(
            select(
                s.relationships.c.person_a_id, s.relationships.c.person_b_id, s.relationships.c.kind
            ).where(s.relationships.c.owner_id == book.owner_id)
        ).all()
        assert [tuple(r) for r in relations] == [(keep, third, "friend")]
        assert conn.execute(
            select(s.follow_ups.c.person_id).where(s.follow_ups.c.owner_id == book.owner_id)
        ).scalars().all() == [keep]
    assert [h.id for h in book.search("sailing")] == [keep]


def test_merge_refuses_the_same_person_and_writes_nothing(book: Book) -> None:
    keep, _ = _two_anas(book)
    with pytest.raises(InvalidInput):
        book.transfer.merge(keep, keep)
    assert book.people.count() == 2


def test_a_merge_is_undone_by_restoring_its_backup(book: Book, clock) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import new_book

    keep, other = _two_anas(book)
    before = book.export_json()
    result = book.transfer.merge(keep, other)
    assert result.backup is not None
    restored = new_book(book.ctx.url, clock)
    restored.restore_json(json.loads(result.backup.read_text()))
    assert restored.export_json() == before


@pytest.mark.parametrize(
    ("a", "b", "differ"),
    [
        ("Ana Lima", "Carla Dias", True),
        ("Ana Lima", "Reception Desk", True),
        ("Ana Lima", "ANA LIMA", False),
        ("Ana Lima", "Ana B. Lima", False),
        ("Ana Lima", "Ana Lima Souza", False),
        ("Bob Jones", "Robert Jones", False),
        ("Ana Lima", "", False),
        ("José Núñez", "Jose Nunez", False),
    ],
)
def test_names_that_clearly_differ(a: str, b: str, differ: bool) -> None:
    from amity.rules.dupes import names_clearly_differ

    assert names_clearly_differ(a, b) is differ
