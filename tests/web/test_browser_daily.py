"""Issue 12 in a real browser (Playwright driving Debian's Chromium): what a new user tripped
on, Today in true order, and the phone."""

from __future__ import annotations

from typing import Any

import pytest

from amity.book import PersonInput, open_book
from tests.web.conftest import LiveServer
from tests.web.test_browser import create_owner, watch_for_problems

pytestmark = pytest.mark.browser


def test_a_fact_added_on_the_person_page_shows_without_a_reload(
    chromium_browser: Any, live_server: LiveServer
) -> None:
    """The form inherited hx-select="#facts" from its section, so the answer (which has no
    #facts inside) was swapped in as nothing: an empty box until a reload."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    problems = watch_for_problems(page)
    create_owner(page, live_server)
    book = open_book(live_server.db_url, "olga@example.com")
    ana = book.people.add(PersonInput(name="Ana Lima"))
    page.goto(f"{live_server.url}/people/{ana.id}")
    facts = page.locator("#facts")
    facts.locator("input[name=text]").fill("Loves bouldering")
    facts.get_by_role("button", name="Add").click()
    facts.get_by_text("Loves bouldering").wait_for()
    assert facts.get_by_role("heading", name="What they care about").is_visible()
    assert problems == []
    context.close()


def test_today_done_then_undo_and_the_chips_in_a_browser(
    chromium_browser: Any, live_server: LiveServer
) -> None:
    from datetime import UTC, datetime, timedelta

    from amity.book import InteractionInput

    context = chromium_browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    problems = watch_for_problems(page)
    create_owner(page, live_server)
    book = open_book(live_server.db_url, "olga@example.com")
    now = datetime.now(UTC)
    for n, name in enumerate(["Ana Lima", "Ben Okafor", "Chen Wei"]):
        person = book.people.add(PersonInput(name=name, circle="close"))
        book.interactions.log(
            InteractionInput(people=[person.id], occurred_at=now - timedelta(days=40 + n))
        )
    eli = book.people.add(PersonInput(name="Eli Cohen", circle="inner"))
    book.interactions.log(
        InteractionInput(
            people=[eli.id],
            kind="email",
            subject="Intro?",
            needs_reply=True,
            direction="inbound",
            occurred_at=now - timedelta(days=1),
        )
    )
    page.goto(live_server.url + "/")
    assert page.locator("#agenda-count").inner_text() == "4"
    reply = page.locator(".agenda-item[data-kind=reply]")
    reply.get_by_role("button", name="Done: Reply to Eli Cohen").click()
    page.locator("#agenda-toast").wait_for()
    assert page.locator("#agenda-count").inner_text() == "3"
    assert page.locator(".chips [data-kind=reply]").count() == 0
    page.get_by_role("button", name="Undo").click()
    reply.wait_for()
    assert page.locator("#agenda-count").inner_text() == "4"
    page.locator(".chips [data-kind=keep_in_touch]").click()
    page.wait_for_url("**/?kind=keep_in_touch")
    assert page.locator(".agenda-item").count() == 3
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    assert problems == []
    context.close()
