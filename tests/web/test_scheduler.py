"""The server's own digest scheduler: at the time set in Settings it e-mails the agenda (to a
real SMTP server, aiosmtpd), once per owner and day even with several workers."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI

from amity.book import Book, InteractionInput, PersonInput
from amity.web.scheduler import DigestRound
from tests.conftest import Clock
from tests.web.conftest import WebUser


class Sink:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_sink() -> Iterator[tuple[Sink, int]]:
    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


def due_item(book: Book, clock: Clock) -> None:
    person = book.people.add(PersonInput(name="Rita Due", circle="close"))
    book.interactions.log(
        InteractionInput(people=[person.id], occurred_at=clock() - timedelta(days=45))
    )


def test_digest_is_sent_once_at_the_set_time_with_two_workers(
    ann: WebUser, web_app: FastAPI, smtp_sink: tuple[Sink, int], clock: Clock
) -> None:
    sink, port = smtp_sink
    clock.set(datetime(2026, 11, 25, 6, 0, tzinfo=UTC))
    due_item(ann.book, clock)
    saved = ann.post(
        "/settings/digest",
        {
            "enabled": "1",
            "time": "07:30",
            "to": "ann@example.com",
            "sender": "amity@example.com",
            "host": "127.0.0.1",
            "port": str(port),
            "tls": "none",
        },
    )
    assert saved.status_code == 200, saved.text
    worker_a, worker_b = DigestRound(web_app.state.amity), DigestRound(web_app.state.amity)
    assert ann.book.owner_id not in worker_a()  # 06:00: not yet
    assert sink.envelopes == []
    clock.set(datetime(2026, 11, 25, 7, 31, tzinfo=UTC))
    outcomes = [worker_a().get(ann.book.owner_id), worker_b().get(ann.book.owner_id)]
    assert sorted(outcomes, key=str) == ["already_sent", "sent"]
    assert worker_a().get(ann.book.owner_id) is None  # settled for the day: no more work
    mine = [e for e in sink.envelopes if "ann@example.com" in e.rcpt_tos]
    assert len(mine) == 1 and b"Rita Due" in mine[0].original_content
    record = ann.book.agenda.digest_record(clock().date())
    assert record is not None and record["sent_at"] is not None
    clock.advance(days=1)
    assert worker_b().get(ann.book.owner_id) == "sent"  # the next day, again once
    assert len([e for e in sink.envelopes if "ann@example.com" in e.rcpt_tos]) == 2


def test_a_user_with_broken_smtp_settings_does_not_stop_the_others(
    ann: WebUser, ben: WebUser, web_app: FastAPI, smtp_sink: tuple[Sink, int], clock: Clock
) -> None:
    sink, port = smtp_sink
    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    for user, smtp_port in ((ann, 1), (ben, port)):  # port 1: nobody listens
        due_item(user.book, clock)
        assert (
            user.post(
                "/settings/digest",
                {
                    "enabled": "1",
                    "time": "08:00",
                    "to": "me@example.com",
                    "sender": "a@example.com",
                    "host": "127.0.0.1",
                    "port": str(smtp_port),
                    "tls": "none",
                },
            ).status_code
            == 200
        )
    outcomes = DigestRound(web_app.state.amity)()
    assert outcomes[ann.book.owner_id] == "error" and outcomes[ben.book.owner_id] == "sent"
    assert len(sink.envelopes) >= 1


def test_the_scheduler_runs_for_the_life_of_the_app(sqlite_url: str, clock: Clock) -> None:
    from fastapi.testclient import TestClient

    from amity.web.app import create_app

    app = create_app(sqlite_url, clock=clock, scheduler=True)
    with TestClient(app):
        stop = app.state.digest_scheduler
        assert callable(stop)
    assert app.state.digest_scheduler is None
    quiet = create_app(sqlite_url, clock=clock, scheduler=False)
    with TestClient(quiet):
        assert quiet.state.digest_scheduler is None


def test_the_trash_round_purges_after_thirty_days_for_every_user(
    ann: WebUser, ben: WebUser, web_app: FastAPI, clock: Clock
) -> None:
    from amity.web.scheduler import TrashRound

    for user in (ann, ben):
        user.book.people.purge(user.book.people.add(PersonInput(name="Gone Soon")).id)
    purge = TrashRound(web_app.state.amity)
    purge()
    assert len(ann.book.history.trash()) == 1
    clock.advance(days=30, seconds=1)
    assert purge() >= 2  # other books of the shared test database too
    assert purge() == 0
    assert ann.book.history.trash() == [] and ben.book.history.trash() == []
