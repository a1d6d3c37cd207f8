"""On a phone (390 px wide) no page is wider than the screen: wide content (tables, long
links) scrolls inside its card instead of pushing the whole page sideways."""

from __future__ import annotations

from typing import Any

import pytest

from amity.book import open_book
from amity.book.organisations import OrganisationInput
from tests.web.conftest import LiveServer
from tests.web.test_browser import create_owner

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = ["/", "/people", "/awaiting", "/promises", "/settings", "/settings/security", "/more",
         "/review", "/network", "/events", "/today/hidden", "/organisations"]  # fmt: skip


def test_no_page_is_wider_than_a_phone(chromium_browser: Any, live_server: LiveServer) -> None:
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    create_owner(page, live_server)
    book = open_book(live_server.db_url, "olga@example.com")
    book.fill_demo(people=60, years=1, seed=3)
    org = book.organisations.add(OrganisationInput(
        name=next(p.org for p in book.people.list() if p.org),
        website="https://www.an-organisation-with-a-rather-long-address.example/careers/openings",
        emails=["partnerships-and-alliances@an-organisation-with-a-long-name.example"],
        address="Unit 4, The Old Biscuit Factory, 100 Clements Road, London SE16 4DG"))  # fmt: skip
    person = page.goto(live_server.url + "/people") and page.locator(
        "main a[href^='/people/']:not([href$='/new'])"
    ).first.get_attribute("href")
    page.set_viewport_size({"width": 390, "height": 844})
    too_wide = []
    for path in [*PAGES, person, f"/organisations/{org.id}"]:
        answer = page.goto(live_server.url + path)
        assert answer is not None and answer.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide.append(f"{path}: {width} px")
    assert too_wide == []
    context.close()
