"""Which backups are kept: daily, weekly and monthly buckets over fixed dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from amity.rules.backups import (
    Retention,
    RetentionError,
    backup_due,
    backup_stem,
    backups_to_keep,
    describe_interval,
    parse_interval,
    parse_retention,
    taken_at,
)


def at(day: str, hour: int = 3) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def daily(first: str, days: int, hour: int = 3) -> list[datetime]:
    return [at(first, hour) + timedelta(days=n) for n in range(days)]


def test_a_year_of_daily_backups_keeps_7_days_4_weeks_12_months() -> None:
    taken = daily("2025-12-01", 369)  # 2025-12-01 .. 2026-12-04, one a day at 03:00
    now = at("2026-12-04", 12)
    kept = backups_to_keep(taken, Retention(daily=7, weekly=4, monthly=12, recent_hours=0), now)
    days = sorted(t.date().isoformat() for t in kept)
    # the last 7 days
    assert days[-7:] == [f"2026-11-{d}" for d in (28, 29, 30)] + [
        f"2026-12-0{d}" for d in (1, 2, 3, 4)
    ]
    # the newest of each of the last 4 ISO weeks: Sundays 11-29, 11-22, 11-15 and this week's
    assert {"2026-11-15", "2026-11-22", "2026-11-29"} <= set(days)
    # the newest of each of the last 12 months: month ends back to January 2026
    month_ends = ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31",
                  "2026-06-30", "2026-07-31", "2026-08-31", "2026-09-30", "2026-10-31"]  # fmt: skip
    assert set(month_ends) <= set(days)
    assert "2025-12-31" not in days  # the 13th month back is gone
    assert "2026-11-10" not in days  # neither the newest of its week nor of its month
    assert len(days) == len(set(days)) == 7 + 2 + 10  # weeks 11-15/11-22 and 10 month ends


def test_a_stopped_server_does_not_make_old_backups_expire() -> None:
    taken = daily("2026-01-01", 10)  # then nothing for ten months
    kept = backups_to_keep(taken, Retention(daily=7, weekly=0, monthly=0, recent_hours=0),
                           at("2026-11-01"))  # fmt: skip
    assert sorted(t.day for t in kept) == [4, 5, 6, 7, 8, 9, 10]


def test_several_backups_a_day_keep_the_newest_and_the_recent_ones() -> None:
    taken = [at("2026-12-01", h) for h in (1, 9, 17)] + [at("2026-12-04", h) for h in (1, 9)]
    policy = Retention(daily=7, weekly=0, monthly=0, recent_hours=24)
    kept = backups_to_keep(taken, policy, at("2026-12-04", 12))
    assert kept == {at("2026-12-01", 17), at("2026-12-04", 1), at("2026-12-04", 9)}
    without_recent = Retention(daily=7, weekly=0, monthly=0, recent_hours=0)
    assert at("2026-12-04", 1) not in backups_to_keep(taken, without_recent, at("2026-12-04", 12))


def test_the_newest_backup_is_always_kept() -> None:
    only = [at("2020-01-01")]
    assert backups_to_keep(only, Retention(1, 0, 0, 0), at("2026-12-04")) == set(only)
    assert backups_to_keep([], Retention(), at("2026-12-04")) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d,4w,12m", Retention(7, 4, 12)),
        ("12m, 7d", Retention(7, 0, 12)),
        ("30D", Retention(30, 0, 0)),
    ],
)
def test_retention_is_read_from_text(text: str, expected: Retention) -> None:
    assert parse_retention(text) == expected
    assert parse_retention(expected.describe()) == expected


@pytest.mark.parametrize("text", ["", "7", "7x", "0d", "-1d", "7d;4w"])
def test_bad_retention_is_a_clear_error(text: str) -> None:
    with pytest.raises(RetentionError):
        parse_retention(text)


def test_a_backup_is_due_once_per_interval() -> None:
    day = timedelta(days=1)
    assert backup_due(None, at("2026-12-04"), day)
    assert not backup_due(at("2026-12-04", 3), at("2026-12-05", 2), day)
    assert backup_due(at("2026-12-04", 3), at("2026-12-05", 3), day)
    assert not backup_due(None, at("2026-12-04"), None)


@pytest.mark.parametrize(
    ("text", "hours", "label"),
    [("daily", 24, "daily"), ("24h", 24, "daily"), ("6", 6, "every 6 hours"),
     ("hourly", 1, "hourly"), ("2d", 48, "every 2 days"), ("off", None, "off")],
)  # fmt: skip
def test_intervals(text: str, hours: int | None, label: str) -> None:
    every = parse_interval(text)
    assert every == (None if hours is None else timedelta(hours=hours))
    assert describe_interval(every) == label
    with pytest.raises(RetentionError):
        parse_interval("sometimes")


def test_backup_names_carry_the_moment() -> None:
    moment = datetime(2026, 12, 4, 21, 55, 0, tzinfo=UTC)
    assert backup_stem(moment) == "amity-20261204T215500Z"
    assert taken_at(backup_stem(moment) + ".sqlite.enc") == moment
    assert taken_at(backup_stem(moment, 2) + ".jsonl.gz") == moment + timedelta(microseconds=2)
    assert taken_at("before-merge-20261204.json") is None
