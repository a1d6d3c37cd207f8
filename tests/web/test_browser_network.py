"""Issue 6 pages in a real browser (Playwright driving Debian's Chromium): the Review page draws
its SVG charts, the person page loads its Brief panel through htmx, and sharing an article
from its suggestions works without a reload. No request leaves for another site.

The screenshot goes to a temporary folder; with AMITY_SCREENSHOTS=1 it is written to
docs/screenshots/review.png (as the other screenshots are made).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from amity.book import Book, InteractionInput, PersonInput, open_book
from tests.web.conftest import PASSWORD, LiveServer
from tests.web.test_browser import PHONE, create_owner, screenshot_folder, watch_for_problems

pytestmark = pytest.mark.browser


def a_fortnight_of_networking(book: Book) -> dict[str, int]:
    """Two weeks of calls, meetings and messages, a ledger, feedback and goals (real clock)."""
    now = datetime.now(UTC)
    today = now.date()
    people = {}
    for name, circle, org in [
        ("Ana Lima", "close", "Globex"),
        ("Ben Okafor", "inner", "Acme"),
        ("Chen Wei", "network", "Initech"),
        ("Dana Ruiz", "close", "Acme"),
    ]:
        people[name] = book.people.add(PersonInput(name=name, circle=circle, org=org)).id
    for days, name, kind in [
        (1, "Ana Lima", "call"),
        (2, "Ben Okafor", "meeting"),
        (3, "Chen Wei", "email"),
        (4, "Ana Lima", "message"),
        (5, "Dana Ruiz", "call"),
        (9, "Ben Okafor", "call"),
        (10, "Ana Lima", "meeting"),
        (12, "Chen Wei", "email"),
    ]:
        book.interactions.log(
            InteractionInput(
                people=[people[name]], kind=kind, occurred_at=now - timedelta(days=days)
            )
        )
    book.people.add_fact(people["Ana Lima"], "interest", "sailing")
    event = book.network.events.add("PyCon", "conference", starts_on=today - timedelta(days=20))
    book.network.events.met([people["Ana Lima"], people["Ben Okafor"]], event.id or 0)
    book.network.ledger.gave(people["Ana Lima"], "advice", "pricing", on=today - timedelta(days=2))
    book.network.ledger.got(
        people["Ben Okafor"], "intro", "to Acme's CTO", on=today - timedelta(days=3)
    )
    book.network.ledger.got(
        people["Dana Ruiz"], "referral", "a client", on=today - timedelta(days=9)
    )
    for days, kind, theme in [
        (1, "constructive", "pacing"),
        (3, "positive", "clarity"),
        (8, "constructive", "pacing"),
    ]:
        book.feedback.add(
            f"{theme} note", kind=kind, themes=[theme], on=today - timedelta(days=days)
        )
    goal = book.feedback.add_goal("Speak slower", theme="pacing", check_in="weekly")
    book.feedback.check_in(goal.id or 0, 30, on=today - timedelta(days=8))
    book.feedback.check_in(goal.id or 0, 55, on=today - timedelta(days=1))
    book.commitments.add(people["Dana Ruiz"], "send the slides", due_on=today - timedelta(days=2))
    book.articles.add(
        "https://example.org/sailing", title="Sailing the Atlantic", topics=["sailing"]
    )
    return people


def test_review_charts_brief_panel_and_sharing(
    chromium_browser: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    shots = screenshot_folder(tmp_path)
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = watch_for_problems(page)
    create_owner(page, live_server)
    people = a_fortnight_of_networking(open_book(live_server.db_url, "olga@example.com"))

    page.get_by_role("link", name="Review").click()
    page.wait_for_url("**/review")
    charts = page.locator("svg.chart")
    assert charts.count() == 7
    bars = page.locator("#chart-interactions svg.chart rect.bar-current")
    assert bars.count() >= 4
    box = bars.first.bounding_box()
    assert box is not None and box["width"] > 10 and box["height"] > 5  # drawn, not just present
    fill = page.evaluate(
        "getComputedStyle(document.querySelector('#chart-interactions rect.bar-current')).fill"
    )
    assert fill not in ("", "none", "rgb(0, 0, 0)"), "the stylesheet colours the bars"
    assert "Speak slower" in page.locator("#chart-goals").inner_text()
    page.screenshot(path=str(shots / "review.png"), full_page=True)
    assert (shots / "review.png").stat().st_size > 20_000
    page.get_by_role("link", name="month").click()
    page.wait_for_url("**/review?period=month*")
    assert page.locator("svg.chart").count() == 7

    page.goto(f"{live_server.url}/people/{people['Ana Lima']}")
    brief = page.locator("#brief .brief")
    brief.wait_for()  # loaded by htmx after the page
    assert "PyCon" in brief.inner_text() and "you gave 1" in brief.inner_text()

    page.get_by_role("link", name="Articles").click()
    page.get_by_role("link", name="Sailing the Atlantic", exact=True).click()
    suggestion = page.locator("#share input[name=person_id]").first
    assert suggestion.is_checked()  # a strong match is ticked
    page.get_by_role("button", name="Share").click()
    page.locator("#share p[role=status]").wait_for()
    assert "Ana Lima" in page.locator("#shared").inner_text()
    assert problems == []
    context.close()

    phone = chromium_browser.new_context(**PHONE)
    small = phone.new_page()
    phone_problems = watch_for_problems(small)
    small.goto(live_server.url + "/login")
    small.fill("input[name=email]", "olga@example.com")
    small.fill("input[name=password]", PASSWORD)
    small.click("button[type=submit]")
    small.wait_for_url(live_server.url + "/")
    small.goto(live_server.url + "/review")
    assert small.locator("svg.chart").count() == 7
    assert small.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling"
    assert phone_problems == []
    phone.close()


def store_network_payloads(book: Book, payload: str) -> dict[str, int]:
    """The payload in every issue-6 text field; a planned meeting today for Prepare."""
    now = datetime.now(UTC)
    ana = book.people.add(PersonInput(name="Ana " + payload, org=payload, tags=["xss"])).id
    ben = book.people.add(PersonInput(name="Ben Okafor", org=payload)).id
    event = book.network.events.add(
        payload,
        "meetup",
        starts_on=now.date(),
        location=payload,
        url="javascript:window.__xss=4",
        notes=payload,
    )
    book.network.events.met([ana, ben], event.id or 0, note=payload)
    book.network.events.log_participation(event.id or 0, payload[:200])
    book.network.relationships.relate(ana, ben, "friend", note=payload)
    intro = book.network.introductions.add(ana, ben, note=payload)
    book.network.introductions.set_outcome(intro.id or 0, payload)
    book.network.ledger.got(ana, "advice", payload)
    book.network.coverage.add(payload, "org", payload, 2)
    article = book.articles.add(
        "javascript:window.__xss=5", title=payload, text=payload, topics=[payload[:90]]
    )
    book.articles.share(article.id or 0, [ben], note=payload)
    book.feedback.add(
        payload, kind="constructive", person=ana, context=payload, themes=[payload[:90]]
    )
    book.feedback.ask(ana, payload)
    goal = book.feedback.add_goal(payload, theme=payload[:90], check_in="weekly")
    book.feedback.check_in(goal.id or 0, 40, payload)
    book.interactions.log(
        InteractionInput(
            people=[ana],
            kind="meeting",
            subject=payload,
            notes=payload,
            location=payload,
            occurred_at=now + timedelta(minutes=30),
        )
    )
    return {"ana": ana, "event": event.id or 0, "article": article.id or 0}


def test_no_payload_runs_on_the_issue_6_pages(
    chromium_browser: Any, live_server: LiveServer
) -> None:
    from tests.web.test_xss import PAYLOAD

    context = chromium_browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    create_owner(page, live_server)
    ids = store_network_payloads(open_book(live_server.db_url, "olga@example.com"), PAYLOAD)
    for path in (
        f"/people/{ids['ana']}",
        "/prepare",
        "/events",
        f"/events/{ids['event']}",
        "/network",
        "/network?target=tag:xss",
        "/articles",
        f"/articles/{ids['article']}",
        "/feedback",
        "/review",
        "/",
    ):
        page.goto(live_server.url + path)
        if path.startswith("/people/"):
            page.locator("#brief .brief").wait_for()  # the panel came in through htmx
        found = page.evaluate("""() => ({
            ran: window.__xss === undefined ? null : window.__xss,
            nodes: document.querySelectorAll('img[src="x"], svg[onload], script:not([src])').length,
            links: document.querySelectorAll('a[href^="javascript:"]').length,
            text: document.body.innerText.includes('<script>window.__x')})""")
        assert found["ran"] is None, path
        assert found["nodes"] == 0 and found["links"] == 0, path
        assert found["text"], f"{path} shows the payload as text"
    assert dialogs == []
    context.close()
