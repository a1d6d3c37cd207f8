"""Settings → Mail, the People you write to page and /api/v1/sync/imap + /sync/suggestions, in
process, against a Dovecot started on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from amity.book.people.input import PersonInput
from tests.conftest import skip_or_fail
from tests.sync import dovecot as dv
from tests.sync.test_imap import ME, mail
from tests.web.conftest import WebUser

pytestmark = pytest.mark.slow  # a real Dovecot per test: make test runs it, test-fast does not


@pytest.fixture(autouse=True)
def allow_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMITY_SYNC_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("AMITY_SECRET_KEY", "test-installation-secret")


@pytest.fixture
def server() -> Iterator[dv.Dovecot]:
    if not dv.available():
        skip_or_fail("dovecot (dovecot-imapd) is not installed")
    with dv.dovecot() as running:
        running.append("INBOX", mail(1, "Bo Berg <bo@example.org>", ME, "Lunch?"))
        running.append("Sent", mail(2, ME, "Dee Doe <dee@example.net>", "Intro"),
                       mail(3, ME, "Eve <eve@example.net>", "Hello"))  # fmt: skip
        yield running


def test_connect_a_mailbox_in_settings_and_add_whom_you_write_to(
    ann: WebUser, server: dv.Dovecot
) -> None:
    ann.book.people.add(PersonInput(name="Bo Berg", emails=["bo@example.org"]))
    refused = ann.post("/settings/connections/mail", {
        "host": "127.0.0.1", "port": str(server.port), "security": "none",
        "username": server.user, "password": "not-the-password"})  # fmt: skip
    assert refused.status_code == 422 and "refused the login" in refused.text
    assert "not-the-password" not in refused.text
    added = ann.post("/settings/connections/mail", {
        "host": "127.0.0.1", "port": str(server.port), "security": "none",
        "username": server.user, "password": server.password, "name": "Work mail"})  # fmt: skip
    assert added.status_code == 200, added.text
    assert "Connected Work mail (INBOX, Sent)" in added.text
    account = ann.book.connections.list()[0]
    ran = ann.post(f"/settings/connections/{account.id}/run")
    assert "Synced: 1 created, 2 skipped." in ran.text
    page = ann.get("/mail/suggestions")
    assert page.status_code == 200
    assert (
        "Dee Doe" in page.text
        and "eve@example.net" in page.text
        and "bo@example.org" not in page.text
    )
    dee = next(c for c in ann.book.mail_sync.suggestions() if c.email == "dee@example.net")
    eve = next(c for c in ann.book.mail_sync.suggestions() if c.email == "eve@example.net")
    added_person = ann.client.post(f"/mail/suggestions/{dee.id}/add",
                                   headers={"HX-Request": "true", "X-CSRF-Token": ann.csrf})  # fmt: skip
    assert added_person.status_code == 200 and "Added" in added_person.text
    assert ann.book.people.get("dee@example.net").name == "Dee Doe"
    dismissed = ann.post(f"/mail/suggestions/{eve.id}/dismiss")
    assert dismissed.status_code == 303
    shown = ann.get(dismissed.headers["location"])
    assert "No longer proposing eve@example.net." in shown.text
    assert ann.book.mail_sync.suggestions() == []
    assert "No one to propose" in ann.get("/mail/suggestions").text


def test_the_api_connects_a_mailbox_and_adds_a_proposed_person(
    ann: WebUser, server: dv.Dovecot
) -> None:
    from amity import accounts

    _, token = accounts.create_api_token(ann.book.ctx.engine, ann.book.owner_id, "script",
                                         now=ann.book.ctx.now())  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"}
    made = ann.client.post("/api/v1/sync/imap", headers=headers, json={
        "host": "127.0.0.1", "port": server.port, "security": "none", "username": server.user,
        "password": server.password, "folders": ["Sent"]})  # fmt: skip
    assert made.status_code == 201, made.text
    assert server.password not in made.text and made.json()["options"]["folders"] == ["Sent"]
    ran = ann.client.post(f"/api/v1/sync/accounts/{made.json()['id']}/run", headers=headers)
    assert ran.json()["run"]["counts"] == {"skipped": 2}
    listed = ann.client.get("/api/v1/sync/suggestions", headers=headers).json()
    assert sorted(c["email"] for c in listed) == ["dee@example.net", "eve@example.net"]
    dee = next(c for c in listed if c["email"] == "dee@example.net")
    added = ann.client.post(f"/api/v1/sync/suggestions/{dee['id']}/add", headers=headers)
    assert added.status_code == 200 and added.json()["suggestion"]["status"] == "adding"
    assert ann.book.people.get(added.json()["person_id"]).name == "Dee Doe"
    bad = ann.client.post("/api/v1/sync/imap", headers=headers, json={
        "host": "10.0.0.1", "security": "none", "username": "a", "password": "b"})  # fmt: skip
    assert bad.status_code == 422 and "loopback" in bad.text
