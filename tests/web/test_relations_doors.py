"""Imported relations through the doors (issue 12 section 4): the API lists a related name
nobody in the book answers to with a null id, never a person related to themself; the Person
page shows relations from both ends (linked, or named "not in your book"); the Network page
too; `amity` CLI's relationship records read the same."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
