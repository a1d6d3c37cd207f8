"""CalDAV against a real Radicale on loopback (started by the suite; with CI set, a server that
cannot start is an error, never a skip): discovery through /.well-known/caldav, the first run
by a time-range listing, then sync-collection with the stored token; a moved event, a
cancelled one, a deleted one, a recurring one; a run with no change changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from amity.book import Book, PersonInput
from amity.sync.runner import add_account, run_account
from tests.conftest import Clock
from tests.sync.feeds import calendar, vevent
from tests.sync.quiet import pause_accounts_afterwards  # noqa: F401 - autouse
from tests.sync.servers import DavServer, radicale

MKCOL_CALENDAR = """<?xml version="1.0" encoding="utf-8"?>
<d:mkcol xmlns:d="DAV:" xmlns:cal="urn:ietf:params:xml:ns:caldav"><d:set><d:prop>
<d:resourcetype><d:collection/><cal:calendar/></d:resourcetype>
<d:displayname>{name}</d:displayname>
<cal:supported-calendar-component-set><cal:comp name="VEVENT"/></cal:supported-calendar-component-set>
</d:prop></d:set></d:mkcol>"""


class Calendar:
    """A calendar collection on the Radicale of the test."""

    def __init__(self, server: DavServer, name: str) -> None:
        self.server = server
        self.url = f"{server.base}{server.user}/{name}/"
        with server.client() as c:
            r = c.request("MKCOL", self.url, content=MKCOL_CALENDAR.format(name=name.title()))
        assert r.status_code == 201, r.text

    def put(self, name: str, *events: str) -> None:
        with self.server.client() as c:
            r = c.put(self.url + name, content=calendar(*events),
                      headers={"Content-Type": "text/calendar; charset=utf-8"})  # fmt: skip
        assert r.status_code in (201, 204), r.text

    def delete(self, name: str) -> None:
        with self.server.client() as c:
            assert c.delete(self.url + name).status_code in (200, 204)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[DavServer]:
    with radicale(tmp_path) as running:
        yield running


@pytest.fixture
def work(server: DavServer) -> Calendar:
    return Calendar(server, "work")


@pytest.fixture
def people(book: Book) -> dict[str, int]:
    book.settings.set("me.emails", ["me@example.com"])
    ana = book.people.add(PersonInput(name="Ana Lima", emails=["ana@example.com"]))
    bob = book.people.add(PersonInput(name="Bob Stone", emails=["bob@example.com"]))
    return {"ana": ana.id, "bob": bob.id}


def subjects(book: Book) -> dict[str, list[tuple[datetime, str]]]:
    found: dict[str, list[tuple[datetime, str]]] = {}
    for item in book.interactions.timeline(limit=200):
        found.setdefault(item.subject or "", []).append((item.occurred_at, item.status))
    return {k: sorted(v) for k, v in found.items()}


def test_discovery_finds_the_calendars_and_names_them(book: Book, server: DavServer,
                                                     work: Calendar) -> None:  # fmt: skip
    Calendar(server, "family")
    account = add_account(book, "caldav", server.base, username=server.user,
                          password=server.password)  # fmt: skip
    names = sorted(c["name"] for c in account.options["collections"])
    assert names == ["Family", "Work"]  # both found from the server's root
    only = add_account(book, "caldav", server.base, username=server.user,
                       password=server.password, options={"calendars": ["work"]})  # fmt: skip
    assert [c["href"] for c in only.options["collections"]] == [f"/{server.user}/work/"]
    from amity.errors import InvalidInput

    with pytest.raises(InvalidInput, match="no calendar 'holidays'"):
        add_account(book, "caldav", server.base, username=server.user,
                    password=server.password, options={"calendars": ["holidays"]})  # fmt: skip


def test_events_become_meetings_and_follow_the_calendar(
    book: Book, people: dict[str, int], server: DavServer, work: Calendar, clock: Clock
) -> None:
    work.put("lunch.ics", vevent("lunch", "20261201T120000Z", "Lunch", "ana@example.com"))
    work.put("review.ics", vevent("review", "20261203T100000Z", "Review",
                                  "bob@example.com:TENTATIVE"))  # fmt: skip
    work.put("standup.ics", vevent("standup", "20261102T090000Z", "Standup", "bob@example.com",
                                   extra="RRULE:FREQ=WEEKLY;COUNT=4"))  # fmt: skip
    work.put("gym.ics", vevent("gym", "20261126T070000Z", "Gym", "me@example.com"))
    account = add_account(book, "caldav", work.url, username=server.user,
                          password=server.password)  # fmt: skip
    first = run_account(book, account.id)
    assert first is not None and first.status == "ok", first
    assert first.counts == {"created": 6, "skipped": 1}
    found = subjects(book)
    assert found["Lunch"] == [(datetime(2026, 12, 1, 12, tzinfo=UTC), "planned")]
    assert [s for _, s in found["Standup"]] == ["done"] * 4
    assert "Gym" not in found
    review = next(i for i in book.interactions.timeline(limit=20) if i.subject == "Review")
    assert book.calendar_sync.responses(review.id) == {"bob@example.com": "TENTATIVE"}

    quiet = run_account(book, account.id)  # sync-collection with the stored token
    assert quiet is not None and quiet.status == "ok" and quiet.counts == {}
    assert quiet.details["requests"] == 1

    work.put("lunch.ics", vevent("lunch", "20261202T130000Z", "Lunch", "ana@example.com",
                                 extra="SEQUENCE:1"))  # fmt: skip
    work.put("review.ics", vevent("review", "20261203T100000Z", "Review", "bob@example.com",
                                  extra="STATUS:CANCELLED"))  # fmt: skip
    work.delete("standup.ics")  # the past standups stay: they took place
    work.put("call.ics", vevent("call", "20261210T160000Z", "Call", "ana@example.com"))
    changed = run_account(book, account.id)
    assert changed is not None and changed.status == "ok", changed
    assert changed.counts == {"updated": 1, "cancelled": 1, "created": 1}
    found = subjects(book)
    assert found["Lunch"] == [(datetime(2026, 12, 2, 13, tzinfo=UTC), "planned")]
    assert "Review" not in found and len(found["Standup"]) == 4 and "Call" in found

    again = run_account(book, account.id)
    assert again is not None and again.counts == {}  # nothing changed: nothing changes
    assert subjects(book) == found


def test_a_server_without_sync_collection_is_listed_by_time_range(
    book: Book, people: dict[str, int], server: DavServer, work: Calendar,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from amity.sync import caldav

    monkeypatch.setattr(caldav, "_fresh_token", lambda dav, url, state: None)
    work.put("lunch.ics", vevent("lunch", "20261201T120000Z", "Lunch", "ana@example.com"))
    account = add_account(book, "caldav", work.url, username=server.user,
                          password=server.password)  # fmt: skip
    assert run_account(book, account.id).counts == {"created": 1}  # type: ignore[union-attr]
    work.delete("lunch.ics")
    gone = run_account(book, account.id)
    assert gone is not None and gone.counts == {"cancelled": 1}
    assert "Lunch" not in subjects(book)


def test_a_calendar_that_vanished_fails_the_run_with_back_off(
    book: Book, people: dict[str, int], server: DavServer, work: Calendar, clock: Clock
) -> None:
    from datetime import timedelta

    work.put("lunch.ics", vevent("lunch", "20261201T120000Z", "Lunch", "ana@example.com"))
    account = add_account(book, "caldav", work.url, username=server.user, password="s3cret-pw")
    book.connections.configure(account.id, options={"collections": [{"href": "/ana/gone/"}]})
    failed = run_account(book, account.id)
    assert failed is not None and failed.status == "failed"
    assert "REPORT /ana/gone/" in (failed.error or "") and "s3cret-pw" not in (failed.error or "")
    assert book.connections.get(account.id).status == "failing"
    assert [a.id for a in book.connections.failing()] == [account.id]  # the Today banner
    assert book.connections.get(account.id).next_run_at == clock() + timedelta(minutes=5)


def test_the_api_connects_a_caldav_calendar(sqlite_url: str, server: DavServer, work: Calendar,
                                            clock: Clock) -> None:  # fmt: skip
    from fastapi.testclient import TestClient

    from amity.accounts import create_api_token
    from amity.web.app import create_app
    from tests.conftest import new_book

    book = new_book(sqlite_url, clock)
    book.people.add(PersonInput(name="Ana Lima", emails=["ana@example.com"]))
    work.put("lunch.ics", vevent("lunch", "20261201T120000Z", "Lunch", "ana@example.com"))
    _, token = create_api_token(book.ctx.engine, book.owner_id, "script", now=clock())
    client = TestClient(create_app(sqlite_url, clock=clock, scheduler=False),
                        headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    made = client.post("/api/v1/sync/accounts", json={
        "kind": "caldav", "url": server.base, "username": server.user,
        "password": "api-secret-pw", "calendars": ["Work"]})  # fmt: skip
    assert made.status_code == 201, made.text
    assert "api-secret-pw" not in made.text
    assert [c["name"] for c in made.json()["options"]["collections"]] == ["Work"]
    ran = client.post(f"/api/v1/sync/accounts/{made.json()['id']}/run")
    assert ran.status_code == 200 and ran.json()["run"]["counts"] == {"created": 1}
