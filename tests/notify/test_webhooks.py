"""Signed webhooks: events written by the Book's writes in their own transaction (the outbox),
delivered to a real receiver that verifies the Standard Webhooks signature, retried with
back-off, disabled after repeated failures, refused for private addresses and for redirects to
them; the API and the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from amity.book import Book, InteractionInput, PersonInput, open_book
from amity.book.webhooks import new_signing_secret
from amity.cli.main import cli
from amity.errors import InvalidInput, NotFound
from amity.netguard import BlockedAddress
from amity.notify.webhooks import deliver_webhooks
from amity.rules.outbound import WEBHOOK_DISABLE_AFTER, WEBHOOK_RETRIES
from amity.store import schema as s
from tests.conftest import Clock, new_book
from tests.notify.receivers import receiver


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMITY_SECRET_KEY", "a-test-installation-secret-of-some-length")
    monkeypatch.setenv("AMITY_WEBHOOKS_ALLOW_PRIVATE", "1")


def verified(secret: str, received: dict[str, object]) -> dict[str, object]:
    """The payload, once the receiver's check of the signature passed."""
    headers = {k.lower(): v for k, v in received["headers"].items()}  # type: ignore[attr-defined]
    return Webhook(secret).verify(received["body"], headers)  # type: ignore[arg-type,no-any-return]


def every_event(book: Book) -> None:
    ana = book.people.add(PersonInput(name="Ana Lima"))
    book.people.edit(ana.id, PersonInput(org="Acme"))
    book.interactions.log(InteractionInput(people=[ana.id], kind="call"))
    promise = book.commitments.add(ana.id, "send the slides", due_on=book.today())
    book.agenda.done(f"promise:c{promise.id}")


def test_every_event_is_signed_and_verified_by_the_receiver(book: Book, clock: Clock) -> None:
    clock.set(datetime.now(UTC))  # receivers refuse signatures more than 5 minutes off
    with receiver() as rx:
        sub, secret = book.webhooks.subscribe(f"http://{rx.url}/hook", "all")
        every_event(book)
        done = deliver_webhooks(book)
    assert [d.status for d in done] == ["sent"] * 6
    payloads = [verified(secret, r) for r in rx.received]
    assert [p["type"] for p in payloads] == [
        "person.created",
        "person.updated",
        "interaction.logged",
        "promise.created",
        "agenda.item.done",
        "promise.kept",
    ]
    assert payloads[0]["data"]["name"] == "Ana Lima"  # type: ignore[index]
    assert payloads[5]["data"]["status"] == "done"  # type: ignore[index]
    with pytest.raises(WebhookVerificationError):  # another secret does not verify
        verified(new_signing_secret(), rx.received[0])
    assert book.webhooks.deliveries(subscription=sub.id)[0].status_code == 200


def test_only_subscribed_events_and_nothing_without_subscribers(book: Book) -> None:
    book.people.add(PersonInput(name="Before Anyone Listened"))
    with book.ctx.engine.connect() as conn:
        assert (
            conn.execute(
                select(func.count())
                .select_from(s.webhook_events)
                .where(s.webhook_events.c.owner_id == book.owner_id)
            ).scalar_one()
            == 0
        )
    with receiver() as rx:
        book.webhooks.subscribe(f"http://{rx.url}/hook", ["promise.kept"])
        every_event(book)
        deliver_webhooks(book)
    assert [json.loads(r["body"])["type"] for r in rx.received] == ["promise.kept"]


def test_a_write_that_fails_emits_nothing(book: Book) -> None:
    book.webhooks.subscribe("http://127.0.0.1:9/hook", "all")
    with pytest.raises(InvalidInput):
        book.people.add(PersonInput(name="Bad", emails=["not an address"]))
    assert book.webhooks.claim_due() == []


def test_a_failing_receiver_is_retried_with_back_off_then_disabled(
    book: Book, clock: Clock
) -> None:
    with receiver(statuses=[500] * 100) as rx:
        sub, _ = book.webhooks.subscribe(f"http://{rx.url}/hook", "person.created")
        book.people.add(PersonInput(name="Ana"))
        waits = []
        for _ in range(WEBHOOK_RETRIES):
            done = deliver_webhooks(book)
            assert len(done) == 1 and done[0].status_code == 500
            assert deliver_webhooks(book) == []  # nothing before its back-off
            if done[0].next_attempt_at is not None:
                waits.append(done[0].next_attempt_at - clock())
                clock.set(done[0].next_attempt_at)
        assert done[0].status == "failed" and done[0].attempts == WEBHOOK_RETRIES
        assert waits[:3] == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]
        assert book.webhooks.subscription(sub.id).enabled  # 8 failures in a row so far
        book.people.add(PersonInput(name="Bo"))
        for _ in range(WEBHOOK_DISABLE_AFTER - WEBHOOK_RETRIES):
            deliver_webhooks(book)
            clock.advance(hours=1)
        assert deliver_webhooks(book) == []
    gone = book.webhooks.subscription(sub.id)
    assert not gone.enabled and "disabled after 10 failed" in (gone.disabled_reason or "")
    assert book.webhooks.disabled() == [gone]
    assert len(rx.received) == WEBHOOK_DISABLE_AFTER
    book.webhooks.enable(sub.id)
    assert book.webhooks.subscription(sub.id).enabled and book.webhooks.disabled() == []


