"""The CardDAV client against real servers (Radicale and Xandikos, started by the suite)."""

from __future__ import annotations

import pytest

from amity.book import Book, PersonInput
from amity.sync.runner import add_account, run_account
from tests.conftest import FIXTURES
from tests.sync.servers import DavServer

pytestmark = pytest.mark.slow  # real servers as subprocesses (left out of make test-fast)

ANA = """BEGIN:VCARD\r
VERSION:3.0\r
UID:ana-1\r
FN:Ana Lima\r
N:Lima;Ana;;;\r
EMAIL;TYPE=WORK:ana@acme.example\r
TEL;TYPE=CELL:+1 415 555 0101\r
ORG:Acme\r
TITLE:Engineer\r
X-PHONE-APP-PRIVATE:keep me\r
item1.URL:https://ana.example\r
item1.X-ABLabel:blog\r
END:VCARD\r
"""
BRUNO = """BEGIN:VCARD\r
VERSION:3.0\r
UID:bruno-2\r
FN:Bruno Costa\r
EMAIL:bruno@beta.example\r
END:VCARD\r
"""


def connect(book: Book, dav: DavServer, **options: object) -> int:
    account = add_account(book, "carddav", dav.base, username=dav.user, password=dav.password,
                          options=dict(options))  # fmt: skip
    return account.id


def test_first_pull_creates_people_and_links_every_card(sqlite_book: Book, dav: DavServer) -> None:
    dav.put("ana-1.vcf", ANA)
    dav.put("bruno-2.vcf", BRUNO)
    account = connect(sqlite_book, dav)
    run = run_account(sqlite_book, account)
    assert run is not None and run.status == "ok", run and run.error
    assert run.counts == {"created": 2}
    ana = sqlite_book.people.get("ana@acme.example")
    assert (ana.name, ana.org, ana.title) == ("Ana Lima", "Acme", "Engineer")
    assert run.details["server_count"] == 2 and run.details["reconciled"] is True
    again = run_account(sqlite_book, account)
    assert again is not None and again.status == "ok"
    assert again.counts == {} and again.details["requests"] <= 2


def unknown_lines(card: str) -> list[str]:
    """The lines of a card that Amity does not own (compared byte for byte)."""
    owned = ("FN", "N", "TITLE", "ORG", "EMAIL", "TEL", "NICKNAME", "BDAY", "NOTE", "REV")
    out = []
    for line in card.replace("\r\n ", "").split("\r\n"):
        name = line.split(":", 1)[0].split(";", 1)[0].split(".")[-1].upper()
        if line and name not in owned:
            out.append(line)
    return out


def test_edits_on_both_sides_meet_and_unknown_properties_survive(
    sqlite_book: Book, dav: DavServer
) -> None:
    book = sqlite_book
    dav.put("ana-1.vcf", ANA)
    account = connect(book, dav)
    assert run_account(book, account).status == "ok"  # type: ignore[union-attr]
    before, _ = dav.get("ana-1.vcf")
    # Amity: a promotion and a second e-mail; the server: a new phone
    book.people.edit("ana@acme.example", PersonInput(title="VP Engineering",
                                                     emails=["ana@home.example"]))  # fmt: skip
    server_card, etag = dav.get("ana-1.vcf")
    dav.put("ana-1.vcf", server_card.replace("+1 415 555 0101", "+1 415 555 0199"), etag=etag)
    run = run_account(book, account)
    assert run is not None and run.status == "ok", run and run.error
    ana = book.people.get("ana@acme.example")
    assert ana.phones == ["+1 415 555 0199"]
    after, _ = dav.get("ana-1.vcf")
    assert "TITLE:VP Engineering" in after and "ana@home.example" in after
    assert "0199" in after and "0101" not in after
    assert unknown_lines(after) == unknown_lines(before)
    assert "X-PHONE-APP-PRIVATE:keep me" in after
    # a promotion learned from the sync is none: Amity made it; nothing to congratulate
    assert run_account(book, account).counts == {}  # type: ignore[union-attr]


