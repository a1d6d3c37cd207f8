"""Tenancy through the pages: user B, signed in, tries every page route with user A's ids.

Each answer is 404 (not 403, so ids cannot be probed) and A's rows stay as they were. The
route list comes from the app itself, so a new route with an id in its path must be added
here or this test fails.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import insert

from amity import accounts
from amity.book import InteractionInput, PersonInput
from amity.book.organisations import OrganisationInput
from amity.store import schema as s
from amity.store.engine import write_transaction
from tests.book.test_records import one_of_each
from tests.conftest import Clock, new_book
from tests.web.conftest import WebUser, sign_in
from tests.web.network_samples import outbound_ids
from tests.web.sync_samples import SYNC_PAGE_FORMS, sync_ids

SECRET_KEYED = {
    "/invite/{token}",
    "/calendar/{token}.ics",
    "/reset/{token}",
}  # the secret is the key
DAV_PATHS = {"/dav/{path:path}"}  # Basic auth with app passwords: see test_dav_server.py
FORMS: dict[str, dict[str, Any]] = {  # a valid body, so only the foreign id can make it fail
    "/people/{person_id}/edit": {"name": "Hacked", "version": ""},
    "/people/{person_id}/facts": {"kind": "interest", "text": "Hacked"},
    "/people/{person_id}/questions": {"text": "Hacked?"},
    "/people/{person_id}/dates": {"kind": "custom", "when": "--01-01", "label": "Hacked"},
    "/promises/{commitment_id}": {"action": "done"},
    "/people/{person_id}/delete": {"confirm": "yes"},
    "/records/{kind}/{record_id}/edit": {"text": "Hacked", "name": "Hacked", "title": "Hacked"},
    "/organisations/{organisation_id}/edit": {"name": "Hacked", "notes": "Hacked"},
    **SYNC_PAGE_FORMS,
}


@pytest.fixture
def victim(web_app: FastAPI, db_url: str, clock: Clock) -> dict[str, Any]:
    """User A's book with one of everything that has an id in a page URL."""
    book = new_book(db_url, clock)
    person = book.people.add(PersonInput(name="Alice's Friend", emails=["friend@example.com"]))
    book.interactions.log(InteractionInput(people=[person.id], kind="call", subject="Private talk"))
    promise = book.commitments.add(person.id, "A secret promise")
    question = book.people.add_question(person.id, "A secret question?")
    event = book.network.events.add("A secret summit", "conference")
    article = book.articles.add("https://example.com/a-secret-article", title="A secret article")
    request = book.feedback.ask(person.id, "A secret talk")
    goal = book.feedback.add_goal("A secret goal", check_in="weekly")
    other = book.people.add(PersonInput(name="Alice's Other Friend"))
    intro = book.network.introductions.add(person.id, other.id, note="A secret intro")
    target = book.network.coverage.add("A secret target", "tag", "secret", 2)
    follow_up = book.follow_ups.add(person.id, "A secret follow-up", clock().date())
    gone = book.people.add(PersonInput(name="A secret gone friend")).id
    book.people.purge(gone)  # a trash entry (issue 15)
    trash_id = book.history.trash()[0].id
    org = book.organisations.add(OrganisationInput(name="A secret organisation"))
    book.people.edit(person.id, PersonInput(org="A secret organisation"))
    engine = book.ctx.engine
    token_id, _ = accounts.create_api_token(engine, book.owner_id, "a's token", now=clock())
    accounts.create_invitation(engine, book.owner_id, None, now=clock())
    invitation_id = accounts.list_invitations(engine, book.owner_id)[0]["id"]
    accounts.start_session(engine, book.owner_id, method="password", now=clock())
    session_id = accounts.list_sessions(engine, book.owner_id, now=clock())[0]["id"]
    with write_transaction(engine) as conn:
        conn.execute(
            insert(s.passkeys).values(
                user_id=book.owner_id,
                credential_id=f"victim-credential-{book.owner_id}",
                public_key="AAAA",
                name="A's key",
                created_at=clock(),
            )
        )
    passkey_id = accounts.list_passkeys(engine, book.owner_id)[0]["id"]
    identity = accounts.Identity("https://idp.example", f"sub-{book.owner_id}", None, False, None)
    link_id = accounts.link_sso(engine, book.owner_id, identity, now=clock())
    return {
        "passkey_id": passkey_id,
        "link_id": link_id,
        "session_id": session_id,
        "book": book,
        "trash_id": trash_id,
        "organisation_id": org.id,
        "person_id": person.id,
        "commitment_id": promise.id,
        "follow_up_id": follow_up.id,
        "token_id": token_id,
        "question_id": question.id,
        "event_id": event.id,
        "article_id": article.id,
        "request_id": request.id,
        "goal_id": goal.id,
        "intro_id": intro.id,
        "target_id": target.id,
        "invitation_id": invitation_id,
        **outbound_ids(book),
        **sync_ids(book),
        "records": one_of_each(book),  # issue 12: /records/{kind}/{record_id}/...
    }


