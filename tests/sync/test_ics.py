"""ICS addresses against a real HTTP server on loopback: meetings from events with people in
the book, ETag and 304, a moved and a cancelled event, a vanished one, a recurrence storm,
a failure half-way that loses nothing, back-off, and the secret address kept sealed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from amity.book import Book, PersonInput
from amity.sync.runner import add_account, run_account
from tests.conftest import Clock
from tests.sync.feeds import FeedServer, calendar, feed_server, vevent
from tests.sync.quiet import pause_accounts_afterwards  # noqa: F401 - autouse

pytestmark = pytest.mark.slow  # local HTTP calendar servers: make test runs it, test-fast does not

TOKEN = "private-7f3a9c2e1b"


@pytest.fixture
def served() -> Iterator[FeedServer]:
    with feed_server(TOKEN) as server:
        yield server


@pytest.fixture
def people(book: Book) -> dict[str, int]:
    book.settings.set("me.emails", ["me@example.com"])
    ana = book.people.add(PersonInput(name="Ana Lima", emails=["ana@example.com"]))
    bob = book.people.add(PersonInput(name="Bob Stone", emails=["bob@example.com"]))
    return {"ana": ana.id, "bob": bob.id}


FIRST = calendar(
    vevent("lunch", "20261201T120000Z", "Lunch with Ana", "me@example.com", "ana@example.com"),
    vevent("review", "20261203T100000Z", "Review", "bob@example.com:TENTATIVE",
           "carol@example.com:DECLINED"),
    vevent("coffee", "20261120T090000Z", "Coffee", "ana@example.com"),
    vevent("standup", "20261102T090000Z", "Standup", "bob@example.com",
           extra="RRULE:FREQ=WEEKLY;COUNT=8"),
    vevent("dentist", "20261202T080000Z", "Dentist", "me@example.com"),
)  # fmt: skip


def meetings(book: Book) -> dict[str, list[tuple[datetime, str, list[str]]]]:
    """Subject -> (start, status, participants) of the book's meetings."""
    found: dict[str, list[tuple[datetime, str, list[str]]]] = {}
    for item in book.interactions.timeline(limit=500):
        found.setdefault(item.subject or "", []).append(
            (item.occurred_at, item.status, sorted(p.name for p in item.people))
        )
    return {k: sorted(v) for k, v in found.items()}


def test_a_feed_becomes_meetings_then_a_304_changes_nothing(
    book: Book, people: dict[str, int], served: FeedServer, clock: Clock
) -> None:
    served.feed.publish(FIRST)
    account = add_account(book, "ics", served.url)
    run = run_account(book, account.id)
    assert run is not None and run.status == "ok", run
    assert run.counts == {"created": 11, "skipped": 1}  # lunch, review, coffee, 8 standups
    found = meetings(book)
    assert found["Lunch with Ana"] == [(datetime(2026, 12, 1, 12, tzinfo=UTC), "planned",
                                        ["Ana Lima"])]  # fmt: skip
    assert found["Coffee"][0][1] == "done"
    assert [s for _, s, _ in found["Standup"]] == ["done"] * 4 + ["planned"] * 4
    assert "Dentist" not in found  # no one in the book but me
    review = next(i for i in book.interactions.timeline(limit=50) if i.subject == "Review")
    assert book.calendar_sync.responses(review.id) == {
        "bob@example.com": "TENTATIVE", "carol@example.com": "DECLINED"}  # fmt: skip
    items = book.connections.items(run.id)
    assert {i.outcome for i in items} == {"created", "skipped"}
    assert next(i for i in items if i.outcome == "skipped").reason == "no attendee in the book"
    assert book.people.get(people["bob"]).met_on is not None  # first met at a standup

    again = run_account(book, account.id)
    assert again is not None and again.status == "ok" and again.counts == {}
    assert again.details["not_modified"] is True and again.details["requests"] == 1
    assert served.feed.requests[-1]["if-none-match"] == served.feed.etag
    assert meetings(book) == found


