"""Dates and times as people type them: ISO forms and natural phrases, relative to ``now``."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Phrases are read in English: trying every language dateparser knows takes seconds for
# text that is not a date at all, and guesses wrongly on short words.
LANGUAGES = ["en"]
_RELATIVE = re.compile(r"^\s*(?:in\s+)?(\d+)\s*([dwmy])\s*$", re.IGNORECASE)


class WhenError(ValueError):
    """A date or time that could not be understood."""


def zone(tz_name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(tz_name or "UTC")
    except (KeyError, ValueError):
        raise WhenError(f"{tz_name!r} is not a known time zone") from None


def parse_datetime(text: str, now: datetime, tz_name: str | None = None) -> datetime:
    """An aware UTC instant from ``2026-11-02``, ``2026-11-02 15:00``, ``yesterday 15:00``...

    Local phrases are read in the user's time zone; a date alone means noon that day (so the
    date survives any time-zone shift).
    """
    value = text.strip()
    tz = zone(tz_name)
    if not value:
        raise WhenError("empty date")
    if _ISO_DATE.match(value):
        day = date.fromisoformat(value)
        return datetime(day.year, day.month, day.day, 12, tzinfo=tz).astimezone(UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = _natural(value, now, tz)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)


def _natural(value: str, now: datetime, tz: ZoneInfo) -> datetime:
    import dateparser

    local_now = now.astimezone(tz).replace(tzinfo=None)
    parsed = dateparser.parse(
        value,
        languages=LANGUAGES,
        settings={
            "RELATIVE_BASE": local_now,
            "PREFER_DATES_FROM": "past",
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    if parsed is None:
        raise WhenError(f"{value!r} is not a date or time I understand (try 2026-11-02 15:00)")
    return parsed


def parse_date(text: str, today: date, *, future: bool = False) -> date:
    """A calendar date from ``2026-11-02``, ``3d`` / ``in 2w`` (from today), or a phrase."""
    value = text.strip()
    if _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise WhenError(f"{value!r}: {exc}") from None
    relative = _RELATIVE.match(value)
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2).lower()
        days = amount * {"d": 1, "w": 7, "m": 30, "y": 365}[unit]
        return today + timedelta(days=days)
    import dateparser

    parsed = dateparser.parse(
        value,
        languages=LANGUAGES,
        settings={
            "RELATIVE_BASE": datetime(today.year, today.month, today.day, 12),
            "PREFER_DATES_FROM": "future" if future else "past",
        },
    )
    if parsed is None:
        raise WhenError(f"{value!r} is not a date I understand (try 2026-11-02)")
    return parsed.date()


def parse_duration_days(text: str) -> int:
    """Days in ``3d``, ``2w``, ``1m``."""
    relative = _RELATIVE.match(text)
    if not relative:
        raise WhenError(f"{text!r} is not a duration like 3d or 2w")
    return int(relative.group(1)) * {"d": 1, "w": 7, "m": 30, "y": 365}[relative.group(2).lower()]
