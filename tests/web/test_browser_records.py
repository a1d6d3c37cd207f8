"""Edit and delete in a real browser (issue 12), at desktop and phone widths: an interaction
and a fact edited and deleted on the Person page, archive -> banner -> Restore, the Archived
filter, and deleting a person for good after the confirmation page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from amity.book import InteractionInput, PersonInput, open_book
from tests.web.conftest import LiveServer
from tests.web.test_browser import PHONE, create_owner, watch_for_problems

pytestmark = pytest.mark.browser
SIZES = {"desktop": {"viewport": {"width": 1280, "height": 860}}, "phone": PHONE}


@pytest.mark.parametrize("size", sorted(SIZES))
def test_edit_and_delete_on_the_person_page(
    chromium_browser: Any, live_server: LiveServer, size: str
) -> None:
    context = chromium_browser.new_context(**SIZES[size])
    page = context.new_page()
    problems = watch_for_problems(page)
    create_owner(page, live_server)
    book = open_book(live_server.db_url, "olga@example.com")
    ana = book.people.add(PersonInput(name="Ana Lima"))
    bo = book.people.add(PersonInput(name="Bo Chen"))
    book.people.add_fact(ana.id, "interest", "jazz")
    talk = book.interactions.log(
        InteractionInput(
            people=[ana.id], kind="call", notes="talked jazz",
            occurred_at=datetime.now(UTC) - timedelta(days=2),
        )
    )  # fmt: skip
    page.goto(f"{live_server.url}/people/{ana.id}")

    # a fact: edit in place, then delete after confirming
    page.get_by_role("link", name="Edit fact: jazz").click()
    form = page.locator("#facts form.record-form")
    form.locator("input[name=text]").fill("bouldering")
    form.locator("select[name=kind]").select_option("interest")
    form.get_by_role("button", name="Save").click()
    page.locator("#facts", has_text="bouldering").wait_for()
    assert [f.text for f in book.people.get(ana.id).facts] == ["bouldering"]
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Delete fact: bouldering").click()
    page.locator("#facts li", has_text="bouldering").wait_for(state="detached")
    assert book.people.get(ana.id).facts == []

    # an interaction: move it to Bo, then delete it from Bo's page
    page.get_by_role("link", name="Edit interaction: call on").click()
    form = page.locator("#timeline form.record-form")
    form.locator(
        "input[name=notes]" if form.locator("input[name=notes]").count() else "textarea[name=notes]"
    ).fill("talked saxophone")
    form.locator("input[name=people]").fill("Bo Chen")
    form.get_by_role("button", name="Save").click()
    page.locator("#timeline", has_text="No interactions logged yet").wait_for()
    moved = book.records.get("interaction", talk.id or 0)
    assert [p.name for p in moved.people] == ["Bo Chen"] and moved.notes == "talked saxophone"
    page.goto(f"{live_server.url}/people/{bo.id}")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Delete interaction: call on").click()
    page.locator("#timeline li", has_text="saxophone").wait_for(state="detached")
    assert book.interactions.timeline(bo.id) == []
    assert not problems, problems
    context.close()


@pytest.mark.parametrize("size", sorted(SIZES))
def test_archive_restore_and_delete_for_good(
    chromium_browser: Any, live_server: LiveServer, size: str
) -> None:
    context = chromium_browser.new_context(**SIZES[size])
    page = context.new_page()
    problems = watch_for_problems(page)
    create_owner(page, live_server)
    book = open_book(live_server.db_url, "olga@example.com")
    ana = book.people.add(PersonInput(name="Ana Lima"))
    book.people.add(PersonInput(name="Bo Chen"))
    page.goto(f"{live_server.url}/people/{ana.id}")

    page.get_by_role("button", name="Archive").click()
    banner = page.locator("#archived-banner")
    banner.wait_for()
    assert "Ana Lima is archived" in banner.inner_text()
    assert "Not found" not in page.content()
    banner.get_by_role("button", name="Restore").click()
    banner.wait_for(state="detached")
    assert book.people.get(ana.id).archived_at is None

    # archive again; restore from People -> Archived
    page.get_by_role("button", name="Archive").click()
    banner.wait_for()
    page.goto(f"{live_server.url}/people")
    assert page.locator("#people-results", has_text="Ana Lima").count() == 0
    page.get_by_label("Archived").check()
    page.get_by_role("button", name="Restore Ana Lima").click()
    page.locator("#people-results", has_text="No one is archived").wait_for()
    assert book.people.get(ana.id).archived_at is None

    # delete for good, after the confirmation page
    page.goto(f"{live_server.url}/people/{ana.id}")
    page.get_by_role("link", name="Delete…").click()
    page.get_by_role("button", name="Delete Ana Lima for good").click()
    page.wait_for_url(f"{live_server.url}/people")
    assert [p.name for p in book.people.list(include_archived=True)] == ["Bo Chen"]
    assert not problems, problems
    context.close()
