"""The CardDAV server under /dav/, driven in process with the requests of RFC 6352 and 6578."""

from __future__ import annotations

import base64
import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from amity import accounts
from amity.book import Book, PersonInput
from tests.conftest import Clock, new_book

CARD = """BEGIN:VCARD\r
VERSION:3.0\r
UID:phone-1\r
FN:Eva Ng\r
N:Ng;Eva;;;\r
EMAIL;TYPE=HOME:eva@home.example\r
X-PHONE-ONLY:kept\r
PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHR\r
 oaHx4dGhwcICQuJyAiLCMcHCg3KSwwMTQ0NB8nOT04MjwuMzQy\r
END:VCARD\r
"""
MULTIGET = """<?xml version="1.0" encoding="utf-8" ?>
<C:addressbook-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">
  <D:prop><D:getetag/><C:address-data/></D:prop>
  {hrefs}
</C:addressbook-multiget>"""
SYNC = """<?xml version="1.0" encoding="utf-8" ?>
<D:sync-collection xmlns:D="DAV:"><D:sync-token>{token}</D:sync-token>
<D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>"""
PROPFIND = """<?xml version="1.0" encoding="utf-8" ?>
<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">
<D:prop><D:current-user-principal/><C:addressbook-home-set/><D:resourcetype/>
<D:getetag/><D:sync-token/><D:unknown-prop/></D:prop></D:propfind>"""


class DavUser:
    def __init__(self, app: FastAPI, book: Book, clock: Clock) -> None:
        self.book = book
        self.email = str(book.owner()["email"])
        _, token = accounts.create_api_token(book.ctx.engine, book.owner_id, "phone",
                                             now=clock(), scope="dav")  # fmt: skip
        self.password = token
        raw = base64.b64encode(f"{self.email}:{token}".encode()).decode()
        self.headers = {"Authorization": f"Basic {raw}"}
        self.client = TestClient(app, follow_redirects=False)
        self.home = f"/dav/addressbooks/{book.owner_id}/contacts/"

    def req(self, method: str, url: str, body: str = "", **headers: str):  # type: ignore[no-untyped-def]
        return self.client.request(method, url, content=body.encode(),
                                   headers={**self.headers, **headers})  # fmt: skip


@pytest.fixture
def eva(web_app: FastAPI, db_url: str, clock: Clock) -> DavUser:
    return DavUser(web_app, new_book(db_url, clock), clock)


@pytest.fixture
def other(web_app: FastAPI, db_url: str, clock: Clock) -> DavUser:
    return DavUser(web_app, new_book(db_url, clock), clock)


def hrefs(xml: str) -> list[str]:
    return re.findall(r"<d:href>([^<]+)</d:href>", xml)


def test_discovery_from_the_well_known_address(eva: DavUser) -> None:
    assert eva.req("PROPFIND", "/.well-known/carddav").headers["location"] == "/dav/"
    root = eva.req("PROPFIND", "/dav/", PROPFIND, Depth="0")
    assert root.status_code == 207
    principal = f"/dav/principals/{eva.book.owner_id}/"
    assert f"<d:current-user-principal><d:href>{principal}</d:href>" in root.text
    found = eva.req("PROPFIND", principal, PROPFIND, Depth="0")
    assert f"<c:addressbook-home-set><d:href>/dav/addressbooks/{eva.book.owner_id}/" in found.text
    assert "404 Not Found" in found.text  # D:unknown-prop is answered as not found
    home = eva.req("PROPFIND", f"/dav/addressbooks/{eva.book.owner_id}/", PROPFIND, Depth="1")
    assert eva.home in hrefs(home.text) and "<c:addressbook/>" in home.text