def test_moved_cancelled_and_vanished_events(
    book: Book, people: dict[str, int], served: FeedServer, clock: Clock
) -> None:
    served.feed.publish(FIRST)
    account = add_account(book, "ics", served.url)
    run_account(book, account.id)
    lunch = next(i for i in book.interactions.timeline(limit=50) if i.subject == "Lunch with Ana")
    served.feed.publish(calendar(
        vevent("lunch", "20261202T123000Z", "Lunch with Ana", "ana@example.com",
               extra="SEQUENCE:1"),
        vevent("review", "20261203T100000Z", "Review", "bob@example.com",
               extra="STATUS:CANCELLED"),
        vevent("standup", "20261102T090000Z", "Standup", "bob@example.com",
               extra="RRULE:FREQ=WEEKLY;COUNT=8\r\nEXDATE:20261207T090000Z"),
    ))  # coffee (past) is gone from the feed; dentist too  # fmt: skip
    run = run_account(book, account.id)
    assert run is not None and run.status == "ok"
    assert run.counts == {"updated": 1, "cancelled": 2, "unchanged": 7}
    moved = book.interactions.get(lunch.id)  # the same meeting, moved
    assert moved.occurred_at == datetime(2026, 12, 2, 12, 30, tzinfo=UTC)
    found = meetings(book)
    assert "Review" not in found  # cancelled while planned: gone
    assert datetime(2026, 12, 7, 9, tzinfo=UTC) not in [t for t, _, _ in found["Standup"]]
    assert len(found["Standup"]) == 7
    assert found["Coffee"][0][1] == "done"  # it took place: kept though gone from the feed
    reasons = {i.reason for i in book.connections.items(run.id, outcomes=["cancelled"])}
    assert reasons == {"cancelled: the planned meeting was removed",
                       "gone from the calendar: the planned meeting was removed"}  # fmt: skip

    served.feed.conditionals = False  # a server that ignores validators: 200 every time
    same = run_account(book, account.id)
    assert same is not None and same.counts == {"unchanged": 9}  # nothing changes
    assert meetings(book) == found


def test_planned_meetings_take_place_as_time_passes(
    book: Book, people: dict[str, int], served: FeedServer, clock: Clock
) -> None:
    served.feed.publish(FIRST)
    account = add_account(book, "ics", served.url)
    run_account(book, account.id)
    clock.set(datetime(2026, 12, 1, 14, tzinfo=UTC))
    run = run_account(book, account.id)  # 304: only the clock moved
    assert run is not None and run.details["not_modified"] and run.details["took_place"] == 2
    assert meetings(book)["Lunch with Ana"][0][1] == "done"
    ana = book.people.get(people["ana"])
    assert ana.last_interaction_at == datetime(2026, 12, 1, 12, tzinfo=UTC)


def test_a_recurrence_storm_in_a_feed_is_capped_with_a_warning(
    book: Book, people: dict[str, int], served: FeedServer
) -> None:
    storm = vevent("storm", "20200101T000000Z", "Storm", "ana@example.com",
                   extra="RRULE:FREQ=SECONDLY", minutes=0)  # fmt: skip
    served.feed.publish(calendar(storm))
    account = add_account(book, "ics", served.url)
    run = run_account(book, account.id)
    assert run is not None and run.status == "ok"
    assert run.counts["created"] == 5000 and run.counts["skipped"] == 1
    (warning,) = run.details["warnings"]
    assert "FREQ=SECONDLY" in warning and "more than 5000 instances" in warning
    again = run_account(book, account.id)
    assert again is not None and again.counts == {}


