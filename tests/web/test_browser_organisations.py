"""Organisations in a real browser (Playwright driving Debian's Chromium) at desktop size:
More -> Organisations -> one organisation with its people; a person's job leads to it; add,
edit and delete through the forms. An imported company card is never on the People page."""

from __future__ import annotations

from typing import Any

import pytest

from amity.book import open_book
from tests.conftest import FIXTURES
from tests.imports.test_organisation_imports import KIND_ORG
from tests.web.conftest import LiveServer
from tests.web.test_browser import create_owner, watch_for_problems

pytestmark = pytest.mark.browser


def test_organisations_pages_at_desktop(chromium_browser: Any, live_server: LiveServer) -> None:
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    problems = watch_for_problems(page)
    create_owner(page, live_server)
    book = open_book(live_server.db_url, "olga@example.com")
    book.transfer.run(FIXTURES / "vcard" / "roundcube__apple_30_photo_nonascii_city.vcf")
    book.transfer.run(KIND_ORG.encode(), filename="cards.vcf")

    page.goto(live_server.url + "/people")
    assert page.get_by_role("link", name="Ana Lima").count() == 1
    assert page.get_by_text("Apple Computer AG").count() == 0

    page.goto(live_server.url + "/more")
    page.get_by_role("link", name="Organisations", exact=True).first.click()
    page.wait_for_url(live_server.url + "/organisations")
    assert page.locator("h1").inner_text().startswith("Organisations")
    page.get_by_role("link", name="Acme Corp").click()
    page.wait_for_url("**/organisations/*")
    assert page.locator("h1").inner_text() == "Acme Corp"
    people = page.locator("#org-people")
    assert people.get_by_role("link", name="Ana Lima").is_visible()
    assert (
        page.locator("#org-details").get_by_role("link", name="https://acme.example").is_visible()
    )

    people.get_by_role("link", name="Ana Lima").click()
    page.wait_for_url("**/people/*")
    page.get_by_role("link", name="ACME CORP").click()
    page.wait_for_url("**/organisations/*")
    assert page.locator("h1").inner_text() == "Acme Corp"

    edit = page.locator("#org-edit")
    edit.locator("textarea[name=notes]").fill("Makes anvils and rockets")
    edit.get_by_role("button", name="Save").click()
    page.wait_for_url("**saved=1")
    assert page.locator("#org-details").get_by_text("Makes anvils and rockets").is_visible()

    page.goto(live_server.url + "/organisations")
    add = page.locator("#add")
    add.locator("input[name=name]").fill("Beta Ltd")
    add.locator("input[name=emails]").fill("hello@beta.example")
    add.get_by_role("button", name="Add organisation").click()
    page.wait_for_url("**/organisations/*")
    assert page.locator("h1").inner_text() == "Beta Ltd"
    page.get_by_role("button", name="Delete Beta Ltd").click()
    page.wait_for_url("**/organisations?deleted=*")
    assert page.get_by_role("status").inner_text().startswith("Deleted Beta Ltd")
    assert [o.name for o in book.organisations.list()] == ["Acme Corp", "Apple Computer AG"]
    assert problems == []
    context.close()
