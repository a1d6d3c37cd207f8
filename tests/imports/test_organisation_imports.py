"""Company cards and company-only CSV rows become organisations, never people (issue 12
section 4), from the real-world fixtures; re-importing changes nothing; the vCard export writes
them back as company cards."""

from __future__ import annotations

import csv
import io

import pytest

from amity.book import Book
from tests.conftest import FIXTURES

APPLE = FIXTURES / "vcard" / "roundcube__apple_30_photo_nonascii_city.vcf"


def org_counts(result: object) -> tuple[int, int, int]:
    summary = result.summary()  # type: ignore[attr-defined]
    return (summary["organisations_new"], summary["organisations_merged"],
            summary["organisations_unchanged"])  # fmt: skip


def test_apple_company_card_is_an_organisation(book: Book) -> None:
    """The card has an empty N, FN = ORG and X-ABShowAs:COMPANY."""
    first = book.transfer.run(APPLE)
    assert org_counts(first) == (1, 0, 0) and first.summary()["people_new"] == 0
    assert book.people.count() == 0
    (apple,) = book.organisations.list()
    assert apple.name == "Apple Computer AG" and apple.website == "http://www.apple.ch"
    assert apple.address and "Wallisellen-Zürich" in apple.address
    again = book.transfer.run(APPLE)
    assert org_counts(again) == (0, 0, 1)
    assert book.organisations.list() == [apple]


KIND_ORG = """BEGIN:VCARD\r
VERSION:4.0\r
UID:urn:uuid:acme\r
KIND:org\r
FN:Acme Corp\r
ORG:Acme Corp\r
EMAIL;TYPE=work:hello@acme.example\r
TEL;VALUE=uri:tel:+1-415-555-0100\r
URL:https://acme.example\r
NOTE:Makes anvils\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:4.0\r
UID:urn:uuid:ana\r
KIND:individual\r
FN:Ana Lima\r
N:Lima;Ana;;;\r
ORG:ACME CORP\r
TITLE:CTO\r
EMAIL:ana@acme.example\r
END:VCARD\r
"""


def test_kind_org_card_and_a_person_who_works_there(book: Book) -> None:
    result = book.transfer.run(KIND_ORG.encode(), filename="cards.vcf")
    assert org_counts(result) == (1, 0, 0) and result.summary()["people_new"] == 1
    assert [p.name for p in book.people.list()] == ["Ana Lima"]
    acme = book.organisations.get("Acme Corp")
    assert (acme.emails, acme.phones, acme.notes, acme.uid) == (
        ["hello@acme.example"],
        ["+1-415-555-0100"],
        "Makes anvils",
        "urn:uuid:acme",
    )
    assert [(m.name, m.title) for m in book.organisations.people("acme corp")] == [
        ("Ana Lima", "CTO")
    ]
    card = KIND_ORG.replace("NOTE:Makes anvils", "NOTE:Makes anvils\r\nEMAIL:jobs@acme.example")
    more = book.transfer.run(card.encode(), filename="cards.vcf")
    assert org_counts(more) == (0, 1, 0) and more.summary()["people_unchanged"] == 1
    assert book.organisations.get("Acme Corp").emails == ["hello@acme.example", "jobs@acme.example"]
    assert org_counts(book.transfer.run(card.encode(), filename="cards.vcf")) == (0, 0, 1)


def rewrite_csv(path_name: str, encoding: str, delimiter: str, blank: set[str],
                keep_rows: int = 1) -> bytes:  # fmt: skip
    """A fixture with the person's name columns of its first row(s) emptied."""
    text = (FIXTURES / "csv" / path_name).read_bytes().decode(encoding)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = rows[0]
    for row in rows[1 : 1 + keep_rows]:
        for i, name in enumerate(header):
            if name in blank and i < len(row):
                row[i] = ""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


CSV_CASES = {
    "outlook": ("tine20__outlook2013_german_headers_cp1252.csv", "cp1252", ",",
                {"Vorname", "Nachname", "Initialen", "E-Mail: Angezeigter Name"},
                "outlook", "unittest", 1),
    "google": ("roundcube__google_contacts_legacy_format.csv", "utf-8", ",",
               {"Name", "Given Name", "Additional Name", "Family Name", "Name Prefix",
                "Name Suffix", "Nickname"}, "google", "company", 0),
    "thunderbird": ("roundcube__thunderbird_address_book.csv", "utf-8", ",",
                    {"First Name", "Last Name", "Display Name", "Nickname"}, "csv",
                    "Organization", 0),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CSV_CASES))
def test_csv_row_with_a_company_and_no_name_is_an_organisation(book: Book, case: str) -> None:
    name, encoding, delimiter, blank, fmt, company, people = CSV_CASES[case]
    data = rewrite_csv(name, encoding, delimiter, blank)
    result = book.transfer.run(data, filename=f"{case}.csv")
    assert result.format == fmt
    assert org_counts(result) == (1, 0, 0), result.summary()
    assert result.summary()["people_new"] == people == book.people.count()
    assert company not in [p.name for p in book.people.list()]
    org = book.organisations.get(company)
    assert org.emails or org.phones or org.website
    again = book.transfer.run(data, filename=f"{case}.csv")
    assert org_counts(again) == (0, 0, 1) and again.summary()["people_new"] == 0
    assert len(book.organisations.list()) == 1


def test_a_named_person_with_a_company_stays_a_person(book: Book) -> None:
    result = book.transfer.run(FIXTURES / "csv" / "roundcube__thunderbird_address_book.csv")
    assert org_counts(result) == (0, 0, 0) and result.summary()["people_new"] == 1
    assert book.people.get("Displayname").org == "Organization"
    assert book.organisations.list() == []


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_vcard_export_writes_company_cards_that_import_back(book: Book, version: str,
                                                            tmp_path: object) -> None:  # fmt: skip
    from tests.conftest import Clock, new_book

    book.transfer.run(KIND_ORG.encode(), filename="cards.vcf")
    book.transfer.run(APPLE)
    text = book.transfer.export("vcard", vcard_version=version).text
    assert text.count("KIND:org" if version == "4.0" else "X-ABSHOWAS:COMPANY") == 2
    assert org_counts(book.transfer.run(text.encode(), filename="back.vcf")) == (0, 0, 2)
    copy = new_book(book.ctx.url, Clock())
    copy.transfer.run(text.encode(), filename="back.vcf")
    assert [p.name for p in copy.people.list()] == ["Ana Lima"]
    fields = lambda o: (o.name, o.website, o.emails, o.phones, o.address, o.notes, o.uid)  # noqa: E731
    assert [fields(o) for o in copy.organisations.list()] == [
        fields(o) for o in book.organisations.list()
    ]
