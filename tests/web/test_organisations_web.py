"""Organisations through the doors (issue 12 section 4): the REST API's CRUD, the pages (list,
one organisation with its people, reached from More and from a person's job), the CLI; and an
imported company card never shows among people (People page, `amity list`, API people)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from click.testing import CliRunner
from fastapi import FastAPI

from amity.book import InteractionInput, PersonInput, open_book
from tests.cli.test_cli_core import run_main
from tests.conftest import FIXTURES, Clock, new_book
from tests.imports.test_organisation_imports import KIND_ORG
from tests.web.conftest import sign_in

if TYPE_CHECKING:
    from tests.web.conftest_api import ApiUser

pytest_plugins = ["tests.web.conftest_api"]
APPLE = FIXTURES / "vcard" / "roundcube__apple_30_photo_nonascii_city.vcf"


def test_api_create_read_update_delete(alice: ApiUser) -> None:
    url = alice.url("/organisations")
    made = alice.client.post(url, json={"name": "Acme Corp", "website": "acme.example",
                                        "emails": ["hello@acme.example"]})  # fmt: skip
    assert made.status_code == 201, made.text
    org = made.json()
    assert made.headers["location"] == f"/api/v1/organisations/{org['id']}"
    assert (org["website"], org["people_count"]) == ("https://acme.example", 0)
    alice.book.people.add(PersonInput(name="Ana Lima", org="ACME corp", title="CTO"))
    one = alice.client.get(alice.url(f"/organisations/{org['id']}")).json()
    assert [(p["name"], p["title"], p["current"]) for p in one["people"]] == [
        ("Ana Lima", "CTO", True)
    ]
    twice = alice.client.post(url, json={"name": "acme CORP"})
    assert (
        twice.status_code == 409 and "already an organisation" in twice.json()["error"]["message"]
    )
    bad = alice.client.post(url, json={"name": "X", "emails": ["/o=Ex/cn=x"]})
    assert bad.status_code == 422 and "not a valid e-mail address" in bad.json()["error"]["message"]
    patched = alice.client.patch(alice.url(f"/organisations/{org['id']}"),
                                 json={"name": "Acme Inc", "phones": ["+1 415 555 0100"]})  # fmt: skip
    assert patched.status_code == 200
    assert (patched.json()["name"], patched.json()["phones"]) == ("Acme Inc", ["+14155550100"])
    assert alice.book.people.get("Ana Lima").org == "Acme Inc"
    listed = alice.client.get(url, params={"q": "inc"}).json()
    assert [(o["name"], o["people_count"]) for o in listed] == [("Acme Inc", 1)]
    gone = alice.client.delete(alice.url(f"/organisations/{org['id']}"))
    assert gone.status_code == 204
    assert alice.client.get(alice.url(f"/organisations/{org['id']}")).status_code == 404


def test_company_cards_never_show_among_people(
    alice: ApiUser, sqlite_url: str, clock: Clock
) -> None:
    for body, name in ((APPLE.read_bytes(), "apple.vcf"), (KIND_ORG.encode(), "cards.vcf")):
        done = alice.client.post(alice.url(f"/import?format=auto&filename={name}"), content=body)
        assert done.status_code == 200, done.text
    assert done.json()["counts"]["organisations_new"] == 1
    people = alice.client.get(alice.url("/people")).json()["items"]
    assert [p["name"] for p in people] == ["Ana Lima"]
    assert alice.client.get(alice.url("/people"), params={"q": "Apple"}).json()["items"] == []
    names = [o["name"] for o in alice.client.get(alice.url("/organisations")).json()]
    assert names == ["Acme Corp", "Apple Computer AG"]


def test_cli_list_and_org_commands(sqlite_url: str, clock: Clock) -> None:
    from amity.cli.main import cli

    email = "cli-orgs@example.org"
    book = open_book(sqlite_url, email, clock=clock)
    book.transfer.run(APPLE)
    book.transfer.run(KIND_ORG.encode(), filename="cards.vcf")
    base = ["--db", sqlite_url, "--user", email]
    listed = CliRunner().invoke(cli, [*base, "list"], catch_exceptions=False)
    assert "Ana Lima" in listed.output and "Apple" not in listed.output
    assert "Acme Corp" not in listed.output.replace("ACME CORP", "")
    as_json = json.loads(CliRunner().invoke(cli, [*base, "list", "--json"]).output)
    assert [p["name"] for p in as_json] == ["Ana Lima"]
    orgs = CliRunner().invoke(cli, [*base, "org", "list"], catch_exceptions=False)
    assert "Acme Corp  (1 person)" in orgs.output and "Apple Computer AG  (0 people)" in orgs.output
    shown = CliRunner().invoke(cli, [*base, "org", "show", "acme corp"], catch_exceptions=False)
    assert "Ana Lima, CTO" in shown.output and "hello@acme.example" in shown.output
    added = CliRunner().invoke(cli, [*base, "org", "add", "APPLE computer ag"])
    assert "already an organisation" in str(added.exception)
    assert run_main(*base, "org", "add", "APPLE computer ag") == 2
    edited = CliRunner().invoke(
        cli, [*base, "org", "edit", "Apple Computer AG", "--note", "Cupertino"]
    )
    assert (
        edited.exit_code == 0 and book.organisations.get("Apple Computer AG").notes == "Cupertino"
    )
    deleted = CliRunner().invoke(cli, [*base, "org", "delete", "apple computer ag", "--yes"])
    assert deleted.exit_code == 0 and [o.name for o in book.organisations.list()] == ["Acme Corp"]


def test_pages_list_one_organisation_and_links(sqlite_app: FastAPI, sqlite_url: str,
                                               clock: Clock) -> None:  # fmt: skip
    user = sign_in(sqlite_app, new_book(sqlite_url, clock))
    book = user.book
    files = {"file": ("apple.vcf", APPLE.read_bytes(), "text/vcard")}
    preview = user.post("/import", {"format": "auto"}, files=files)
    assert "1 new organisation" in preview.text and "Apple Computer AG: new" in preview.text
    assert "new people" not in preview.text
    upload_id = preview.text.split('name="upload_id" value="')[1].split('"')[0]
    assert user.post("/import/cancel", {"upload_id": upload_id}).status_code == 303
    book.transfer.run(APPLE)
    book.transfer.run(KIND_ORG.encode(), filename="cards.vcf")
    people = user.get("/people")
    assert "Ana Lima" in people.text and "Apple Computer AG" not in people.text
    assert 'href="/organisations"' in user.get("/more").text
    listing = user.get("/organisations")
    assert listing.status_code == 200
    assert "Apple Computer AG" in listing.text and "1 person" in listing.text
    acme = book.organisations.get("Acme Corp")
    ana = book.people.get("Ana Lima")
    person = user.get(f"/people/{ana.id}")
    assert 'href="/organisations/find?name=ACME%20CORP"' in person.text
    found = user.get("/organisations/find?name=ACME%20CORP")
    assert found.status_code == 303 and found.headers["location"] == f"/organisations/{acme.id}"
    page = user.get(f"/organisations/{acme.id}")
    assert page.status_code == 200
    assert (
        f'href="/people/{ana.id}">Ana Lima</a>' in page.text and "hello@acme.example" in page.text
    )
    missing = user.get("/organisations/find?name=Beta%20Ltd")
    assert missing.headers["location"].startswith("/organisations?name=Beta%20Ltd")
    assert 'value="Beta Ltd"' in user.get(missing.headers["location"]).text
    made = user.post("/organisations", {"name": "Beta Ltd", "emails": "hi@beta.example"})
    assert made.status_code == 303
    twice = user.post("/organisations", {"name": "beta ltd"})
    assert twice.status_code == 409 and "already an organisation" in twice.text
    bad = user.post(f"/organisations/{acme.id}/edit", {"name": "Acme Corp", "emails": "nope"})
    assert bad.status_code == 422 and "not a valid e-mail address" in bad.text
    saved = user.post(f"/organisations/{acme.id}/edit", {"name": "Acme Corp", "notes": "Anvils"})
    assert saved.status_code == 303 and book.organisations.get(acme.id).notes == "Anvils"
    gone = user.post(f"/organisations/{acme.id}/delete")
    assert gone.status_code == 303 and "deleted=Acme" in gone.headers["location"]
    after = user.get(gone.headers["location"])
    assert "Deleted Acme Corp" in after.text and "Trash" in after.text


def test_the_delete_page_offers_to_keep_a_company_as_an_organisation(
    sqlite_app: FastAPI, sqlite_url: str, clock: Clock
) -> None:
    user = sign_in(sqlite_app, new_book(sqlite_url, clock))
    acme = user.book.people.add(PersonInput(name="Acme Corp", emails=["hello@acme.example"]))
    page = user.get(f"/people/{acme.id}/delete")
    assert "Keep Acme Corp as an organisation" in page.text
    done = user.post(f"/people/{acme.id}/organisation")
    assert done.status_code == 303
    org = user.book.organisations.get("Acme Corp")
    assert done.headers["location"] == f"/organisations/{org.id}"
    assert org.emails == ["hello@acme.example"] and user.book.people.count() == 0
    assert user.post(f"/people/{acme.id}/organisation").status_code == 404


def test_cli_from_person(sqlite_url: str, clock: Clock) -> None:
    from amity.cli.main import cli

    book = open_book(sqlite_url, "cli-from-person@example.org", clock=clock)
    book.people.add(PersonInput(name="Beta Ltd", phones=["+14155550100"]))
    base = ["--db", sqlite_url, "--user", "cli-from-person@example.org"]
    done = CliRunner().invoke(
        cli, [*base, "org", "from-person", "Beta Ltd"], catch_exceptions=False
    )
    assert "Beta Ltd is now an organisation" in done.output
    assert book.people.count() == 0 and book.organisations.get("beta ltd").phones == [
        "+14155550100"
    ]


def test_api_keeps_a_company_person_as_an_organisation(alice: ApiUser) -> None:
    acme = alice.book.people.add(PersonInput(name="Acme Corp", phones=["+14155550100"]))
    made = alice.client.post(alice.url(f"/people/{acme.id}/organisation"))
    assert made.status_code == 201, made.text
    assert (made.json()["name"], made.json()["phones"]) == ("Acme Corp", ["+14155550100"])
    assert alice.client.get(alice.url(f"/people/{acme.id}")).status_code == 404
    ana = alice.book.people.add(PersonInput(name="Ana Lima"))
    alice.book.interactions.log(InteractionInput(people=[ana.id], subject="Coffee"))
    refused = alice.client.post(alice.url(f"/people/{ana.id}/organisation"))
    assert refused.status_code == 422 and "took part in 1 interaction" in refused.text
