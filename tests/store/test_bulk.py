"""Bulk writes (store/bulk.py): local ids become real ones, foreign keys follow, and values
read back exactly as the ordinary inserts store them, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from amity.book import Book, InteractionInput, PersonInput
from amity.store import bulk
from tests.conftest import Clock, new_book

WHEN = datetime(2025, 3, 4, 5, 6, 7, 123456, tzinfo=UTC)


def person_row(local: int, name: str, **extra: Any) -> dict[str, Any]:
    """Every row of one table carries the same keys (one statement per table)."""
    return {
        "id": local,
        "name": name,
        "name_key": name.lower(),
        "is_group": False,
        "created_at": WHEN,
        "updated_at": WHEN,
        "version": 1,
        "met_on": None,
        "introduced_by_id": None,
        "last_interaction_at": None,
        **extra,
    }


def write(book: Book, rows: bulk.Rows) -> dict[str, list[int]]:
    stages: list[str] = []
    with book.ctx.write() as conn:
        real = bulk.write_rows(conn, book.owner_id, rows, lambda stage, *_: stages.append(stage))
    assert stages and set(stages) == {"writing"}
    return real


def test_local_ids_and_foreign_keys_become_real_ones(db_url: str, clock: Clock) -> None:
    earlier = new_book(db_url, clock)
    earlier.people.add(PersonInput(name="Already Here"))  # ids are taken after existing rows
    book = new_book(db_url, clock)
    real = write(
        book,
        {
            "people": [
                person_row(1, "Ana Lima", met_on=date(2020, 2, 29)),
                person_row(2, "Bo Chen", introduced_by_id=1, last_interaction_at=WHEN),
            ],
            "tags": [{"id": 1, "name": "python"}, {"id": 2, "name": "climate"}],
            "person_tags": [{"person_id": 2, "tag_id": 1}, {"person_id": 2, "tag_id": 2}],
        },
    )
    ana_id, bo_id = real["people"]
    assert earlier.people.get("Already Here").id not in (ana_id, bo_id)
    ana, bo = book.people.get(ana_id), book.people.get(bo_id)
    assert (ana.name, ana.met_on, ana.created_at) == ("Ana Lima", date(2020, 2, 29), WHEN)
    assert bo.introduced_by is not None and bo.introduced_by.id == ana_id
    assert bo.last_interaction_at == WHEN
    assert sorted(bo.tags) == ["climate", "python"]
    assert earlier.people.count() == 1 and book.people.count() == 2


def test_bulk_values_compare_like_ordinary_ones(db_url: str, clock: Clock) -> None:
    """Instants written in bulk sort in SQL with the instants the Book writes itself."""
    book = new_book(db_url, clock)
    write(
        book,
        {
            "people": [
                person_row(1, "Before", last_interaction_at=WHEN - timedelta(microseconds=1)),
                person_row(2, "After", last_interaction_at=WHEN + timedelta(seconds=1)),
            ]
        },
    )
    logged = book.people.add(PersonInput(name="Logged"))
    book.interactions.log(InteractionInput(people=[logged.id], kind="call", occurred_at=WHEN))
    in_sql = [p.name for p in book.people.list(sort="last-contact")]
    assert in_sql in (["Before", "Logged", "After"], ["After", "Logged", "Before"])
