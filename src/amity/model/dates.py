"""PartialDate: a calendar date whose year may be unknown (year-less birthdays)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_FULL = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})$")
_YEARLESS = re.compile(r"^(?:--)?(\d{2})-?(\d{2})$")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@dataclass(frozen=True, order=True)
class PartialDate:
    """Month and day, with an optional year.

    >>> PartialDate.parse("--04-15")
    PartialDate(month=4, day=15, year=None)
    >>> str(PartialDate.parse("1990-04-15"))
    '1990-04-15'
    """

    month: int
    day: int
    year: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} is not between 1 and 12")
        if not 1 <= self.day <= _DAYS_IN_MONTH[self.month - 1]:
            raise ValueError(f"day {self.day} does not exist in month {self.month}")
        if self.year is not None:
            if not 1 <= self.year <= 9999:
                raise ValueError(f"year {self.year} is out of range")
            if self.month == 2 and self.day == 29 and not is_leap(self.year):
                raise ValueError(f"{self.year} has no 29 February")

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ``1990-04-15``, ``19900415``, ``--04-15``, ``--0415`` or ``04-15``."""
        value = text.strip()
        full = _FULL.match(value)
        if full:
            year, month, day = (int(g) for g in full.groups())
            return cls(month, day, year)
        yearless = _YEARLESS.match(value)
        if yearless:
            month, day = (int(g) for g in yearless.groups())
            return cls(month, day, None)
        raise ValueError(f"{text!r} is not a date like 1990-04-15, --04-15 or 04-15")

    @classmethod
    def from_date(cls, value: date) -> PartialDate:
        return cls(value.month, value.day, value.year)

    def occurrence_in(self, year: int) -> date:
        """The date this falls on in ``year``; 29 February falls on 28 February in common years."""
        if self.month == 2 and self.day == 29 and not is_leap(year):
            return date(year, 2, 28)
        return date(year, self.month, self.day)

    def next_occurrence(self, today: date) -> date:
        """The first occurrence on or after ``today``."""
        this_year = self.occurrence_in(today.year)
        return this_year if this_year >= today else self.occurrence_in(today.year + 1)

    def years_at(self, when: date) -> int | None:
        """Whole years from the known year to ``when`` (age, years married), else None."""
        return None if self.year is None else when.year - self.year

    def to_date(self) -> date | None:
        return None if self.year is None else date(self.year, self.month, self.day)

    def __str__(self) -> str:
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
