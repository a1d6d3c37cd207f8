"""The pre-meeting brief, `prepare`, and questions marked asked (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from amity.book import Book, InteractionInput, PersonInput
from amity.book.brief import parse_question_ref
from amity.errors import InvalidInput, NotFound
from amity.store import schema as s
from tests.conftest import Clock


def at(day: int, month: int = 11, hour: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
def ana(book: Book) -> int:
    """Ana Lima at Volta, close circle, met at PyCon through Ben; a rich history."""
    ben = book.people.add(PersonInput(name="Ben Ode", org="Volta"))
    person = book.people.add(
        PersonInput(
            name="Ana Lima",
            org="Volta",
            title="CTO",
            circle="close",
            birthday="--12-01",
            introduced_by="Ben Ode",
            preferred_channel="signal",
            timezone="Europe/Lisbon",
        )
    )
    book.network.events.add("PyCon 2026", "conference", starts_on=date(2026, 10, 1))
    book.network.events.met(["Ana Lima", "Ben Ode"], "PyCon")
    book.people.add_fact("Ana", "interest", "sailing")
    book.people.add_fact("Ana", "family", "daughter Mia, 6")
    book.people.add_question("Ana", "How did the sailing trip go?")
    for day in range(1, 8):
        book.interactions.log(
            InteractionInput(
                people=[person.id],
                kind="email",
                direction="outbound",
                subject=f"note {day}",
                occurred_at=at(day),
            )
        )
    book.commitments.add("Ana", "send the pricing sheet", due_on=date(2026, 11, 28))
    book.network.ledger.got("Ana", "advice", "hiring plan", on=date(2026, 10, 2))
    article = book.articles.add(
        "https://example.org/sail", title="Sailing the Atlantic", topics=["sailing"]
    )
    book.articles.share(article.id, ["Ana"])
    book.interactions.log(
        InteractionInput(
            people=[person.id],
            kind="message",
            needs_reply=True,
            subject="can you review my deck?",
            occurred_at=at(25),
        )
    )
    del ben
    return person.id


def test_the_brief_has_everything_to_read_before_a_meeting(book: Book, ana: int) -> None:
    b = book.briefs.brief("Ana", today=date(2026, 11, 25))
    assert b.person.name == "Ana Lima" and b.person.preferred_channel == "signal"
    assert b.met_event == "PyCon 2026" and b.person.introduced_by.name == "Ben Ode"  # type: ignore[union-attr]
    assert b.cadence_days == 30 and b.health is not None and 0 <= b.health.score <= 100
    assert len(b.recent) == 5 and b.recent[1].subject.startswith("Shared:")  # type: ignore[union-attr]
    assert [c.text for c in b.promises_mine] == ["send the pricing sheet"]
    assert [i.subject for i in b.awaiting_reply] == ["can you review my deck?"]
    assert [f.text for f in b.interests] == ["sailing"]
    assert [f.text for f in b.family] == ["daughter Mia, 6"]
    assert [q.text for q in b.questions] == ["How did the sailing trip go?"]
    assert [(u.kind, u.on, u.days_until) for u in b.upcoming] == [
        ("birthday", date(2026, 12, 1), 6)
    ]
    assert [(a.title, a.topics) for a in b.shared] == [("Sailing the Atlantic", ["sailing"])]
    assert (b.balance.given, b.balance.received) == (1, 1)  # type: ignore[union-attr]
    mutual = {m.person.name: m.how for m in b.mutual}
    assert set(mutual["Ben Ode"]) == {"introduced you", "both at PyCon 2026", "both at Volta"}


def test_the_brief_of_someone_new_is_short_but_complete(book: Book) -> None:
    book.people.add(PersonInput(name="Zed"))
    b = book.briefs.brief("Zed")
    assert b.recent == [] and b.mutual == [] and b.questions == [] and b.upcoming == []
    assert b.balance is not None and b.balance.given == 0
    with pytest.raises(NotFound):
        book.briefs.brief("Nobody")


def test_prepare_briefs_everyone_in_the_days_planned_meetings(book: Book, ana: int) -> None:
    book.people.add(PersonInput(name="Cleo"))
    book.interactions.log(
        InteractionInput(
            people=["Ana", "Cleo"], kind="meeting", subject="lunch", occurred_at=at(27, hour=12)
        )
    )
    book.interactions.log(
        InteractionInput(people=["Cleo"], kind="call", occurred_at=at(27, hour=9))
    )
    book.interactions.log(
        InteractionInput(people=["Cleo"], kind="call", occurred_at=at(28, hour=9))
    )
    meetings = book.briefs.prepare(date(2026, 11, 27))
    assert [m.interaction.kind for m in meetings] == ["call", "meeting"]
    assert [b.person.name for b in meetings[1].briefs] == ["Ana Lima", "Cleo"]
    assert book.briefs.prepare(date(2026, 11, 26)) == []


def test_a_question_asked_is_marked_and_its_answer_becomes_a_fact(book: Book, ana: int) -> None:
    question = book.people.get("Ana").questions[0]
    text = f"Q{question.id}=Great, they crossed to the Azores"
    qid, answer = parse_question_ref(text)
    book.briefs.check_questions([qid], ["Ana"])
    logged = book.interactions.log(InteractionInput(people=["Ana"], kind="call"))
    done = book.briefs.mark_asked([(qid, answer)], interaction_id=logged.id)
    assert done[0].answer == "Great, they crossed to the Azores"
    person = book.people.get("Ana")
    assert person.questions[0].asked_at is not None
    assert any(f.text.endswith("crossed to the Azores") for f in person.facts)
    q = s.questions
    with book.ctx.read() as conn:
        row = conn.execute(q.select().where(q.c.id == qid)).one()
    assert row.asked_interaction_id == logged.id and row.answer_fact_id is not None
    assert book.briefs.brief("Ana").questions == []
    with pytest.raises(InvalidInput, match="already asked"):
        book.briefs.check_questions([qid], ["Ana"])


def test_questions_for_someone_else_or_unknown_are_refused(book: Book, ana: int) -> None:
    book.people.add(PersonInput(name="Cleo"))
    qid = book.people.get("Ana").questions[0].id
    with pytest.raises(InvalidInput, match="someone not in this interaction"):
        book.briefs.check_questions([qid], ["Cleo"])
    with pytest.raises(NotFound):
        book.briefs.check_questions([999999], ["Ana"])
    with pytest.raises(InvalidInput):
        parse_question_ref("what?")
    assert parse_question_ref("12") == (12, None)


def test_work_anniversaries_are_among_the_upcoming_dates(book: Book, clock: Clock) -> None:
    from datetime import timedelta

    clock.set(datetime(2024, 12, 10, 12, tzinfo=UTC))
    book.people.add(PersonInput(name="Dora", org="Initech"))
    book.people.edit("Dora", PersonInput(org="Volta"))  # a new job from 2024-12-10
    clock.set(datetime(2026, 11, 25, 12, tzinfo=UTC))
    b = book.briefs.brief("Dora", today=date(2026, 11, 25))
    assert [(u.kind, u.label, u.on, u.years) for u in b.upcoming] == [
        ("work_anniversary", "Volta", date(2026, 12, 10), 2)
    ]
    assert book.briefs.brief("Dora", today=date(2026, 12, 11) + timedelta(days=1)).upcoming == []