def test_a_failure_half_way_loses_nothing_and_the_next_run_resumes(
    book: Book, people: dict[str, int], served: FeedServer, clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from amity.book import calendar_sync

    served.feed.publish(FIRST)
    account = add_account(book, "ics", served.url)
    monkeypatch.setattr(calendar_sync, "BATCH", 3)
    original = calendar_sync.CalendarSync._gone

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the disk vanished")

    monkeypatch.setattr(calendar_sync.CalendarSync, "_gone", crash)
    failed = run_account(book, account.id)
    assert failed is not None and failed.status == "failed"
    assert "the disk vanished" in (failed.error or "")
    assert failed.counts["created"] == 11  # every batch before the crash is whole
    assert book.connections.get(account.id).failures == 1
    assert book.connections.get(account.id).next_run_at == clock() + timedelta(minutes=5)
    monkeypatch.setattr(calendar_sync.CalendarSync, "_gone", original)
    resumed = run_account(book, account.id)
    assert resumed is not None and resumed.status == "ok"
    assert served.feed.requests[-1].get("if-none-match") is None  # read again in full
    assert resumed.counts == {"unchanged": 12}
    assert sum(len(v) for v in meetings(book).values()) == 11  # nothing twice


def test_the_secret_address_is_sealed_masked_and_redacted(
    book: Book, people: dict[str, int], served: FeedServer
) -> None:
    from amity.serialize_sync import sync_account_json
    from amity.store import schema as s

    served.feed.publish(FIRST)
    account = add_account(book, "ics", served.url.replace("http://", "http://"))
    shown = repr(sync_account_json(book.connections.get(account.id)))
    assert TOKEN not in shown and "/…" in shown and account.url.endswith("/…")
    with book.ctx.read() as conn:
        stored = conn.execute(select(s.sync_accounts)).all()
    assert all(TOKEN not in repr(tuple(row)) for row in stored)
    assert "authorization" not in served.feed.requests[-1]  # the address is no credential
    served.feed.status = 500
    run = run_account(book, account.id)
    assert run is not None and run.status == "failed"
    assert "500" in (run.error or "") and TOKEN not in (run.error or "")


def test_an_address_that_is_not_a_calendar_is_refused(book: Book, served: FeedServer) -> None:
    from amity.errors import InvalidInput

    served.feed.publish(b"<html>sign in</html>")
    with pytest.raises(InvalidInput, match="iCalendar"):
        add_account(book, "ics", served.url)
    with pytest.raises(InvalidInput, match="https://, http:// or webcal://"):
        add_account(book, "ics", "ftp://example.org/cal.ics")


def test_the_cli_adds_lists_runs_and_reports_an_ics_address(
    sqlite_url: str, served: FeedServer, clock: Clock
) -> None:
    import json
    import uuid

    from click.testing import CliRunner

    from amity.book import open_book
    from amity.cli.main import cli

    email = f"cli-{uuid.uuid4().hex[:8]}@example.org"
    book = open_book(sqlite_url, email, clock=clock)
    book.people.add(PersonInput(name="Ana Lima", emails=["ana@example.com"]))
    storm = vevent("storm", "20200101T000000Z", "Storm", "ana@example.com",
                   extra="RRULE:FREQ=SECONDLY", minutes=0)  # fmt: skip
    served.feed.publish(calendar(storm))
    base = ["--db", sqlite_url, "--user", email, "sync"]

    def amity(*args: str) -> str:
        result = CliRunner().invoke(cli, [*base, *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    assert "Connected ics 127.0.0.1" in amity("add", "ics", served.url)
    listed = json.loads(amity("list", "--json"))
    assert listed[0]["kind"] == "ics" and TOKEN not in repr(listed)
    assert "ok (" in amity("run", "--all")
    status = amity("status")
    assert "reads the calendar" in status and "5000 created" in status
    assert "warning: Storm: recurrence cut (FREQ=SECONDLY)" in status
    assert TOKEN not in status


def test_settings_connects_an_ics_address_and_syncs_it(sqlite_url: str, served: FeedServer,
                                                       clock: Clock) -> None:  # fmt: skip
    from amity.web.app import create_app
    from tests.conftest import new_book
    from tests.web.conftest import sign_in

    app = create_app(sqlite_url, clock=clock, scheduler=False)
    user = sign_in(app, new_book(sqlite_url, clock))
    user.book.people.add(PersonInput(name="Ana Lima", emails=["ana@example.com"]))
    served.feed.publish(FIRST)
    page = user.client.get("/settings")
    assert "Add a calendar" in page.text
    added = user.post("/settings/connections/calendar", {"kind": "ics", "url": served.url})
    assert added.status_code in (200, 303), added.text
    (account,) = user.book.connections.list()
    assert account.kind == "ics" and TOKEN not in account.url
    shown = user.client.get("/settings").text
    assert TOKEN not in shown and "127.0.0.1" in shown
    ran = user.post(f"/settings/connections/{account.id}/run", {})
    assert ran.status_code in (200, 303), ran.text
    assert {i.subject for i in user.book.interactions.timeline(limit=20)} == {
        "Lunch with Ana", "Coffee"}  # fmt: skip
    refused = user.post("/settings/connections/calendar", {"kind": "ics", "url": "ftp://x/y"})
    assert "https://, http:// or webcal://" in refused.text


def test_the_api_connects_an_ics_address_and_the_scheduler_runs_it(
    sqlite_url: str, served: FeedServer, clock: Clock
) -> None:
    from fastapi.testclient import TestClient

    from amity.accounts import create_api_token
    from amity.sync.runner import run_due
    from amity.web.app import create_app
    from tests.conftest import new_book

    book = new_book(sqlite_url, clock)
    book.settings.set("me.emails", ["me@example.com"])
    book.people.add(PersonInput(name="Ana Lima", emails=["ana@example.com"]))
    served.feed.publish(FIRST)
    _, token = create_api_token(book.ctx.engine, book.owner_id, "script", now=clock())
    client = TestClient(create_app(sqlite_url, clock=clock, scheduler=False),
                        headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    made = client.post("/api/v1/sync/accounts", json={"kind": "ics", "url": served.url})
    assert made.status_code == 201, made.text
    assert TOKEN not in made.text and made.json()["url"].endswith("/…")
    account_id = made.json()["id"]
    assert run_due(book.ctx.engine, sqlite_url, clock).get(account_id) == "ok"  # the round
    shown = client.get(f"/api/v1/sync/accounts/{account_id}").json()
    assert shown["last_run"]["counts"] == {"created": 2, "skipped": 10}  # only Ana is known
    items = client.get(f"/api/v1/sync/runs/{shown['last_run']['id']}/items").json()
    assert sorted(i["outcome"] for i in items) == ["created"] * 2 + ["skipped"] * 10
    assert account_id not in run_due(book.ctx.engine, sqlite_url, clock)  # not due again yet


def test_webcal_is_https_and_only_the_host_is_shown() -> None:
    from amity.sync.ics import masked, real_url

    secret = "webcal://calendar.example.org/ical/ana/private-abc123/basic.ics"
    assert real_url(secret) == "https://calendar.example.org/ical/ana/private-abc123/basic.ics"
    assert masked(real_url(secret)) == "https://calendar.example.org/…"
    assert masked("http://127.0.0.1:8080/x/private-abc123.ics") == "http://127.0.0.1:8080/…"
