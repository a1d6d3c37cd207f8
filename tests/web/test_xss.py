"""Every text a user enters is escaped on output: script and HTML payloads stored in every
text field never reach a page as markup, in the HTML (in process) and in Chromium (nothing
runs, nothing is injected into the DOM)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from amity import accounts
from amity.book import Book, InteractionInput, PersonInput, open_book
from amity.book.transfer import ParsedItems
from tests.conftest import Clock
from tests.web.conftest import LiveServer, WebUser

PAYLOAD = (
    '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
    "\"'><svg onload=window.__xss=3>"
)
ESCAPED = "&lt;script&gt;window.__xss=1&lt;/script&gt;"
MARKUP = ("<script>window.__xss", "<img src=x", "<svg onload")


def store_payloads(book: Book, clock: Clock) -> int:
    """The payload in every text field a user can fill; returns the person's id."""
    text = dict.fromkeys(
        (
            "nickname",
            "org",
            "title",
            "note",
            "met_where",
            "how_met",
            "preferred_channel",
            "language",
            "best_time",
            "style_notes",
        ),
        PAYLOAD,
    )
    person = book.people.add(
        PersonInput(name="X " + PAYLOAD, tags=[PAYLOAD[:40]], circle="close", **text)
    )
    book.people.add_fact(person.id, "interest", PAYLOAD)
    book.people.add_question(person.id, PAYLOAD)
    book.people.add_date(person.id, "custom", "--03-04", PAYLOAD)
    book.interactions.log(
        InteractionInput(
            people=[person.id],
            kind="email",
            subject=PAYLOAD,
            notes=PAYLOAD,
            needs_reply=True,
            occurred_at=clock() - timedelta(days=40),
        )
    )
    book.commitments.add(person.id, PAYLOAD, due_on=clock().date())
    book.commitments.add(person.id, PAYLOAD, direction="theirs")
    book.follow_ups.add(person.id, PAYLOAD, clock().date())
    book.settings.set("me.name", PAYLOAD)
    book.circle_settings.set(PAYLOAD[:90], every="30d", create=True)
    accounts.create_api_token(book.ctx.engine, book.owner_id, PAYLOAD, now=clock())
    book.transfer.run(ParsedItems([], "vcard"), filename=PAYLOAD)
    return person.id


def pages_of(person_id: int) -> list[str]:
    return [
        "/",
        "/people",
        "/people?q=window",
        f"/people/{person_id}",
        f"/people/{person_id}/edit",
        "/capture/names?names=X",
        "/promises",
        "/awaiting",
        "/settings",
        "/import",
        "/export",
        "/people?circle=" + PAYLOAD[:20],
    ]


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    return sqlite_url


def test_payloads_are_escaped_in_every_page(ann: WebUser, clock: Clock) -> None:
    from sqlalchemy import update

    from amity.store import schema as s
    from amity.store.engine import write_transaction

    with write_transaction(ann.book.ctx.engine) as conn:  # the user's own name too
        conn.execute(update(s.users).where(s.users.c.id == ann.book.owner_id).values(name=PAYLOAD))
    person_id = store_payloads(ann.book, clock)
    seen_escaped = 0
    for path in pages_of(person_id):
        page = ann.get(path)
        assert page.status_code == 200, path
        for markup in MARKUP:
            assert markup not in page.text, (path, markup)
        seen_escaped += page.text.count(ESCAPED)
    assert seen_escaped >= 20  # the payloads are there, as text


@pytest.mark.browser
def test_no_payload_runs_or_injects_markup_in_the_browser(
    chromium_browser: Any, live_server: LiveServer, tmp_path: Any
) -> None:
    from tests.web.test_browser import create_owner

    context = chromium_browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    create_owner(page, live_server)
    book = open_book(live_server.db_url, "olga@example.com")
    person_id = store_payloads(book, Clock(book.ctx.now()))
    for path in pages_of(person_id):
        page.goto(live_server.url + path)
        injected = page.evaluate("""() => ({
            ran: window.__xss === undefined ? null : window.__xss,
            nodes: document.querySelectorAll('img[src="x"], svg[onload], script:not([src])').length,
            text: document.body.innerText.includes('window.__xss=1')})""")
        assert injected["ran"] is None, path
        assert injected["nodes"] == 0, path
        if path not in ("/capture/names?names=X", "/export"):  # no user text on these
            assert injected["text"], f"{path} shows the payload as text"
    page.goto(live_server.url + f"/people/{person_id}")
    page.click("#profile button:has-text('Edit')")  # edit in place renders the form via htmx
    page.locator("#profile form").wait_for()
    assert page.evaluate("window.__xss === undefined")
    assert dialogs == []
    context.close()
