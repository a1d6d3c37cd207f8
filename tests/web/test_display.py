"""Dates, phones and links as the pages show them (issue 12, section 5)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from amity.model import PartialDate
from amity.web.display import (
    day_in_words,
    full_day,
    moment_in_words,
    phone_for_display,
    web_link,
    years_note,
)


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        (PartialDate(4, 15), "en_GB", "15 April"),
        (PartialDate(4, 15), "en", "April 15"),
        (PartialDate(4, 15), "en_US", "April 15"),
        (PartialDate(4, 15), "de", "15. April"),
        (PartialDate(2, 29), "en_GB", "29 February"),
        (PartialDate(4, 15, 1990), "en_GB", "15 April 1990"),
        (date(2026, 12, 1), "en_US", "December 1, 2026"),
        (PartialDate(4, 15), "xx-nonsense", "15 April"),
        (None, "en", ""),
    ],
)
def test_days_in_words(value: object, locale: str, expected: str) -> None:
    assert day_in_words(value, locale) == expected  # type: ignore[arg-type]


def test_age_and_years() -> None:
    today = date(2026, 4, 14)
    assert years_note(PartialDate(4, 15, 1990), today) == "age 35"
    assert years_note(PartialDate(4, 14, 1990), today) == "age 36"
    assert years_note(PartialDate(6, 1, 2015), today, "anniversary") == "10 years"
    assert years_note(PartialDate(4, 15), today) == ""


@pytest.mark.parametrize(
    ("value", "region", "expected"),
    [
        ("+442079460018", "GB", "020 7946 0018"),
        ("+442079460018", "US", "+44 20 7946 0018"),
        ("+14155550123", "US", "(415) 555-0123"),
        ("+351912345678", "GB", "+351 912 345 678"),
        ("not a phone", "GB", "not a phone"),
    ],
)
def test_phones(value: str, region: str, expected: str) -> None:
    assert phone_for_display(value, region) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://www.linkedin.com/in/ana", "https://www.linkedin.com/in/ana"),
        ("linkedin.com/in/ana", "https://linkedin.com/in/ana"),
        ("javascript:alert(1)", None),
        ("data:text/html,x", None),
        ("@ana", None),
        ("ana lima", None),
    ],
)
def test_links(value: str, expected: str | None) -> None:
    assert web_link(value) == expected


def test_person_page_reads_like_a_person_wrote_it(ann: object) -> None:
    from amity.book import PersonInput
    from tests.web.conftest import WebUser

    assert isinstance(ann, WebUser)
    ann.book.settings.set("phone.region", "GB")
    ana = ann.book.people.add(
        PersonInput(
            name="Ana Lima",
            birthday="15 April 1990",
            phones=["020 7946 0018", "+14155550123"],
            urls=["linkedin.com/in/ana-lima"],
        )
    )
    ann.book.people.add_date(ana.id, "custom", "--07-04", "name day")
    page = ann.get(f"/people/{ana.id}").text
    assert "15 April 1990" in page and "(age 36)" in page
    assert "4 July" in page and "--07-04" not in page
    assert "020 7946 0018" in page and "+1 415-555-0123" in page
    assert 'href="https://linkedin.com/in/ana-lima"' in page
    form = ann.get(f"/people/{ana.id}/edit").text
    assert '<datalist id="timezones">' in form and '<option value="Europe/London">' in form
    ann.book.settings.set("locale", "en_US")
    assert "April 15, 1990" in ann.get(f"/people/{ana.id}").text


TODAY = date(2026, 12, 5)


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        (date(2026, 12, 5), "en_GB", "today"),
        (date(2026, 12, 4), "en_GB", "yesterday"),
        (date(2026, 12, 6), "en_GB", "tomorrow"),
        (date(2026, 12, 8), "en_GB", "8 December"),
        (date(2026, 12, 8), "en_US", "December 8"),
        (date(2025, 12, 8), "en_GB", "8 December 2025"),
        (date(2026, 12, 4), "de_DE", "gestern"),
        (date(2026, 12, 8), "de_DE", "8. Dezember"),
        (date(2026, 12, 6), "fr_FR", "demain"),
        (date(2025, 3, 1), "fr_FR", "1 mars 2025"),
        (PartialDate(4, 15), "en_GB", "15 April"),
        (None, "en_GB", ""),
    ],
)
def test_dates_read_in_words_relative_to_today(value: object, locale: str, expected: str) -> None:
    assert moment_in_words(value, locale=locale, today=TODAY) == expected  # type: ignore[arg-type]


def test_moments_are_shown_in_the_books_time_zone() -> None:
    late = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)
    assert moment_in_words(late, locale="en_GB", today=TODAY, tz="UTC") == "yesterday, 23:30"
    # in Berlin it is already 00:30 on the 5th
    assert moment_in_words(late, locale="en_GB", today=TODAY, tz="Europe/Berlin") == "today, 00:30"
    assert moment_in_words(late, locale="en_US", today=date(2027, 1, 9), tz="UTC") == (
        "December 4, 2026, 11:30\u202fPM"
    )
    # an unknown zone falls back to UTC rather than failing the page
    assert moment_in_words(late, locale="en_GB", today=TODAY, tz="Mars/Base") == "yesterday, 23:30"


def test_a_full_day_heading_follows_the_locale() -> None:
    assert full_day(TODAY, "en_GB") == "Saturday, 5 December 2026"
    assert full_day(TODAY, "de_DE") == "Samstag, 5. Dezember 2026"
