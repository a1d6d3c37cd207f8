"""One of every issue-6 record that has an id in a URL, for the isolation and schemathesis
tests (API and pages): ``network_ids(book)`` makes them, ``API_BODIES`` / ``PAGE_FORMS`` are
valid bodies so that only the foreign id can make a request fail."""

from __future__ import annotations

from datetime import date
from typing import Any

from amity.book import Book, PersonInput

API_BODIES: dict[str, Any] = {
    "POST /api/v1/events/{event_id}/attendance": {"people": [1]},
    "POST /api/v1/events/{event_id}/participation": {"text": "hijacked"},
    "POST /api/v1/introductions/{intro_id}/outcome": {"outcome": "hijacked"},
    "POST /api/v1/articles/{article_id}/shares": {"people": [1]},
    "POST /api/v1/goals/{goal_id}/check-ins": {"progress": 50},
    "POST /api/v1/goals/{goal_id}/status": {"status": "dropped"},
}
PAGE_FORMS: dict[str, dict[str, Any]] = {
    "/events/{event_id}/met": {"people": "Someone", "note": "Hacked"},
    "/events/{event_id}/participation": {"text": "Hacked"},
    "/articles/{article_id}/share": {"person_id": ["1"]},
    "/goals/{goal_id}/check-in": {"progress": "50", "note": "Hacked"},
    "/goals/{goal_id}/status": {"status": "dropped"},
    "/feedback/requests/{request_id}": {"action": "asked"},
    "/network/coverage/{target_id}/remove": {},
    "/network/introductions/{intro_id}/outcome": {"outcome": "Hacked"},
}


def network_ids(book: Book) -> dict[str, int]:
    """An event with attendance, an introduction, a coverage target, an article, a feedback
    request and a goal in ``book``; their ids by path parameter name."""
    one = book.people.add(PersonInput(name="Nora Secret", tags=["secret"])).id
    two = book.people.add(PersonInput(name="Otto Secret", org="Secret Corp")).id
    event = book.network.events.add("A secret summit", "conference", starts_on=date(2026, 10, 1))
    book.network.events.met([one, two], event.id or 0, note="A secret note")
    intro = book.network.introductions.add(one, two, note="A secret intro")
    target = book.network.coverage.add("A secret target", "tag", "secret", 3)
    article = book.articles.add(
        "https://example.org/secret", title="A secret article", topics=["secrets"]
    )
    request = book.feedback.ask(one, "A secret talk")
    goal = book.feedback.add_goal("A secret goal", check_in="weekly")
    return {
        "event_id": event.id or 0,
        "intro_id": intro.id or 0,
        "target_id": target.id,
        "article_id": article.id or 0,
        "request_id": request.id,
        "goal_id": goal.id or 0,
        "network_person_id": one,
        **outbound_ids(book),
    }


def outbound_ids(book: Book) -> dict[str, int]:
    """A notification channel and a webhook in ``book`` (issue 13); ids by path parameter."""
    channel = book.notifications.add_channel("ntfy://ntfy.sh/a-secret-topic", name="secret")
    # an address literal that is public: the SSRF guard resolves nothing for it
    hook, _secret = book.webhooks.subscribe("https://93.184.215.14/secret-hook", "all")
    return {"channel_id": channel.id, "webhook_id": hook.id}
