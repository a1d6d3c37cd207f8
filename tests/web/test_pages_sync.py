"""Settings → Connected accounts and the Today banner, in process, against a real Radicale."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sync.servers import radicale
from tests.web.conftest import WebUser

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def allow_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMITY_SYNC_ALLOW_PRIVATE", "1")


def test_connect_sync_and_see_the_run_in_settings(ann: WebUser, tmp_path: Path) -> None:
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:a1\r\nFN:Ana Lima\r\nEMAIL:ana@x.example\r\nEND:VCARD\r\n"
    with radicale(tmp_path) as dav:
        dav.put("a1.vcf", card)
        added = ann.post("/settings/connections", {"url": dav.base, "username": dav.user,
                                                   "password": "pw-in-the-form", "name": "Phone"})  # fmt: skip
        assert added.status_code == 200, added.text
        assert "Connected Phone" in added.text and "pw-in-the-form" not in added.text
        account = ann.book.connections.list()[0]
        ran = ann.post(f"/settings/connections/{account.id}/run")
        assert "Synced: 1 created." in ran.text
        assert ann.book.people.get("ana@x.example").name == "Ana Lima"
        page = ann.get("/settings")
        assert "1 created" in page.text and "server 1, Amity 1" in page.text
        saved = ann.post(f"/settings/connections/{account.id}/options",
                         {"tags": "phone, family", "pull_only": "1", "every": "30"})  # fmt: skip
        assert "Saved the options of Phone" in saved.text
        changed = ann.book.connections.get(account.id)
        assert changed.options["tags"] == ["phone", "family"] and changed.options["push"] is False
        assert changed.interval_minutes == 30 and changed.enabled
        bad = ann.post(f"/settings/connections/{account.id}/options", {"every": "soon"})
        assert bad.status_code == 422 and "give a number" in bad.text
        assert "pw-in-the-form" not in page.text
    gone = ann.post(f"/settings/connections/{account.id}/run")  # the server is down now
    assert gone.status_code == 422 and "The run failed" in gone.text
    today = ann.get("/")
    assert "Sync with" in today.text and "is failing" in today.text
    removed = ann.post(f"/settings/connections/{account.id}/remove")
    assert "Disconnected Phone" in removed.text and ann.book.connections.list() == []


def test_an_app_password_is_made_in_settings(ann: WebUser) -> None:
    made = ann.post("/settings/tokens", {"name": "iPhone", "scope": "dav"})
    assert made.status_code == 200 and "CardDAV app password" in made.text


def test_the_api_adds_runs_and_never_returns_the_password(ann: WebUser, tmp_path: Path) -> None:
    from amity import accounts

    _, token = accounts.create_api_token(ann.book.ctx.engine, ann.book.owner_id, "script",
                                         now=ann.book.ctx.now())  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"}
    with radicale(tmp_path) as dav:
        dav.put("a1.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:a1\r\nFN:Ana\r\nEND:VCARD\r\n")
        made = ann.client.post("/api/v1/sync/accounts", headers=headers, json={
            "url": dav.base, "username": dav.user, "password": "api-secret-pw"})  # fmt: skip
        assert made.status_code == 201 and "api-secret-pw" not in made.text
        account_id = made.json()["id"]
        ran = ann.client.post(f"/api/v1/sync/accounts/{account_id}/run", headers=headers)
        assert ran.status_code == 200 and ran.json()["run"]["counts"] == {"created": 1}
        run_id = ran.json()["run"]["id"]
        items = ann.client.get(f"/api/v1/sync/runs/{run_id}/items", headers=headers).json()
        assert [i["outcome"] for i in items] == ["created"]
        listed = ann.client.get("/api/v1/sync/accounts", headers=headers)
        assert listed.json()[0]["has_password"] is True and "api-secret-pw" not in listed.text
        patched = ann.client.patch(f"/api/v1/sync/accounts/{account_id}", headers=headers,
                                   json={"circles": ["inner"], "allow_delete": True,
                                         "password": "new-secret-pw"})  # fmt: skip
        assert patched.status_code == 200 and "new-secret-pw" not in patched.text
        assert patched.json()["options"]["circles"] == ["inner"]
        assert patched.json()["options"]["allow_delete"] is True
        assert ann.book.connections.secret(account_id) == "new-secret-pw"
        refused = ann.client.patch(f"/api/v1/sync/accounts/{account_id}", headers=headers,
                                   json={"interval_minutes": 0})  # fmt: skip
        assert refused.status_code == 422
