"""Recurrence storms: every series is capped in count and time, with a warning.

A 300-byte event repeating every second since 2020 used to make the importer step through
about 150 million occurrences before the window. Now fixed-frequency rules skip ahead, every
rule is walked under a step cap and a deadline, and a series keeps at most 5,000 instances.
No test here reads the clock: the time cap is shown by a rule that can never match (it would
spin for seconds), which is left out whatever the machine's speed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import amity.formats.ical_recurrence as recurrence
from amity.formats.ical import MAX_INSTANCES_PER_SERIES, parse_calendar
from amity.formats.records import InteractionRecord

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)
ICAL = Path(__file__).parents[2].parent / "shared" / "fixtures" / "ical"

STORM = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//storm//EN
BEGIN:VEVENT
UID:storm-1@example.com
DTSTAMP:20200101T000000Z
DTSTART:20200101T000000Z
DTEND:20200101T000001Z
RRULE:FREQ=SECONDLY
SUMMARY:Storm
ATTENDEE;CN=Ana:mailto:ana@example.com
END:VEVENT
END:VCALENDAR
"""


def calendar(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{body}END:VCALENDAR\r\n".encode()


def event(uid: str, start: str, rule: str, extra: str = "") -> str:
    lines = [f"UID:{uid}", f"SUMMARY:{uid}", start, f"RRULE:{rule}",
             "ATTENDEE:mailto:ana@example.com", extra]  # fmt: skip
    return "\r\n".join(line for line in lines if line)


def test_a_secondly_storm_is_cut_at_the_cap_with_a_warning() -> None:
    assert len(STORM) < 300
    result = parse_calendar(STORM, now=NOW)
    assert len(result.records) == MAX_INSTANCES_PER_SERIES == 5000
    (warning,) = result.warnings
    assert warning.record == "Storm" and warning.line == 4
    assert "FREQ=SECONDLY" in warning.reason and "more than 5000 instances" in warning.reason
    starts = [r.occurred_at for r in result.records]
    window_start = NOW - timedelta(days=730)
    assert starts[0] == window_start  # the first second of the window, found by skipping ahead
    assert starts == [window_start + timedelta(seconds=n) for n in range(5000)]
    assert len({r.source_ref for r in result.records}) == 5000
    assert parse_calendar(STORM, now=NOW).records == result.records  # the same every time


def test_skipping_ahead_keeps_count_and_until_exact() -> None:
    data = calendar(
        event("count", "DTSTART:20000101T090000Z", "FREQ=DAILY;COUNT=10000"),
        event("until", "DTSTART;TZID=Europe/Paris:20000103T100000",
              "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20250601T000000Z"),
        event("hourly", "DTSTART;TZID=America/New_York:20150308T013000",
              "FREQ=HOURLY;INTERVAL=7"),
    )  # fmt: skip
    result = parse_calendar(data, now=NOW)
    assert result.warnings == [] and result.errors == []
    by_uid: dict[str, list[datetime]] = {}
    for record in result.records:
        assert isinstance(record, InteractionRecord)
        by_uid.setdefault(record.subject or "", []).append(record.occurred_at)
    # COUNT=10000 daily from 2000-01-01 ends on 2027-05-19: every day of the window is in it
    assert len(by_uid["count"]) == 730 and by_uid["count"][0].hour == 9
    assert max(by_uid["until"]) < datetime(2025, 6, 1, tzinfo=UTC)
    assert {d.astimezone(recurrence_tz("Europe/Paris")).hour for d in by_uid["until"]} == {10}
    # 7-hourly in New York wall-clock time since 2015, through every DST change since
    assert all(b - a in (timedelta(hours=6), timedelta(hours=7), timedelta(hours=8))
               for a, b in zip(by_uid["hourly"], by_uid["hourly"][1:], strict=False))  # fmt: skip
    assert len(by_uid["hourly"]) in (2502, 2503)


def recurrence_tz(name: str):  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def test_a_rule_that_never_matches_is_left_out_at_the_time_cap() -> None:
    """dateutil would walk this rule second by second (skipping whole days) until the year
    9999 without yielding anything: the deadline interrupts it."""
    data = calendar(
        event("never", "DTSTART:20200101T000000Z", "FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30"),
        "UID:plain\r\nSUMMARY:Lunch\r\nDTSTART:20261001T120000Z\r\nATTENDEE:mailto:ana@example.com",
    )
    result = parse_calendar(data, now=NOW)
    (warning,) = result.warnings
    assert warning.record == "never" and "left out" in warning.reason
    assert f"{recurrence.SERIES_SECONDS:g} s" in warning.reason
    assert [r.subject for r in result.records] == ["Lunch"]  # the rest still imports


def test_a_rule_that_cannot_skip_ahead_stops_at_the_step_cap() -> None:
    """COUNT with BY parts: the occurrences before the window must be counted one by one."""
    hours = ",".join(str(h) for h in range(24))
    data = calendar(event("half-hours", "DTSTART:20000101T000000Z",
                          f"FREQ=DAILY;BYHOUR={hours};BYMINUTE=0,30;COUNT=100000000"))  # fmt: skip
    result = parse_calendar(data, now=NOW)
    (warning,) = result.warnings
    assert result.records == []
    assert f"stopped after {recurrence.MAX_STEPS_PER_SERIES} occurrences before the window" in (
        warning.reason
    )


def test_the_calendar_shares_an_instance_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recurrence, "MAX_INSTANCES_PER_CALENDAR", 2500)
    data = calendar(
        *(event(f"s{n}", "DTSTART:20240101T000000Z", "FREQ=MINUTELY") for n in range(4))
    )
    result = parse_calendar(data, now=NOW, window_start=NOW - timedelta(minutes=999))
    assert len(result.records) == 2500
    first, second = (w.reason for w in result.warnings)
    assert "more than 500 instances in the window" in first  # the third series gets what is left
    assert "already has 2500 recurring instances" in second  # the fourth nothing


