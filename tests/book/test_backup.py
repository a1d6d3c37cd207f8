"""The JSON backup is complete and lossless: export -> restore -> export is the same document."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amity.book import Book, InteractionInput, PersonInput
from amity.book.transfer.backup import backup_tables
from amity.errors import InvalidInput, NotEmpty
from amity.model import FACT_KINDS, INTERACTION_KINDS
from tests.conftest import Clock, new_book

text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(
    lambda s: s.strip() != ""
)
person_st = st.fixed_dictionaries(
    {
        "name": text,
        "tags": st.lists(st.from_regex(r"[a-z]{1,8}", fullmatch=True), max_size=3),
        "email": st.one_of(st.none(), st.from_regex(r"[a-z]{1,8}@example\.org", fullmatch=True)),
        "note": st.one_of(st.none(), text),
        "facts": st.lists(st.tuples(st.sampled_from(FACT_KINDS), text), max_size=2),
        "birthday": st.one_of(st.none(), st.sampled_from(["1990-04-15", "--02-29", "2000-12-31"])),
        "cadence": st.one_of(st.none(), st.sampled_from(["never", "30d", "6w"])),
    }
)
interaction_st = st.tuples(
    st.lists(st.integers(0, 5), min_size=1, max_size=3, unique=True),
    st.sampled_from(INTERACTION_KINDS),
    st.integers(0, 2000),
    st.one_of(st.none(), text),
)


def fill(book: Book, people: list[dict], interactions: list[tuple]) -> None:  # type: ignore[type-arg]
    ids = []
    for p in people:
        created = book.people.add(
            PersonInput(
                name=p["name"],
                tags=p["tags"],
                emails=[p["email"]] if p["email"] else [],
                note=p["note"],
                birthday=p["birthday"],
                cadence=p["cadence"],
            )
        )
        ids.append(created.id)
        for kind, fact in p["facts"]:
            book.people.add_fact(created.id, kind, fact)
    if ids:
        base = datetime(2024, 1, 1, tzinfo=UTC)
        for who, kind, hours, notes in interactions:
            book.interactions.log(
                InteractionInput(
                    people=[ids[i % len(ids)] for i in who],
                    kind=kind,
                    notes=notes,
                    occurred_at=base + timedelta(hours=hours),
                )
            )
    book.settings.set("timezone", "Europe/Lisbon")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(people=st.lists(person_st, max_size=6), interactions=st.lists(interaction_st, max_size=6))
def test_export_restore_export_is_identical(
    sqlite_url: str, people: list, interactions: list
) -> None:  # type: ignore[type-arg]
    clock = Clock()
    source = new_book(sqlite_url, clock)
    fill(source, people, interactions)
    document = source.export_json()
    target = new_book(sqlite_url, clock)
    target.restore_json(document)
    assert target.export_json() == document


def test_round_trip_on_both_backends_keeps_every_table(db_url: str, clock: Clock) -> None:
    source = new_book(db_url, clock)
    fill(
        source,
        [
            {
                "name": "Ana",
                "tags": ["x"],
                "email": "ana@example.org",
                "note": "n",
                "facts": [("interest", "jazz")],
                "birthday": "--02-29",
                "cadence": "6w",
            },
            {
                "name": "Ben",
                "tags": [],
                "email": None,
                "note": None,
                "facts": [],
                "birthday": None,
                "cadence": None,
            },
        ],
        [([0, 1], "meeting", 5, "lunch")],
    )
    source.people.edit("Ben", PersonInput(introduced_by="Ana"))  # a self-reference
    document = source.export_json()
    assert set(document["tables"]) == {t.name for t in backup_tables()}
    target = new_book(db_url, clock)
    counts = target.restore_json(document)
    assert counts["people"] == 2 and counts["interaction_participants"] == 2
    assert target.export_json() == document
    assert target.people.get("Ben").introduced_by.name == "Ana"  # type: ignore[union-attr]
    assert target.search("jazz")[0].title == "Ana"


def test_restore_refuses_a_non_empty_book_and_bad_documents(sqlite_book: Book) -> None:
    sqlite_book.people.add(PersonInput(name="Ana"))
    document = sqlite_book.export_json()
    with pytest.raises(NotEmpty):
        sqlite_book.restore_json(document)
    with pytest.raises(InvalidInput):
        sqlite_book.restore_json({"format": "something else"})


def test_bad_row_is_reported_and_nothing_is_written(sqlite_url: str, clock: Clock) -> None:
    source = new_book(sqlite_url, clock)
    source.people.add(PersonInput(name="Ana"))
    document = source.export_json()
    document["tables"]["people"][0]["created_at"] = "yesterday-ish"
    target = new_book(sqlite_url, clock)
    with pytest.raises(InvalidInput, match="people row 1"):
        target.restore_json(document)
    assert target.people.count() == 0
    assert len(target.circles()) == 4  # the new book's defaults survive a failed restore
