"""A person's country reads their national phone numbers (issue 12 section 5): the order is
an explicit +country code, then the person's country, then the book's region; imports set the
country from the card's address."""

from __future__ import annotations

import pytest

from amity.book import Book, PersonInput
from amity.errors import InvalidInput
from amity.rules.normalize import NormalizeError, normalize_country, normalize_phone
from tests.conftest import FIXTURES

LONDON = "020 7946 0958"


@pytest.mark.parametrize(
    ("value", "code"),
    [("GB", "GB"), ("gb", "GB"), ("UK", "GB"), ("United Kingdom", "GB"),
     (" switzerland ", "CH"), ("Cayman Islands", "KY"), ("de", "DE")],
)  # fmt: skip
def test_countries_from_codes_and_names(value: str, code: str) -> None:
    assert normalize_country(value) == code


@pytest.mark.parametrize("value", ["COUNTRY PRIVAT", "Atlantis", "XX", "", "419"])
def test_what_is_not_a_country_is_refused(value: str) -> None:
    with pytest.raises(NormalizeError):
        normalize_country(value)


def test_phone_regions_are_tried_in_order() -> None:
    assert normalize_phone(LONDON, "GB", "US") == "+442079460958"
    assert normalize_phone("(415) 555-0123", None, "US") == "+14155550123"
    assert normalize_phone("+44 20 7946 0958", None, "US") == "+442079460958"
    # a number valid in the book's region stays there when the person's country cannot read it
    assert normalize_phone("(202) 555-0187", "GB", "US") == "+12025550187"
    with pytest.raises(NormalizeError, match=r"'020 7946 0958' is not a possible phone number"):
        normalize_phone(LONDON, None, "US")


def test_a_uk_number_for_a_person_in_the_uk_in_a_us_book(book: Book) -> None:
    book.settings.set("phone.region", "US")
    with pytest.raises(InvalidInput) as refused:
        book.people.add(PersonInput(name="Nobody Knows", phones=[LONDON]))
    assert refused.value.field == "phone" and LONDON in str(refused.value)
    assert book.people.count() == 0  # nothing half-written

    ana = book.people.add(PersonInput(name="Ana Lima", country="United Kingdom", phones=[LONDON]))
    assert ana.country == "GB" and ana.phones == ["+442079460958"]
    # an edit reads new national numbers with the stored country
    edited = book.people.edit(ana.id, PersonInput(phones=["07700 900123"]))
    assert "+447700900123" in edited.phones
    # and with the country the same edit sets
    bob = book.people.add(PersonInput(name="Bob Stone"))
    bob = book.people.edit(bob.id, PersonInput(country="DE", phones=["030 901820"]))
    assert bob.country == "DE" and bob.phones == ["+4930901820"]
    cleared = book.people.edit(bob.id, PersonInput(country=""))
    assert cleared.country is None


def test_a_bad_country_is_refused_with_its_field(book: Book) -> None:
    with pytest.raises(InvalidInput) as refused:
        book.people.add(PersonInput(name="Ana Lima", country="Atlantis"))
    assert refused.value.field == "country" and "Atlantis" in str(refused.value)


def test_imports_set_the_country_from_the_address(book: Book) -> None:
    ios = (FIXTURES / "vcard" / "tine20__ios5_30_ablabel_other.vcf").read_bytes()
    book.transfer.run(ios, filename="ios.vcf")
    # its ADR says "COUNTRY PRIVAT"; Apple's X-ABADR beside it says de
    (person,) = book.people.list()
    assert book.people.get(person.id).country == "DE"

    cayman = (FIXTURES / "vcard" / "roundcube__21_charset_windows1252_8bit.vcf").read_bytes()
    book.transfer.run(cayman, filename="john.vcf")
    assert book.people.get("John Doë").country == "KY"
    again = book.transfer.run(cayman, filename="john.vcf")
    assert again.summary()["people_new"] == 0
