"""History, undo and the trash through the pages and the REST API (issue 15), on SQLite and
PostgreSQL: responses, stored rows, the door recorded, another user's ids not found."""

from __future__ import annotations

from amity.book import PersonInput
from tests.web.conftest import WebUser
from tests.web.conftest_api import ApiUser, alice, api_app, bob  # noqa: F401 - fixtures


def test_api_history_undo_trash_restore(alice: ApiUser, bob: ApiUser) -> None:  # noqa: F811
    created = alice.client.post(alice.url("/people"), json={"name": "Ana Lima", "org": "Acme"})
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    edited = alice.client.patch(alice.url(f"/people/{pid}"), json={"org": "Globex"})
    assert edited.status_code == 200, edited.text

    page = alice.client.get(alice.url(f"/people/{pid}/history")).json()
    assert [g["door"] for g in page["items"]] == ["api", "api"]
    assert page["items"][0]["actor"].endswith("(API token)")
    fields = {
        f["name"]: (f["before"], f["after"])
        for c in page["items"][0]["changes"]
        if c["table"] == "people"
        for f in c["fields"]
    }
    assert fields["org"] == ("Acme", "Globex")
    whole = alice.client.get(alice.url("/history?limit=1")).json()
    assert len(whole["items"]) == 1 and whole["next_before"] == whole["items"][0]["id"]

    undone = alice.client.post(alice.url("/history/undo"), json={})
    assert undone.status_code == 200, undone.text
    assert alice.book.people.get(pid).org == "Acme"

    assert alice.client.delete(alice.url(f"/people/{pid}")).status_code == 204
    trash = alice.client.get(alice.url("/trash")).json()
    assert trash[0]["records"] == [{"record": "person", "label": "Ana Lima"}]
    # another user's trash entry is not found, and theirs is empty
    assert bob.client.get(bob.url("/trash")).json() == []
    assert bob.client.post(bob.url(f"/trash/{trash[0]['id']}/restore")).status_code == 404
    assert bob.client.get(bob.url(f"/history/{trash[0]['id']}")).status_code == 404
    assert bob.client.get(bob.url(f"/people/{pid}/history")).status_code == 404
    restored = alice.client.post(alice.url(f"/trash/{trash[0]['id']}/restore"))
    assert restored.status_code == 200, restored.text
    assert alice.book.people.get(pid).name == "Ana Lima"
    assert alice.client.get(alice.url("/trash")).json() == []


def test_api_undo_conflict_is_409(alice: ApiUser) -> None:  # noqa: F811
    pid = alice.book.people.add(PersonInput(name="Ana Lima")).id
    alice.book.people.edit(pid, PersonInput(org="Globex"))
    first = alice.book.history.groups()[0].id
    alice.book.people.edit(pid, PersonInput(title="CTO"))
    clash = alice.client.post(alice.url("/history/undo"), json={"id": first})
    assert clash.status_code == 409 and "later change" in clash.json()["error"]["message"]
    forced = alice.client.post(alice.url("/history/undo"), json={"id": first, "force": True})
    assert forced.status_code == 200
    assert alice.book.people.get(pid).org is None
    assert alice.client.post(alice.url("/history/undo"), json={"id": 2**40}).status_code == 422


def test_pages_history_tab_undo_and_trash(ann: WebUser, ben: WebUser) -> None:
    pid = ann.book.people.add(PersonInput(name="Ana Lima", org="Acme")).id
    saved = ann.post(f"/people/{pid}/edit", {"name": "Ana Lima", "org": "Globex",
                                               "version": "1"}, htmx=True)  # fmt: skip
    assert saved.status_code == 200, saved.text
    assert ann.book.history.groups()[0].door == "web"
    page = ann.get(f"/people/{pid}")
    assert f'href="/people/{pid}/history"' in page.text
    assert "Last change: edited person Ana Lima (org)" in page.text  # undo from that page
    tab = ann.get(f"/people/{pid}/history")
    assert (
        tab.status_code == 200
        and "Globex" in tab.text
        and '<span class="tag">web</span>' in tab.text
    )
    undone = ann.post("/history/undo", {"change": "", "back": f"/people/{pid}"})
    assert undone.status_code == 303 and undone.headers["location"].startswith(f"/people/{pid}")
    assert ann.book.people.get(pid).org == "Acme"
    assert ben.get(f"/people/{pid}/history").status_code == 404

    deleted = ann.post(f"/people/{pid}/delete", {"confirm": "yes"})
    assert deleted.status_code == 303
    trash = ann.get("/trash")
    assert "deleted person Ana Lima" in trash.text
    entry = ann.book.history.trash()[0].id
    assert ben.post(f"/trash/{entry}/restore").status_code == 404
    back = ann.post(f"/trash/{entry}/restore")
    assert back.status_code == 303 and back.headers["location"] == f"/people/{pid}"
    assert ann.book.people.get(pid).name == "Ana Lima"
    assert "The trash is empty." in ann.get("/trash").text
    assert (
        ann.post("/history/undo", {"back": "https://evil.example/"})
        .headers["location"]
        .startswith("/history")
    )
