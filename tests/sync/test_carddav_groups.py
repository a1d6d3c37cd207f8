"""A group card on a CardDAV server (issue 12 section 4) becomes a group in Amity, never a
person: its members linked as their cards arrive in the same pull, the card kept on the server
(a push never sends nor deletes it), and a change on the server adds the members it gained."""

from __future__ import annotations

import pytest

from amity.book import Book
from amity.sync.runner import run_account
from tests.sync.servers import DavServer
from tests.sync.test_carddav_client import ANA, BRUNO, connect

pytestmark = pytest.mark.slow  # real servers as subprocesses (left out of make test-fast)

GROUP = """BEGIN:VCARD\r
VERSION:3.0\r
UID:team-7\r
FN:Team\r
N:Team;;;;\r
X-ADDRESSBOOKSERVER-KIND:group\r
X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:ana-1\r
X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:zed-9\r
END:VCARD\r
"""


def test_a_group_card_is_a_group_and_stays_on_the_server(
    sqlite_book: Book, radicale_server: DavServer
) -> None:
    book, dav = sqlite_book, radicale_server
    dav.put("team.vcf", GROUP)
    dav.put("ana-1.vcf", ANA)
    dav.put("bruno-2.vcf", BRUNO)
    account = connect(book, dav, allow_delete=True)
    run = run_account(book, account)
    assert run is not None and run.status == "ok", run and run.error
    assert run.counts == {"created": 3} and run.details["reconciled"] is True
    assert [p.name for p in book.people.list()] == ["Ana Lima", "Bruno Costa"]
    (team,) = book.groups.list()
    assert ([m.name for m in team.members], team.missing) == (
        ["Ana Lima"], ["someone not in your book"])  # fmt: skip
    assert book.people.get("Ana Lima").tags == ["team"]
    again = run_account(book, account)  # a push runs too: nothing sent, nothing deleted
    assert again is not None and again.status == "ok" and again.counts == {}
    assert dav.get("team.vcf")[0]
    card, etag = dav.get("team.vcf")
    dav.put("team.vcf", card.replace("END:VCARD", "X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:bruno-2"
                                                  "\r\nEND:VCARD"), etag=etag)  # fmt: skip
    third = run_account(book, account)
    assert third is not None and third.counts == {"updated": 1}
    assert [m.name for m in book.groups.get("team").members] == ["Ana Lima", "Bruno Costa"]
    assert book.people.count() == 2