@pytest.mark.parametrize("name", sorted(p.name for p in ICAL.iterdir()))
def test_the_fast_path_agrees_with_the_expander(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Plain series are expanded from the bounded walk itself; recurring-ical-events, which
    handles overrides and RDATEs, must find the same instances."""
    windows = [(None, None), (datetime(1990, 1, 1, tzinfo=UTC), None),
               (datetime(2017, 6, 1, tzinfo=UTC), datetime(2018, 1, 1, tzinfo=UTC))]  # fmt: skip
    for start, end in windows:
        fast = _instances(ICAL / name, start, end)
        with monkeypatch.context() as patch:
            patch.setattr(recurrence._Walk, "starts_without", lambda self, excluded: None)
            slow = _instances(ICAL / name, start, end)
        assert fast == slow


def test_the_fast_path_agrees_across_dst_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    data = calendar(
        event("paris", "DTSTART;TZID=Europe/Paris:20200105T023000\r\n"
              "DTEND;TZID=Europe/Paris:20200105T033000", "FREQ=HOURLY;INTERVAL=5"),
        event("york", "DTSTART;TZID=America/New_York:20190310T020000\r\n"
              "DTEND;TZID=America/New_York:20190310T030000", "FREQ=DAILY",
              "EXDATE;TZID=America/New_York:20260101T020000"),
        event("allday", "DTSTART;VALUE=DATE:20100101\r\nDTEND;VALUE=DATE:20100102",
              "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,FR", "EXDATE;VALUE=DATE:20250106"),
        event("howe", "DTSTART;TZID=Australia/Lord_Howe:20200101T013000\r\n"
              "DTEND;TZID=Australia/Lord_Howe:20200101T020000",
              "FREQ=HOURLY;INTERVAL=7;UNTIL=20260601T000000Z"),
    )  # fmt: skip
    windows = [(NOW - timedelta(days=730), NOW),
               (datetime(2025, 3, 30, 0, 30, tzinfo=UTC), datetime(2025, 3, 30, 3, tzinfo=UTC)),
               (datetime(2025, 4, 5, 13, tzinfo=UTC), datetime(2025, 4, 5, 17, tzinfo=UTC))]  # fmt: skip
    for start, end in windows:
        fast = _instances(data, start, end)
        with monkeypatch.context() as patch:
            patch.setattr(recurrence._Walk, "starts_without", lambda self, excluded: None)
            assert _instances(data, start, end) == fast


def _instances(source: Path | bytes, start: datetime | None,
               end: datetime | None) -> list[tuple[object, ...]]:  # fmt: skip
    result = parse_calendar(source, now=NOW, window_start=start, window_end=end)
    return sorted(
        (r.source_ref, r.occurred_at, r.ends_at, r.status, r.all_day, r.subject)
        for r in result.records
        if isinstance(r, InteractionRecord)
    ) + sorted((s.record, s.reason) for s in result.skipped)  # type: ignore[operator]
