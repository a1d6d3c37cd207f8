"""REST API: interactions (several participants, timelines, keyset pages), search, export, import."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from amity.book import InteractionInput, PersonInput

if TYPE_CHECKING:
    from tests.web.conftest_api import ApiUser

pytest_plugins = ["tests.web.conftest_api"]


def person(user: ApiUser, name: str, **kw: Any) -> int:
    return user.book.people.add(PersonInput(name=name, **kw)).id


def test_log_an_interaction_with_several_people(alice: ApiUser) -> None:
    ana, ben = person(alice, "Ana"), person(alice, "Ben")
    response = alice.client.post(
        alice.url("/interactions"),
        json={
            "people": [ana, ben],
            "kind": "meeting",
            "occurred_at": "2026-11-20T10:00:00+01:00",
            "subject": "Lunch",
            "notes": "talked about the move",
            "channel": "in person",
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["Location"] == f"/api/v1/interactions/{body['id']}"
    assert {p["id"] for p in body["people"]} == {ana, ben}
    assert body["occurred_at"] == "2026-11-20T09:00:00+00:00" and body["source"] == "api"
    stored = alice.book.interactions.get(body["id"])
    assert stored.subject == "Lunch" and stored.kind == "meeting" and stored.status == "done"
    assert {r.id for r in stored.people} == {ana, ben}
    assert alice.book.people.get(ana).last_interaction_at == datetime(2026, 11, 20, 9, tzinfo=UTC)


def test_invalid_interactions_are_refused_before_writing(alice: ApiUser) -> None:
    ana = person(alice, "Ana")
    cases = [
        ({"people": []}, 422, "people"),
        ({"people": [ana], "kind": "telepathy"}, 422, "kind"),
        ({"people": [ana], "occurred_at": "2026-11-20T10:00:00"}, 422, "occurred_at"),
        ({"people": [ana], "needs_reply": True, "direction": "outbound"}, 422, "needs_reply"),
        ({"people": [ana, 999999]}, 404, None),
        ({"people": [ana], "subject": "a\x00b"}, 422, "subject"),
    ]
    for body, status, field in cases:
        response = alice.client.post(alice.url("/interactions"), json=body)
        assert response.status_code == status, (body, response.text)
        if field:
            assert field in response.json()["error"]["fields"], response.json()
    assert alice.book.interactions.count() == 0


def test_get_list_and_delete(alice: ApiUser, clock: Any) -> None:
    ana, ben = person(alice, "Ana"), person(alice, "Ben")
    first = alice.book.interactions.log(
        InteractionInput(people=[ana], kind="call", occurred_at=clock() - timedelta(days=2))
    )
    second = alice.book.interactions.log(
        InteractionInput(people=[ana, ben], kind="email", occurred_at=clock() - timedelta(days=1))
    )
    got = alice.client.get(alice.url(f"/interactions/{first.id}"))
    assert got.status_code == 200 and got.json()["kind"] == "call"
    every = alice.client.get(alice.url("/interactions")).json()
    assert [i["id"] for i in every["items"]] == [second.id, first.id]
    assert every["next_cursor"] is None
    bens = alice.client.get(alice.url(f"/people/{ben}/interactions")).json()
    assert [i["id"] for i in bens["items"]] == [second.id]
    calls = alice.client.get(alice.url("/interactions?kind=call")).json()
    assert [i["id"] for i in calls["items"]] == [first.id]
    assert alice.client.delete(alice.url(f"/interactions/{second.id}")).status_code == 204
    assert alice.book.interactions.count() == 1
    assert alice.book.people.get(ben).last_interaction_at is None
    assert alice.client.get(alice.url(f"/interactions/{second.id}")).status_code == 404
    assert alice.client.get(alice.url("/people/999999/interactions")).status_code == 404


def test_keyset_pages_survive_shared_instants_and_new_rows(alice: ApiUser, clock: Any) -> None:
    ana = person(alice, "Ana")
    base = clock() - timedelta(days=30)
    for n in range(17):  # clusters of rows that share an instant
        alice.book.interactions.log(
            InteractionInput(people=[ana], occurred_at=base + timedelta(hours=n // 6))
        )
    expected = [i.id for i in alice.book.interactions.timeline(ana, limit=100)]
    seen: list[int] = []
    cursor = None
    while True:
        query = "/interactions?limit=4" + (f"&cursor={cursor}" if cursor else "")
        body = alice.client.get(alice.url(query)).json()
        seen.extend(i["id"] for i in body["items"])
        cursor = body["next_cursor"]
        if len(seen) == 8:  # a newer row arrives mid-walk: it must not shift the pages
            alice.book.interactions.log(InteractionInput(people=[ana]))
        if cursor is None:
            break
    assert seen == expected


def test_awaiting_reply(alice: ApiUser) -> None:
    ana = person(alice, "Ana")
    waiting = alice.client.post(
        alice.url("/interactions"),
        json={"people": [ana], "kind": "email", "needs_reply": True, "subject": "Quote?"},
    ).json()
    assert waiting["direction"] == "inbound"
    listed = alice.client.get(alice.url("/interactions/awaiting-reply")).json()
    assert [i["id"] for i in listed] == [waiting["id"]]
    alice.client.post(
        alice.url("/interactions"), json={"people": [ana], "kind": "email", "direction": "outbound"}
    )
    assert alice.client.get(alice.url("/interactions/awaiting-reply")).json() == []
    assert alice.book.interactions.awaiting_reply() == []


# --- search, export, import ----------------------------------------------------------------------


def test_search_finds_people_and_interactions(alice: ApiUser) -> None:
    ana = person(alice, "Ana Lima", org="Acme")
    alice.book.interactions.log(InteractionInput(people=[ana], subject="Acme roadmap"))
    response = alice.client.get(alice.url("/search?q=acme"))
    assert response.status_code == 200
    hits = response.json()["hits"]
    assert {h["kind"] for h in hits} == {"person", "interaction"}
    assert hits[0]["kind"] == "person" and hits[0]["id"] == ana
    assert alice.client.get(alice.url("/search?q=")).status_code == 422
    assert alice.client.get(alice.url("/search?q=%3F%3F%3F")).json()["hits"] == []


def test_export_downloads_the_json_backup(alice: ApiUser) -> None:
    person(alice, "Ana")
    response = alice.client.get(alice.url("/export"))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="amity-2026-11-25.json"'
    doc = response.json()
    assert doc["format"] == "amity-backup"
    assert [p["name"] for p in doc["tables"]["people"]] == ["Ana"]
    assert doc == alice.book.export_json()


def test_export_as_vcard_and_csv_round_trips_through_import(alice: ApiUser, bob: ApiUser) -> None:
    person(alice, "Ana Lima", emails=["ana@example.org"], org="Acme")
    cards = alice.client.get(alice.url("/export?format=vcard"))
    assert cards.status_code == 200 and cards.headers["Content-Type"].startswith("text/vcard")
    assert "FN:Ana Lima" in cards.text
    table = alice.client.get(alice.url("/export?format=csv"))
    assert table.status_code == 200 and "ana@example.org" in table.text
    imported = bob.client.post(bob.url("/import"), content=cards.content)
    assert imported.status_code == 200 and imported.json()["format"] == "vcard"
    assert bob.book.people.get("ana@example.org").org == "Acme"
    assert alice.client.get(alice.url("/export?format=pdf")).status_code == 422


def test_import_preview_then_apply_into_an_empty_book(alice: ApiUser, bob: ApiUser) -> None:
    ana = person(alice, "Ana", emails=["ana@example.org"])
    alice.book.interactions.log(InteractionInput(people=[ana], subject="hello"))
    backup = alice.client.get(alice.url("/export")).content
    preview = bob.client.post(
        bob.url("/import/preview?format=json"),
        content=backup,
        headers={"Content-Type": "application/json"},
    )
    assert preview.status_code == 200, preview.text
    plan = preview.json()
    assert plan["can_apply"] is True and plan["counts"]["people"] == 1
    assert plan["format"] == "json" and plan["applied"] is False
    assert bob.book.people.count() == 0  # a preview writes nothing
    applied = bob.client.post(bob.url("/import?format=json"), content=backup)
    assert applied.status_code == 200, applied.text
    assert applied.json()["counts"]["people"] == 1 and applied.json()["applied"] is True
    assert [p.name for p in bob.book.people.list()] == ["Ana"]
    assert bob.book.export_json() == alice.book.export_json()
    again = bob.client.post(bob.url("/import/preview"), content=backup).json()
    assert again["can_apply"] is False and again["problems"]
    refused = bob.client.post(bob.url("/import"), content=backup)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "not_empty"
    assert bob.book.people.count() == 1


def test_bad_imports_are_422(alice: ApiUser) -> None:
    for content, query in (
        (b"{not json", ""),
        (json.dumps({"format": "other"}).encode(), ""),
        (b"[" * 100_000, ""),
        (b"{}", "?format=tarot"),
        (b"  ", ""),
    ):
        response = alice.client.post(alice.url("/import/preview" + query), content=content)
        assert response.status_code == 422, (content[:20], response.text)
        assert response.json()["error"]["code"] == "invalid_input"
        applied = alice.client.post(alice.url("/import" + query), content=content)
        assert applied.status_code == 422
    assert alice.book.people.count() == 0


VCARDS = b"""BEGIN:VCARD
VERSION:3.0
FN:Ana Lima
EMAIL;TYPE=work:ana@example.org
TEL;TYPE=cell:+351 912 345 678
ORG:Acme
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Ben Ode
EMAIL:ben@example.org
TITLE:Cellist
END:VCARD
"""


def test_vcard_import_preview_apply_and_reimport_changes_nothing(alice: ApiUser) -> None:
    alice.book.people.add(PersonInput(name="Ben O.", emails=["ben@example.org"]))
    preview = alice.client.post(alice.url("/import/preview?filename=contacts.vcf"), content=VCARDS)
    assert preview.status_code == 200, preview.text
    plan = preview.json()
    assert plan["format"] == "vcard" and plan["applied"] is False
    assert plan["counts"]["people_new"] == 1 and plan["counts"]["people_merged"] == 1
    assert [m["person_id"] for m in plan["merged"]] == [
        alice.book.people.resolve("ben@example.org").id
    ]
    assert alice.book.people.count() == 1  # a preview writes nothing
    applied = alice.client.post(alice.url("/import?format=vcard"), content=VCARDS)
    assert applied.status_code == 200, applied.text
    assert applied.json()["applied"] is True
    stored = alice.book.people.get("ana@example.org")
    assert stored.name == "Ana Lima" and stored.org == "Acme"
    assert [c.normalized for c in stored.contact_points if c.kind == "phone"] == ["+351912345678"]
    assert alice.book.people.count() == 2
    before = alice.book.export_json()
    again = alice.client.post(alice.url("/import"), content=VCARDS).json()
    assert again["counts"]["people_new"] == 0
    assert alice.book.people.count() == 2
    assert len(alice.book.export_json()["tables"]["people"]) == len(before["tables"]["people"])


def test_a_vcard_with_a_bad_card_imports_the_good_ones_and_reports_the_bad(alice: ApiUser) -> None:
    broken = VCARDS + b"BEGIN:VCARD\nVERSION:3.0\nNOTE:a card with no name at all\nEND:VCARD\n"
    response = alice.client.post(alice.url("/import?format=vcard"), content=broken)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["counts"]["people_new"] == 2
    assert report["errors"] and report["errors"][0]["reason"]
    assert alice.book.people.count() == 2


def test_patch_phones_keeps_an_imported_number_written_with_spaces(alice: ApiUser) -> None:
    alice.client.post(alice.url("/import?format=vcard"), content=VCARDS)
    ana = alice.book.people.get("ana@example.org")
    before = [c.id for c in ana.contact_points if c.kind == "phone"]
    response = alice.client.patch(
        alice.url(f"/people/{ana.id}"), json={"phones": ["+351912345678", "+1 415 555 0123"]}
    )
    assert response.status_code == 200, response.text
    after = alice.book.people.get(ana.id)
    phones = {c.normalized: c.id for c in after.contact_points if c.kind == "phone"}
    assert set(phones) == {"+351912345678", "+14155550123"}
    assert phones["+351912345678"] == before[0]  # the same row, not removed and re-added
