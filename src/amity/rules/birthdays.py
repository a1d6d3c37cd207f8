"""Reading a birthday (or any date whose year may be unknown) the way a person types it.

>>> parse_birthday("15 April")
PartialDate(month=4, day=15, year=None)
>>> parse_birthday("4/15")
PartialDate(month=4, day=15, year=None)
>>> parse_birthday("1990-04-15")
PartialDate(month=4, day=15, year=1990)
>>> parse_birthday("--04-15")
PartialDate(month=4, day=15, year=None)

Accepted: ISO (``1990-04-15``, ``19900415``, ``--04-15``, ``--0415``, ``04-15``); words in
either order (``15 April``, ``April 15``, ``15th of April 1990``, ``Apr 15, 1990``; English
month names and their three-letter abbreviations, plus any extra names given); numbers with
``/`` (month first, ``4/15`` and ``4/15/1990``, unless ``day_first`` or the first number
cannot be a month) or ``.`` (day first, ``15.4.1990``). Years have four digits. Input longer
than 40 characters is refused before any matching (bounded time).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from amity.model import PartialDate

MAX_LENGTH = 40
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(\d{4}))?"
_WORD = r"([^\W\d_]+)\.?"
_DAY_MONTH = re.compile(rf"^{_DAY}\s+(?:of\s+)?{_WORD}{_YEAR}$")
_MONTH_DAY = re.compile(rf"^{_WORD}\s+{_DAY}{_YEAR}$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/(\d{4}))?$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.?(?:(\d{4}))?$")


class BirthdayError(ValueError):
    """Text that is not a date a person would mean; the message says what is accepted."""


def parse_birthday(
    text: str, *, day_first: bool = False, month_names: Mapping[str, int] | None = None
) -> PartialDate:
    """The date ``text`` names (see the module's docstring); raises BirthdayError."""
    value = " ".join(text.split()).strip()
    if not value:
        raise BirthdayError("a date needs a day and a month")
    if len(value) > MAX_LENGTH:
        raise BirthdayError(f"a date is at most {MAX_LENGTH} characters")
    try:
        return _parse(value.lower(), day_first, month_names or {})
    except ValueError as exc:  # a day that does not exist (31 April), from PartialDate
        if isinstance(exc, BirthdayError):
            raise
        raise BirthdayError(f"{value!r}: {exc}") from None


def _parse(value: str, day_first: bool, extra: Mapping[str, int]) -> PartialDate:
    try:
        return PartialDate.parse(value)
    except ValueError:
        pass
    match = _DAY_MONTH.match(value)
    if match:
        day, month, year = match.groups()
        return _made(int(day), _month(month, extra), year)
    match = _MONTH_DAY.match(value)
    if match:
        month, day, year = match.groups()
        return _made(int(day), _month(month, extra), year)
    match = _SLASHED.match(value)
    if match:
        first, second, year = (match.group(1), match.group(2), match.group(3))
        a, b = int(first), int(second)
        if day_first or a > 12:
            return _made(a, b, year)
        return _made(b, a, year)
    match = _DOTTED.match(value)
    if match:
        day, month, year = match.groups()
        return _made(int(day), int(month), year)
    raise BirthdayError(f"{value!r} is not a date like 15 April, 4/15, 1990-04-15 or --04-15")


def _month(name: str, extra: Mapping[str, int]) -> int:
    key = name.lower().rstrip(".")
    number = extra.get(key) or MONTHS.get(key)
    if number is None:
        raise BirthdayError(f"{name!r} is not the name of a month")
    return number


def _made(day: int, month: int, year: str | None) -> PartialDate:
    if not 1 <= month <= 12:
        raise BirthdayError(f"month {month} is not between 1 and 12")
    return PartialDate(month, day, int(year) if year else None)
