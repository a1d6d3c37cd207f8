"""The digest e-mailed to a real SMTP server (aiosmtpd on a free local port): it arrives,
parses, carries the items, goes out once per day, and no header can be injected."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default as default_policy
from html import escape
from typing import Any

import pytest

from amity.book import Book
from amity.errors import InvalidInput
from amity.notify.digest import compose_digest, send_digest
from amity.notify.mail import DeliveryFailed, SmtpConfig, clean_header
from tests.agenda.helpers import add, talk


class Sink:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 OK"

    def messages(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(e.original_content, policy=default_policy)  # type: ignore[misc]
            for e in self.envelopes
        ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Sink, int]]:
    from aiosmtpd.controller import Controller

    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


def configure(book: Book, port: int, **extra: str) -> None:
    values = {
        "smtp.host": "127.0.0.1",
        "smtp.port": str(port),
        "smtp.tls": "none",
        "smtp.from": "Amity <amity@example.org>",
        "smtp.to": "me@example.org",
        **extra,
    }
    for key, value in values.items():
        book.settings.set(key, value)


def a_busy_day(book: Book) -> None:
    ana = add(book, "Ana Lima", circle="close", birthday="--11-25")
    talk(book, ana, 47)
    book.commitments.add(ana, "send the <deck>", due_on=book.today())


def test_the_digest_arrives_parses_and_carries_the_items(
    book: Book, smtp_server: tuple[Sink, int]
) -> None:
    sink, port = smtp_server
    a_busy_day(book)
    configure(book, port)
    outcome, digest = send_digest(book)
    assert outcome == "sent"
    [message] = sink.messages()
    assert sink.envelopes[0].rcpt_tos == ["me@example.org"]
    assert message["Subject"] == "Amity: 3 things for Wednesday 25 November 2026"
    assert message["From"] == "Amity <amity@example.org>"
    text = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    for item in digest.items:
        assert item.reason in text
        assert item.key in text
    assert escape("Ana Lima's birthday is today") in html
    assert "send the &lt;deck&gt;" in html  # user text is escaped in the HTML


def test_sent_once_per_day_even_when_asked_twice(book: Book, smtp_server: tuple[Sink, int]) -> None:
    sink, port = smtp_server
    a_busy_day(book)
    configure(book, port)
    assert send_digest(book)[0] == "sent"
    assert send_digest(book)[0] == "already_sent"
    assert len(sink.envelopes) == 1
    assert send_digest(book, force=True)[0] == "sent"
    assert len(sink.envelopes) == 2


def test_nothing_to_do_sends_nothing(book: Book, smtp_server: tuple[Sink, int]) -> None:
    sink, port = smtp_server
    configure(book, port)
    assert send_digest(book)[0] == "empty"
    assert sink.envelopes == []


def test_no_header_injection(book: Book, smtp_server: tuple[Sink, int]) -> None:
    sink, port = smtp_server
    a_busy_day(book)
    configure(
        book,
        port,
        **{
            "smtp.from": "Amity\r\nBcc: evil@example.net <amity@example.org>",
            "me.name": "Me\r\nX-Evil: yes",
        },
    )
    assert send_digest(book)[0] == "sent"
    [message] = sink.messages()
    assert message["Bcc"] is None and message["X-Evil"] is None
    assert sink.envelopes[0].rcpt_tos == ["me@example.org"]
    assert clean_header("a\r\nb\x00c\nd") == "a bc d"


def test_starttls_refused_by_the_server_is_a_clear_failure(
    book: Book, smtp_server: tuple[Sink, int]
) -> None:
    sink, port = smtp_server
    a_busy_day(book)
    configure(book, port, **{"smtp.tls": "starttls"})
    with pytest.raises(DeliveryFailed, match="STARTTLS"):
        send_digest(book)
    assert sink.envelopes == []
    record = book.agenda.digest_record(book.today())
    assert record is not None and record["sent_at"] is None and "STARTTLS" in record["error"]
    configure(book, port)  # fixed: the next run sends it
    assert send_digest(book)[0] == "sent"


def test_unreachable_server(book: Book) -> None:
    a_busy_day(book)
    configure(book, free_port())
    with pytest.raises(DeliveryFailed, match="failed"):
        send_digest(book)


def test_missing_or_bad_settings_are_refused_before_sending(book: Book) -> None:
    with pytest.raises(InvalidInput, match=r"smtp\.host"):
        SmtpConfig.from_settings(book.settings.all(reveal_secrets=True))
    configure(book, 2525, **{"smtp.to": "not an address"})
    with pytest.raises(InvalidInput, match=r"smtp\.to"):
        SmtpConfig.from_settings(book.settings.all(reveal_secrets=True))


def test_compose_renders_text_and_html(book: Book) -> None:
    a_busy_day(book)
    digest = compose_digest(book)
    assert digest.text.startswith("Your agenda for Wednesday 25 November 2026")
    assert digest.html.startswith("<!DOCTYPE html>")
    assert len(digest.items) == 3
