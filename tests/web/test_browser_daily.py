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


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_a_phone_gets_a_bottom_bar_instead_of_the_strip(
    chromium_browser: Any, live_server: LiveServer
) -> None:
    context = chromium_browser.new_context(**PHONE)
    page = context.new_page()
    problems = watch_for_problems(page)
    create_owner(page, live_server)
    bar = page.locator("nav.bottom-bar")
    assert bar.is_visible()
    labels = [a.inner_text().split("\n")[-1] for a in bar.locator("a").all()]
    assert labels == ["Today", "People", "Log", "Awaiting", "More"]
    assert not page.locator("nav.top-nav").is_visible()
    box = bar.bounding_box()
    assert box is not None and box["y"] + box["height"] >= 844 - 1  # at the bottom
    bar.get_by_role("link", name="More").click()
    page.wait_for_url("**/more")
    assert page.get_by_role("link", name="Settings").is_visible()
    bar.get_by_role("link", name="Log").click()
    page.locator("dialog#capture").wait_for(state="visible")
    context.close()
    desktop = chromium_browser.new_context(viewport={"width": 1280, "height": 860})
    wide = desktop.new_page()
    wide.goto(live_server.url + "/login")
    assert not wide.locator("nav.bottom-bar").is_visible()
    desktop.close()
    assert problems == []


def test_a_capture_made_offline_arrives_once_when_back_online(
    chromium_browser: Any, live_server: LiveServer
) -> None:
    """The web app manifest and the service worker: the shell is cached, a quick capture made
    offline is kept and sent when the network is back, and logged once (its key), even when
    the worker is asked to send its queue again."""
    import time

    context = chromium_browser.new_context(**PHONE)
    page = context.new_page()
    problems = watch_for_problems(page)
    create_owner(page, live_server)
    book = open_book(live_server.db_url, "olga@example.com")
    ana = book.people.add(PersonInput(name="Ana Lima"))
    manifest = page.request.get(live_server.url + "/manifest.webmanifest").json()
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    assert {i["sizes"] for i in manifest["icons"]} >= {"192x192", "512x512"}
    page.goto(f"{live_server.url}/people/{ana.id}")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now controlled by the worker
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    page.get_by_role("button", name="Log interaction").click()
    page.fill("#capture-form input[name=subject]", "Offline coffee")
    page.click("#capture-form button[type=submit]")
    page.locator("#capture-queued").wait_for()
    assert [i for i in book.interactions.timeline() if i.subject == "Offline coffee"] == []
    context.set_offline(False)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if any(i.subject == "Offline coffee" for i in book.interactions.timeline()):
            break
        page.wait_for_timeout(200)
    page.evaluate(  # ask the worker to send its queue again: nothing is left to send
        "navigator.serviceWorker.controller.postMessage({type: 'flush'})"
    )
    page.wait_for_timeout(1000)
    logged = [i for i in book.interactions.timeline() if i.subject == "Offline coffee"]
    assert len(logged) == 1 and [p.id for p in logged[0].people] == [ana.id]
    page.locator("#timeline").get_by_text("Offline coffee").wait_for()  # the page caught up
    offline = ("htmx:sendError", "htmx:afterRequest", "ERR_INTERNET_DISCONNECTED", "ERR_FAILED")
    assert [p for p in problems if not any(o in p for o in offline)] == []  # offline: expected
    context.close()
