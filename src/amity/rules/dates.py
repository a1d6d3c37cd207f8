"""Calendar arithmetic for the agenda: local dates, yearly occurrences and human phrases.

Everything here is pure: the current instant or date is always a parameter.

- "Today" is the date in the user's configured time zone: :func:`local_today`.
- A yearly date (a birthday with or without its year, an anniversary, a job start) recurs on
  the same month and day; 29 February falls on 28 February in common years
  (:meth:`amity.model.PartialDate.occurrence_in`).
- :func:`upcoming_occurrence` finds the occurrence shown in a window of ``lead_days`` before the
  day until the day itself, across the year boundary (a 2 January birthday is seen on
  28 December).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from amity.model.dates import PartialDate, is_leap
from amity.rules.words import counted

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class UnknownTimeZoneError(ValueError):
    """A time zone name that the tz database does not know."""


@lru_cache(maxsize=256)
def time_zone(tz_name: str | None) -> tzinfo:
    """The zone named ``tz_name`` (an IANA name such as ``Europe/Paris``); ``None`` is UTC."""
    if not tz_name or tz_name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownTimeZoneError(f"{tz_name!r} is not a known time zone") from None


def time_zone_or_none(tz_name: str | None) -> tzinfo | None:
    """Like :func:`time_zone` but ``None`` for a missing or unknown name (imported data)."""
    if not tz_name:
        return None
    try:
        return time_zone(tz_name)
    except UnknownTimeZoneError:
        return None


def local_today(now_utc: datetime, tz_name: str | None) -> date:
    """The user's "today": the calendar date of ``now_utc`` in the zone ``tz_name``.

    >>> local_today(datetime(2026, 5, 15, 23, 30, tzinfo=UTC), "Europe/Paris")
    datetime.date(2026, 5, 16)
    """
    return local_date(now_utc, time_zone(tz_name))


def local_date(instant: datetime, tz: tzinfo) -> date:
    """The calendar date of ``instant`` in ``tz``; a naive instant is taken to be UTC."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(tz).date()


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One yearly date's occurrence inside its lead window."""

    on: date
    days_until: int  # 0 on the day itself
    years: int | None  # age or number of years, when the year is known


def upcoming_occurrence(when: PartialDate, today: date, lead_days: int) -> Occurrence | None:
    """The occurrence of ``when`` in ``[today, today + lead_days]``, or None.

    Years are counted to the occurrence (the age someone turns, the years married).
    """
    on = when.next_occurrence(today)
    days_until = (on - today).days
    if days_until > max(lead_days, 0):
        return None
    return Occurrence(on=on, days_until=days_until, years=when.years_at(on))


def month_days_within(today: date, lead_days: int) -> frozenset[tuple[int, int]]:
    """The (month, day) pairs that occur in `[today, today + lead_days]`.

    A quick filter before :func:`upcoming_occurrence` on big books; (2, 29) is in when
    28 February of a common year is.
    """
    pairs = set()
    for offset in range(max(lead_days, 0) + 1):
        day = today + timedelta(days=offset)
        pairs.add((day.month, day.day))
        if day.month == 2 and day.day == 28 and not is_leap(day.year):
            pairs.add((2, 29))
    return frozenset(pairs)


def anniversary_of(start: date) -> PartialDate:
    """The yearly date of a job start (or any full date)."""
    return PartialDate(start.month, start.day, start.year)


def long_date(day: date) -> str:
    """``Friday 15 May``."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"


def long_date_with_year(day: date) -> str:
    """``Friday 15 May 2026``."""
    return f"{long_date(day)} {day.year}"


def on_day(day: date, today: date) -> str:
    """``today``, ``tomorrow`` or ``on Friday 15 May`` (the year when it is not this year's)."""
    delta = (day - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta == -1:
        return "yesterday"
    if day.year != today.year and abs(delta) > 180:
        return f"on {long_date_with_year(day)}"
    return f"on {long_date(day)}"


def plural(count: int, noun: str) -> str:
    """``1 day``, ``2 days``, ``2 people`` (:func:`amity.rules.words.counted`)."""
    return counted(count, noun)


def due_phrase(due: date, today: date) -> str:
    """``due today``, ``due tomorrow``, ``due in 3 days``, ``due yesterday``, ``due 2 days ago``."""
    delta = (due - today).days
    if delta == 0:
        return "due today"
    if delta == 1:
        return "due tomorrow"
    if delta == -1:
        return "due yesterday"
    if delta > 0:
        return f"due in {plural(delta, 'day')}"
    return f"due {plural(-delta, 'day')} ago"


def ordinal(number: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``11th``, ``22nd``."""
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
