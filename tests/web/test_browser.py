"""The app in a real browser (Playwright driving Debian's Chromium): the newcomer's first run
on desktop and on a phone, and screenshots of the main pages.

Screenshots go to a temporary folder; with AMITY_SCREENSHOTS=1 they are written to
docs/screenshots/ (that is how the README's pictures are made).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from amity.book import InteractionInput, PersonInput, open_book
from tests.web.conftest import PASSWORD, LiveServer

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


def screenshot_folder(tmp_path: Path) -> Path:
    folder = REPO / "docs" / "screenshots" if os.environ.get("AMITY_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def watch_for_problems(page: Any) -> list[str]:
    """Console errors, failed requests and requests to any other site end up in this list."""
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"console: {m.text}")
            if m.type == "error" and "Failed to load resource" not in m.text
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on(
        "requestfailed",
        lambda r: (
            None
            if "ERR_ABORTED" in (r.failure or "")  # navigated on
            else problems.append(f"failed: {r.url} {r.failure}")
        ),
    )
    page.on(
        "response", lambda r: problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None
    )
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith(("http://127.0.0.1", "data:"))
            else problems.append(f"other site: {r.url}")
        ),
    )
    return problems


def create_owner(page: Any, server: LiveServer) -> None:
    page.goto(server.url + "/")
    assert page.url.endswith("/setup")
    page.fill("input[name=name]", "Olga Owner")
    page.fill("input[name=email]", "olga@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")
    assert page.locator("h1").first.inner_text().startswith("Today")


def quick_capture(page: Any, name: str, subject: str, *, via_keyboard: bool) -> None:
    if via_keyboard:
        page.keyboard.press("c")
    else:  # the header's button on a desktop, the bottom bar's Log on a phone
        page.locator("button.capture-open, .bottom-bar .capture-tab").locator(
            "visible=true"
        ).first.click()
    dialog = page.locator("dialog#capture")
    dialog.wait_for(state="visible")
    page.fill("#capture-names", name[:3])
    suggestion = page.locator(f"#capture-suggestions [data-pick-name='{name}']")
    suggestion.wait_for()
    page.keyboard.press("Enter")  # picks the first suggestion
    assert page.locator("#capture-chips .chip").first.inner_text().startswith(name)
    page.select_option("#capture-form select[name=kind]", "email")
    page.fill("#capture-form input[name=subject]", subject)
    page.check("#capture-form input[name=needs_reply]")
    page.click("#capture-form button[type=submit]")
    page.locator("#capture-form .ok").wait_for()
    assert f"with {name}" in page.locator("#capture-form .ok").inner_text()


def test_first_run_add_person_capture_and_mark_done(
    chromium_browser: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    shots = screenshot_folder(tmp_path)
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    problems = watch_for_problems(page)
    create_owner(page, live_server)
    page.screenshot(path=str(shots / "first-run-today.png"))

    page.goto(live_server.url + "/people/new")
    page.fill("input[name=name]", "Ana Lima")
    page.fill("input[name=emails]", "ana@example.com")
    page.select_option("select[name=circle]", "close")
    page.click("button[type=submit]")
    page.wait_for_url("**/people/*")
    assert page.locator("h1").inner_text() == "Ana Lima"

    page.goto(live_server.url + "/")
    assert page.locator(".agenda-item").count() == 0
    quick_capture(page, "Ana Lima", "Can you review my talk?", via_keyboard=True)
    page.keyboard.press("Escape")
    item = page.locator(".agenda-item[data-kind=reply]")
    item.wait_for()  # Today refreshed itself after the capture, without a reload
    assert "Ana Lima" in item.inner_text()
    page.screenshot(path=str(shots / "today.png"))
    item.locator("button", has_text="Done").click()
    item.wait_for(state="detached")
    page.reload()
    assert page.locator(".agenda-item[data-kind=reply]").count() == 0

    page.get_by_role("link", name="People").click()
    page.get_by_role("link", name="Ana Lima").click()
    page.get_by_role("button", name="Log interaction").click()  # the person comes prefilled
    assert page.locator("#capture-chips .chip").inner_text().startswith("Ana Lima")
    page.fill("#capture-form input[name=subject]", "Reviewed the talk together")
    page.keyboard.press("Control+Enter")
    page.locator("#capture-form .ok").wait_for()
    page.keyboard.press("Escape")
    page.locator("#timeline").get_by_text("Reviewed the talk together").wait_for()  # no reload
    assert problems == []
    context.close()


def test_phone_sized_capture_and_done(
    chromium_browser: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    shots = screenshot_folder(tmp_path)
    context = chromium_browser.new_context(**PHONE)
    page = context.new_page()
    problems = watch_for_problems(page)
    create_owner(page, live_server)
    book = open_book(live_server.db_url, "olga@example.com")
    book.people.add(PersonInput(name="Ben Okafor", org="Acme", circle="inner"))
    page.goto(live_server.url + "/")
    quick_capture(page, "Ben Okafor", "Coffee after the meetup?", via_keyboard=False)
    page.click("[data-close-capture]")
    item = page.locator(".agenda-item[data-kind=reply]")
    item.wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "no sideways scrolling on a phone"
    page.screenshot(path=str(shots / "phone-today.png"))
    item.locator("button", has_text="Done").tap()
    item.wait_for(state="detached")
    assert problems == []
    context.close()


def demo_book(server: LiveServer) -> Any:
    from datetime import UTC, datetime, timedelta

    book = open_book(server.db_url, "olga@example.com")
    now = datetime.now(UTC)
    people = {}
    for name, org, circle, tags in [
        ("Ana Lima", "Globex", "close", ["python", "berlin"]),
        ("Ben Okafor", "Acme", "inner", ["mentor"]),
        ("Chen Wei", "Initech", "network", ["pycon"]),
        ("Dana Ruiz", "Umbrella", "close", ["design"]),
        ("Eli Cohen", "Hooli", "network", ["investor"]),
        ("Fatou Diop", "Acme", "inner", ["python"]),
    ]:
        people[name] = book.people.add(
            PersonInput(
                name=name,
                org=org,
                circle=circle,
                tags=tags,
                emails=[name.split()[0].lower() + "@example.com"],
            )
        )
    for name, days in [("Ana Lima", 47), ("Ben Okafor", 20), ("Chen Wei", 130), ("Dana Ruiz", 3)]:
        book.interactions.log(
            InteractionInput(
                people=[people[name].id],
                kind="meeting",
                subject="Coffee",
                occurred_at=now - timedelta(days=days),
            )
        )
    book.interactions.log(
        InteractionInput(
            people=[people["Eli Cohen"].id],
            kind="email",
            subject="Intro to your CTO?",
            needs_reply=True,
            occurred_at=now - timedelta(days=2),
        )
    )
    book.commitments.add(
        people["Fatou Diop"].id, "Send the workshop slides", due_on=(now + timedelta(days=1)).date()
    )
    book.people.add_fact(people["Ana Lima"].id, "interest", "Bouldering and sourdough")
    book.people.add_question(people["Ana Lima"].id, "How did the Lisbon talk go?")
    return people


def test_screenshots_of_the_main_pages(
    chromium_browser: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    shots = screenshot_folder(tmp_path)
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    problems = watch_for_problems(page)
    create_owner(page, live_server)
    people = demo_book(live_server)
    pages = {
        "today": "/",
        "people": "/people",
        "person": f"/people/{people['Ana Lima'].id}",
        "promises": "/promises",
        "settings": "/settings",
        "export": "/export",
    }
    for name, path in pages.items():
        page.goto(live_server.url + path, wait_until="networkidle")  # htmx panels loaded too
        page.screenshot(path=str(shots / f"{name}.png"), full_page=name != "settings")
        assert (shots / f"{name}.png").stat().st_size > 10_000
    page.goto(live_server.url + "/people")
    page.fill("#people-q", "acm")
    from playwright.sync_api import expect

    expect(page.locator("#people-results").get_by_text("Ana Lima")).to_have_count(0)  # live
    expect(page.locator("#people-results").get_by_text("Fatou Diop")).to_have_count(1)
    assert "q=acm" in page.url
    page.keyboard.press("Escape")
    page.goto(live_server.url + "/")
    page.keyboard.press("c")
    page.fill("#capture-names", "Ana")
    page.locator("#capture-suggestions [data-pick-id]").first.wait_for()
    page.screenshot(path=str(shots / "capture.png"))
    assert problems == []
    context.close()
