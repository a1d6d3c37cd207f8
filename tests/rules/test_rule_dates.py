"""Calendar arithmetic: local today, yearly occurrences, leap days and the year boundary."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amity.model.dates import PartialDate
from amity.rules.dates import (
    UnknownTimeZoneError,
    due_phrase,
    local_today,
    long_date,
    on_day,
    ordinal,
    upcoming_occurrence,
)


class TestLocalToday:
    def test_before_midnight_in_utc_is_already_tomorrow_in_paris(self) -> None:
        now = datetime(2026, 5, 15, 22, 0, tzinfo=UTC)  # 00:00 on the 16th in Paris (CEST)
        assert local_today(now, "Europe/Paris") == date(2026, 5, 16)
        assert local_today(now, "UTC") == date(2026, 5, 15)

    def test_one_second_before_local_midnight_is_still_today(self) -> None:
        now = datetime(2026, 5, 15, 21, 59, 59, tzinfo=UTC)  # 23:59:59 in Paris
        assert local_today(now, "Europe/Paris") == date(2026, 5, 15)

    def test_west_of_utc_is_still_yesterday(self) -> None:
        now = datetime(2026, 1, 1, 4, 59, tzinfo=UTC)  # 23:59 on 31 Dec in New York (EST)
        assert local_today(now, "America/New_York") == date(2025, 12, 31)
        assert local_today(now.replace(minute=0, hour=5), "America/New_York") == date(2026, 1, 1)

    def test_far_east_crosses_the_date_line(self) -> None:
        now = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)  # 00:00 on 2 March in Kiritimati (+14)
        assert local_today(now, "Pacific/Kiritimati") == date(2026, 3, 2)

    def test_none_means_utc(self) -> None:
        assert local_today(datetime(2026, 3, 1, 23, 59, tzinfo=UTC), None) == date(2026, 3, 1)

    def test_unknown_zone_is_an_error(self) -> None:
        with pytest.raises(UnknownTimeZoneError):
            local_today(datetime(2026, 3, 1, tzinfo=UTC), "Mars/Olympus")


class TestOccurrence:
    def test_feb_29_falls_on_feb_28_in_a_common_year(self) -> None:
        leapling = PartialDate(2, 29, 2000)
        found = upcoming_occurrence(leapling, date(2026, 2, 25), 7)
        assert found is not None
        assert found.on == date(2026, 2, 28)
        assert found.years == 26

    def test_feb_29_stays_on_feb_29_in_a_leap_year(self) -> None:
        found = upcoming_occurrence(PartialDate(2, 29), date(2028, 2, 27), 7)
        assert found is not None
        assert found.on == date(2028, 2, 29)
        assert found.days_until == 2

    def test_after_feb_28_in_a_common_year_the_leap_day_is_over(self) -> None:
        assert upcoming_occurrence(PartialDate(2, 29), date(2027, 3, 1), 7) is None

    def test_year_boundary(self) -> None:
        found = upcoming_occurrence(PartialDate(1, 2, 1990), date(2026, 12, 28), 7)
        assert found is not None
        assert found.on == date(2027, 1, 2)
        assert found.days_until == 5
        assert found.years == 37

    def test_outside_the_lead_time(self) -> None:
        assert upcoming_occurrence(PartialDate(5, 23), date(2026, 5, 15), 7) is None
        assert upcoming_occurrence(PartialDate(5, 22), date(2026, 5, 15), 7) is not None

    def test_yearless_has_no_years(self) -> None:
        found = upcoming_occurrence(PartialDate(5, 15), date(2026, 5, 15), 7)
        assert found is not None
        assert (found.days_until, found.years) == (0, None)

    @given(
        month=st.integers(1, 12),
        day=st.integers(1, 28),
        today=st.dates(date(1990, 1, 1), date(2100, 12, 31)),
        lead=st.integers(0, 30),
    )
    def test_occurrence_is_always_inside_the_window(
        self, month: int, day: int, today: date, lead: int
    ) -> None:
        found = upcoming_occurrence(PartialDate(month, day), today, lead)
        if found is not None:
            assert 0 <= (found.on - today).days <= lead
            assert (found.on.month, found.on.day) == (month, day)


def test_phrases() -> None:
    today = date(2026, 5, 13)
    assert long_date(date(2026, 5, 15)) == "Friday 15 May"
    assert on_day(date(2026, 5, 15), today) == "on Friday 15 May"
    assert on_day(today, today) == "today"
    assert on_day(date(2026, 5, 14), today) == "tomorrow"
    assert due_phrase(date(2026, 5, 11), today) == "due 2 days ago"
    assert due_phrase(date(2026, 5, 12), today) == "due yesterday"
    assert due_phrase(date(2026, 5, 16), today) == "due in 3 days"
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th",
    ]  # fmt: skip


def test_month_days_within_includes_feb_29_in_common_years() -> None:
    from amity.rules.dates import month_days_within

    assert month_days_within(date(2027, 2, 27), 1) == {(2, 27), (2, 28), (2, 29)}
    assert month_days_within(date(2028, 2, 27), 1) == {(2, 27), (2, 28)}
    assert month_days_within(date(2026, 12, 31), 1) == {(12, 31), (1, 1)}


@given(
    when=st.builds(PartialDate, st.integers(1, 12), st.integers(1, 29)),
    today=st.dates(date(2000, 1, 1), date(2100, 12, 31)),
    lead=st.integers(0, 20),
)
def test_the_quick_filter_agrees_with_upcoming_occurrence(
    when: PartialDate, today: date, lead: int
) -> None:
    from amity.rules.dates import month_days_within

    quick = (when.month, when.day) in month_days_within(today, lead)
    assert quick == (upcoming_occurrence(when, today, lead) is not None)
