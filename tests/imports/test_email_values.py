"""A value that is not an e-mail address is never stored as one (issue 12 section 4): on
import it goes to the person's notes, and the report warns with the record, the field and why.
"""

from __future__ import annotations

import pytest

from amity.book import Book, PersonInput
from amity.errors import InvalidInput
from tests.conftest import FIXTURES

X500 = ("/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/ou=Recipients/"
        "cn=5f1a2b3c4d5e6f708192a3b4c5d6e7f8-christian")  # fmt: skip
OUTLOOK_DE = FIXTURES / "csv" / "tine20__outlook2013_german_headers_cp1252.csv"


def outlook_with_exchange_address() -> bytes:
    """The German Outlook 2013 export, its first contact's address turned into the X.500 path
    Outlook writes for an Exchange (type EX) recipient."""
    text = OUTLOOK_DE.read_bytes().decode("cp1252")
    text = text.replace('"c.baumann@unittest.de","SMTP"', f'"{X500}","EX"')
    assert X500 in text
    return text.encode("cp1252")


def test_outlook_exchange_address_goes_to_the_notes_with_a_warning(book: Book) -> None:
    result = book.transfer.run(outlook_with_exchange_address(), filename="contacts.csv")
    summary = result.summary()
    assert summary["people_new"] == 2 and summary["warnings"] == 1
    (warning,) = result.plan.warnings
    assert warning.line == 2 and warning.record == "Christian Baumann"
    assert warning.reason.startswith(f"e-mail {X500!r} is not an e-mail address (")
    assert "kept in the notes" in warning.reason
    christian = book.people.get("Christian Baumann")
    assert christian.emails == []
    assert f"Unrecognised e-mail value: {X500}" in (christian.notes or "")
    assert book.people.get("c.weiss@unittest.de").name == "Cornelius Weiß"

    again = book.transfer.run(outlook_with_exchange_address(), filename="contacts.csv")
    counts = again.summary()
    assert counts["people_new"] == counts["people_merged"] == 0
    assert counts["people_unchanged"] == 2
    assert book.people.get("Christian Baumann").notes == christian.notes


CARD = """BEGIN:VCARD\r
VERSION:3.0\r
UID:ex-1\r
FN:Dana Ortiz\r
EMAIL;TYPE=INTERNET:dana@example.org\r
EMAIL;TYPE=X400:{x500}\r
EMAIL:Dana Ortiz <dana.o@example.org>\r
NOTE:Met at the fair\r
END:VCARD\r
"""


def test_vcard_keeps_good_addresses_and_sets_aside_the_rest(book: Book) -> None:
    result = book.transfer.run(CARD.format(x500=X500).encode(), filename="dana.vcf")
    reasons = [w.reason for w in result.plan.warnings]
    assert len(reasons) == 2
    assert "angle brackets" in reasons[1]
    dana = book.people.get("dana@example.org")
    assert dana.emails == ["dana@example.org"]
    assert dana.notes == (f"Met at the fair\nUnrecognised e-mail value: {X500}\n"
                          "Unrecognised e-mail value: Dana Ortiz <dana.o@example.org>")  # fmt: skip


def test_a_person_with_notes_gains_the_value_once(book: Book) -> None:
    book.people.add(PersonInput(name="Dana Ortiz", emails=["dana@example.org"],
                                note="Knows everyone"))  # fmt: skip
    card = CARD.format(x500=X500).replace("NOTE:Met at the fair\r\n", "")
    first = book.transfer.run(card.encode(), filename="dana.vcf")
    assert first.summary()["people_merged"] == 1
    notes = book.people.get("dana@example.org").notes or ""
    assert notes.startswith("Knows everyone\n") and notes.count("Unrecognised e-mail value") == 2
    again = book.transfer.run(card.encode(), filename="dana.vcf")
    assert again.summary()["people_unchanged"] == 1
    assert book.people.get("dana@example.org").notes == notes


