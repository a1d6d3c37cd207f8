"""Relationship health and drift."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from amity.model.types import PersonRef
from amity.rules.health import HealthInput, Touch, drifting, health, score
from amity.rules.reliability import PromiseRecord

TODAY = date(2026, 5, 15)
ANA = PersonRef(1, "Ana")


def days_ago(*offsets: int, direction: str = "mutual") -> list[Touch]:
    return [Touch(TODAY - timedelta(days=n), direction) for n in offsets]


def test_a_healthy_relationship() -> None:
    touches = days_ago(2, 20, 40, 70, direction="outbound") + days_ago(
        10, 50, 100, direction="inbound"
    )
    result = health(HealthInput(ANA, 30, touches), TODAY)
    assert result.factor("recency").score == 100
    assert result.factor("recency").explanation == "2 days since you last talked, cadence 30"
    assert result.factor("frequency").explanation == (
        "6 interactions in the last 90 days, 1 in the 90 before"
    )
    assert result.factor("reciprocity").explanation == (
        "you reached out 4 times, they did 3 times in a year"
    )
    assert result.factor("replies").score == 100
    assert result.factor("promises").weight == 0  # nothing to judge: not counted
    assert result.score >= 85


def test_recency_against_the_cadence() -> None:
    def recency(days: int, cadence: int | None = 30) -> int:
        return health(HealthInput(ANA, cadence, days_ago(days)), TODAY).factor("recency").score

    assert recency(15) == 100
    assert recency(30) == 67
    assert recency(45) == 33
    assert recency(60) == 0
    assert recency(90, None) == 67  # no cadence: compared with 90 days


def test_never_contacted_reads_as_no_contact() -> None:
    """Issue 12: a LinkedIn connection imported today scored 86/100 (recency counted from the
    day it was added). No contact reads as no contact, whenever the person was added."""
    added_today = health(HealthInput(ANA, 30, started_on=TODAY), TODAY)
    assert added_today.contacted is False
    assert added_today.score == 0
    assert added_today.factor("recency").explanation.startswith("no contact yet")
    long_ago = health(HealthInput(ANA, 30, started_on=date(2016, 3, 1)), TODAY)
    assert (long_ago.contacted, long_ago.score) == (False, 0)
    unknown = health(HealthInput(ANA, 30), TODAY)
    assert (unknown.contacted, unknown.factor("recency").score) == (False, 0)
    talked = health(HealthInput(ANA, 30, days_ago(3)), TODAY)
    assert talked.contacted is True and talked.score > 0


def test_done_agenda_item_counts_as_contact() -> None:
    data = HealthInput(ANA, 30, days_ago(60), last_contact=TODAY - timedelta(days=5))
    assert health(data, TODAY).factor("recency").score == 100


def test_frequency_trend() -> None:
    falling = health(HealthInput(ANA, 30, days_ago(10, 100, 110, 120, 130)), TODAY)
    assert falling.factor("frequency").score == 12  # 50 + 50 x (1 - 4) / 4 = 12.5
    rising = health(HealthInput(ANA, 30, days_ago(10, 20, 100)), TODAY)
    assert rising.factor("frequency").score == 75
    none = health(HealthInput(ANA, 30), TODAY)
    assert none.factor("frequency").score == 50


def test_one_sided_relationship() -> None:
    touches = days_ago(5, 30, 60, 90, direction="outbound")
    assert health(HealthInput(ANA, 30, touches), TODAY).factor("reciprocity").score == 0


def test_promises_and_replies() -> None:
    promises = [
        PromiseRecord(1, 1, "mine", TODAY - timedelta(days=5), "done", TODAY - timedelta(days=6)),
        PromiseRecord(2, 1, "theirs", TODAY - timedelta(days=5), "open"),
    ]
    data = HealthInput(
        ANA, 30, days_ago(3), promises=promises, awaiting_since=[TODAY - timedelta(days=4)]
    )
    result = health(data, TODAY)
    assert result.factor("promises").score == 50
    assert result.factor("promises").explanation == "1 of 2 kept on time (both ways)"
    assert result.factor("replies").score == 67  # 100 - 25 - 2 x 4
    assert result.factor("replies").explanation == (
        "1 message awaiting your reply, the oldest for 4 days"
    )


def test_later_data_is_ignored() -> None:
    data = HealthInput(ANA, 30, days_ago(-5, 40))
    assert health(data, TODAY).factor("recency").explanation.startswith("40 days")


def test_drifting_ranks_the_biggest_fall_first() -> None:
    steady = HealthInput(PersonRef(2, "Ben"), 30, days_ago(*range(0, 360, 10)))
    sliding = HealthInput(ANA, 30, days_ago(35, 40, 50, 60, 70, 80, 100, 120))
    slipping = HealthInput(PersonRef(3, "Cy"), 90, days_ago(60, 100))
    result = drifting([steady, sliding, slipping], TODAY)
    assert [d.person.name for d in result] == ["Ana", "Cy"]
    assert result[0].change < result[1].change < 0
    assert result[0].reason.startswith(f"Ana: health {result[0].previous_score} -> ")
    assert "recency" in result[0].reason
    assert drifting([steady], TODAY) == []
    assert len(drifting([sliding, slipping], TODAY, limit=1)) == 1


def test_scores_without_explanations_are_the_same_and_drift_count_agrees() -> None:
    """The quick path (``explain=False``) the review judges everyone with gives the same
    scores and contacted flags; ``drift_count`` counts what ``drifting`` lists and names the
    same first ones, explained."""
    import random

    from amity.rules.health import drift_count

    rng = random.Random(7)
    today = date(2026, 6, 1)
    inputs = []
    for n in range(300):
        touches = [Touch(today - timedelta(days=rng.randint(0, 500)),
                         rng.choice(("outbound", "inbound", "mutual")))
                   for _ in range(rng.randint(0, 12))]  # fmt: skip
        promises = [PromiseRecord(k, n, rng.choice(("mine", "theirs")),
                                  today - timedelta(days=rng.randint(0, 200)),
                                  rng.choice(("open", "done")),
                                  today - timedelta(days=rng.randint(0, 200)))
                    for k in range(rng.randint(0, 2))]  # fmt: skip
        inputs.append(HealthInput(
            PersonRef(n, f"P{n}"), rng.choice((None, 14, 30, 90)), touches,
            started_on=today - timedelta(days=600), promises=promises,
            awaiting_since=[today - timedelta(days=rng.randint(0, 30))] if n % 7 == 0 else []))  # fmt: skip
    from dataclasses import replace

    from amity.rules.health import counts_of

    for data in inputs:
        days = (today, today - timedelta(days=30))
        counted = replace(data, touches=(), counts={d: counts_of(data.touches, d) for d in days})
        for day in days:
            full, quick = health(data, day), health(data, day, explain=False)
            assert health(counted, day) == full  # counted elsewhere (SQL): the same health
            assert (quick.score, quick.contacted) == (full.score, full.contacted)
            assert [(f.name, f.score, f.weight, f.value) for f in quick.factors] == [
                (f.name, f.score, f.weight, f.value) for f in full.factors]  # fmt: skip
    listed = drifting(inputs, today, limit=None)
    count, top = drift_count(inputs, today, top=5)
    assert count == len(listed) > 5
    assert [d.reason for d in top] == [d.reason for d in listed[:5]]
    assert all(": health " in d.reason and d.reason.split("; ", 1)[1] for d in top)


DIRECTIONS = ("outbound", "inbound", "mutual")


@settings(max_examples=300, deadline=None)
@given(
    touches=st.lists(st.tuples(st.integers(0, 500), st.sampled_from(DIRECTIONS)), max_size=12),
    cadence=st.one_of(st.none(), st.integers(1, 400)),
    last_contact=st.one_of(st.none(), st.integers(-5, 400)),
    awaiting=st.lists(st.integers(-3, 60), max_size=4),
    promises=st.lists(
        st.tuples(
            st.sampled_from(("mine", "theirs")),
            st.integers(-30, 200),
            st.sampled_from(("open", "done", "dropped")),
            st.integers(-10, 200),
        ),
        max_size=4,
    ),
    back=st.integers(0, 60),
)
def test_score_is_the_health_score_without_the_factors(
    touches: list[tuple[int, str]], cadence: int | None, last_contact: int | None,
    awaiting: list[int], promises: list[tuple[str, int, str, int]], back: int,
) -> None:  # fmt: skip
    """The lean `score` the review and drift judge everyone with is `health(...).score`, and
    None exactly where health says "no contact yet"."""
    data = HealthInput(
        ANA,
        cadence,
        [Touch(TODAY - timedelta(days=n), d) for n, d in touches],
        last_contact=None if last_contact is None else TODAY - timedelta(days=last_contact),
        awaiting_since=[TODAY - timedelta(days=n) for n in awaiting],
        promises=[
            PromiseRecord(
                i,
                1,
                direction,
                TODAY - timedelta(days=due),
                status,
                TODAY - timedelta(days=done) if status == "done" else None,
            )
            for i, (direction, due, status, done) in enumerate(promises)
        ],
    )
    day = TODAY - timedelta(days=back)
    full = health(data, day, explain=False)
    assert score(data, day) == (full.score if full.contacted else None)
    assert health(data, day).score == full.score
