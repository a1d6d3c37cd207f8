"""The demo network: realistic (every kind, skewed, promises, replies, events), deterministic,
scoped to its owner, refused on a non-empty book; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

import phonenumbers
import pytest

from amity.book import Book, PersonInput
from amity.errors import InvalidInput, NotEmpty
from amity.model import EXCHANGE_KINDS, FACT_KINDS, INTERACTION_KINDS
from tests.conftest import Clock, new_book

PEOPLE, YEARS, SEED = 60, 1, 7
Tables = dict[str, list[dict[str, Any]]]


@pytest.fixture
def demo(book: Book) -> Tables:
    progress: list[tuple[str, int, int]] = []
    counts = book.fill_demo(
        people=PEOPLE, years=YEARS, seed=SEED, progress=lambda *a: progress.append(a)
    )
    assert counts["people"] == PEOPLE
    stage, done, total = progress[-1]
    assert stage == "indexing" and done == total > 0
    return book.export_json()["tables"]


def test_people_fill_the_four_circles_with_few_inner_and_many_acquaintances(demo: Tables) -> None:
    circles = {c["id"]: c["name"] for c in demo["circles"]}
    sizes = Counter(circles[p["circle_id"]] for p in demo["people"])
    assert set(sizes) == {"inner", "close", "network", "acquaintance"}
    assert sizes["inner"] < sizes["close"] < sizes["network"] < sizes["acquaintance"]
    assert sizes["acquaintance"] > PEOPLE / 2


def test_interactions_cover_every_kind_and_direction_within_the_years(
    demo: Tables, clock: Clock
) -> None:
    interactions = demo["interactions"]
    assert {i["kind"] for i in interactions} == set(INTERACTION_KINDS)
    assert {i["direction"] for i in interactions} == {"inbound", "outbound", "mutual"}
    moments = [datetime.fromisoformat(i["occurred_at"]) for i in interactions]
    assert max(moments) <= clock()
    assert min(moments) >= clock() - timedelta(days=365 * YEARS)
    assert any(i["notes"] for i in interactions) and any(i["subject"] for i in interactions)
    sizes = Counter(p["interaction_id"] for p in demo["interaction_participants"])
    assert max(sizes.values()) >= 3  # meetings with several people


def test_a_few_people_get_most_of_the_attention(demo: Tables) -> None:
    per_person = Counter(p["person_id"] for p in demo["interaction_participants"])
    ranked = sorted((per_person.get(p["id"], 0) for p in demo["people"]), reverse=True)
    top = ranked[: PEOPLE // 10]
    assert sum(top) > 0.4 * sum(ranked)
    assert ranked.count(0) + ranked.count(1) > PEOPLE // 4  # most people rarely


def test_denormalised_columns_agree_with_the_log(demo: Tables) -> None:
    interactions = {i["id"]: i for i in demo["interactions"]}
    latest: dict[int, str] = {}
    for p in demo["interaction_participants"]:
        source = interactions[p["interaction_id"]]
        assert (p["occurred_at"], p["direction"], p["status"]) == (
            source["occurred_at"],
            source["direction"],
            source["status"],
        )
        latest[p["person_id"]] = max(latest.get(p["person_id"], ""), p["occurred_at"])
    assert {p["id"]: p["last_interaction_at"] for p in demo["people"]} == {
        p["id"]: latest.get(p["id"]) for p in demo["people"]
    }


def test_people_have_jobs_birthdays_contacts_tags_facts_and_questions(demo: Tables) -> None:
    birthdays = [d for d in demo["important_dates"] if d["kind"] == "birthday"]
    assert any(d["year"] is None for d in birthdays) and any(d["year"] for d in birthdays)
    assert any(j["end_date"] for j in demo["jobs"]) and any(j["start_date"] for j in demo["jobs"])
    phones = [c["value"] for c in demo["contact_points"] if c["kind"] == "phone"]
    assert phones and all(phonenumbers.is_valid_number(phonenumbers.parse(n)) for n in phones)
    emails = [c["normalized"] for c in demo["contact_points"] if c["kind"] == "email"]
    assert emails and len(set(emails)) == len(emails) and all("@" in e for e in emails)
    assert demo["tags"] and demo["person_tags"]
    assert {f["kind"] for f in demo["facts"]} == set(FACT_KINDS)
    assert any(q["asked_at"] is None for q in demo["questions"])


def test_promises_both_ways_are_kept_late_or_still_open(demo: Tables, clock: Clock) -> None:
    today = clock().date().isoformat()
    for direction in ("mine", "theirs"):
        mine = [c for c in demo["commitments"] if c["direction"] == direction]
        open_ = [c for c in mine if c["status"] == "open"]
        assert any(c["due_on"] < today for c in open_), f"no overdue {direction} promise"
        assert any(c["due_on"] >= today for c in open_), f"no upcoming {direction} promise"
    done = [c for c in demo["commitments"] if c["status"] == "done" and c["due_on"]]
    assert any(c["done_at"][:10] <= c["due_on"] for c in done)
    assert any(c["done_at"][:10] > c["due_on"] for c in done)


def test_some_messages_await_a_reply_and_others_were_answered(demo: Tables, book: Book) -> None:
    asked = [i for i in demo["interactions"] if i["needs_reply"]]
    assert any(i["replied_at"] for i in asked)
    waiting = book.interactions.awaiting_reply()
    assert waiting and all(w.needs_reply and w.replied_at is None for w in waiting)


def test_events_have_attendees_met_there(demo: Tables) -> None:
    attendees = Counter(a["event_id"] for a in demo["attendance"])
    assert demo["events"] and all(attendees[e["id"]] for e in demo["events"])
    met_there = {p["id"] for p in demo["people"] if p["met_event_id"]}
    assert met_there and any(a["met"] and a["person_id"] in met_there for a in demo["attendance"])
    assert any(i["event_id"] for i in demo["interactions"] if i["kind"] == "event")


def test_the_network_and_the_improvement_records_are_there(demo: Tables) -> None:
    assert demo["relationships"] and demo["introductions"] and demo["follow_ups"]
    assert {e["kind"] for e in demo["exchanges"]} == set(EXCHANGE_KINDS)
    assert {e["direction"] for e in demo["exchanges"]} == {"given", "received"}
    assert demo["articles"] and demo["shares"]
    assert {f["kind"] for f in demo["feedback"]} == {"positive", "constructive"}
    assert demo["feedback_themes"] and demo["feedback_requests"]
    assert demo["goals"] and demo["goal_checkins"]


def test_search_finds_demo_people_and_notes(demo: Tables, book: Book) -> None:
    person = demo["people"][0]
    hits = book.search(person["name"])
    assert any(h.kind == "person" and h.title == person["name"] for h in hits)
    noted = next(i for i in demo["interactions"] if i["notes"] and "Talked about" in i["notes"])
    assert any(h.kind == "interaction" for h in book.search(noted["notes"].split(".")[0]))


def test_same_seed_and_day_give_the_same_book(db_url: str, clock: Clock) -> None:
    first, second, other = (new_book(db_url, clock) for _ in range(3))
    first.fill_demo(people=30, years=1, seed=3)
    second.fill_demo(people=30, years=1, seed=3)
    other.fill_demo(people=30, years=1, seed=4)
    assert first.export_json() == second.export_json()
    assert first.export_json() != other.export_json()


def test_the_demo_stays_in_its_owners_book(db_url: str, clock: Clock) -> None:
    filled, neighbour = new_book(db_url, clock), new_book(db_url, clock)
    filled.fill_demo(people=20, years=1, seed=1)
    assert neighbour.people.count() == 0
    assert neighbour.interactions.count() == 0
    assert not neighbour.search("python") and not neighbour.search("re")


def test_a_book_with_data_is_refused_and_left_as_it_was(book: Book) -> None:
    book.people.add(PersonInput(name="Ana Lima"))
    with pytest.raises(NotEmpty):
        book.fill_demo(people=10, years=1)
    assert book.people.count() == 1


@pytest.mark.parametrize(("people", "years"), [(0, 1), (10, 0), (10, 31), (True, 1), (-5, 2)])
def test_bad_sizes_are_refused(sqlite_book: Book, people: Any, years: Any) -> None:
    with pytest.raises(InvalidInput):
        sqlite_book.fill_demo(people=people, years=years)
    assert sqlite_book.people.count() == 0


def test_history_ends_at_the_books_clock(sqlite_book: Book, clock: Clock) -> None:
    clock.set(datetime(2024, 2, 29, 9, 30, tzinfo=clock().tzinfo))
    sqlite_book.fill_demo(people=15, years=2, seed=9)
    latest = max(p.last_interaction_at for p in sqlite_book.people.list() if p.last_interaction_at)
    assert latest <= clock() and latest.date() >= date(2024, 1, 1)


def test_nothing_happened_after_now(demo: Tables, clock: Clock) -> None:
    from amity.store import schema as s
    from amity.store.schema import UTCDateTime

    now = clock().isoformat()
    for table in s.metadata.sorted_tables:
        instants = [c.name for c in table.c if isinstance(c.type, UTCDateTime)]
        for row in demo.get(table.name, []):
            late = {name: row[name] for name in instants if row[name] and row[name] > now}
            assert not late, (table.name, late)
