"""The kept-on-time rate of promises."""

from __future__ import annotations

from datetime import UTC, date, datetime

from amity.model.types import Commitment, PersonRef
from amity.rules.reliability import PromiseRecord, kept_on_time, promise_record, reliability

TODAY = date(2026, 5, 15)


def rec(
    id: int,
    due: date | None,
    status: str = "done",
    *,
    done: date | None = None,
    person: int = 1,
    direction: str = "mine",
) -> PromiseRecord:
    return PromiseRecord(id, person, direction, due, status, done)


def test_verdicts() -> None:
    assert kept_on_time(rec(1, date(2026, 5, 10), done=date(2026, 5, 10)), TODAY) is True
    assert kept_on_time(rec(2, date(2026, 5, 10), done=date(2026, 5, 11)), TODAY) is False
    assert kept_on_time(rec(3, date(2026, 5, 10), "open"), TODAY) is False
    assert kept_on_time(rec(4, date(2026, 5, 15), "open"), TODAY) is None  # due today: not late
    assert kept_on_time(rec(5, None, done=date(2026, 5, 1)), TODAY) is None
    assert kept_on_time(rec(6, date(2026, 5, 1), "dropped"), TODAY) is None


def test_rates_per_person_and_overall() -> None:
    records = [
        rec(1, date(2026, 5, 10), done=date(2026, 5, 9)),
        rec(2, date(2026, 5, 10), done=date(2026, 5, 12)),
        rec(3, date(2026, 5, 1), done=date(2026, 5, 1), person=2),
        rec(4, date(2026, 5, 1), "open", person=3, direction="theirs"),
    ]
    mine = reliability(records, TODAY)
    assert (mine.overall.kept, mine.overall.late) == (2, 1)
    assert mine.overall.rate == 2 / 3
    assert mine.per_person[1].rate == 0.5
    assert mine.per_person[2].rate == 1.0
    assert 3 not in mine.per_person
    assert mine.overall.explain() == "2 of 3 kept on time"
    theirs = reliability(records, TODAY, direction="theirs")
    assert theirs.overall.rate == 0.0
    assert reliability(records, TODAY, direction=None).overall.judged == 4
    assert reliability([], TODAY).overall.rate is None


def test_done_time_is_read_in_the_users_time_zone() -> None:
    # done at 23:30 UTC on the due day: already the next day in Tokyo, so late there
    commitment = Commitment(
        PersonRef(1, "Ana"),
        "mine",
        "send the deck",
        due_on=date(2026, 5, 10),
        status="done",
        done_at=datetime(2026, 5, 10, 23, 30, tzinfo=UTC),
        id=8,
    )
    assert kept_on_time(promise_record(commitment), TODAY) is True
    assert kept_on_time(promise_record(commitment, "Asia/Tokyo"), TODAY) is False
