"""Forgotten password (issue 12 §7): a one-time, expiring, single-use link e-mailed through a
real SMTP server (aiosmtpd on a free port) with the configured base URL (never the Host
header), and `amity user reset-password EMAIL`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from amity import accounts
from amity.book import Book
from amity.security import verify_password
from amity.web.app import create_app
from tests.agenda.test_digest_smtp import Sink, configure, free_port
from tests.conftest import Clock, new_book
from tests.web.conftest import PASSWORD, csrf_of, make_user

LINK = re.compile(r"(https://amity\.example\.org/reset/\S+)")
NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Sink, int]]:
    from aiosmtpd.controller import Controller

    sink, port = Sink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@pytest.fixture
def owner(db_url: str, clock: Clock) -> Book:
    book = new_book(db_url, clock)
    make_user(book, name="Olga Owner")
    return book


@pytest.fixture
def visitor(db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """A browser that is not signed in, talking to the app through a forged Host header."""
    monkeypatch.setenv("AMITY_BASE_URL", "https://amity.example.org")
    app = create_app(db_url, clock=clock, scheduler=False)
    with TestClient(app, base_url="http://evil.example.com", follow_redirects=False) as client:
        yield client


def ask_for_link(client: TestClient, email: str) -> object:
    csrf = csrf_of(client.get("/forgot").text)
    return client.post("/forgot", data={"email": email, "csrf_token": csrf})


def test_a_reset_link_arrives_works_once_and_ends_sessions(
    owner: Book, visitor: TestClient, smtp_server: tuple[Sink, int], clock: Clock
) -> None:
    sink, port = smtp_server
    configure(owner, port)
    email = str(owner.owner()["email"])
    epoch = accounts.user_by_id(owner.ctx.engine, owner.owner_id).session_epoch  # type: ignore[union-attr]
    login = visitor.get("/login").text
    assert 'href="/forgot"' in login
    laptop = TestClient(visitor.app, follow_redirects=False)  # signed in with the old password
    signed = laptop.post(
        "/login",
        data={
            "email": email,
            "password": PASSWORD,
            "csrf_token": csrf_of(laptop.get("/login").text),
        },
    )
    assert signed.status_code == 303 and laptop.get("/").status_code == 200
    answer = ask_for_link(visitor, email.upper())
    assert answer.status_code == 200  # type: ignore[attr-defined]
    assert "If an account exists for that address" in answer.text  # type: ignore[attr-defined]
    [message] = sink.messages()
    assert sink.envelopes[0].rcpt_tos == [email]  # the user, not the digest's smtp.to
    body = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "evil.example.com" not in body
    [link] = LINK.findall(body)
    path = link.removeprefix("https://amity.example.org")
    form = visitor.get(path)
    assert form.status_code == 200 and email in form.text
    csrf = csrf_of(form.text)
    differ = visitor.post(path, data={"password": NEW_PASSWORD, "again": "x", "csrf_token": csrf})
    assert differ.status_code == 422 and "the two passwords differ" in differ.text
    done = visitor.post(
        path, data={"password": NEW_PASSWORD, "again": NEW_PASSWORD, "csrf_token": csrf}
    )
    assert done.status_code == 303 and done.headers["location"] == "/login?reset=1"
    user, password_hash = accounts.login_candidate(owner.ctx.engine, email)
    assert user is not None and user.session_epoch > epoch  # every session ended
    assert verify_password(password_hash, NEW_PASSWORD)
    assert not verify_password(password_hash, PASSWORD)
    assert laptop.get("/").status_code == 303  # the old session ended
    assert visitor.get(path).status_code == 404  # single use
    again = visitor.post(
        path, data={"password": "yet another one!", "again": "yet another one!", "csrf_token": csrf}
    )
    assert again.status_code == 404


def test_unknown_addresses_get_the_same_answer_and_no_mail(
    owner: Book, visitor: TestClient, smtp_server: tuple[Sink, int]
) -> None:
    sink, port = smtp_server
    configure(owner, port)
    known = ask_for_link(visitor, str(owner.owner()["email"]))
    unknown = ask_for_link(visitor, "nobody@example.org")
    sent = re.search(r'id="reset-sent">([^<]+)<', known.text)  # type: ignore[attr-defined]
    assert sent and sent.group(1) in unknown.text  # type: ignore[attr-defined]
    assert len(sink.messages()) == 1


def test_links_expire_and_at_most_three_an_hour(
    owner: Book, visitor: TestClient, smtp_server: tuple[Sink, int], clock: Clock
) -> None:
    sink, port = smtp_server
    configure(owner, port)
    email = str(owner.owner()["email"])
    for _ in range(4):
        ask_for_link(visitor, email)
    messages = sink.messages()
    assert len(messages) == 3  # the fourth within the hour is not sent
    body = messages[0].get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    path = LINK.findall(body)[0].removeprefix("https://amity.example.org")
    clock.advance(minutes=61)
    assert visitor.get(path).status_code == 404  # expired


def test_without_smtp_nothing_is_sent_and_the_page_names_the_cli(
    owner: Book, visitor: TestClient, smtp_server: tuple[Sink, int]
) -> None:
    sink, _ = smtp_server
    answer = ask_for_link(visitor, str(owner.owner()["email"]))
    assert "amity user reset-password EMAIL" in answer.text  # type: ignore[attr-defined]
    assert sink.messages() == []


def test_cli_reset_password_sets_it_or_prints_a_link(
    owner: Book, monkeypatch: pytest.MonkeyPatch
) -> None:
    from amity.cli.main import cli

    email = str(owner.owner()["email"])
    base = ["--db", owner.ctx.url, "user", "reset-password", email]
    result = CliRunner().invoke(cli, [*base, "--password-file", "-"], input=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert f"New password set for {email}" in result.output
    _, password_hash = accounts.login_candidate(owner.ctx.engine, email)
    assert verify_password(password_hash, NEW_PASSWORD)
    short = CliRunner().invoke(cli, [*base, "--password-file", "-"], input="short\n")
    assert short.exit_code != 0
    monkeypatch.setenv("AMITY_BASE_URL", "https://amity.example.org/")
    link = CliRunner().invoke(cli, [*base, "--link"])
    assert link.exit_code == 0, link.output
    assert LINK.search(link.stdout)
    unknown = CliRunner().invoke(cli, ["--db", owner.ctx.url, "user", "reset-password", "x@y.z"])
    assert unknown.exit_code != 0


def test_reset_tokens_are_stored_hashed(owner: Book) -> None:
    from amity import password_reset

    made = password_reset.create_reset(
        owner.ctx.engine, str(owner.owner()["email"]), now=owner.now()
    )
    assert made is not None
    with owner.ctx.engine.connect() as conn:
        stored = {row[0] for row in conn.exec_driver_sql("SELECT token_hash FROM password_resets")}
    assert stored and made.token not in stored
    assert password_reset.open_reset(
        owner.ctx.engine, made.token, now=owner.now() + timedelta(minutes=59)
    )
