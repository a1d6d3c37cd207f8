"""Builders shared by the agenda tests: people, events and history written straight to the
store (fast), so that each test reads like the situation it checks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select

from amity.book import Book, InteractionInput, PersonInput
from amity.store import schema as s

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def add(book: Book, name: str, **kw: object) -> int:
    person = book.people.add(PersonInput(name=name, **kw))  # type: ignore[arg-type]
    return person.id


def talk(book: Book, person: int | str, days_ago: int, **kw: object) -> int:
    result = book.interactions.log(
        InteractionInput(people=[person], occurred_at=NOW - timedelta(days=days_ago), **kw)
    )  # type: ignore[arg-type]
    assert result.id is not None
    return result.id


def event_with(book: Book, name: str, ended: date, people: list[int]) -> int:
    with book.ctx.write() as conn:
        event_id = int(
            conn.execute(
                insert(s.events).values(
                    owner_id=book.owner_id,
                    name=name,
                    kind="conference",
                    starts_on=ended - timedelta(days=2),
                    ends_on=ended,
                    created_at=NOW,
                )
            ).inserted_primary_key[0]
        )
        conn.execute(
            insert(s.attendance),
            [
                {
                    "owner_id": book.owner_id,
                    "event_id": event_id,
                    "person_id": pid,
                    "met": True,
                    "created_at": NOW,
                }
                for pid in people
            ],
        )
    return event_id


def add_job(book: Book, person: int, organisation: str, started: date) -> int:
    with book.ctx.write() as conn:
        return int(
            conn.execute(
                insert(s.jobs).values(
                    owner_id=book.owner_id,
                    person_id=person,
                    organisation=organisation,
                    start_date=started,
                )
            ).inserted_primary_key[0]
        )


def bulk_people(book: Book, count: int, *, circle: str = "close") -> list[int]:
    """``count`` people with a birthday today, an old last contact, a due promise, an awaited
    reply and a follow-up each: every loader has rows for every person."""
    owner = book.owner_id
    with book.ctx.write() as conn:
        circle_id = conn.execute(
            select(s.circles.c.id).where(s.circles.c.owner_id == owner, s.circles.c.name == circle)
        ).scalar_one()
        first = (
            conn.execute(select(s.people.c.id).order_by(s.people.c.id.desc()).limit(1)).scalar()
            or 0
        )
        rows = [
            {
                "owner_id": owner,
                "name": f"Person {i:04d}",
                "name_key": f"person {i:04d}",
                "circle_id": circle_id,
                "created_at": NOW - timedelta(days=400),
                "updated_at": NOW,
                "last_interaction_at": NOW - timedelta(days=60),
            }
            for i in range(count)
        ]
        conn.execute(insert(s.people), rows)
        ids = list(
            conn.execute(
                select(s.people.c.id)
                .where(s.people.c.owner_id == owner, s.people.c.id > first)
                .order_by(s.people.c.id)
            ).scalars()
        )
        conn.execute(
            insert(s.important_dates),
            [
                {
                    "owner_id": owner,
                    "person_id": pid,
                    "kind": "birthday",
                    "month": TODAY.month,
                    "day": TODAY.day,
                }
                for pid in ids
            ],
        )
        conn.execute(
            insert(s.commitments),
            [
                {
                    "owner_id": owner,
                    "person_id": pid,
                    "direction": "mine",
                    "text": "send it",
                    "due_on": TODAY,
                    "status": "open",
                    "created_at": NOW,
                }
                for pid in ids
            ],
        )
        conn.execute(
            insert(s.follow_ups),
            [
                {
                    "owner_id": owner,
                    "person_id": pid,
                    "text": "check in",
                    "due_on": TODAY,
                    "created_at": NOW,
                }
                for pid in ids
            ],
        )
        for pid in ids:
            iid = conn.execute(
                insert(s.interactions).values(
                    owner_id=owner,
                    kind="email",
                    direction="inbound",
                    occurred_at=NOW - timedelta(days=60),
                    status="done",
                    needs_reply=True,
                    created_at=NOW,
                )
            ).inserted_primary_key[0]
            conn.execute(
                insert(s.interaction_participants).values(
                    owner_id=owner,
                    interaction_id=iid,
                    person_id=pid,
                    occurred_at=NOW - timedelta(days=60),
                    direction="inbound",
                    status="done",
                )
            )
    return ids


# --- item keys about records of every kind (tests/agenda/test_item_keys.py, tests/web) -------

MISSING = 999_999


def records(book: Book) -> dict[str, int]:
    """One record of each kind a network item is about: a person, an article, a goal, a
    feedback request not asked yet and one asked."""
    ana = book.people.add(PersonInput(name="Ana Lima")).id
    article = book.articles.add("https://x.org/grid", title="Grid batteries").id or 0
    goal = book.feedback.add_goal("Speak slower", check_in="weekly").id or 0
    ask = book.feedback.ask(ana, "my talk").id
    asked = book.feedback.ask(ana, "my deck", asked=True).id
    return {"person": ana, "article": article, "goal": goal, "ask": ask, "asked": asked}


def keys(ids: dict[str, int]) -> list[str]:
    """A key of every network kind (and one of each older kind) about these records."""
    return [
        f"give:p{ids['person']}:2026-10-01",
        f"share:a{ids['article']}:p{ids['person']}",
        f"goal_checkin:g{ids['goal']}:2026-12-02",
        f"feedback_request:ask:r{ids['ask']}",
        f"feedback_request:follow_up:r{ids['asked']}:2026-12-09",
        f"keep_in_touch:p{ids['person']}:2026-10-01",
    ]


def refused_keys(mine: dict[str, int], theirs: dict[str, int]) -> list[str]:
    """Keys about another user's records, about none, and shares mixing one of each."""
    missing = dict.fromkeys(mine, MISSING)
    return [
        *keys(theirs),
        *keys(missing),
        f"share:a{mine['article']}:p{theirs['person']}",
        f"share:a{theirs['article']}:p{mine['person']}",
        f"share:a{mine['article']}:p{MISSING}",
        f"share:a{MISSING}:p{mine['person']}",
    ]


def stored_states(book: Book) -> list[str]:
    t = s.agenda_states
    with book.ctx.read() as conn:
        return list(
            conn.execute(select(t.c.item_key).where(t.c.owner_id == book.owner_id)).scalars()
        )
