"""The sign-in findings of issue 15's security probe, each with the test that would have
caught it: look-alike addresses, an account kept locked by anyone, sign-out that did not end
the session, X-Forwarded-For believed from loopback, API tokens that survive a password
change."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from amity import accounts
from amity.accounts.throttle import FREE_PER_ACCOUNT, FREE_PER_PAIR
from amity.store import schema as s
from amity.web.app import create_app
from amity.web.proxies import forwarded_client, parse_networks
from tests.conftest import Clock
from tests.web.conftest import PASSWORD, WebUser, csrf_of

pytestmark = pytest.mark.slow  # sign-in delays, measured: make test runs it, test-fast does not


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    return sqlite_url  # argon2 is slow on purpose; the page tests cover PostgreSQL


def attempt(
    app: FastAPI,
    email: str,
    password: str,
    *,
    client: TestClient | None = None,
    peer: str = "198.51.100.7",
    headers: dict[str, str] | None = None,
) -> tuple[TestClient, int]:
    browser = client or TestClient(app, follow_redirects=False, client=(peer, 40000))
    form = browser.get("/login")
    answer = browser.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_of(form.text)},
        headers=headers or {},
    )
    return browser, answer.status_code


def full_width(address: str) -> str:
    """ann@ｅｘａｍｐｌｅ。ｏｒｇ: a spelling the account lookup folds back to the address."""
    local, domain = address.split("@")
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in domain)
    return local + "@" + wide.replace(".", "。")


# --- look-alike addresses ---------------------------------------------------------------------


def test_look_alike_spellings_share_one_count(web_app: FastAPI, ben: WebUser) -> None:
    spellings = [
        ben.email,
        ben.email.upper(),
        full_width(ben.email),
        ben.email.replace(".", "．"),
        full_width(ben.email).upper(),
        ben.email.replace(".", "。"),
    ]
    engine = web_app.state.amity.engine
    assert all(accounts.login_candidate(engine, x)[0] is not None for x in spellings)
    codes = [attempt(web_app, spelling, "guess")[1] for spelling in spellings]
    assert codes == [401] * FREE_PER_PAIR + [429] * (len(spellings) - FREE_PER_PAIR)
    # and while it waits, no spelling gets in with the right password either
    assert {attempt(web_app, spelling, PASSWORD)[1] for spelling in spellings} == {429}


def test_unknown_addresses_are_counted_in_their_folded_form(web_app: FastAPI) -> None:
    address = "nobody.here@example.org"
    codes = [
        attempt(web_app, spelling, "guess")[1]
        for spelling in (address, full_width(address), address.upper(), "ｎ" + address[1:])
    ]
    assert codes == [401, 401, 401, 429]


# --- nobody can keep an account locked --------------------------------------------------------


def test_an_attacker_cannot_keep_the_owner_out(
    web_app: FastAPI, ben: WebUser, clock: Clock
) -> None:
    """8 wrong passwords every 15 minutes (the probe's attack), from a new address each time:
    after the first round the attacker gets a guess or two per round, and the owner's browser
    that signed in before gets in at once, mid-attack (a new browser waits a little)."""
    owner, code = attempt(web_app, ben.email, PASSWORD, peer="203.0.113.5")
    assert code == 303 and owner.cookies.get("amity_device")
    owner.post("/logout", headers={"X-CSRF-Token": csrf_of(owner.get("/").text)})
    guesses = []
    for round_ in range(4):
        codes = [
            attempt(web_app, ben.email, "guess", peer=f"192.0.2.{round_ * 10 + n}")[1]
            for n in range(8)
        ]
        guesses.append(codes.count(401))
        assert attempt(web_app, ben.email, PASSWORD, peer="198.51.100.99")[1] == 429
        assert attempt(web_app, ben.email, PASSWORD, client=owner)[1] == 303
        assert owner.get("/people").status_code == 200
        owner.post("/logout", headers={"X-CSRF-Token": csrf_of(owner.get("/").text)})
        clock.advance(minutes=15)
    assert guesses[0] == FREE_PER_ACCOUNT and all(g <= 2 for g in guesses[1:])


def test_the_attackers_own_client_waits_longer_each_time(
    web_app: FastAPI, ben: WebUser, clock: Clock
) -> None:
    waits = []
    browser = TestClient(web_app, follow_redirects=False, client=("192.0.2.1", 1))
    for _ in range(FREE_PER_PAIR + 5):
        form = browser.get("/login")
        answer = browser.post(
            "/login",
            data={"email": ben.email, "password": "guess", "csrf_token": csrf_of(form.text)},
        )
        if answer.status_code == 429:
            waits.append(int(answer.headers["retry-after"]))
            clock.advance(seconds=waits[-1])
    assert waits == sorted(waits) and waits[-1] > waits[0] and len(set(waits)) >= 3


# --- sign-out ends the session on the server ---------------------------------------------------


def test_a_cookie_copied_before_sign_out_fails_afterwards(web_app: FastAPI, ben: WebUser) -> None:
    from amity.web.sessions import COOKIE

    stolen = ben.client.cookies.get(COOKIE)
    assert stolen
    thief = TestClient(web_app, follow_redirects=False, cookies={COOKIE: stolen})
    assert thief.get("/people").status_code == 200
    assert ben.post("/logout").status_code == 303
    assert thief.get("/people").status_code == 303
    assert thief.get("/api/v1/people").status_code == 401
    with web_app.state.amity.engine.connect() as conn:
        rows = conn.execute(
            select(s.web_sessions.c.revoked_at).where(s.web_sessions.c.user_id == ben.book.owner_id)
        ).all()
    assert rows and all(r.revoked_at is not None for r in rows)


def test_one_session_can_be_signed_out_from_the_security_page(
    web_app: FastAPI, ben: WebUser
) -> None:
    other, code = attempt(web_app, ben.email, PASSWORD)
    assert code == 303
    page = ben.get("/settings/security")
    assert page.status_code == 200 and "this browser" in page.text
    sessions = accounts.list_sessions(
        web_app.state.amity.engine, ben.book.owner_id, now=ben.book.now()
    )
    newest = max(x["id"] for x in sessions)
    assert ben.post(f"/settings/security/sessions/{newest}/revoke").status_code == 200
    assert other.get("/people").status_code == 303
    assert ben.get("/people").status_code == 200
    assert ben.post(f"/settings/security/sessions/{newest}/revoke").status_code == 404


# --- forwarding headers ------------------------------------------------------------------------


def test_forwarded_for_is_ignored_unless_the_proxy_is_named(web_app: FastAPI, ben: WebUser) -> None:
    codes = [
        attempt(
            web_app,
            ben.email,
            "guess",
            peer="127.0.0.1",
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
        )[1]
        for n in range(FREE_PER_PAIR + 2)
    ]
    assert codes[-1] == 429  # one client, whatever the header says


def test_a_named_proxy_is_believed_and_its_clients_counted_apart(
    db_url: str, clock: Clock, ben: WebUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AMITY_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1")
    app = create_app(db_url, clock=clock, scheduler=False)
    for _ in range(FREE_PER_PAIR + 1):  # one client behind the proxy: it waits
        last = attempt(
            app, ben.email, "guess", peer="10.1.2.3", headers={"X-Forwarded-For": "203.0.113.9"}
        )[1]
    assert last == 429
    # another client behind the same proxy is counted apart
    _, code = attempt(
        app, ben.email, PASSWORD, peer="10.1.2.3", headers={"X-Forwarded-For": "198.51.100.4"}
    )
    assert code == 303
    sessions = accounts.list_sessions(app.state.amity.engine, ben.book.owner_id, now=clock())
    assert "198.51.100.4" in {x["client"] for x in sessions}


def test_forwarded_for_is_read_from_the_right_past_trusted_hops() -> None:
    trusted = parse_networks("10.0.0.0/8,127.0.0.1")
    assert forwarded_client("10.0.0.2", "1.2.3.4, 203.0.113.9, 10.0.0.7", trusted) == "203.0.113.9"
    assert forwarded_client("198.51.100.1", "1.2.3.4", trusted) == "198.51.100.1"
    assert forwarded_client("127.0.0.1", "not an address", trusted) == "127.0.0.1"
    assert forwarded_client("127.0.0.1", "1.2.3.4", ()) == "127.0.0.1"
    with pytest.raises(ValueError, match="AMITY_TRUSTED_PROXIES"):
        parse_networks("10.0.0.0/8, proxy.local")


# --- API tokens and a password change -----------------------------------------------------------


def make_tokens(app: FastAPI, ben: WebUser) -> tuple[str, str]:
    engine = app.state.amity.engine
    _, api = accounts.create_api_token(engine, ben.book.owner_id, "script", now=ben.book.now())
    _, dav = accounts.create_api_token(
        engine, ben.book.owner_id, "phone", now=ben.book.now(), scope="dav"
    )
    return api, dav


def test_the_password_page_lists_tokens_and_revokes_them_with_the_change(
    web_app: FastAPI, ben: WebUser
) -> None:
    api, dav = make_tokens(web_app, ben)
    page = ben.get("/settings/security")
    assert "script" in page.text and "phone" in page.text and "(2 active)" in page.text
    bearer = TestClient(web_app, headers={"Authorization": f"Bearer {api}"})
    assert bearer.get("/api/v1/people").status_code == 200
    changed = ben.post(
        "/settings/password",
        {"current": PASSWORD, "new": "another long one", "revoke_tokens": "1"},
    )
    assert changed.status_code == 200 and "2 API tokens and app passwords revoked" in changed.text
    assert bearer.get("/api/v1/people").status_code == 401
    engine = web_app.state.amity.engine
    assert accounts.owner_of_app_password(engine, dav, now=ben.book.now()) is None


def test_a_password_change_alone_leaves_tokens_and_one_click_revokes_them(
    web_app: FastAPI, ben: WebUser
) -> None:
    api, dav = make_tokens(web_app, ben)
    changed = ben.post("/settings/password", {"current": PASSWORD, "new": "another long one"})
    assert changed.status_code == 200 and "revoked" not in changed.text
    bearer = TestClient(web_app, headers={"Authorization": f"Bearer {api}"})
    assert bearer.get("/api/v1/people").status_code == 200
    revoked = ben.post("/settings/security/tokens/revoke-all")
    assert revoked.status_code == 200 and "2 API tokens" in revoked.text
    assert bearer.get("/api/v1/people").status_code == 401
    engine = web_app.state.amity.engine
    assert accounts.owner_of_app_password(engine, dav, now=ben.book.now()) is None


@pytest.mark.parametrize("with_tokens", [False, True])
def test_log_out_everywhere_revokes_tokens_when_asked(
    web_app: FastAPI, ben: WebUser, with_tokens: bool
) -> None:
    api, dav = make_tokens(web_app, ben)
    other, _ = attempt(web_app, ben.email, PASSWORD)
    form = {"tokens": "1"} if with_tokens else {}
    assert ben.post("/logout-everywhere", form).status_code == 303
    assert other.get("/people").status_code == 303 and ben.get("/people").status_code == 303
    bearer = TestClient(web_app, headers={"Authorization": f"Bearer {api}"})
    assert bearer.get("/api/v1/people").status_code == (401 if with_tokens else 200)
    engine = web_app.state.amity.engine
    still = accounts.owner_of_app_password(engine, dav, now=ben.book.now())
    assert (still is None) == with_tokens


# --- sign-in from a trusted reverse proxy's header ----------------------------------------------


def test_a_trusted_proxys_header_signs_in_an_existing_user_and_nobody_elses_does(
    db_url: str, clock: Clock, ben: WebUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AMITY_TRUSTED_PROXIES", "10.0.0.0/8")
    monkeypatch.setenv("AMITY_PROXY_AUTH_HEADER", "Remote-Email")
    app = create_app(db_url, clock=clock, scheduler=False)
    via_proxy = TestClient(app, follow_redirects=False, client=("10.0.0.5", 1))
    page = via_proxy.get("/people", headers={"Remote-Email": ben.email.upper()})
    assert page.status_code == 200
    assert via_proxy.get("/settings", headers={"Remote-Email": ben.email}).status_code == 200
    sessions = accounts.list_sessions(app.state.amity.engine, ben.book.owner_id, now=clock())
    assert [x["method"] for x in sessions].count("proxy") == 1  # one session, kept
    # the same header from anyone but the proxy is ignored
    direct = TestClient(app, follow_redirects=False, client=("198.51.100.3", 1))
    assert direct.get("/people", headers={"Remote-Email": ben.email}).status_code == 303
    # an address with no account signs nobody in
    stranger = TestClient(app, follow_redirects=False, client=("10.0.0.5", 1))
    answer = stranger.get("/people", headers={"Remote-Email": "nobody@example.org"})
    assert answer.status_code == 303
    # without AMITY_PROXY_AUTH_HEADER the header means nothing, even from the proxy
    monkeypatch.delenv("AMITY_PROXY_AUTH_HEADER")
    fresh = TestClient(app, follow_redirects=False, client=("10.0.0.5", 1))
    assert fresh.get("/people", headers={"Remote-Email": ben.email}).status_code == 303
