"""Dates, phones and links as the pages show them (issue 12, section 5)."""

from __future__ import annotations

from datetime import date

import pytest

from amity.model import PartialDate
from amity.web.display import day_in_words, phone_for_display, web_link, years_note


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