def test_a_title_change_on_the_server_is_a_work_milestone(
    sqlite_book: Book, dav: DavServer
) -> None:
    book = sqlite_book
    dav.put("ana-1.vcf", ANA)
    account = connect(book, dav)
    run_account(book, account)
    card, etag = dav.get("ana-1.vcf")
    dav.put("ana-1.vcf", card.replace("ORG:Acme", "ORG:Globex").replace("TITLE:Engineer",
                                                                        "TITLE:CTO"), etag=etag)  # fmt: skip
    assert run_account(book, account).counts == {"updated": 1}  # type: ignore[union-attr]
    items = [a for a in book.agenda.items() if a.kind == "congratulate"]
    assert [a.reason for a in items] == ["Ana Lima moved from Acme to Globex as CTO"]
    jobs = book.people.get("Ana Lima").jobs
    assert sorted((j.organisation, j.end_date is not None) for j in jobs) == [
        ("Acme", True), ("Globex", False)]  # fmt: skip


def test_a_conflict_is_recorded_ruled_and_resolvable(book: Book, dav: DavServer) -> None:
    dav.put("ana-1.vcf", ANA)
    account = connect(book, dav)
    run_account(book, account)
    book.people.edit("Ana Lima", PersonInput(title="CTO", name="Ana L."))
    card, etag = dav.get("ana-1.vcf")
    dav.put("ana-1.vcf", card.replace("TITLE:Engineer", "TITLE:Head of Data")
            .replace("FN:Ana Lima", "FN:Ana Lima-Souza"), etag=etag)  # fmt: skip
    run = run_account(book, account)
    assert run is not None and run.counts.get("conflict") == 1, run and run.counts
    conflicts = {c.field: c for c in book.connections.conflicts()}
    assert conflicts["title"].kept == "amity" and conflicts["fn"].kept == "server"
    ana = book.people.get("ana@acme.example")
    assert (ana.name, ana.title) == ("Ana Lima-Souza", "CTO")
    assert "TITLE:CTO" in dav.get("ana-1.vcf")[0]
    book.contact_sync.resolve(conflicts["title"].id, "server")
    assert book.people.get("ana@acme.example").title == "Head of Data"
    assert run_account(book, account).counts == {"updated": 1}  # type: ignore[union-attr]
    assert "TITLE:Head of Data" in dav.get("ana-1.vcf")[0]
    assert [c.field for c in book.connections.conflicts()] == ["fn"]


def test_deletions_both_ways(sqlite_book: Book, dav: DavServer) -> None:
    book = sqlite_book
    dav.put("ana-1.vcf", ANA)
    dav.put("bruno-2.vcf", BRUNO)
    account = connect(book, dav)
    run_account(book, account)
    dav.delete("bruno-2.vcf")
    book.people.archive("Ana Lima")
    run = run_account(book, account)
    assert run is not None and run.counts == {"deleted": 1, "skipped": 1}, run and run.counts
    assert book.people.get("bruno@beta.example").archived_at is not None  # restorable
    assert dav.names() == ["ana-1.vcf"]  # without --allow-delete the card stays
    assert run_account(book, account).counts == {}  # type: ignore[union-attr]
    book.connections.configure(account, options={"allow_delete": True})
    book.people.restore("Ana Lima")
    book.people.archive("Ana Lima")
    run = run_account(book, account)
    assert run is not None and run.counts == {"deleted": 1}, run and run.counts
    assert dav.names() == []


def test_new_people_in_scope_reach_the_server_once(sqlite_book: Book, dav: DavServer) -> None:
    book = sqlite_book
    book.people.add(PersonInput(name="Cara Dias", emails=["cara@x.example"], tags=["phone"],
                                phones=["+44 20 7946 0000"]))  # fmt: skip
    book.people.add(PersonInput(name="Dan Private", emails=["dan@x.example"]))
    account = connect(book, dav, tags=["phone"])
    run = run_account(book, account)
    assert run is not None and run.counts == {"created": 1}, run and run.counts
    names = dav.names()
    assert len(names) == 1
    card, _ = dav.get(names[0])
    assert "FN:Cara Dias" in card and "cara@x.example" in card and "Dan" not in card
    again = run_account(book, account)
    assert again is not None and again.counts == {} and again.details["reconciled"] is True


