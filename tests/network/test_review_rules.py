"""The review's statistics: each measure for the period and the one before."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from amity.model import PersonRef
from amity.rules.health import HealthInput, Touch
from amity.rules.reliability import PromiseRecord
from amity.rules.replies import Message
from amity.rules.review import (
    ExchangeRecord,
    FeedbackRecord,
    FollowUpRecord,
    GoalRecord,
    InteractionRecord,
    PersonRecord,
    ReviewInputs,
    build_review,
    periods,
    theme_trends,
)

DAY = date(2026, 11, 25)  # a Wednesday: the week is 19-25 November, the one before 12-18


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_periods_are_rolling_windows_of_equal_length() -> None:
    week, before = periods(DAY, "week")
    assert (week.start, week.end, before.start, before.end) == (
        date(2026, 11, 19),
        DAY,
        date(2026, 11, 12),
        date(2026, 11, 18),
    )
    month, previous = periods(DAY, "month")
    assert month.days == previous.days == 30 and previous.end == month.start - timedelta(days=1)
    with pytest.raises(ValueError, match="weekly or monthly"):
        build_review(ReviewInputs(), DAY, "year")


def test_every_measure_is_compared_with_the_previous_week() -> None:
    this, last = date(2026, 11, 20), date(2026, 11, 13)
    inputs = ReviewInputs(
        people=[
            PersonRecord(1, "Ana", "close", date(2026, 1, 1)),
            PersonRecord(2, "Ben", None, date(2026, 11, 21)),
            PersonRecord(3, "Cleo", "inner", date(2026, 11, 14)),
        ],
        interactions=[
            InteractionRecord(1, "call", this, (1, 2)),
            InteractionRecord(2, "email", this, (1,)),
            InteractionRecord(3, "call", last, (3,)),
            InteractionRecord(4, "call", date(2026, 10, 1), (1,)),
        ],
        follow_ups=[
            FollowUpRecord(1, this, this),
            FollowUpRecord(2, this, None),
            FollowUpRecord(3, last, last),
        ],
        promises=[
            PromiseRecord(1, 1, "mine", this, "done", this),
            PromiseRecord(2, 1, "mine", last, "done", this),  # late
            PromiseRecord(3, 1, "theirs", this, "open"),
        ],  # theirs: not counted
        messages=[
            Message(1, 1, "inbound", at(this, 9), needs_reply=True),
            Message(2, 1, "outbound", at(this, 13)),
            Message(3, 3, "inbound", at(last, 9), needs_reply=True),
            Message(4, 3, "outbound", at(last, 10)),
        ],
        exchanges=[
            ExchangeRecord(1, "given", this),
            ExchangeRecord(1, "received", this),
            ExchangeRecord(1, "received", last),
        ],
        feedback=[
            FeedbackRecord(this, "positive", ("speaking",)),
            FeedbackRecord(last, "constructive", ("speaking", "pacing")),
        ],
        goals=[GoalRecord(7, "Slow down", [(last, 20), (this, 50)])],
    )
    r = build_review(inputs, DAY)
    assert (r.people_reached.current, r.people_reached.previous, r.people_reached.change) == (
        2,
        1,
        1,
    )
    assert {k: (v.current, v.previous) for k, v in r.people_reached_by_circle.items()} == {
        "close": (1, 0),
        "no circle": (1, 0),
        "inner": (0, 1),
    }
    assert {k: (v.current, v.previous) for k, v in r.interactions_by_kind.items()} == {
        "call": (1, 1),
        "email": (1, 0),
    }
    assert (r.new_people.current, r.new_people.previous) == (1, 1)
    assert (r.follow_ups_due.current, r.follow_ups_on_time.current) == (2, 0.5)
    assert r.follow_ups_on_time.previous == 1.0 and r.follow_ups_on_time.change == -0.5
    assert (r.promises_judged.current, r.promises_kept_on_time.current) == (1, 1.0)
    assert r.promises_kept_on_time.previous == 0.0  # done after the previous period ended: late
    assert (r.median_reply_hours.current, r.median_reply_hours.previous) == (4.0, 1.0)
    assert (r.given.current, r.received.current, r.received.previous) == (1, 1, 1)
    assert {k: (v.current, v.previous) for k, v in r.feedback_themes.items()} == {
        "pacing": (0, 1),
        "speaking": (1, 1),
    }
    goal = r.goal_progress[0]
    assert (goal.id, goal.progress.current, goal.progress.previous, goal.progress.change) == (
        7,
        50,
        20,
        30,
    )


def test_drifting_counts_relationships_whose_health_fell() -> None:
    ana = PersonRef(1, "Ana")
    steady = HealthInput(
        PersonRef(2, "Ben"),
        30,
        [Touch(DAY - timedelta(days=d), "mutual") for d in range(0, 300, 5)],
        started_on=date(2025, 1, 1),
    )
    fading = HealthInput(
        ana, 14, [Touch(date(2026, 11, 12), "mutual")], started_on=date(2025, 1, 1)
    )
    newcomer = HealthInput(PersonRef(3, "Cleo"), 14, [], started_on=DAY - timedelta(days=2))
    r = build_review(ReviewInputs(health=[steady, fading, newcomer]), DAY)
    assert r.drifting.current == 1
    assert r.drifting_people[0].startswith("Ana: health")


def test_an_empty_book_reviews_to_zeros_and_unknowns() -> None:
    r = build_review(ReviewInputs(), DAY, "month")
    assert r.people_reached.current == 0 and r.people_reached.change == 0
    assert r.follow_ups_on_time.current is None and r.follow_ups_on_time.change is None
    assert r.median_reply_hours.current is None
    assert r.goal_progress == [] and r.feedback_themes == {}


def test_theme_trends_compare_the_last_window_with_the_one_before() -> None:
    items = [
        ("speaking", "positive", DAY - timedelta(days=3)),
        ("speaking", "constructive", DAY - timedelta(days=10)),
        ("pacing", "constructive", DAY - timedelta(days=120)),
        ("pacing", "constructive", DAY - timedelta(days=100)),
        ("future", "positive", DAY + timedelta(days=1)),
    ]
    trends = theme_trends(items, DAY, window_days=90)
    assert [t["theme"] for t in trends] == ["pacing", "speaking"]
    pacing, speaking = trends
    assert (pacing["recent"], pacing["previous"], pacing["trend"]) == (0, 2, "falling")
    assert (speaking["positive"], speaking["constructive"], speaking["trend"]) == (1, 1, "rising")
