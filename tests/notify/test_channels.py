"""Notifications through Apprise to real receivers on loopback (json://127.0.0.1:PORT/path):
success, a receiver that fails twice then succeeds, one that never answers; secrets sealed
and masked; local schemes and private hosts refused; once per item and day across workers;
quiet hours; the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from amity.book import Book, open_book
from amity.cli.main import cli
from amity.errors import InvalidInput
from amity.notify.alerts import run_notifications
from amity.notify.channels import check_channel_url, send
from amity.store import schema as s
from tests.conftest import Clock
from tests.notify.receivers import receiver, silent_port


@pytest.fixture(autouse=True)
def _loopback_allowed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AMITY_NOTIFY_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("AMITY_SECRET_KEY", "a-test-installation-secret-of-some-length")


def promise_due_today(book: Book) -> str:
    from amity.book import PersonInput

    ana = book.people.add(PersonInput(name="Ana Lima"))
    made = book.commitments.add(ana.id, "send the slides", due_on=book.today())
    return f"promise:c{made.id}"


def test_the_url_is_sealed_masked_and_never_shown(book: Book) -> None:
    url = "json://user:hunter2-secret@127.0.0.1:9/hook?token=abc123"
    channel = book.notifications.add_channel(url, name="phone")
    assert channel.masked == "json://***"
    with book.ctx.engine.connect() as conn:
        stored = conn.execute(select(s.notify_channels.c.url_sealed)).scalars().all()
    assert stored and all("hunter2" not in v and "abc123" not in v for v in stored)
    shown = json.dumps([c.__dict__ for c in book.notifications.channels()], default=str)
    assert "hunter2" not in shown and "abc123" not in shown


def test_a_test_send_reaches_the_receiver_and_answers_at_once(book: Book) -> None:
    with receiver() as rx:
        book.notifications.add_channel(f"json://{rx.url}/amity", name="phone")
        delivery = book.notifications.send_test("phone", send)
    assert delivery.status == "sent" and delivery.attempts == 1
    assert rx.received[0]["path"] == "/amity"
    assert json.loads(rx.received[0]["body"])["title"] == "Amity: test notification"
    assert book.notifications.deliveries()[0].kind == "test"


def test_a_receiver_that_fails_twice_then_succeeds(book: Book, clock: Clock) -> None:
    key = promise_due_today(book)
    book.settings.set("notify.quiet_start", "")
    with receiver(statuses=[500, 503]) as rx:
        book.notifications.add_channel(f"json://{rx.url}/hook", name="phone")
        first = run_notifications(book)
        assert [d.status for d in first.deliveries] == ["pending"] * first.queued
        promise = next(d for d in book.notifications.deliveries() if d.item_key == key)
        assert promise.error and promise.attempts == 1
        assert [c.name for c in book.notifications.failing()] == ["phone"]
        assert run_notifications(book).deliveries == []  # the retry waits its back-off
        clock.advance(minutes=1)
        run_notifications(book)
        clock.advance(minutes=2)
        run_notifications(book)
    promise = next(d for d in book.notifications.deliveries() if d.item_key == key)
    assert promise.status == "sent" and promise.attempts >= 2
    assert book.notifications.failing() == []
    titles = [json.loads(r["body"])["title"] for r in rx.received]
    assert titles.count("Promise due today: Ana Lima") >= 2


def test_a_receiver_that_never_answers_is_a_timeout(book: Book) -> None:
    with silent_port() as port:
        book.notifications.add_channel(f"json://127.0.0.1:{port}/x", name="stuck")
        delivery = book.notifications.send_test("stuck", partial(send, timeout=0.5))
    assert delivery.status == "failed"
    assert delivery.error and "connection" in delivery.error.lower()


def test_sent_once_per_item_and_day_across_workers(book: Book, clock: Clock) -> None:
    promise_due_today(book)
    book.settings.set("notify.quiet_start", "")
    with receiver() as rx:
        book.notifications.add_channel(f"json://{rx.url}/hook", name="phone")
        worker_a = Book(book.ctx.engine, book.owner_id, book.ctx.url, clock)
        worker_b = Book(book.ctx.engine, book.owner_id, book.ctx.url, clock)
        run_notifications(worker_a)
        run_notifications(worker_b)
        clock.advance(hours=2)
        run_notifications(worker_b)
    keys = [(d.item_key, d.day) for d in book.notifications.deliveries() if d.kind != "test"]
    assert len(keys) == len(set(keys)) >= 2  # the digest and the promise, once each
    assert len(rx.received) == len(keys)


def test_quiet_hours_in_the_users_time_zone(book: Book, clock: Clock) -> None:
    promise_due_today(book)
    book.settings.set("timezone", "Asia/Tokyo")
    clock.set(datetime(2026, 11, 25, 14, 0, tzinfo=UTC))  # 23:00 in Tokyo
    with receiver() as rx:
        book.notifications.add_channel(f"json://{rx.url}/hook", name="phone")
        assert run_notifications(book).quiet is True
        clock.set(datetime(2026, 11, 25, 23, 30, tzinfo=UTC))  # 08:30 in Tokyo, next day
        outcome = run_notifications(book)
    assert outcome.quiet is False and rx.received


def test_dangerous_and_private_addresses_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    for url in ("file:///etc/passwd", "windows://", "dbus://", "syslog://", "nonsense://x"):
        with pytest.raises(InvalidInput):
            check_channel_url(url)
    monkeypatch.delenv("AMITY_NOTIFY_ALLOW_PRIVATE")
    for url in ("json://127.0.0.1:8080/x", "gotify://10.0.0.5/token", "ntfy://169.254.169.254/t"):
        with pytest.raises(InvalidInput) as refused:
            check_channel_url(url)
        assert "AMITY_NOTIFY_ALLOW_PRIVATE" in str(refused.value)


def test_another_owners_channel_is_not_found(book: Book, db_url: str, clock: Clock) -> None:
    from amity.errors import NotFound
    from tests.conftest import new_book

    theirs = new_book(db_url, clock).notifications.add_channel("ntfy://ntfy.sh/x", name="t")
    with pytest.raises(NotFound):
        book.notifications.send_test(theirs.id, send)
    with pytest.raises(NotFound):
        book.notifications.remove_channel(theirs.id)


def test_the_cli_adds_tests_lists_logs_and_removes(cli_env: Path) -> None:
    runner = CliRunner()
    with receiver() as rx:
        added = runner.invoke(
            cli, ["notify", "add", f"json://{rx.url}/p?token=s3cret", "--name", "phone"]
        )
        assert added.exit_code == 0, added.output
        tested = runner.invoke(cli, ["notify", "test", "phone"])
        assert tested.exit_code == 0 and "Sent through phone" in tested.output
    listed = runner.invoke(cli, ["notify", "list", "--json"])
    assert json.loads(listed.output)[0]["masked"] == f"json://{rx.url}/***"
    assert "s3cret" not in listed.output
    log = runner.invoke(cli, ["notify", "log", "--json"])
    assert json.loads(log.output)[0]["status"] == "sent"
    from amity.cli.main import run

    with pytest.raises(SystemExit) as refused:
        run(["notify", "add", "file:///etc/passwd"])
    assert refused.value.code == 2
    assert runner.invoke(cli, ["notify", "remove", "phone"]).exit_code == 0
    assert open_book().notifications.channels() == []


def test_digest_and_due_items_become_alerts() -> None:
    from datetime import date

    from amity.model import Action, PersonRef
    from amity.rules.outbound import AlertPrefs, alerts_for, in_quiet_hours, parse_clock

    day = date(2026, 11, 25)
    ana = [PersonRef(1, "Ana")]
    items = [
        Action("promise:c1", "promise_mine", ana, day, "send slides", 1.0),
        Action("promise:c2", "promise_mine", ana, day + timedelta(days=1), "later", 1.0),
        Action("date:birthday:d1:2026", "date", ana, day, "Ana's birthday", 1.0),
        Action("reply:i1", "reply", ana, day - timedelta(days=4), "waits", 1.0),
        Action("reply:i2", "reply", ana, day - timedelta(days=1), "fresh", 1.0),
        Action("follow_up:f1", "follow_up", ana, day, "follow", 1.0),
        Action("keep_in_touch:p1:2026-01-01", "keep_in_touch", ana, day, "call", 1.0),
    ]
    alerts = alerts_for(items, day, AlertPrefs(reply_after_days=3))
    assert [a.key for a in alerts] == [
        "promise:c1",
        "date:birthday:d1:2026",
        "reply:i1",
        "follow_up:f1",
    ]
    assert alerts[2].day == day - timedelta(days=1)  # the day the reply crossed 3 days
    assert (
        alerts_for(
            items, day, AlertPrefs(promises=False, dates=False, replies=False, follow_ups=False)
        )
        == []
    )
    night = (parse_clock("22:00"), parse_clock("07:00"))
    assert in_quiet_hours(parse_clock("23:30"), *night) and in_quiet_hours(
        parse_clock("06:59"), *night
    )
    assert not in_quiet_hours(parse_clock("07:00"), *night)
    assert not in_quiet_hours(parse_clock("03:00"), None, None)


def test_a_dns_answer_that_changes_after_the_check_cannot_redirect_the_send(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DNS rebinding: the name resolves to an allowed address when judged, then to another.
    The send connects to the address judged (the receiver gets it), never the second one."""
    import socket

    from amity import netguard

    real = netguard._system_getaddrinfo
    answers = {"count": 0}

    def rebinding(host: object, port: object, *args: object, **kwargs: object) -> object:
        if host == "rebind.example":
            answers["count"] += 1
            first = answers["count"] == 1
            return real("127.0.0.1" if first else "192.0.2.1", port, *args, **kwargs)
        return real(host, port, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(netguard, "_system_getaddrinfo", rebinding)
    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with receiver() as rx:
        send(f"json://rebind.example:{rx.port}/hook", "title", "body", timeout=3)
    # judged once; without the pin Apprise's own lookup would get 192.0.2.1 and fail
    assert answers["count"] == 1
    assert [r["path"] for r in rx.received] == ["/hook"]
