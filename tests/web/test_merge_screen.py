"""Duplicates and the merge screen (issue 12 §5): the web lists likely pairs and shows two
people side by side with a choice per differing field; the merge takes the chosen values,
unites the lists, lands on the kept person with Undo, and undo brings the other back. The API
lists duplicates and merges with the same choices."""

from __future__ import annotations

from typing import TYPE_CHECKING

from amity.book import PersonInput
from tests.web.conftest import WebUser

if TYPE_CHECKING:
    from tests.web.conftest_api import ApiUser

pytest_plugins = ["tests.web.conftest_api"]


def two(book: object) -> tuple[int, int]:
    ana = book.people.add(PersonInput(name="Ana Lima", emails=["ana@example.org"],  # type: ignore[attr-defined]
                                      org="Acme", title="Engineer", tags=["climbing"]))  # fmt: skip
    twin = book.people.add(PersonInput(name="Ana M. Lima", emails=["ANA@example.org",  # type: ignore[attr-defined]
                                       "ana@home.example"], org="Globex", title="CTO",
                                       phones=["+44 20 7946 0018"], tags=["board"]))  # fmt: skip
    return ana.id, twin.id


def test_duplicates_compare_choose_merge_and_undo(ann: WebUser) -> None:
    ana, twin = two(ann.book)
    listed = ann.get("/people/duplicates")
    assert listed.status_code == 200
    assert f"/people/merge?keep={ana}&amp;other={twin}" in listed.text
    assert 'href="/people/duplicates"' in ann.get("/people").text
    screen = ann.get("/people/merge", params={"keep": ana, "other": twin})
    assert screen.status_code == 200, screen.text
    page = screen.text
    assert 'name="pick_org" value="other"' in page and "Globex" in page  # differ: a choice
    assert 'name="pick_name" value="keep" checked' in page
    assert "ana@home.example" in page and "(added)" in page  # lists are united
    done = ann.post("/people/merge", data={"keep": ana, "other": twin, "pick_org": "other",
                                           "pick_title": "other", "pick_name": "keep"},
                    follow_redirects=False)  # fmt: skip
    assert done.status_code == 303 and done.headers["location"].startswith(f"/people/{ana}")
    kept = ann.book.people.get(ana)
    assert (kept.name, kept.org, kept.title) == ("Ana Lima", "Globex", "CTO")
    assert sorted(kept.emails) == ["ana@example.org", "ana@home.example"]
    assert sorted(kept.tags) == ["board", "climbing"] and kept.phones == ["+442079460018"]
    assert ann.book.people.count() == 1
    person_page = ann.get(f"/people/{ana}").text
    assert "Last change: merged Ana M. Lima" in person_page and ">Undo</button>" in person_page
    ann.book.history.undo()
    assert ann.book.people.count() == 2 and ann.book.people.get(ana).org == "Acme"
    assert ann.get("/people/merge", params={"keep": ana, "other": ana}).status_code == 422


def test_merge_screen_fits_a_phone_and_refuses_a_stranger(ann: WebUser, ben: WebUser) -> None:
    ana, twin = two(ann.book)
    theirs = ben.get("/people/merge", params={"keep": ana, "other": twin})
    assert theirs.status_code == 404  # another book's people are not found
    assert ben.post("/people/merge", data={"keep": ana, "other": twin}).status_code in (400, 404)
    assert ann.book.people.count() == 2


def test_api_duplicates_and_merge_with_choices(alice: ApiUser) -> None:
    ana, twin = two(alice.book)
    dupes = alice.client.get(alice.url("/people/duplicates"))
    assert dupes.status_code == 200, dupes.text
    assert [(d["a"]["id"], d["b"]["id"]) for d in dupes.json()] == [(ana, twin)]
    bad = alice.client.post(alice.url(f"/people/{ana}/merge"), json={"other": twin,
                                                                     "take": ["emails"]})  # fmt: skip
    assert bad.status_code == 422
    merged = alice.client.post(alice.url(f"/people/{ana}/merge"),
                               json={"other": twin, "take": ["name", "title"]})  # fmt: skip
    assert merged.status_code == 200, merged.text
    body = merged.json()
    assert body["kept"] == {"id": ana, "name": "Ana M. Lima"} and "title" in body["filled"]
    assert body["merged"]["id"] == twin and "Merged Ana M. Lima" in body["summary"]
    kept = alice.book.people.get(ana)
    assert (kept.name, kept.org, kept.title) == ("Ana M. Lima", "Acme", "CTO")
    assert alice.client.get(alice.url(f"/people/{twin}")).status_code == 404
    undone = alice.client.post(alice.url("/history/undo"))
    assert undone.status_code == 200, undone.text
    assert alice.book.people.get(twin).name == "Ana M. Lima"
