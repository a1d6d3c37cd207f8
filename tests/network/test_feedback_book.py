"""Feedback, feedback requests, goals and check-ins, themes (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from amity.book import Book, PersonInput
from amity.book.feedback import check_in_days
from amity.errors import Ambiguous, InvalidInput, NotFound
from tests.conftest import Clock
from tests.network.helpers import feedback_items

TODAY = date(2026, 11, 25)  # the clock's day


def test_feedback_with_themes_filters_by_theme_date_and_person(book: Book) -> None:
    book.people.add(PersonInput(name="Ana"))
    one = book.feedback.add(
        "clear slides",
        kind="positive",
        person="Ana",
        themes=["Speaking", "slides"],
        on=date(2026, 11, 1),
    )
    book.feedback.add(
        "talked too fast", kind="constructive", context="team demo", themes=["speaking, pacing"]
    )
    assert one.themes == ["speaking", "slides"] and one.person.name == "Ana"  # type: ignore[union-attr]
    assert [f.text for f in book.feedback.list()] == ["talked too fast", "clear slides"]
    assert [f.text for f in book.feedback.list(theme="pacing")] == ["talked too fast"]
    assert [f.text for f in book.feedback.list(since=date(2026, 11, 2))] == ["talked too fast"]
    assert [f.text for f in book.feedback.list(person="Ana")] == ["clear slides"]
    assert book.feedback.list()[0].themes == ["pacing", "speaking"]
    with pytest.raises(InvalidInput):
        book.feedback.add("x", kind="meh")
    with pytest.raises(InvalidInput):
        book.feedback.add("  ", kind="positive")
    assert len(book.feedback.list()) == 2


def test_a_request_is_asked_then_answered_by_feedback_from_that_person(book: Book) -> None:
    book.people.add(PersonInput(name="Ana", circle="close"))
    request = book.feedback.ask("Ana", "my conference talk", by=TODAY + timedelta(days=10))
    assert request.asked_on is None and request.status == "open"
    items = feedback_items(book, TODAY)
    assert [(a.key, a.details["stage"]) for a in items] == [
        (f"feedback_request:ask:r{request.id}", "ask")
    ]
    assert items[0].reason == "ask Ana for feedback on my conference talk"
    book.feedback.mark_requested(request.id)
    assert feedback_items(book, TODAY) == []
    later = feedback_items(book, TODAY + timedelta(days=12))
    assert [a.details["stage"] for a in later] == ["follow_up"]
    assert "12 days ago" in later[0].reason
    book.feedback.add("great energy", kind="positive", person="Ana")
    assert book.feedback.requests() == []
    assert book.feedback.requests(status="received")[0].id == request.id
    assert book.feedback.list()[0].text == "great energy"
    with pytest.raises(InvalidInput, match="past"):
        book.feedback.ask("Ana", "x", by=TODAY - timedelta(days=1))
    with pytest.raises(NotFound):
        book.feedback.mark_requested(999999)


def test_an_unanswered_request_without_a_date_is_followed_up_after_two_weeks(book: Book) -> None:
    book.people.add(PersonInput(name="Ben"))
    request = book.feedback.ask("Ben", "the proposal", asked=True)
    assert feedback_items(book, TODAY + timedelta(days=13)) == []
    items = feedback_items(book, TODAY + timedelta(days=14))
    assert items[0].key == f"feedback_request:follow_up:r{request.id}:{TODAY + timedelta(days=14)}"
    book.feedback.drop_request(request.id)
    assert feedback_items(book, TODAY + timedelta(days=20)) == []


def test_goals_check_ins_and_goal_checkin_items(book: Book, clock: Clock) -> None:
    goal = book.feedback.add_goal(
        "Speak slower", theme="Pacing", check_in="weekly", until=date(2027, 3, 1)
    )
    assert (goal.theme, goal.check_in_days) == ("pacing", 7)
    book.feedback.add("rushed", kind="constructive", themes=["pacing"])
    [status] = book.feedback.goals()
    assert status.next_check_in == TODAY + timedelta(days=7) and status.feedback == 1
    assert feedback_items(book, TODAY + timedelta(days=6)) == []
    due = feedback_items(book, TODAY + timedelta(days=9))
    assert [a.kind for a in due] == ["goal_checkin"]
    assert due[0].key == f"goal_checkin:g{goal.id}:{TODAY + timedelta(days=7)}"
    assert due[0].details["timing"] > 1.0  # two days late
    book.feedback.check_in(f"G{goal.id}", 40, "used a timer", on=TODAY + timedelta(days=9))
    [status] = book.feedback.goals()
    assert (status.progress, status.next_check_in) == (40, TODAY + timedelta(days=16))
    assert feedback_items(book, TODAY + timedelta(days=10)) == []
    book.feedback.check_in("speak", 100)
    assert book.feedback.goals() == []
    assert book.feedback.goals(include_closed=True)[0].goal.status == "done"
    with pytest.raises(InvalidInput):
        book.feedback.check_in("speak", 101)


def test_goal_references_and_check_in_periods(book: Book) -> None:
    book.feedback.add_goal("Write weekly")
    book.feedback.add_goal("Write better")
    with pytest.raises(Ambiguous):
        book.feedback.check_in("write", 10)
    with pytest.raises(NotFound):
        book.feedback.check_in("read", 10)
    assert (
        check_in_days("monthly") == 30 and check_in_days("10") == 10 and check_in_days(None) is None
    )
    with pytest.raises(InvalidInput):
        check_in_days("yearly")
    dropped = book.feedback.set_goal_status("Write better", "dropped")
    assert dropped.status == "dropped"
    assert [g.goal.title for g in book.feedback.goals()] == ["Write weekly"]


def test_themes_count_trend_and_link_goals(book: Book) -> None:
    book.feedback.add("a", kind="constructive", themes=["pacing"], on=TODAY - timedelta(days=120))
    book.feedback.add("b", kind="constructive", themes=["pacing"], on=TODAY - timedelta(days=5))
    book.feedback.add(
        "c", kind="positive", themes=["pacing", "slides"], on=TODAY - timedelta(days=1)
    )
    goal = book.feedback.add_goal("Slow down", theme="pacing")
    themes = {t["theme"]: t for t in book.feedback.themes(today=TODAY)}
    assert themes["pacing"]["total"] == 3 and themes["pacing"]["trend"] == "rising"
    assert themes["pacing"]["goals"] == [{"id": goal.id, "title": "Slow down", "status": "active"}]
    assert themes["slides"]["positive"] == 1