def test_a_card_round_trip_keeps_unknown_properties_and_etags_are_strong(eva: DavUser) -> None:
    put = eva.req("PUT", eva.home + "phone-1.vcf", CARD, **{"Content-Type": "text/vcard",
                                                          "If-None-Match": "*"})  # fmt: skip
    assert put.status_code == 201
    eva_person = eva.book.people.get("eva@home.example")
    assert eva_person.name == "Eva Ng"
    got = eva.req("GET", eva.home + "phone-1.vcf")
    assert got.text == CARD and got.headers["etag"] == put.headers["etag"]
    assert not got.headers["etag"].startswith("W/")
    again = eva.req("PUT", eva.home + "phone-1.vcf", CARD, **{"Content-Type": "text/vcard",
                                                            "If-None-Match": "*"})  # fmt: skip
    assert again.status_code == 412
    # Amity edits Eva: the card changes, its unknown lines do not
    eva.book.people.edit("Eva Ng", PersonInput(title="Architect"))
    changed = eva.req("GET", eva.home + "phone-1.vcf")
    assert "TITLE:Architect" in changed.text and changed.headers["etag"] != got.headers["etag"]
    assert (
        "X-PHONE-ONLY:kept" in changed.text
        and "oaHx4dGhwcICQuJyAiLCMcHCg3KSwwMTQ0NB8nOT04MjwuMzQy" in changed.text
    )
    stale = eva.req("PUT", eva.home + "phone-1.vcf", CARD.replace("Eva Ng", "Eva N."),
                    **{"Content-Type": "text/vcard", "If-Match": got.headers["etag"]})  # fmt: skip
    assert stale.status_code == 412
    fresh = eva.req("PUT", eva.home + "phone-1.vcf", changed.text.replace("FN:Eva Ng", "FN:Eva N."),
                    **{"Content-Type": "text/vcard", "If-Match": changed.headers["etag"]})  # fmt: skip
    assert fresh.status_code == 204
    assert eva.book.people.get("eva@home.example").name == "Eva N."


def test_multiget_and_sync_collection_report_changes_and_deletions(eva: DavUser) -> None:
    eva.book.people.add(PersonInput(name="Ana Lima", emails=["ana@acme.example"]))
    eva.book.people.add(PersonInput(name="Bruno Costa"))
    listing = eva.req("REPORT", eva.home, SYNC.format(token=""), Depth="1")
    assert listing.status_code == 207
    cards = [h for h in hrefs(listing.text) if h.endswith(".vcf")]
    assert len(cards) == 2
    token = re.search(r"<d:sync-token>([^<]+)</d:sync-token>", listing.text).group(1)  # type: ignore[union-attr]
    body = MULTIGET.format(hrefs="".join(f"<D:href>{h}</D:href>" for h in cards)
                           + f"<D:href>{eva.home}missing.vcf</D:href>")  # fmt: skip
    multi = eva.req("REPORT", eva.home, body, Depth="1")
    assert multi.text.count("BEGIN:VCARD") == 2 and "FN:Ana Lima" in multi.text
    assert "&#13;" in multi.text  # CRLF survives the XML (RFC 6350 lines)
    assert "404 Not Found" in multi.text
    nothing = eva.req("REPORT", eva.home, SYNC.format(token=token), Depth="1")
    assert [h for h in hrefs(nothing.text) if h.endswith(".vcf")] == []
    eva.book.people.archive("Bruno Costa")
    eva.book.people.edit("Ana Lima", PersonInput(title="CTO"))
    delta = eva.req("REPORT", eva.home, SYNC.format(token=token), Depth="1")
    assert sorted(hrefs(delta.text)) == sorted(cards)
    assert delta.text.count("404 Not Found") == 1
    bad = eva.req("REPORT", eva.home, SYNC.format(token="http://amity.invalid/ns/sync/999"))
    assert bad.status_code == 403 and "valid-sync-token" in bad.text


def test_delete_archives_the_person(eva: DavUser) -> None:
    eva.req("PUT", eva.home + "phone-1.vcf", CARD, **{"Content-Type": "text/vcard"})
    assert eva.req("DELETE", eva.home + "phone-1.vcf", **{"If-Match": '"nope"'}).status_code == 412
    assert eva.req("DELETE", eva.home + "phone-1.vcf").status_code == 204
    assert eva.book.people.get("eva@home.example").archived_at is not None
    assert eva.req("GET", eva.home + "phone-1.vcf").status_code == 404


def test_app_passwords_only_and_tenancy(eva: DavUser, other: DavUser, clock: Clock) -> None:
    eva.req("PUT", eva.home + "phone-1.vcf", CARD, **{"Content-Type": "text/vcard"})
    assert other.req("GET", eva.home + "phone-1.vcf").status_code == 404
    assert other.req("PROPFIND", eva.home, Depth="1").status_code == 404
    nobody = eva.client.request("PROPFIND", "/dav/")
    assert nobody.status_code == 401 and "Basic" in nobody.headers["www-authenticate"]
    _, api_token = accounts.create_api_token(eva.book.ctx.engine, eva.book.owner_id, "api",
                                             now=clock())  # fmt: skip
    raw = base64.b64encode(f"{eva.email}:{api_token}".encode()).decode()
    refused = eva.client.request("PROPFIND", "/dav/", headers={"Authorization": f"Basic {raw}"})
    assert refused.status_code == 401  # an API token is not an app password
    bearer = eva.client.get("/api/v1/people", headers={"Authorization": f"Bearer {eva.password}"})
    assert bearer.status_code == 401  # and an app password never opens the API
    wrong_user = base64.b64encode(f"{other.email}:{eva.password}".encode()).decode()
    assert eva.client.request("PROPFIND", "/dav/", headers={
        "Authorization": f"Basic {wrong_user}"}).status_code == 401  # fmt: skip