def test_no_value_stored_as_an_address_is_invalid_after_every_fixture(sqlite_book: Book) -> None:
    """Cards, CSV rows, and attendees or correspondents added with --create-people (Google's
    birthday calendar names ``...@virtual``; an mbox has ``tb@tester.local``)."""
    from amity.book.transfer import ImportOptions
    from amity.rules.normalize import email_problem

    warned = []
    for path in sorted(p for p in FIXTURES.glob("*/*") if p.suffix != ".md"):
        result = sqlite_book.transfer.run(path, options=ImportOptions(create_people=True))
        warned += [w.reason for w in result.plan.warnings if "no person added" in w.reason]
    assert any("@virtual'" in w for w in warned) and any("tb@tester.local" in w for w in warned)
    for person in sqlite_book.people.list(limit=1000):
        for address in sqlite_book.people.get(person.id).emails:
            assert email_problem(address) is None, (person.name, address)


@pytest.mark.parametrize("bad", [X500, "Dana Ortiz", "dana@", "a@b@c.org"])
def test_add_and_edit_refuse_an_invalid_address(sqlite_book: Book, bad: str) -> None:
    with pytest.raises(InvalidInput, match="not a valid e-mail address") as caught:
        sqlite_book.people.add(PersonInput(name="Dana", emails=[bad]))
    assert caught.value.field == "email"
    sqlite_book.people.add(PersonInput(name="Dana", emails=["dana@example.org"]))
    with pytest.raises(InvalidInput, match="not a valid e-mail address"):
        sqlite_book.people.edit("Dana", PersonInput(emails=[bad]))
    assert sqlite_book.people.get("Dana").emails == ["dana@example.org"]


LINKEDIN = """Notes:
"When exporting your connection data, you may notice that some of the email addresses are missing."

First Name,Last Name,URL,Email Address,Company,Position,Connected On
Ana,Lima,https://www.linkedin.com/in/ana-lima,ana.lima(at)example.org,Acme,Engineer,12 Mar 2024
Bruno,Costa,https://www.linkedin.com/in/bruno-costa,bruno@example.org,Beta,CTO,01 Feb 2023
"""


def test_linkedin_value_that_is_not_an_address(book: Book) -> None:
    result = book.transfer.run(LINKEDIN.encode(), filename="Connections.csv")
    assert result.format == "linkedin"
    (warning,) = result.plan.warnings
    assert warning.record == "Ana Lima" and "'ana.lima(at)example.org'" in warning.reason
    ana = book.people.get("Ana Lima")
    assert ana.emails == [] and ana.notes == "Unrecognised e-mail value: ana.lima(at)example.org"
    assert book.people.get("bruno@example.org").name == "Bruno Costa"


def backup_with_an_exchange_address(book: Book) -> bytes:
    """A backup made before e-mails were checked: an old import kept the X.500 path."""
    import json

    book.people.add(
        PersonInput(name="Dana Ortiz", emails=["dana@example.org"], note="Met at the fair")
    )
    doc = book.transfer.backup()
    points = doc["tables"]["contact_points"]
    points.append(
        {**points[0], "id": points[0]["id"] + 1, "value": X500, "normalized": X500.lower()}
    )
    return json.dumps(doc).encode()


def test_a_json_backup_restores_such_a_value_into_the_notes(book: Book, db_url: str) -> None:
    from tests.conftest import Clock, new_book

    data = backup_with_an_exchange_address(book)
    target = new_book(db_url, Clock())
    preview = target.transfer.preview(data, filename="backup.json")
    (warning,) = preview.plan.warnings
    assert warning.record == "Dana Ortiz" and warning.line == 2 and X500 in warning.reason
    assert target.people.count() == 0
    done = target.transfer.run(data, filename="backup.json")
    assert [w.reason for w in done.plan.warnings] == [warning.reason]
    assert done.summary()["contact_points"] == 1
    dana = target.people.get("Dana Ortiz")
    assert dana.emails == ["dana@example.org"]
    assert dana.notes == f"Met at the fair\nUnrecognised e-mail value: {X500}"