def all_routes(routes: list[Any], prefix: str = "") -> list[tuple[str, str]]:
    """(method, path) of every route, also inside included routers (FastAPI nests them)."""
    out = []
    for route in routes:
        if isinstance(route, APIRoute):
            out.extend((method, prefix + route.path) for method in sorted(route.methods))
        elif hasattr(route, "original_router"):
            nested = prefix + getattr(route.include_context, "prefix", "")
            out.extend(all_routes(route.original_router.routes, nested))
    return out


def id_routes(app: FastAPI) -> list[tuple[str, str]]:
    return [
        (method, path)
        for method, path in all_routes(app.routes)
        if not path.startswith("/api/") and "{" in path and path not in SECRET_KEYED | DAV_PATHS
    ]


def leaks(text: str) -> bool:
    return any(
        secret in text
        for secret in (
            "Alice's Friend",
            "Alice&#39;s Friend",
            "friend@example.com",
            "A secret",
            "Private talk",
        )
    )


def snapshot(victim: dict[str, Any]) -> tuple[Any, ...]:
    book = victim["book"]
    person = book.people.get(victim["person_id"])
    return (
        person.name,
        person.version,
        person.archived_at,
        len(person.facts),
        [(q.id, q.asked_at) for q in person.questions],
        len(person.dates),
        book.commitments.get(victim["commitment_id"]).status,
        [f.done_at for f in book.follow_ups.list(include_done=True)],
        [
            (t["id"], t["revoked_at"])
            for t in accounts.list_api_tokens(book.ctx.engine, book.owner_id)
        ],
        len(accounts.list_invitations(book.ctx.engine, book.owner_id)),
        len(accounts.list_sessions(book.ctx.engine, book.owner_id, now=book.now())),
        len(accounts.list_passkeys(book.ctx.engine, book.owner_id)),
        len(accounts.list_sso_links(book.ctx.engine, book.owner_id)),
        [t.id for t in book.history.trash()],
        [(o.name, o.notes) for o in book.organisations.list()],
    )


def test_user_b_gets_404_on_every_page_route_with_user_a_ids(
    web_app: FastAPI, db_url: str, clock: Clock, victim: dict[str, Any]
) -> None:
    intruder = sign_in(web_app, new_book(db_url, clock), admin=True)
    before = snapshot(victim)
    routes = id_routes(web_app)
    assert len(routes) >= 12, routes
    walks = [
        (method, path, path.replace("{kind}", kind).replace("{record_id}", str(record_id)))
        for method, path in routes
        for kind, record_id in (victim["records"].items() if "{kind}" in path else [("", 0)])
        if kind not in ("ana", "bo")
    ]
    for method, path, url in walks:
        for name in (
            "person_id",
            "commitment_id",
            "follow_up_id",
            "token_id",
            "session_id",
            "passkey_id",
            "link_id",
            "invitation_id",
            "question_id",
            "event_id",
            "article_id",
            "request_id",
            "goal_id",
            "intro_id",
            "target_id",
            "channel_id",
            "webhook_id",
            "account_id",
            "conflict_id",
            "suggestion_id",
            "trash_id",
            "organisation_id",
        ):
            url = url.replace("{" + name + "}", str(victim[name]))
        assert "{" not in url, f"add the id of {path} to the victim fixture"
        if method == "GET":
            answer = intruder.get(url)
        else:
            answer = intruder.post(url, FORMS.get(path, {}), htmx=True)
        assert answer.status_code == 404, (method, path, answer.status_code, answer.text[:200])
        assert not leaks(answer.text)
    assert snapshot(victim) == before
    book = victim["book"]
    for kind, record_id in victim["records"].items():
        if kind not in ("ana", "bo"):
            assert book.records.get(kind, record_id).id == record_id


def test_user_b_cannot_reach_user_a_people_through_forms_or_search(
    web_app: FastAPI, db_url: str, clock: Clock, victim: dict[str, Any]
) -> None:
    intruder: WebUser = sign_in(web_app, new_book(db_url, clock))
    before = snapshot(victim)
    pid = victim["person_id"]
    assert intruder.post("/people/bulk", {"ids": [pid], "action": "archive"}).status_code == 404
    assert (
        intruder.post("/people/bulk", {"ids": [pid], "action": "tag", "value": "x"}).status_code
        == 404
    )
    capture = intruder.post("/capture", {"person_id": [pid], "subject": "Hacked"}, htmx=True)
    assert capture.status_code == 422 and not leaks(capture.text)
    for url in (
        "/people?q=Alice",
        "/capture/names?names=Alice",
        "/people?q=Private",
        "/promises",
        "/awaiting",
        "/",
        "/settings",
        "/organisations",
        "/organisations?q=secret",
    ):
        page = intruder.get(url)
        assert page.status_code == 200 and not leaks(page.text), url
    found = intruder.get("/organisations/find?name=A+secret+organisation")
    assert found.status_code == 303 and "/organisations?name=" in found.headers["location"]
    assert intruder.book.interactions.count() == 0
    assert snapshot(victim) == before
