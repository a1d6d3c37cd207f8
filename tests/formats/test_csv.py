"""Contacts CSV: flavours, encodings, delimiters, preambles, mappings and the export."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from amity.book import Book, PersonInput
from amity.formats.csv_import import (
    CSV_HEADER,
    csv_date,
    detect_csv_flavour,
    iter_csv,
    parse_csv,
    write_csv,
)
from amity.formats.records import PersonRecord, RecordError
from amity.model import PartialDate

CSV = Path(__file__).parents[2].parent / "shared" / "fixtures" / "csv"

LINKEDIN = """Notes:
"When exporting your connection data, you may notice that some of the email addresses are missing. You will only see email addresses for connections who have allowed their connections to see or download their email address using this setting https://www.linkedin.com/psettings/privacy/email. You can learn more here https://www.linkedin.com/help/linkedin/answer/261"

First Name,Last Name,URL,Email Address,Company,Position,Connected On
Ana,Lima,https://www.linkedin.com/in/analima,,"Acme, Inc.",CTO,12 Mar 2024
Bo,,https://www.linkedin.com/in/bo,bo@example.com,Initech,"Engineer, Senior",01 Feb 2019
,,,,,,03 Jan 2020
"""


def test_linkedin_preamble_connected_on_and_quoted_commas() -> None:
    items = list(iter_csv(LINKEDIN.encode("utf-8-sig")))
    ana, bo, empty = items
    assert isinstance(ana, PersonRecord) and isinstance(bo, PersonRecord)
    assert (ana.name, ana.org, ana.title, ana.emails) == ("Ana Lima", "Acme, Inc.", "CTO", [])
    assert (ana.met_on, ana.how_met) == (date(2024, 3, 12), "LinkedIn")
    assert ana.socials[0].service == "linkedin"
    assert bo.title == "Engineer, Senior" and bo.emails[0].value == "bo@example.com"
    assert isinstance(empty, RecordError) and empty.line == 7
    assert ana.line == 5


def test_google_legacy_labels_types_and_multiline_cells() -> None:
    (person,) = parse_csv(CSV / "roundcube__google_contacts_legacy_format.csv").people
    assert person.tags == ["Test"]  # "* My Contacts" dropped
    assert {e.value: e.label for e in person.emails}["home@aaa.pl"] == "home"
    assert person.notes == 'note"note'
    assert person.birthday == PartialDate(12, 12, 1975)
    assert person.source == "csv:google"


GOOGLE_CURRENT = """First Name,Middle Name,Last Name,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value,Organization Name,Birthday
Ana,,Lima,* myContacts ::: Friends ::: PyCon,* Work,ana@acme.example ::: ana@lima.example,Mobile,+44 20 7946 0958,Acme,--04-15
"""


def test_google_current_multi_values_and_labels_to_tags() -> None:
    (person,) = parse_csv(GOOGLE_CURRENT.encode()).people
    assert person.tags == ["Friends", "PyCon"]
    assert [e.value for e in person.emails] == ["ana@acme.example", "ana@lima.example"]
    assert person.emails[0].label == "work"
    assert person.phones[0].normalized == "+442079460958"
    assert person.birthday == PartialDate(4, 15)


def test_outlook_german_headers_cp1252_ragged_rows() -> None:
    people = parse_csv(CSV / "tine20__outlook2013_german_headers_cp1252.csv").people
    assert [p.name for p in people] == ["Christian Baumann", "Cornelius Weiß"]
    assert people[1].line == 4  # the row after a quoted CRLF in Notizen
    assert people[0].phones[0].normalized == "+49406432131550"
    assert people[1].notes is None


def test_semicolon_delimited_cp1252() -> None:
    people = parse_csv(CSV / "tine20__semicolon_delimited_cp1252.csv").people
    assert people[2].name == "ÖzdemirÖ Üglü"
    assert len(people) == 4


def test_outlook_email_columns_only() -> None:
    (person,) = parse_csv(CSV / "roundcube__outlook_email_columns_only.csv").people
    assert [e.value for e in person.emails] == [
        "test1@domain.tld",
        "test2@domain.tld",
        "test3@domain.tld",
    ]


def test_thunderbird_birth_parts() -> None:
    (person,) = parse_csv(CSV / "roundcube__thunderbird_address_book.csv").people
    assert person.birthday == PartialDate(11, 15, 1970)
    assert person.source == "csv:thunderbird"


def test_generic_windows_live_day_first_dates_and_title_as_prefix() -> None:
    (person,) = parse_csv(CSV / "roundcube__generic_all_fields_utf8_bom.csv").people
    assert person.birthday == PartialDate(1, 20, 1991)
    assert person.anniversary == PartialDate(2, 20, 1992)
    assert person.title == "Job Title"
    assert ("spouse", "Spouse") in [(r.kind, r.name) for r in person.related]
    assert person.tags == ["test"]


def test_generic_csv_with_a_column_mapping_and_tabs() -> None:
    text = (
        "Given\tSurname\tMail\tTel\tGroups\nAna\tLima\tana@x.example\t030 1234567\tfriends,pycon\n"
    )
    (person,) = parse_csv(
        text.encode(),
        mapping={
            "Given": "first_name",
            "Surname": "last_name",
            "Mail": "email:work",
            "Tel": "phone",
            "Groups": "tags",
        },
        default_region="DE",
    ).people
    assert person.name == "Ana Lima"
    assert person.emails[0].label == "work"
    assert person.phones[0].normalized == "+49301234567"
    assert person.tags == ["friends", "pycon"]


def test_flavour_detection() -> None:
    assert detect_csv_flavour(["First Name", "Last Name", "URL", "Connected On"]) == "linkedin"
    assert detect_csv_flavour(["Vorname", "Nachname"]) == "outlook"
    assert detect_csv_flavour(["Name", "Group Membership"]) == "google"
    assert detect_csv_flavour(["a", "b"]) == "generic"


def test_csv_dates() -> None:
    assert csv_date("22.03.1980") == PartialDate(3, 22, 1980)
    assert csv_date("3/22/1980") == PartialDate(3, 22, 1980)
    assert csv_date("0/0/00") is None


def test_export_header_neutralised_cells_and_reimport() -> None:
    person = PersonRecord(name="=HYPERLINK(\"x\")", org="@acme", notes="-1", tags=["a", "b"],
                          birthday=PartialDate(4, 15), uid="u1")  # fmt: skip
    text = write_csv([person])
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_HEADER
    assert rows[1][0] == '\'=HYPERLINK("x")' and rows[1][4] == "'@acme"
    (back,) = parse_csv(text.encode()).people
    assert (back.name, back.org, back.notes, back.tags, back.birthday, back.uid) == (
        person.name,
        "@acme",
        "-1",
        ["a", "b"],
        PartialDate(4, 15),
        "u1",
    )


def test_csv_export_of_book_people(sqlite_book: Book) -> None:
    sqlite_book.people.add(
        PersonInput(name="Ana", emails=["ana@x.example"], phones=["+4930123"], tags=["a"])
    )
    text = sqlite_book.transfer.export("csv").text
    row = list(csv.reader(io.StringIO(text)))[1]
    assert (row[0], row[7], row[8], row[11]) == ("Ana", "ana@x.example", "'+4930123", "a")
