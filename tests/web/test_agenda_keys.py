"""Agenda keys about another user's records, or none, are 404 through the API and the Today
page, for every kind, and store nothing (SQLite and PostgreSQL; the Book's and the CLI's side
are in tests/agenda/test_item_keys.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from fastapi import FastAPI

from tests.agenda.helpers import keys, records, refused_keys, stored_states
from tests.conftest import Clock, new_book
from tests.web.conftest import sign_in

if TYPE_CHECKING:
    from tests.web.conftest_api import ApiUser

pytest_plugins = ["tests.web.conftest_api"]
TODAY = date(2026, 11, 25)  # the clock's day


def test_the_api_answers_404_on_keys_about_records_that_are_not_yours(
    alice: ApiUser, bob: ApiUser
) -> None:
    mine, theirs = records(alice.book), records(bob.book)
    later = {"until": (TODAY + timedelta(days=3)).isoformat()}
    for key in refused_keys(mine, theirs)[::2]:
        for action, body in (("done", None), ("snooze", later), ("dismiss", None)):
            response = alice.client.post(alice.url(f"/agenda/{key}/{action}"), json=body)
            assert response.status_code == 404, (key, action, response.text)
            assert response.json()["error"]["code"] == "not_found"
    assert stored_states(alice.book) == []
    own = keys(mine)[0]
    assert alice.client.post(alice.url(f"/agenda/{own}/dismiss")).status_code == 200
    assert stored_states(alice.book) == [own]


def test_the_today_page_answers_404_on_keys_about_records_that_are_not_yours(
    web_app: FastAPI, db_url: str, clock: Clock
) -> None:
    ann = sign_in(web_app, new_book(db_url, clock))
    mine, theirs = records(ann.book), records(new_book(db_url, clock))
    for key in refused_keys(mine, theirs)[1::2]:
        for action in ("done", "snooze", "dismiss"):
            form = {"key": key, "action": action, "snooze": "1w"}
            assert ann.post("/today/act", form, htmx=True).status_code == 404, (key, action)
    assert stored_states(ann.book) == []
    own = keys(mine)[1]
    assert ann.post("/today/act", {"key": own, "action": "dismiss"}, htmx=True).status_code == 200
    assert stored_states(ann.book) == [own]
