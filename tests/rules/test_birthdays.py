"""Birthdays as people type them (issue 12, section 5): a pure, bounded parser."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amity.model import PartialDate
from amity.rules.birthdays import BirthdayError, parse_birthday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 April", PartialDate(4, 15)),
        ("15 april 1990", PartialDate(4, 15, 1990)),
        ("April 15", PartialDate(4, 15)),
        ("Apr. 15, 1990", PartialDate(4, 15, 1990)),
        ("15th of April", PartialDate(4, 15)),
        ("1st Sept", PartialDate(9, 1)),
        ("4/15", PartialDate(4, 15)),
        ("4/15/1990", PartialDate(4, 15, 1990)),
        ("15/4", PartialDate(4, 15)),  # 15 cannot be a month
        ("15.4.1990", PartialDate(4, 15, 1990)),
        ("15.04.", PartialDate(4, 15)),
        ("1990-04-15", PartialDate(4, 15, 1990)),
        ("19900415", PartialDate(4, 15, 1990)),
        ("--04-15", PartialDate(4, 15)),
        ("--0415", PartialDate(4, 15)),
        ("  29  February ", PartialDate(2, 29)),
    ],
)
def test_what_people_type(text: str, expected: PartialDate) -> None:
    assert parse_birthday(text) == expected


def test_day_first_for_locales_that_write_it_so() -> None:
    assert parse_birthday("4/5", day_first=True) == PartialDate(5, 4)
    assert parse_birthday("4/5") == PartialDate(4, 5)


def test_extra_month_names() -> None:
    assert parse_birthday("15 avril", month_names={"avril": 4}) == PartialDate(4, 15)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "31 April", "29 February 1990", "15 Smarch", "13/13", "4/15/90", "tomorrow", "0/1"],
)
def test_refused_with_a_reason(text: str) -> None:
    with pytest.raises(BirthdayError) as err:
        parse_birthday(text)
    assert str(err.value)


def test_long_input_refused_quickly() -> None:
    start = time.perf_counter()
    with pytest.raises(BirthdayError, match="at most 40"):
        parse_birthday("1" * 100_000 + " April")
    assert time.perf_counter() - start < 0.5


@given(st.text(max_size=60))
def test_any_text_is_a_date_or_a_birthday_error(text: str) -> None:
    try:
        parsed = parse_birthday(text)
    except BirthdayError:
        return
    assert 1 <= parsed.month <= 12 and 1 <= parsed.day <= 31


@given(st.dates())
def test_iso_round_trip(day: object) -> None:
    assert parse_birthday(day.isoformat()) == PartialDate.from_date(day)  # type: ignore[attr-defined]
