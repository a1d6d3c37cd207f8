"""The scheduler's passes over every user (notifications and webhooks)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from amity.book import Book, PersonInput
from amity.notify.rounds import NotifyRound, WebhookRound
from tests.conftest import Clock, new_book
from tests.notify.receivers import receiver


@pytest.fixture(autouse=True)
def _loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMITY_NOTIFY_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("AMITY_WEBHOOKS_ALLOW_PRIVATE", "1")


def test_the_rounds_serve_every_user_and_survive_a_broken_one(db_url: str, clock: Clock) -> None:
    clock.set(datetime(2026, 11, 25, 12, 0, tzinfo=UTC))
    alice, bob, broken = (new_book(db_url, clock) for _ in range(3))
    ana = alice.people.add(PersonInput(name="Ana"))
    alice.commitments.add(ana.id, "send the slides", due_on=alice.today())
    broken.commitments.add(broken.people.add(PersonInput(name="Cy")).id, "x", due_on=clock().date())
    broken.notifications.add_channel("json://127.0.0.1:1/nothing-listens", name="dead")
    with receiver() as rx:
        alice.notifications.add_channel(f"json://{rx.url}/alice", name="phone")
        bob.webhooks.subscribe(f"http://{rx.url}/bob", "person.created")
        bob.people.add(PersonInput(name="Bo"))
        engine, url = alice.ctx.engine, alice.ctx.url
        sent = NotifyRound(engine, url, clock)()
        delivered = WebhookRound(engine, url, clock)()
        again = NotifyRound(engine, url, clock)()
    assert sent[alice.owner_id] == 2 and sent[broken.owner_id] == 0  # the digest, the promise
    assert delivered == {bob.owner_id: 1}
    assert again.get(alice.owner_id) == 0  # once per item and day
    paths = sorted(r["path"] for r in rx.received)
    assert paths == ["/alice", "/alice", "/bob"]
    assert broken.notifications.failing()[0].name == "dead"


def test_json_payload_of_a_notification(book: Book) -> None:
    with receiver() as rx:
        book.notifications.add_channel(f"json://{rx.url}/p", name="p")
        from amity.notify.channels import send

        book.notifications.send_test("p", send)
    body = json.loads(rx.received[0]["body"])
    assert body["message"].startswith("This channel (p) works")
