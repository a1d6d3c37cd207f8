"""Related people from imports become relationships (issue 12 section 4): to the person in the
book the card names (by UID, e-mail or exact name, in the same import or a later one, or added
by hand), otherwise to a named person not in the book; never a relation of a person to
themself. Re-importing changes nothing; a relationship imported from both ends is listed once;
export writes the names back."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from amity.book import Book, PersonInput
from amity.store import schema as s
from tests.conftest import FIXTURES

VCARD = FIXTURES / "vcard"

COUPLE = """BEGIN:VCARD\r
VERSION:4.0\r
UID:urn:uuid:ana-1\r
FN:Ana Lima\r
EMAIL:ana@example.org\r
RELATED;TYPE=spouse;VALUE=text:Bruno Costa\r
RELATED;TYPE=parent:urn:uuid:carla-3\r
RELATED;TYPE=colleague:mailto:dora@EXAMPLE.org\r
RELATED;TYPE=friend;VALUE=text:Zoë Quist\r
RELATED;TYPE=sibling;VALUE=text:ana lima\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:4.0\r
UID:urn:uuid:bruno-2\r
FN:Bruno Costa\r
RELATED;TYPE=spouse;VALUE=text:Ana Lima\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:4.0\r
UID:urn:uuid:carla-3\r
FN:Carla Lima\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:4.0\r
FN:Dora Reis\r
EMAIL:dora@example.org\r
END:VCARD\r
"""


def rows(book: Book) -> list[tuple[int, int | None, str, str | None]]:
    r = s.relationships
    with book.ctx.read() as conn:
        return [tuple(x) for x in conn.execute(  # type: ignore[misc]
            select(r.c.person_a_id, r.c.person_b_id, r.c.kind, r.c.name_hint)
            .where(r.c.owner_id == book.ctx.owner_id).order_by(r.c.id))]  # fmt: skip


def names(book: Book) -> set[tuple[str, str, str]]:
    return {(x.a.name, x.kind, x.b.name) for x in book.network.relationships.list()}


def test_related_names_link_to_the_people_they_name_in_the_same_import(book: Book) -> None:
    result = book.transfer.run(COUPLE.encode(), filename="couple.vcf")
    assert result.summary()["people_new"] == 4
    assert all(a != b for a, b, _, _ in rows(book)), "a person related to themself"
    assert names(book) == {
        ("Ana Lima", "spouse", "Bruno Costa"),  # by name; Bruno's card says it too: once
        ("Ana Lima", "parent", "Carla Lima"),  # by UID, a card later in the file
        ("Ana Lima", "colleague", "Dora Reis"),  # by mailto:, any case
        ("Ana Lima", "friend", "Zoë Quist"),  # nobody in the book: the name
        ("Ana Lima", "sibling", "ana lima"),  # her own name: never herself
    }
    pending = {x.b.name: x.b.id for x in book.network.relationships.list() if x.named_only}
    assert pending == {"Zoë Quist": 0, "ana lima": 0}
    ana = book.people.get("Ana Lima")
    assert {(x.kind, x.b.name) for x in book.network.relationships.list(ana.id)} >= {
        ("spouse", "Bruno Costa"), ("friend", "Zoë Quist")}  # fmt: skip
    before = rows(book)
    again = book.transfer.run(COUPLE.encode(), filename="couple.vcf")
    assert again.summary()["people_unchanged"] == 4
    assert rows(book) == before


def test_a_named_relation_links_when_the_person_arrives_later(book: Book) -> None:
    book.transfer.run(COUPLE.encode(), filename="couple.vcf")
    zoe = book.people.add(PersonInput(name="ZOE QUIST"))  # by hand; accents and case ignored
    (friend,) = [x for x in book.network.relationships.list() if x.kind == "friend"]
    assert (friend.b.id, friend.b.name) == (zoe.id, "ZOE QUIST")
    # an exact name two people share stays a name: Amity does not guess
    book.people.add(PersonInput(name="Eve Park"))
    book.people.add(PersonInput(name="Eve Park"))
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Finn Lo\r\nitem1.X-ABRELATEDNAMES:Eve Park\r\n" \
        "item1.X-ABLabel:_$!<Sister>!$_\r\nEND:VCARD\r\n"  # fmt: skip
    book.transfer.run(card.encode(), filename="finn.vcf")
    (sister,) = [x for x in book.network.relationships.list() if x.a.name == "Finn Lo"]
    assert (sister.kind, sister.b.id, sister.b.name) == ("sister", 0, "Eve Park")


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("ezvcard__gmail_30_xabdate_xabrelatednames.vcf", {"Jenny"}),
        ("ezvcard__mac_addressbook_30_relatednames_photo.vcf", {"Jenny"}),
        (
            "ezvcard__evolution_30_couchdb_params_x_anniversary.vcf",
            {"Maria", "Big Blue", "Little Red"},
        ),  # spouse, manager, assistant
        ("ezvcard__gmail_30_every_custom_label.vcf", {f"Name{i}" for i in range(1, 17)}),
    ],
)
def test_real_cards_relations_are_never_to_themself(
    book: Book, fixture: str, expected: set[str]
) -> None:
    book.transfer.run(VCARD / fixture)
    listed = book.network.relationships.list()
    assert {x.b.name for x in listed} == expected
    assert all(x.a.id != x.b.id and x.a.id for x in listed)
    assert all(a != b for a, b, _, _ in rows(book))


def test_uuid_nobody_answers_to_reads_as_someone_not_in_the_book(book: Book) -> None:
    book.transfer.run(VCARD / "icaljs__40_anniversary_bday_no_year_kind_member.vcf")
    (friend,) = book.network.relationships.list()
    assert (friend.kind, friend.b.id, friend.b.name) == ("friend", 0, "someone not in your book")


def test_paths_and_people_you_both_know_ignore_names_not_in_the_book(book: Book) -> None:
    book.transfer.run(COUPLE.encode(), filename="couple.vcf")
    ana = book.people.get("Ana Lima")
    with book.ctx.read() as conn:
        links = book.network.paths.links(conn, ana.id)  # type: ignore[attr-defined]
    assert links and all(link.a and link.b and link.a != link.b for link in links)  # type: ignore[attr-defined]


def test_export_writes_the_related_names_back(book: Book) -> None:
    book.transfer.run(COUPLE.encode(), filename="couple.vcf")
    text = book.transfer.export("vcard", vcard_version="4.0").text
    assert "Zoë Quist" in text and "Bruno Costa" in text
    assert book.transfer.run(text.encode(), filename="back.vcf").summary()["people_unchanged"] == 4