def test_bad_xml_and_bad_cards_are_clear_errors(eva: DavUser) -> None:
    boom = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    assert eva.req("REPORT", eva.home, boom).status_code == 400
    assert eva.req("PUT", eva.home + "x.vcf", "not a card",
                   **{"Content-Type": "text/vcard"}).status_code in (400, 415)  # fmt: skip
    assert eva.book.people.count() == 0


COMPANY = """BEGIN:VCARD\r
VERSION:3.0\r
UID:phone-acme\r
FN:Acme Corp\r
N:;;;;\r
ORG:Acme Corp;\r
EMAIL;TYPE=WORK:hello@acme.example\r
X-ABShowAs:COMPANY\r
END:VCARD\r
"""


def test_a_company_card_from_a_phone_is_an_organisation(eva: DavUser) -> None:
    """Kept and served as sent (the phone keeps it), listed by sync-collection, never a person;
    a changed card fills the organisation in; deleting it leaves the organisation."""
    url = eva.home + "phone-acme.vcf"
    put = eva.req("PUT", url, COMPANY, **{"Content-Type": "text/vcard", "If-None-Match": "*"})
    assert put.status_code == 201, put.text
    assert eva.book.people.count() == 0
    assert eva.book.organisations.get("acme corp").emails == ["hello@acme.example"]
    got = eva.req("GET", url)
    assert got.text == COMPANY and got.headers["etag"] == put.headers["etag"]
    listing = eva.req("REPORT", eva.home, SYNC.format(token=""), Depth="1")
    assert url in hrefs(listing.text)
    twice = eva.req("PUT", url, COMPANY, **{"Content-Type": "text/vcard", "If-None-Match": "*"})
    assert twice.status_code == 412
    more = COMPANY.replace("X-ABShowAs", "TEL:+1 415 555 0100\r\nX-ABShowAs")
    changed = eva.req("PUT", url, more, **{"Content-Type": "text/vcard",
                                           "If-Match": put.headers["etag"]})  # fmt: skip
    assert changed.status_code == 204
    assert eva.book.organisations.get("Acme Corp").phones == ["+1 415 555 0100"]
    multi = eva.req("REPORT", eva.home, MULTIGET.format(hrefs=f"<D:href>{url}</D:href>"), Depth="1")
    assert "TEL:+1 415 555 0100" in multi.text
    assert eva.req("DELETE", url).status_code == 204
    assert eva.req("GET", url).status_code == 404
    assert [o.name for o in eva.book.organisations.list()] == ["Acme Corp"]
    assert eva.book.people.count() == 0
    again = eva.req("PUT", eva.home + "acme-2.vcf", COMPANY, **{"Content-Type": "text/vcard"})
    assert again.status_code == 201
    eva.book.organisations.delete("Acme Corp")  # deleted in Amity: a tombstone for the phone
    assert eva.req("GET", eva.home + "acme-2.vcf").status_code == 404


PHONE_GROUP = """BEGIN:VCARD\r
VERSION:3.0\r
UID:phone-group-1\r
FN:Neighbours\r
N:Neighbours;;;;\r
X-ADDRESSBOOKSERVER-KIND:group\r
X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:nobody-1\r
END:VCARD\r
"""


def test_a_group_card_from_a_phone_is_a_group(eva: DavUser) -> None:
    """Kept and served as sent (the phone keeps its group), never a person; a person added
    later who answers to a member is tagged; deleting the card leaves the group."""
    url = eva.home + "neighbours.vcf"
    put = eva.req("PUT", url, PHONE_GROUP, **{"Content-Type": "text/vcard", "If-None-Match": "*"})
    assert put.status_code == 201, put.text
    assert eva.book.people.count() == 0
    (group,) = eva.book.groups.list()
    assert (group.name, group.tag, group.missing) == ("Neighbours", "neighbours",
                                                      ["someone not in your book"])  # fmt: skip
    assert eva.req("GET", url).text == PHONE_GROUP
    listing = eva.req("REPORT", eva.home, SYNC.format(token=""), Depth="1")
    assert url in hrefs(listing.text)
    assert eva.req("GET", url).status_code == 200
    assert eva.req("DELETE", url).status_code == 204
    assert [g.name for g in eva.book.groups.list()] == ["Neighbours"]
    assert eva.book.people.count() == 0
