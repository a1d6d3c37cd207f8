"""Settings -> Notifications and Webhooks, and the warning on Today (issue 13)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from amity.book import Book
from tests.conftest import Clock, new_book
from tests.notify.receivers import receiver
from tests.web.conftest import sign_in


@pytest.fixture(autouse=True)
def _loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMITY_NOTIFY_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("AMITY_WEBHOOKS_ALLOW_PRIVATE", "1")


def test_settings_add_test_and_see_failures_on_today(
    web_app: FastAPI, db_url: str, clock: Clock
) -> None:
    user = sign_in(web_app, new_book(db_url, clock))
    with receiver(statuses=[500]) as rx:
        added = user.post(
            "/settings/notify/channels", {"url": f"json://{rx.url}/x?key=s3cret", "name": "phone"}
        )
        assert added.status_code == 200 and "Channel phone added" in added.text
        assert "s3cret" not in added.text
        failed = user.post(_test_url(user.book))
        assert "The test failed" in failed.text
        today = user.get("/")
        assert "Notifications to <strong>phone</strong> are failing" in today.text
        ok = user.post(_test_url(user.book))
        assert "Test sent through phone" in ok.text
    assert "are failing" not in user.get("/").text
    refused = user.post("/settings/notify/channels", {"url": "file:///etc/passwd"})
    assert refused.status_code == 422 and "refused" in refused.text
    saved = user.post(
        "/settings/notify/preferences",
        {"promises": "1", "reply_after_days": "5", "quiet_start": "21:30", "quiet_end": "06:00"},
    )
    assert saved.status_code == 200
    prefs = user.book.notifications.preferences()
    assert prefs.promises and not prefs.digest and prefs.reply_after_days == 5
    assert prefs.quiet_start is not None and prefs.quiet_start.hour == 21
    bad = user.post("/settings/notify/preferences", {"quiet_start": "25:99"})
    assert bad.status_code == 422


def test_settings_webhooks_show_the_secret_once(
    web_app: FastAPI, db_url: str, clock: Clock
) -> None:
    user = sign_in(web_app, new_book(db_url, clock))
    added = user.post(
        "/settings/webhooks",
        {"url": "http://127.0.0.1:9/hook", "events": ["person.created", "promise.kept"]},
    )
    assert added.status_code == 200 and "whsec_" in added.text
    page = user.get("/settings")
    assert "whsec_" not in page.text and "person.created, promise.kept" in page.text
    hook = user.book.webhooks.subscriptions()[0]
    assert user.post(f"/settings/webhooks/{hook.id}/remove").status_code == 200
    assert user.book.webhooks.subscriptions() == []


def _test_url(book: Book) -> str:
    return f"/settings/notify/channels/{book.notifications.channels()[0].id}/test"
