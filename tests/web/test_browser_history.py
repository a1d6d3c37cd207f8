"""History, undo and the trash in a real browser (Playwright driving Debian's Chromium): a
change made on the person page is undone from that page, the History tab lists it with the
door, and a deleted person comes back from the Trash page."""

from __future__ import annotations

from typing import Any

import pytest

from amity.book import PersonInput, open_book
from tests.web.conftest import LiveServer
from tests.web.test_browser import create_owner, watch_for_problems

pytestmark = pytest.mark.browser


def test_history_tab_undo_and_trash_restore(chromium_browser: Any, live_server: LiveServer) -> None:
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = watch_for_problems(page)
    create_owner(page, live_server)
    book = open_book(live_server.db_url, "olga@example.com")
    pid = book.people.add(PersonInput(name="Ana Lima", org="Acme")).id

    page.goto(f"{live_server.url}/people/{pid}")
    page.fill("#facts input[name=text]", "loves sailing")
    page.locator("#facts").get_by_role("button", name="Add").click()
    page.locator("#facts", has_text="loves sailing").wait_for()
    page.reload()
    undo_bar = page.locator("form.undo-last")
    assert "added fact loves sailing" in undo_bar.inner_text()
    undo_bar.get_by_role("button", name="Undo").click()
    page.wait_for_url(f"**/people/{pid}?undone=*")
    assert "loves sailing" not in page.locator("#facts").inner_text()
    assert book.people.get(pid).facts == []

    page.locator("nav.tabs").get_by_role("link", name="History").click()
    page.wait_for_url(f"**/people/{pid}/history")
    history = page.locator("#history")
    assert "undid change" in history.inner_text()
    assert "web" in history.locator(".tag").first.inner_text()
    assert history.locator(".change.undone").count() == 1

    page.goto(f"{live_server.url}/people/{pid}")
    page.get_by_role("link", name="Delete…").click()
    page.get_by_role("button", name="Delete Ana Lima for good").click()
    page.wait_for_url("**/people")
    page.goto(f"{live_server.url}/trash")
    entry = page.locator("#trash li").first
    assert "deleted person Ana Lima" in entry.inner_text()
    entry.get_by_role("button", name="Restore").click()
    page.wait_for_url(f"**/people/{pid}")
    assert page.locator("h1").first.inner_text().startswith("Ana Lima")
    assert book.people.get(pid).org == "Acme"
    page.goto(f"{live_server.url}/trash")
    assert "The trash is empty." in page.locator("#trash").inner_text()
    assert problems == []
    context.close()
