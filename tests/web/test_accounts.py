"""Accounts and security: the first visit creates the owner, sign-in with argon2 and a
rate limit, signed HttpOnly/SameSite cookies, CSRF, log out everywhere, API tokens and
invitations."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from amity import accounts
from amity.book import PersonInput, open_book
from amity.store import schema as s
from amity.web.app import create_app
from tests.conftest import Clock
from tests.web.conftest import PASSWORD, WebUser, csrf_of, make_user


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """Accounts are the same on both backends (the page tests cover PostgreSQL); argon2 is
    slow on purpose, so these run on SQLite only."""
    return sqlite_url


def first_visit(
    app: FastAPI,
    *,
    name: str = "Olga Owner",
    email: str = "olga@example.com",
    password: str = PASSWORD,
) -> tuple[TestClient, object]:
    client = TestClient(app, follow_redirects=False)
    start = client.get("/")
    assert start.status_code == 303 and start.headers["location"] == "/setup"
    form = client.get("/setup")
    answer = client.post(
        "/setup",
        data={"name": name, "email": email, "password": password, "csrf_token": csrf_of(form.text)},
    )
    return client, answer


def test_first_visit_creates_the_owner_with_an_argon2_hash(fresh_url: str, clock: Clock) -> None:
    app = create_app(fresh_url, clock=clock, scheduler=False)
    client, answer = first_visit(app)
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    assert client.get("/").status_code == 200
    engine = app.state.amity.engine
    with engine.connect() as conn:
        row = conn.execute(select(s.users)).one()
    assert row.email == "olga@example.com" and row.is_admin
    assert row.password_hash.startswith("$argon2id$") and PASSWORD not in row.password_hash
    again = TestClient(app, follow_redirects=False).get("/setup")
    assert again.status_code == 303 and again.headers["location"] == "/login"


def test_first_visit_claims_the_book_the_cli_filled(fresh_url: str, clock: Clock) -> None:
    cli_book = open_book(fresh_url, clock=clock)
    cli_book.people.add(PersonInput(name="Made In The CLI"))
    app = create_app(fresh_url, clock=clock, scheduler=False)
    client, answer = first_visit(app)
    assert answer.status_code == 303
    assert "Made In The CLI" in client.get("/people").text
    user = accounts.user_by_id(app.state.amity.engine, cli_book.owner_id)
    assert user is not None and user.email == "olga@example.com" and user.has_password


def test_first_visit_refuses_a_short_password_and_creates_nobody(
    fresh_url: str, clock: Clock
) -> None:
    app = create_app(fresh_url, clock=clock, scheduler=False)
    _, answer = first_visit(app, password="short")
    assert answer.status_code == 422 and "at least 8 characters" in answer.text
    assert not accounts.has_owner(app.state.amity.engine)
    _, bad_mail = first_visit(app, email="not-an-address")
    assert bad_mail.status_code == 422 and not accounts.has_owner(app.state.amity.engine)


def login(
    app: FastAPI,
    email: str,
    password: str,
    *,
    base_url: str = "http://testserver",
    next_url: str = "/",
) -> tuple[TestClient, object]:
    client = TestClient(app, follow_redirects=False, base_url=base_url)
    form = client.get("/login")
    answer = client.post(
        "/login",
        data={
            "email": email,
            "password": password,
            "next": next_url,
            "csrf_token": csrf_of(form.text),
        },
    )
    return client, answer


def test_sign_in_sets_a_signed_httponly_samesite_cookie(web_app: FastAPI, ben: WebUser) -> None:
    _, wrong = login(web_app, ben.email, "wrong password")
    assert wrong.status_code == 401 and "Wrong e-mail address or password" in wrong.text
    client, right = login(web_app, ben.email.upper(), PASSWORD)
    assert right.status_code == 303
    (cookie,) = [c for c in right.headers.get_list("set-cookie") if c.startswith("amity_session=")]
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower() and "secure" not in cookie.lower()
    assert client.get("/people").status_code == 200
    _, over_https = login(web_app, ben.email, PASSWORD, base_url="https://testserver")
    assert all("secure" in c.lower() for c in over_https.headers.get_list("set-cookie"))


def test_sign_in_never_redirects_to_another_site(web_app: FastAPI, ben: WebUser) -> None:
    _, answer = login(web_app, ben.email, PASSWORD, next_url="//evil.example/x")
    assert answer.headers["location"] == "/"
    _, local = login(web_app, ben.email, PASSWORD, next_url="/people?tag=a")
    assert local.headers["location"] == "/people?tag=a"


def test_failed_sign_ins_wait_longer_and_longer_counted_in_the_database(
    web_app: FastAPI, ben: WebUser, clock: Clock
) -> None:
    from amity.accounts.throttle import FREE_PER_PAIR

    for _ in range(FREE_PER_PAIR):
        assert login(web_app, ben.email, "guess")[1].status_code == 401
    waits = []
    for _ in range(4):
        _, blocked = login(web_app, ben.email, PASSWORD)  # even the right password waits
        assert blocked.status_code == 429 and "Too many failed sign-ins" in blocked.text
        waits.append(int(blocked.headers["retry-after"]))
        clock.advance(seconds=waits[-1])
        assert login(web_app, ben.email, "guess")[1].status_code == 401
    assert waits == [1, 2, 4, 8]  # growing delays, not a lock
    with web_app.state.amity.engine.connect() as conn:  # the count lives in the database
        failures = conn.execute(
            select(func.count())
            .select_from(s.login_attempts)
            .where(
                s.login_attempts.c.key == f"acct:{ben.book.owner_id}|client:testclient",
                s.login_attempts.c.succeeded.is_(False),
            )
        ).scalar_one()
    assert failures == FREE_PER_PAIR + 4


def test_the_delay_ends_and_a_success_forgives(
    web_app: FastAPI, ben: WebUser, clock: Clock
) -> None:
    for _ in range(6):
        login(web_app, ben.email, "guess")
        clock.advance(seconds=1)
    assert login(web_app, ben.email, PASSWORD)[1].status_code == 429
    clock.advance(minutes=16)
    assert login(web_app, ben.email, PASSWORD)[1].status_code == 303
    assert login(web_app, ben.email, "guess")[1].status_code == 401  # counting starts afresh


def test_pages_need_a_session_and_the_api_answers_401_json(web_app: FastAPI, ben: WebUser) -> None:
    anonymous = TestClient(web_app, follow_redirects=False)
    page = anonymous.get("/people")
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/people"
    htmx = anonymous.get("/people", headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and htmx.headers["HX-Redirect"].startswith("/login")
    api = anonymous.get("/api/v1/people")
    assert api.status_code == 401
    assert api.json()["error"]["code"] == "unauthorized" and "fields" in api.json()["error"]


def test_unsafe_requests_need_the_csrf_token(ben: WebUser) -> None:
    no_token = ben.client.post("/people", data={"name": "Forged"})
    assert no_token.status_code == 403 and no_token.json()["error"]["code"] == "csrf"
    wrong = ben.client.post("/people", data={"name": "Forged", "csrf_token": "x" * 43})
    assert wrong.status_code == 403
    assert ben.book.people.count() == 0
    by_field = ben.client.post("/people", data={"name": "Real", "csrf_token": ben.csrf})
    assert by_field.status_code == 303
    by_header = ben.post("/people", {"name": "Also real"})
    assert by_header.status_code == 303 and ben.book.people.count() == 2


def test_log_out_everywhere_ends_every_session(web_app: FastAPI, ben: WebUser) -> None:
    other, _ = login(web_app, ben.email, PASSWORD)
    assert other.get("/people").status_code == 200
    assert ben.post("/logout-everywhere").status_code == 303
    assert other.get("/people").status_code == 303
    assert ben.get("/people").status_code == 303
    again, _ = login(web_app, ben.email, PASSWORD)
    assert again.get("/people").status_code == 200


def test_the_sign_in_page_sends_a_signed_in_user_home(ben: WebUser) -> None:
    answer = ben.get("/login?next=/people")
    assert answer.status_code == 303 and answer.headers["location"] == "/people"


def test_sign_out_ends_this_session(ben: WebUser) -> None:
    assert ben.post("/logout").status_code == 303
    assert ben.get("/").status_code == 303


def test_changing_the_password_keeps_this_session_and_ends_the_others(
    web_app: FastAPI, ben: WebUser
) -> None:
    other, _ = login(web_app, ben.email, PASSWORD)
    wrong = ben.post("/settings/password", {"current": "nope", "new": "another long one"})
    assert wrong.status_code == 422
    changed = ben.post("/settings/password", {"current": PASSWORD, "new": "another long one"})
    assert changed.status_code == 200 and "Password changed" in changed.text
    assert ben.get("/settings").status_code == 200
    assert other.get("/settings").status_code == 303
    assert login(web_app, ben.email, "another long one")[1].status_code == 303


def test_api_tokens_are_shown_once_stored_hashed_and_revocable(
    web_app: FastAPI, ben: WebUser
) -> None:
    created = ben.post("/settings/tokens", {"name": "my script"})
    assert created.status_code == 200
    token = (
        created.text.split('aria-label="New API token"')[0].rsplit('value="', 1)[1].split('"')[0]
    )
    assert token.startswith("amity_")
    with web_app.state.amity.engine.connect() as conn:
        stored = conn.execute(
            select(s.api_tokens.c.token_hash, s.api_tokens.c.id).where(
                s.api_tokens.c.owner_id == ben.book.owner_id
            )
        ).one()
    assert token not in stored.token_hash
    assert token not in ben.get("/settings").text  # shown once
    bearer = TestClient(web_app, headers={"Authorization": f"Bearer {token}"})
    assert bearer.get("/people").status_code == 200
    assert (
        bearer.post("/people", data={"name": "Via token"}, follow_redirects=False).status_code
        == 303
    )
    assert ben.post(f"/settings/tokens/{stored.id}/revoke").status_code == 200
    assert bearer.get("/api/v1/people").status_code == 401


def test_owner_invites_a_user_who_gets_a_separate_book(
    web_app: FastAPI, ann: WebUser, ben: WebUser
) -> None:
    ann.book.people.add(PersonInput(name="Ann's Secret Contact"))
    invited = ann.post("/settings/invitations", {"email": "carl@example.com"})
    assert invited.status_code == 200
    link = (
        invited.text.split('aria-label="Invitation link"')[0].rsplit('value="', 1)[1].split('"')[0]
    )
    path = "/invite/" + link.rsplit("/invite/", 1)[1]
    newcomer = TestClient(web_app, follow_redirects=False)
    form = newcomer.get(path)
    assert form.status_code == 200 and "carl@example.com" in form.text
    joined = newcomer.post(
        path, data={"name": "Carl", "password": "carl's password", "csrf_token": csrf_of(form.text)}
    )
    assert joined.status_code == 303
    people_page = newcomer.get("/people").text
    assert (
        "Ann&#39;s Secret Contact" not in people_page and "Ann's Secret Contact" not in people_page
    )
    used = TestClient(web_app).get(path)
    assert used.status_code == 404
    not_owner = ben.post("/settings/invitations", {"email": "dora@example.com"})
    assert not_owner.status_code == 404


def test_an_expired_invitation_is_refused(web_app: FastAPI, ann: WebUser, clock: Clock) -> None:
    token = accounts.create_invitation(
        web_app.state.amity.engine, ann.book.owner_id, None, now=clock()
    )
    clock.advance(days=accounts.INVITATION_DAYS + 1)
    assert TestClient(web_app).get(f"/invite/{token}").status_code == 404


def test_request_bodies_have_a_size_limit(ben: WebUser) -> None:
    huge = ben.post("/people", {"name": "x", "note": "y" * (3 * 1024 * 1024)})
    assert huge.status_code == 413
    assert ben.book.people.count() == 0


def test_every_response_carries_a_strict_content_security_policy(ben: WebUser) -> None:
    headers = ben.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"


def test_a_user_without_a_password_cannot_use_an_old_session(
    web_app: FastAPI, ben: WebUser
) -> None:
    from sqlalchemy import update

    from amity.store.engine import write_transaction

    with write_transaction(web_app.state.amity.engine) as conn:
        conn.execute(
            update(s.users).where(s.users.c.id == ben.book.owner_id).values(password_hash=None)
        )
    assert ben.get("/").status_code == 303
    make_user(ben.book)
