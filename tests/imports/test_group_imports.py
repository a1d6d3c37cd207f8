"""Group cards become groups, never people (issue 12 section 4): a vCard 4.0 ``KIND:group`` or
Apple's ``X-ADDRESSBOOKSERVER-KIND:group`` card is a tag its members in the book carry (linked
by UID, e-mail or exact name, in the same file, a later import or when added by hand); members
nobody answers to are listed; re-importing changes nothing; export writes the group back."""

from __future__ import annotations

import pytest

from amity.book import Book, PersonInput
from tests.conftest import Clock, new_book

GROUP_40 = """BEGIN:VCARD\r
VERSION:4.0\r
UID:urn:uuid:club-1\r
KIND:group\r
FN:Climbing Club\r
MEMBER:urn:uuid:ana-1\r
MEMBER:mailto:dora@example.org\r
MEMBER:urn:uuid:nobody-9\r
MEMBER:urn:uuid:nobody-10\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:4.0\r
UID:urn:uuid:ana-1\r
FN:Ana Lima\r
END:VCARD\r
"""

APPLE_30 = """BEGIN:VCARD\r
VERSION:3.0\r
UID:bruno-2\r
FN:Bruno Costa\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:3.0\r
PRODID:-//Apple Inc.//AddressBook 6.1//EN\r
UID:apple-group-7\r
FN:Board\r
N:Board;;;;\r
X-ADDRESSBOOKSERVER-KIND:group\r
X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:bruno-2\r
END:VCARD\r
"""


def test_a_kind_group_card_is_a_tag_with_linked_and_named_members(book: Book) -> None:
    result = book.transfer.run(GROUP_40.encode(), filename="club.vcf")
    summary = result.summary()
    assert (summary["groups_new"], summary["people_new"]) == (1, 1)  # the group is no person
    assert [p.name for p in book.people.list()] == ["Ana Lima"]
    (club,) = book.groups.list()
    assert (club.name, club.tag, club.uid) == ("Climbing Club", "climbing club", "urn:uuid:club-1")
    assert [m.name for m in club.members] == ["Ana Lima"]  # a card after the group's
    assert club.missing_counts == [("dora@example.org", 1), ("someone not in your book", 2)]
    assert book.people.get("Ana Lima").tags == ["climbing club"]
    again = book.transfer.run(GROUP_40.encode(), filename="club.vcf").summary()
    assert (again["groups_unchanged"], again["people_unchanged"]) == (1, 1)
    assert book.groups.list() == [club]
    dora = book.people.add(PersonInput(name="Dora Reis", emails=["Dora@example.org"]))
    club = book.groups.get("CLIMBING club")
    assert [m.name for m in club.members] == ["Ana Lima", "Dora Reis"]
    assert book.people.get(dora.id).tags == ["climbing club"]
    assert [p.name for p in book.people.list(tag="climbing club")] == ["Ana Lima", "Dora Reis"]


def test_apple_group_card_and_a_member_earlier_in_the_file(book: Book) -> None:
    book.transfer.run(APPLE_30.encode(), filename="apple.vcf")
    (board,) = book.groups.list()
    assert ([m.name for m in board.members], board.missing) == (["Bruno Costa"], [])
    assert book.people.count() == 1


def test_a_group_gaining_members_adds_them_and_takes_no_tag_off(book: Book) -> None:
    book.transfer.run(GROUP_40.encode(), filename="club.vcf")
    more = GROUP_40.replace("MEMBER:urn:uuid:nobody-10\r\n", "MEMBER:urn:uuid:eve-5\r\n"
                            "MEMBER:urn:uuid:nobody-10\r\n")  # fmt: skip
    more += "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:eve-5\r\nFN:Eve Park\r\nEND:VCARD\r\n"
    summary = book.transfer.run(more.encode(), filename="club.vcf").summary()
    assert (summary["groups_merged"], summary["people_new"]) == (1, 1)
    assert [m.name for m in book.groups.get("climbing club").members] == ["Ana Lima", "Eve Park"]


@pytest.mark.parametrize("version", ["4.0", "3.0"])
def test_export_writes_groups_back_and_they_import_the_same(book: Book, version: str) -> None:
    book.transfer.run(GROUP_40.encode(), filename="club.vcf")
    text = book.transfer.export("vcard", vcard_version=version).text
    assert ("KIND:group" if version == "4.0" else "X-ADDRESSBOOKSERVER-KIND:group") in text
    assert book.transfer.run(text.encode(), filename="back.vcf").summary()["groups_unchanged"] == 1
    copy = new_book(book.ctx.url, Clock())
    copy.transfer.run(text.encode(), filename="back.vcf")
    (club,) = copy.groups.list()
    assert [m.name for m in club.members] == ["Ana Lima"] and len(club.missing) == 3
    csv_text = book.transfer.export("csv").text
    assert "Climbing Club" not in csv_text  # a CSV row has no members: no group row
