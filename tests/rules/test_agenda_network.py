"""The network's agenda kinds, built by the pure engine: give, goal_checkin, feedback_request
(share is tested against BM25 over the whole book in tests/network/test_share_items_fast.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from amity.model.types import Action
from amity.rules.agenda import (
    AgendaInputs,
    AgendaSettings,
    FeedbackRequestInput,
    GiveInput,
    GoalInput,
    Someone,
    build_agenda,
)
from amity.rules.agenda.network import give_ideas, unreturned_since

TODAY = date(2026, 5, 15)
ANA = Someone(1, "Ana", "close", 3.0)


def days_ago(*days: int) -> list[date]:
    return [TODAY - timedelta(days=d) for d in days]


def agenda(settings: AgendaSettings | None = None, **rows: Any) -> list[Action]:
    return build_agenda(AgendaInputs([], **rows), TODAY, settings=settings or AgendaSettings())


def test_give_counts_from_the_first_favour_you_did_not_return() -> None:
    row = GiveInput(ANA, 1, 4, days_ago(90, 40, 35, 10), last_given=TODAY - timedelta(days=50))
    assert unreturned_since(row) == TODAY - timedelta(days=40)
    [item] = agenda(gives=[row])
    assert item.key == f"give:p1:{TODAY - timedelta(days=10)}" and item.due == TODAY
    assert item.reason.startswith(
        f"Ana has given you 4 and received 1 since {TODAY - timedelta(days=40)}"
    )
    assert item.details["timing"] == 1.25  # 3 more than given: 1 + (3 - 2) / 4
    assert item.score == round(1.0 * 1.25 * 3.0, 4) and "(circle close)" in item.details["explain"]


def test_no_give_item_before_30_days_or_below_a_surplus_of_two() -> None:
    fresh = GiveInput(ANA, 0, 3, days_ago(29, 20, 5))
    even = GiveInput(ANA, 2, 3, days_ago(90, 80, 70))
    returned = GiveInput(ANA, 0, 3, days_ago(90, 80, 70), last_given=TODAY)
    assert agenda(gives=[fresh, even, returned]) == []


def test_give_ideas_come_from_promises_then_goals_then_interests() -> None:
    row = GiveInput(
        ANA,
        0,
        2,
        days_ago(60),
        promises=["send the deck"],
        goals=["run a marathon"],
        interests=["sailing"],
    )
    assert give_ideas(row) == [
        "keep your promise: send the deck",
        "help with their goal run a marathon",
        "something about sailing",
    ]
    [item] = agenda(gives=[row])
    assert item.reason.endswith("; an idea: keep your promise: send the deck")


def test_goal_check_in_is_due_its_rhythm_after_the_last_one() -> None:
    never = GoalInput(1, "Speak slower", 7, TODAY - timedelta(days=9))
    recent = GoalInput(
        2, "Listen more", 7, TODAY - timedelta(days=30), TODAY - timedelta(days=3), 40
    )
    late = GoalInput(
        3, "Write weekly", 30, TODAY - timedelta(days=90), TODAY - timedelta(days=44), 60
    )
    items = {a.key: a for a in agenda(goals=[never, recent, late])}
    assert set(items) == {
        f"goal_checkin:g1:{TODAY - timedelta(days=2)}",
        f"goal_checkin:g3:{TODAY - timedelta(days=14)}",
    }
    first = items[f"goal_checkin:g1:{TODAY - timedelta(days=2)}"]
    assert (
        "no check-in yet" in first.reason and first.people == [] and first.details["weight"] == 1.0
    )
    assert "last at 60%" in items[f"goal_checkin:g3:{TODAY - timedelta(days=14)}"].reason


def test_feedback_requests_are_asked_then_followed_up() -> None:
    ask = FeedbackRequestInput(1, ANA, "my talk", TODAY - timedelta(days=1))
    waiting = FeedbackRequestInput(
        2, ANA, "my deck", TODAY - timedelta(days=20), TODAY - timedelta(days=13)
    )
    overdue = FeedbackRequestInput(
        3,
        ANA,
        "my plan",
        TODAY - timedelta(days=20),
        TODAY - timedelta(days=10),
        TODAY - timedelta(days=1),
    )
    items = agenda(feedback_requests=[ask, waiting, overdue])
    assert [(a.key, a.details["stage"]) for a in items] == [  # same score and day: by key
        ("feedback_request:ask:r1", "ask"),
        (f"feedback_request:follow_up:r3:{TODAY - timedelta(days=1)}", "follow_up"),
    ]
    follow_up = next(a for a in items if a.details["stage"] == "follow_up")
    assert follow_up.reason == "follow up with Ana: you asked for feedback on my plan 10 days ago"


def test_the_users_kind_weights_score_network_kinds_directly() -> None:
    row = GiveInput(ANA, 0, 2, days_ago(60))
    default = agenda(gives=[row])[0]
    heavier = agenda(AgendaSettings(kind_weights={"give": 5.0}), gives=[row])[0]
    assert heavier.score == round(default.score * 5, 4)
    assert "give 5 x timing" in str(heavier.details["explain"])
