"""Reading one record back as its model object, after an edit (the doors serialise it)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from amity.model import (
    Commitment,
    Fact,
    Feedback,
    FollowUp,
    Goal,
    ImportantDate,
    PartialDate,
    PersonRef,
    Question,
)
from amity.rules.related import shown_name
from amity.store import schema as s


def load_record(conn: Connection, owner_id: int, kind: str, record_id: int) -> Any:
    loaders = {
        "interaction": _interaction,
        "fact": _fact,
        "question": _question,
        "date": _date,
        "promise": _promise,
        "follow_up": _follow_up,
        "event": _event,
        "relationship": _relationship,
        "article": _article,
        "goal": _goal,
        "feedback": _feedback,
    }
    return loaders[kind](conn, owner_id, record_id)


def _row(conn: Connection, table: Any, owner_id: int, record_id: int) -> Any:
    return conn.execute(
        select(table).where(table.c.owner_id == owner_id, table.c.id == record_id)
    ).one()


def _person(conn: Connection, owner_id: int, person_id: int | None) -> PersonRef | None:
    if person_id is None:
        return None
    p = s.people
    name = conn.execute(
        select(p.c.name).where(p.c.owner_id == owner_id, p.c.id == person_id)
    ).scalar_one()
    return PersonRef(person_id, name)


def _interaction(conn: Connection, owner_id: int, record_id: int) -> Any:
    from amity.book.interactions import interaction_from_row

    i, ip, p = s.interactions, s.interaction_participants, s.people
    r = _row(conn, i, owner_id, record_id)
    people = [
        PersonRef(x.id, x.name)
        for x in conn.execute(
            select(p.c.id, p.c.name)
            .join(ip, ip.c.person_id == p.c.id)
            .where(ip.c.owner_id == owner_id, ip.c.interaction_id == record_id)
            .order_by(p.c.name_key)
        )
    ]
    return interaction_from_row(r, people)


def _fact(conn: Connection, owner_id: int, record_id: int) -> Fact:
    r = _row(conn, s.facts, owner_id, record_id)
    return Fact(r.kind, r.text, r.person_id, r.happened_on, r.created_at, r.id)


def _question(conn: Connection, owner_id: int, record_id: int) -> Question:
    r = _row(conn, s.questions, owner_id, record_id)
    return Question(r.text, r.person_id, r.created_at, r.asked_at, r.answer, r.id)


def _date(conn: Connection, owner_id: int, record_id: int) -> ImportantDate:
    r = _row(conn, s.important_dates, owner_id, record_id)
    return ImportantDate(r.kind, PartialDate(r.month, r.day, r.year), r.label, r.id)


def _promise(conn: Connection, owner_id: int, record_id: int) -> Commitment:
    r = _row(conn, s.commitments, owner_id, record_id)
    person = _person(conn, owner_id, r.person_id)
    assert person is not None
    return Commitment(
        person, r.direction, r.text, r.due_on, r.status, r.created_at, r.done_at, r.id
    )


def _follow_up(conn: Connection, owner_id: int, record_id: int) -> FollowUp:
    r = _row(conn, s.follow_ups, owner_id, record_id)
    person = _person(conn, owner_id, r.person_id)
    assert person is not None
    return FollowUp(person, r.text, r.due_on, r.created_at, r.done_at, r.id)


def _event(conn: Connection, owner_id: int, record_id: int) -> Any:
    from amity.book.network.events import _event as event_of

    return event_of(_row(conn, s.events, owner_id, record_id))


def _relationship(conn: Connection, owner_id: int, record_id: int) -> Any:
    from amity.book.network.relationships import Relationship

    r = _row(conn, s.relationships, owner_id, record_id)
    a = _person(conn, owner_id, r.person_a_id)
    b = _person(conn, owner_id, r.person_b_id)
    missing = PersonRef(0, shown_name(r.name_hint or ""))  # a related name not in the book
    return Relationship(r.id, a or missing, b or missing, r.kind, r.note)


def _article(conn: Connection, owner_id: int, record_id: int) -> Any:
    from amity.book.articles import _article as article_of

    return article_of(_row(conn, s.articles, owner_id, record_id))


def _goal(conn: Connection, owner_id: int, record_id: int) -> Goal:
    r = _row(conn, s.goals, owner_id, record_id)
    return Goal(r.title, r.theme, r.check_in_days, r.until, r.status, r.id)


def _feedback(conn: Connection, owner_id: int, record_id: int) -> Feedback:
    r = _row(conn, s.feedback, owner_id, record_id)
    ft = s.feedback_themes
    themes = [
        x[0]
        for x in conn.execute(
            select(ft.c.theme)
            .where(ft.c.owner_id == owner_id, ft.c.feedback_id == record_id)
            .order_by(ft.c.theme)
        )
    ]
    return Feedback(
        r.kind,
        r.text,
        r.received_on,
        _person(conn, owner_id, r.person_id),
        r.context,
        themes,
        r.id,
    )