def test_a_second_device_changing_the_card_meanwhile_is_merged(
    sqlite_book: Book, dav: DavServer
) -> None:
    from tests.sync.servers import FlakyProxy

    book = sqlite_book
    dav.put("ana-1.vcf", ANA)

    def second_device(method: str, path: str, n: int) -> None:
        if method == "PUT" and n == 0:  # just before Amity's first write lands
            card, etag = dav.get("ana-1.vcf")
            dav.put("ana-1.vcf", card.replace("+1 415 555 0101", "+1 415 555 0177"), etag=etag)

    proxy = FlakyProxy(dav.base, second_device)
    try:
        account = add_account(book, "carddav", proxy.url, username=dav.user,
                              password=dav.password).id  # fmt: skip
        run_account(book, account)
        book.people.edit("Ana Lima", PersonInput(title="CTO"))
        run = run_account(book, account)
        assert run is not None and run.status == "ok", run and run.error
        card, _ = dav.get("ana-1.vcf")
        assert "TITLE:CTO" in card and "0177" in card
        assert book.people.get("Ana Lima").phones == ["+1 415 555 0177"]
        assert [m for m, _ in proxy.log].count("PUT") == 2  # 412, then the merged card
    finally:
        proxy.close()


def test_a_server_failing_half_way_loses_nothing_and_the_next_run_resumes(
    sqlite_book: Book, radicale_server: DavServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from amity.sync import carddav
    from tests.sync.servers import FlakyProxy

    monkeypatch.setattr(carddav, "MULTIGET_BATCH", 3)
    book, dav = sqlite_book, radicale_server
    for n in range(10):
        dav.put(f"p{n}.vcf", BRUNO.replace("bruno-2", f"p{n}").replace("bruno@", f"p{n}@")
                .replace("Bruno Costa", f"Person {n}"))  # fmt: skip
    failing = {"on": True}

    def fail_second_multiget(method: str, path: str, n: int) -> tuple[int, bytes] | None:
        if failing["on"] and method == "REPORT" and n == 2:
            return 503, b"busy"
        return None

    proxy = FlakyProxy(dav.base, fail_second_multiget)
    try:
        account = add_account(book, "carddav", proxy.url, username=dav.user,
                              password=dav.password).id  # fmt: skip
        run = run_account(book, account)
        assert run is not None and run.status == "failed" and "503" in (run.error or "")
        assert book.people.count() == 3  # the first batch is in, whole
        assert book.connections.get(account).status == "failing"
        failing["on"] = False
        run = run_account(book, account)
        assert run is not None and run.status == "ok", run and run.error
        assert run.counts == {"created": 7}
        assert book.people.count() == 10 and run.details["reconciled"] is True
    finally:
        proxy.close()


def test_invalid_xml_and_oversized_cards_fail_cleanly(
    sqlite_book: Book, radicale_server: DavServer
) -> None:
    from tests.sync.servers import FlakyProxy

    book, dav = sqlite_book, radicale_server
    dav.put("ana-1.vcf", ANA)
    huge = BRUNO.replace("END:VCARD", "NOTE:" + "x" * 1_100_000 + "\r\nEND:VCARD")
    dav.put("huge.vcf", huge)
    bad = {"on": True}
    proxy = FlakyProxy(dav.base, lambda m, p, n: (207, b"<d:multistatus xmlns:d='DAV:'><oops")
                       if bad["on"] and m == "REPORT" else None)  # fmt: skip
    try:
        account = add_account(book, "carddav", proxy.url, username=dav.user,
                              password=dav.password).id  # fmt: skip
        run = run_account(book, account)
        assert run is not None and run.status == "failed"
        assert "invalid XML" in (run.error or "") and book.people.count() == 0
        bad["on"] = False
        run = run_account(book, account)
        assert run is not None and run.counts == {"created": 1, "error": 1}, run and run.counts
        errors = book.connections.items(run.id, outcomes=["error"])
        assert errors[0].remote_ref.endswith("huge.vcf") and "larger than" in (
            errors[0].reason or ""
        )
        assert run.details["reconciled"] is False  # 2 on the server, 1 in Amity: said so
    finally:
        proxy.close()


def test_a_private_address_is_refused_without_the_setting(
    sqlite_book: Book, monkeypatch: pytest.MonkeyPatch
) -> None:
    from amity.netguard import BlockedAddress

    monkeypatch.delenv("AMITY_SYNC_ALLOW_PRIVATE")
    with pytest.raises(BlockedAddress):
        add_account(sqlite_book, "carddav", "http://127.0.0.1:9/", username="a", password="b")
    assert sqlite_book.connections.list() == []


def test_a_server_without_sync_collection_is_diffed_by_etag(
    sqlite_book: Book, radicale_server: DavServer
) -> None:
    from tests.sync.servers import FlakyProxy

    book, dav = sqlite_book, radicale_server
    dav.put("ana-1.vcf", ANA)
    dav.put("bruno-2.vcf", BRUNO)

    proxy = FlakyProxy(dav.base, lambda m, p, n: None)
    proxy.body_hook = lambda method, body: (  # type: ignore[assignment]
        (501, b"") if method == "REPORT" and b"sync-collection" in body else None
    )
    try:
        account = add_account(book, "carddav", proxy.url, username=dav.user,
                              password=dav.password).id  # fmt: skip
        first = run_account(book, account)
        assert first is not None and first.counts == {"created": 2}, first and first.error
        card, etag = dav.get("ana-1.vcf")
        dav.put("ana-1.vcf", card.replace("TITLE:Engineer", "TITLE:CTO"), etag=etag)
        dav.delete("bruno-2.vcf")
        second = run_account(book, account)
        assert second is not None and second.counts == {"updated": 1, "deleted": 1}
        assert book.people.get("ana@acme.example").title == "CTO"
        proxy.log.clear()
        quiet = run_account(book, account)
        assert quiet is not None and quiet.counts == {} and quiet.details["requests"] == 1
        assert [m for m, _ in proxy.log] == ["PROPFIND"]  # remembered: no REPORT tried again
    finally:
        proxy.close()


def test_a_pulled_value_that_is_not_an_address_goes_to_the_notes(
    sqlite_book: Book, radicale_server: DavServer
) -> None:
    x500 = "/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/ou=Recipients/cn=ana"
    radicale_server.put("ana-1.vcf", ANA.replace("ORG:Acme", f"EMAIL;TYPE=X400:{x500}\r\nORG:Acme"))
    account = connect(sqlite_book, radicale_server)
    run = run_account(sqlite_book, account)
    assert run is not None and run.status == "ok" and run.counts == {"created": 1}
    ana = sqlite_book.people.get("ana@acme.example")
    assert ana.emails == ["ana@acme.example"]
    assert f"Unrecognised e-mail value: {x500}" in (ana.notes or "")
    (item,) = sqlite_book.connections.items(run.id)
    assert x500 in (item.reason or "") and "is not an e-mail address" in (item.reason or "")
    again = run_account(sqlite_book, account)
    assert again is not None and again.counts == {}
    card, _ = radicale_server.get("ana-1.vcf")
    assert x500 in card.replace("\r\n ", "")  # the server's card keeps its value


ACME = """BEGIN:VCARD\r
VERSION:4.0\r
UID:acme-org\r
KIND:org\r
FN:Acme Corp\r
ORG:Acme Corp\r
EMAIL:hello@acme.example\r
URL:https://acme.example\r
END:VCARD\r
"""


def test_a_company_card_becomes_an_organisation_and_stays_on_the_server(
    sqlite_book: Book, radicale_server: DavServer
) -> None:
    book, dav = sqlite_book, radicale_server
    dav.put("ana-1.vcf", ANA)
    dav.put("acme-org.vcf", ACME)
    apple = (FIXTURES / "vcard" / "roundcube__apple_30_photo_nonascii_city.vcf").read_text()
    dav.put("apple.vcf", apple.replace("VERSION:3.0", "VERSION:3.0\r\nUID:apple-co", 1))
    account = connect(book, dav, allow_delete=True)
    run = run_account(book, account)
    assert run is not None and run.status == "ok", run and run.error
    assert run.counts == {"created": 3}
    assert run.details["reconciled"] is True
    assert [p.name for p in book.people.list()] == ["Ana Lima"]
    assert [o.name for o in book.organisations.list()] == ["Acme Corp", "Apple Computer AG"]
    acme = book.organisations.get("acme corp")
    assert (acme.emails, acme.website) == (["hello@acme.example"], "https://acme.example")
    book.people.edit("Ana Lima", PersonInput(title="CTO"))  # a push happens after this pull
    again = run_account(book, account)
    assert again is not None and again.status == "ok", again and again.error
    assert again.counts == {"updated": 1}  # Ana's card; nothing sent for the company cards
    assert dav.get("acme-org.vcf")[0] and dav.get("apple.vcf")[0]
    card, etag = dav.get("acme-org.vcf")
    dav.put("acme-org.vcf", card.replace("END:VCARD", "TEL:+1 415 555 0100\r\nEND:VCARD"),
            etag=etag)  # fmt: skip
    third = run_account(book, account)
    assert third is not None and third.counts == {"updated": 1}
    assert book.organisations.get("Acme Corp").phones == ["+1 415 555 0100"]
    assert book.people.count() == 1 and len(book.organisations.list()) == 2