def test_a_redirect_to_a_refused_address_is_not_followed(
    book: Book, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AMITY_WEBHOOKS_ALLOW_PRIVATE")
    monkeypatch.setenv("AMITY_ALLOW_HOSTS", "127.0.0.1")  # the receiver only
    with receiver(redirect_to="http://169.254.169.254/latest/meta-data") as rx:
        book.webhooks.subscribe(f"http://{rx.url}/hook", "all")
        book.people.add(PersonInput(name="Ana"))
        done = deliver_webhooks(book)
    assert len(rx.received) == 1
    assert done[0].status == "pending" and "169.254.169.254" in (done[0].error or "")


def test_private_addresses_and_other_schemes_are_refused(
    book: Book, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AMITY_WEBHOOKS_ALLOW_PRIVATE")
    for url in ("http://127.0.0.1/x", "http://10.1.2.3/x", "http://[::1]/x"):
        with pytest.raises(BlockedAddress):
            book.webhooks.subscribe(url, "all")
    for url in ("ftp://example.org/x", "file:///etc/passwd", "http://a b/x"):
        with pytest.raises(InvalidInput):
            book.webhooks.subscribe(url, "all")
    with pytest.raises(InvalidInput):
        book.webhooks.subscribe("https://93.184.215.14/x", "person.deleted")
    assert book.webhooks.subscriptions() == []


def test_another_owners_webhooks_are_not_found(book: Book, db_url: str, clock: Clock) -> None:
    other = new_book(db_url, clock)
    theirs, _ = other.webhooks.subscribe("http://127.0.0.1:9/x", "all")
    other.people.add(PersonInput(name="Theirs"))
    for act in (book.webhooks.unsubscribe, book.webhooks.enable, book.webhooks.subscription):
        with pytest.raises(NotFound):
            act(theirs.id)
    assert book.webhooks.claim_due() == [] and book.webhooks.deliveries() == []
    assert len(other.webhooks.claim_due()) == 1


def test_the_secret_is_sealed_in_the_database(book: Book) -> None:
    _, secret = book.webhooks.subscribe("http://127.0.0.1:9/x", "all")
    with book.ctx.engine.connect() as conn:
        sealed = conn.execute(select(s.webhook_subscriptions.c.secret_sealed)).scalars().all()
    assert secret.startswith("whsec_") and all(secret not in v for v in sealed)


def test_the_cli_adds_lists_logs_and_removes(cli_env: Path) -> None:
    runner = CliRunner()
    with receiver() as rx:
        added = runner.invoke(
            cli, ["webhook", "add", f"http://{rx.url}/h", "--events", "person.created", "--json"]
        )
        assert added.exit_code == 0, added.output
        secret = json.loads(added.output)["secret"]
        assert runner.invoke(cli, ["add", "Ana Lima"]).exit_code == 0
        assert "Delivered 1 of 1" in runner.invoke(cli, ["webhook", "run"]).output
    assert verified(secret, rx.received[0])["type"] == "person.created"
    log = json.loads(runner.invoke(cli, ["webhook", "log", "--json"]).output)
    assert log[0]["status"] == "sent" and log[0]["event_type"] == "person.created"
    listed = json.loads(runner.invoke(cli, ["webhook", "list", "--json"]).output)
    assert "secret" not in listed[0]
    assert runner.invoke(cli, ["webhook", "remove", str(listed[0]["id"])]).exit_code == 0
    assert open_book().webhooks.subscriptions() == []


def test_the_api_manages_webhooks_and_channels(
    sqlite_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    monkeypatch.setenv("AMITY_NOTIFY_ALLOW_PRIVATE", "1")
    from amity import accounts
    from amity.web.app import create_app

    app = create_app(sqlite_url, clock=clock, scheduler=False)
    book = new_book(sqlite_url, clock)
    _, token = accounts.create_api_token(book.ctx.engine, book.owner_id, "t", now=clock())
    _, read_only = accounts.create_api_token(
        book.ctx.engine, book.owner_id, "r", now=clock(), scope="read"
    )
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as client:
        made = client.post(
            "/api/v1/webhooks",
            json={"url": "http://127.0.0.1:9/h", "events": ["all"]},
            headers=auth,
        )
        assert made.status_code == 201, made.text
        assert made.json()["secret"].startswith("whsec_")
        listed = client.get("/api/v1/webhooks", headers=auth).json()
        assert len(listed[0]["events"]) == 6 and "secret" not in listed[0]
        channel = client.post(
            "/api/v1/notify/channels",
            json={"url": "ntfy://127.0.0.1:9/my-secret-topic", "name": "phone"},
            headers=auth,
        )
        assert channel.status_code == 201, channel.text
        assert channel.json()["masked"] == "ntfy://127.0.0.1:9/***"
        assert "my-secret-topic" not in client.get("/api/v1/notify/channels", headers=auth).text
        refused = client.post(
            "/api/v1/notify/channels", json={"url": "file:///etc/passwd"}, headers=auth
        )
        assert refused.status_code == 422
        quiet = client.patch(
            "/api/v1/notify/preferences", json={"quiet_start": "23:00"}, headers=auth
        )
        assert quiet.json()["quiet_start"] == "23:00"
        ro = {"Authorization": f"Bearer {read_only}"}
        assert client.get("/api/v1/webhooks", headers=ro).status_code == 200
        denied = client.post(
            "/api/v1/webhooks", json={"url": "http://127.0.0.1:9/h", "events": ["all"]}, headers=ro
        )
        assert denied.status_code == 403 and denied.json()["error"]["code"] == "read_only"
        assert client.post("/api/v1/people", json={"name": "X"}, headers=ro).status_code == 403
    assert len(book.webhooks.subscriptions()) == 1
    assert [p.name for p in book.people.list()] == []


def test_back_off_grows_and_is_capped() -> None:
    from amity.rules.outbound import notify_retry_delay, webhook_retry_delay

    assert [webhook_retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert webhook_retry_delay(30) == timedelta(hours=6)
    assert notify_retry_delay(1) == timedelta(minutes=1)
    assert notify_retry_delay(20) == timedelta(hours=1)
