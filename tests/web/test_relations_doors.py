"""Imported relations through the doors (issue 12 section 4): the API lists a related name
nobody in the book answers to with a null id, never a person related to themself; the Person
page shows relations from both ends (linked, or named "not in your book"); the Network page
too; `amity` CLI's relationship records read the same."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from click.testing import CliRunner

from amity.book import open_book
from tests.conftest import Clock
from tests.imports.test_relations_imports import COUPLE
from tests.web.conftest import WebUser

if TYPE_CHECKING:
    from tests.web.conftest_api import ApiUser

pytest_plugins = ["tests.web.conftest_api"]


def test_api_lists_names_with_a_null_id_and_never_self(alice: ApiUser) -> None:
    alice.book.transfer.run(COUPLE.encode(), filename="couple.vcf")
    got = alice.client.get(alice.url("/relationships"))
    assert got.status_code == 200, got.text
    found = {(r["a"]["name"], r["kind"], r["b"]["name"], r["b"]["id"] is None) for r in got.json()}
    assert ("Ana Lima", "friend", "Zoë Quist", True) in found
    assert ("Ana Lima", "spouse", "Bruno Costa", False) in found
    assert all(r["a"]["id"] != r["b"]["id"] for r in got.json())
    assert len([r for r in got.json() if r["kind"] == "spouse"]) == 1  # both cards: once
    bruno = alice.book.people.get("Bruno Costa")
    mine = alice.client.get(alice.url("/relationships"), params={"person": bruno.id}).json()
    assert [(r["a"]["name"], r["b"]["name"]) for r in mine] == [("Ana Lima", "Bruno Costa")]


def test_person_and_network_pages_show_relations(ann: WebUser) -> None:
    ann.book.transfer.run(COUPLE.encode(), filename="couple.vcf")
    ana, carla = ann.book.people.get("Ana Lima"), ann.book.people.get("Carla Lima")
    page = ann.get(f"/people/{ana.id}").text
    section = page[page.index('id="relations"') :]
    section = section[: section.index("</section>")]
    assert f'href="/people/{carla.id}">Carla Lima</a>' in section
    assert 'Zoë Quist <span class="muted">(not in your book)</span>' in section
    theirs = ann.get(f"/people/{carla.id}").text  # Carla is Ana's parent
    assert f'<a href="/people/{ana.id}">Ana Lima</a>\'s <span class="tag">parent</span>' in theirs
    network = ann.get("/network").text
    assert 'Zoë Quist <span class="muted">(not in your book)</span>' in network
    assert "/people/0" not in page + network


def test_groups_through_the_api_and_the_people_page(alice: ApiUser, ann: WebUser) -> None:
    from tests.imports.test_group_imports import GROUP_40

    alice.book.transfer.run(GROUP_40.encode(), filename="club.vcf")
    listed = alice.client.get(alice.url("/groups"))
    assert listed.status_code == 200, listed.text
    (club,) = listed.json()
    assert (club["name"], club["tag"], [m["name"] for m in club["members"]]) == (
        "Climbing Club", "climbing club", ["Ana Lima"])  # fmt: skip
    assert club["missing"] == ["dora@example.org", "someone not in your book",
                               "someone not in your book"]  # fmt: skip
    one = alice.client.get(alice.url(f"/groups/{club['id']}"))
    assert one.json() == club
    assert alice.client.get(alice.url("/groups/999999")).status_code == 404
    people = alice.client.get(alice.url("/people")).json()
    assert "Climbing Club" not in str(people)

    ann.book.transfer.run(GROUP_40.encode(), filename="club.vcf")
    page = ann.get("/people", params={"tag": "climbing club"}).text
    section = page[page.index('id="group"') :]
    section = section[: section.index("</section>")]
    assert "Climbing Club" in section and "1 member in your book" in section
    assert "dora@example.org, someone not in your book (2)" in section
    assert 'id="group"' not in ann.get("/people").text


def test_cli_groups_and_relationships(sqlite_url: str, clock: Clock) -> None:
    from amity.cli.main import cli
    from tests.imports.test_group_imports import GROUP_40

    email = "cli-groups@example.org"
    book = open_book(sqlite_url, email, clock=clock)
    book.transfer.run(GROUP_40.encode(), filename="club.vcf")
    book.transfer.run(COUPLE.encode(), filename="couple.vcf")
    base = ["--db", sqlite_url, "--user", email]
    listed = CliRunner().invoke(cli, [*base, "group", "list"], catch_exceptions=False)
    # Dora Reis (couple.vcf) answers to mailto:dora@example.org
    assert (
        "Climbing Club  (tag 'climbing club': 2 in your book, 2 not in your book)" in listed.output
    )
    shown = CliRunner().invoke(
        cli, [*base, "group", "show", "climbing CLUB"], catch_exceptions=False
    )
    assert "Ana Lima" in shown.output and "Dora Reis" in shown.output
    assert "  someone not in your book x2" in shown.output
    as_json = json.loads(CliRunner().invoke(cli, [*base, "group", "show", "climbing club",
                                                  "--json"]).output)  # fmt: skip
    assert [m["name"] for m in as_json["members"]] == ["Ana Lima", "Dora Reis"]
    rels = CliRunner().invoke(cli, [*base, "relationships", "Bruno Costa"], catch_exceptions=False)
    assert "Ana Lima — spouse — Bruno Costa" in rels.output
    everyone = CliRunner().invoke(cli, [*base, "relationships"], catch_exceptions=False).output
    assert "Zoë Quist (not in your book)" in everyone
