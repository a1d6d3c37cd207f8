"""A second factor (issue 15 §1): TOTP with a QR code and ten one-time recovery codes, asked
after the password; an owner may require one for everyone; API tokens and app passwords are
unaffected; a lost factor is recovered with a recovery code or `amity user reset-2fa`.
Every code is computed from the test's fixed clock."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from amity import accounts
from amity.store import schema as s
from tests.conftest import Clock
from tests.web.conftest import PASSWORD, WebUser, csrf_of

KEY = re.compile(r'aria-label="Authenticator key">([A-Z2-7 ]+)<')
CODES = re.compile(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>")


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    return sqlite_url  # argon2 is slow on purpose; the page tests cover PostgreSQL


def code_at(secret: str, clock: Clock, *, steps: int = 0) -> str:
    return str(pyotp.TOTP(secret).at(clock() + timedelta(seconds=30 * steps)))


def turn_on_totp(user: WebUser, clock: Clock) -> tuple[str, list[str]]:
    started = user.post("/settings/security/totp/start")
    assert started.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in started.text  # the QR code, as an image
    secret = KEY.search(started.text).group(1).replace(" ", "")  # type: ignore[union-attr]
    wrong = user.post("/settings/security/totp/confirm", {"code": "000000"})
    assert wrong.status_code == 422 and KEY.search(wrong.text)  # the key is shown again
    confirmed = user.post("/settings/security/totp/confirm", {"code": code_at(secret, clock)})
    assert confirmed.status_code == 200 and "The authenticator app is on" in confirmed.text
    codes = CODES.findall(confirmed.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    return secret, codes


def password_step(app: FastAPI, email: str, password: str = PASSWORD) -> tuple[TestClient, int]:
    browser = TestClient(app, follow_redirects=False)
    form = browser.get("/login")
    answer = browser.post(
        "/login", data={"email": email, "password": password, "csrf_token": csrf_of(form.text)}
    )
    if answer.status_code == 303 and answer.headers["location"] == "/login/second-factor":
        return browser, 200
    return browser, answer.status_code


def code_step(browser: TestClient, code: str) -> int:
    form = browser.get("/login/second-factor")
    if form.status_code != 200:
        return form.status_code
    answer = browser.post(
        "/login/second-factor", data={"code": code, "csrf_token": csrf_of(form.text)}
    )
    return int(answer.status_code)


def test_setting_up_totp_keeps_the_secret_sealed_and_the_codes_hashed(
    web_app: FastAPI, ben: WebUser, clock: Clock
) -> None:
    secret, codes = turn_on_totp(ben, clock)
    engine = web_app.state.amity.engine
    with engine.connect() as conn:
        sealed = conn.execute(select(s.totp_secrets.c.secret_sealed)).scalar_one()
        hashes = conn.execute(select(s.recovery_codes.c.code_hash)).scalars().all()
    assert sealed.startswith("amity1.") and secret not in sealed
    assert len(hashes) == 10 and not {c.replace("-", "") for c in codes} & set(hashes)
    page = ben.get("/settings/security")
    assert "Authenticator app: <strong>on</strong>" in page.text and secret not in page.text
    assert "Recovery codes left: 10" in page.text


def test_sign_in_asks_for_the_code_after_the_password(
    web_app: FastAPI, ben: WebUser, clock: Clock
) -> None:
    secret, _ = turn_on_totp(ben, clock)
    clock.advance(seconds=60)
    browser, step = password_step(web_app, ben.email)
    assert step == 200
    assert browser.get("/people").status_code == 303  # the password alone opens nothing
    assert code_step(browser, "123456") == 401
    assert code_step(browser, code_at(secret, clock)) == 303
    assert browser.get("/people").status_code == 200
    # the same code never works twice, even within its 30 seconds
    again, _ = password_step(web_app, ben.email)
    assert code_step(again, code_at(secret, clock)) == 401
    clock.advance(seconds=30)
    assert code_step(again, code_at(secret, clock)) == 303


def test_codes_one_step_either_side_pass_and_older_ones_do_not(
    web_app: FastAPI, ben: WebUser, clock: Clock
) -> None:
    secret, _ = turn_on_totp(ben, clock)
    clock.advance(minutes=5)
    browser, _ = password_step(web_app, ben.email)
    assert code_step(browser, code_at(secret, clock, steps=-2)) == 401
    assert code_step(browser, code_at(secret, clock, steps=-1)) == 303
    later, _ = password_step(web_app, ben.email)
    assert code_step(later, code_at(secret, clock, steps=1)) == 303


def test_a_recovery_code_works_once(web_app: FastAPI, ben: WebUser, clock: Clock) -> None:
    _, codes = turn_on_totp(ben, clock)
    browser, _ = password_step(web_app, ben.email)
    assert code_step(browser, codes[3].upper()) == 303  # case and dash do not matter
    assert browser.get("/people").status_code == 200
    again, _ = password_step(web_app, ben.email)
    assert code_step(again, codes[3]) == 401
    assert code_step(again, codes[4].replace("-", "")) == 303
    assert accounts.second_factors(web_app.state.amity.engine, ben.book.owner_id).recovery_left == 8


def test_the_password_step_expires_and_wrong_codes_are_throttled(
    web_app: FastAPI, ben: WebUser, clock: Clock
) -> None:
    secret, _ = turn_on_totp(ben, clock)
    browser, _ = password_step(web_app, ben.email)
    clock.advance(minutes=6)
    assert code_step(browser, code_at(secret, clock)) == 303  # expired: back to the password
    assert browser.get("/people").status_code == 303
    guesser, _ = password_step(web_app, ben.email)
    assert [code_step(guesser, "000000") for _ in range(4)] == [401, 401, 401, 429]


def test_api_tokens_and_app_passwords_are_not_affected(
    web_app: FastAPI, ben: WebUser, clock: Clock
) -> None:
    turn_on_totp(ben, clock)
    engine = web_app.state.amity.engine
    _, token = accounts.create_api_token(engine, ben.book.owner_id, "script", now=clock())
    _, app_password = accounts.create_api_token(
        engine, ben.book.owner_id, "phone", now=clock(), scope="dav"
    )
    bearer = TestClient(web_app, headers={"Authorization": f"Bearer {token}"})
    assert bearer.get("/api/v1/people").status_code == 200
    assert accounts.owner_of_app_password(engine, app_password, now=clock()) == ben.book.owner_id


def test_turning_totp_off_needs_the_password(web_app: FastAPI, ben: WebUser, clock: Clock) -> None:
    turn_on_totp(ben, clock)
    assert ben.post("/settings/security/totp/disable", {"password": "nope"}).status_code == 422
    off = ben.post("/settings/security/totp/disable", {"password": PASSWORD})
    assert off.status_code == 200 and "is off" in off.text
    browser, step = password_step(web_app, ben.email)
    assert step == 303 and browser.get("/people").status_code == 200


@pytest.fixture
def policy_reset(web_app: FastAPI, clock: Clock) -> Iterator[None]:
    """The policy is the installation's (the test database is shared): put it back."""
    yield
    accounts.require_second_factor(web_app.state.amity.engine, False, now=clock())


@pytest.mark.usefixtures("policy_reset")
def test_an_owner_can_require_a_second_factor_for_everyone(
    web_app: FastAPI, ann: WebUser, ben: WebUser, clock: Clock
) -> None:
    assert ben.post("/settings/security/policy", {"required": "1"}).status_code == 404
    assert ann.post("/settings/security/policy", {"required": "1"}).status_code == 200
    engine = web_app.state.amity.engine
    _, token = accounts.create_api_token(engine, ben.book.owner_id, "script", now=clock())
    # Ben signs in with his password: he may only set a factor up
    browser, step = password_step(web_app, ben.email)
    assert step == 303
    people = browser.get("/people")
    assert (
        people.status_code == 303 and people.headers["location"] == "/settings/security?required=1"
    )
    page = browser.get("/settings/security?required=1")
    assert page.status_code == 200 and "requires a second factor" in page.text
    api = browser.get("/api/v1/people")
    assert api.status_code == 403 and api.json()["error"]["code"] == "second_factor_required"
    bearer = TestClient(web_app, headers={"Authorization": f"Bearer {token}"})
    assert bearer.get("/api/v1/people").status_code == 200  # tokens are second secrets already
    csrf = csrf_of(page.text)
    user = WebUser(browser, ben.book, ben.email, csrf)
    turn_on_totp(user, clock)
    assert browser.get("/people").status_code == 200  # this session proved the factor


def cli(app_url: str, *args: str) -> tuple[int, str]:
    """`amity ARGS` as the server's administrator runs it (exit status and output)."""
    import contextlib
    import io

    from amity.cli.main import run

    out = io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out):
        try:
            run(["--db", app_url, *args])
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue()


def test_the_server_can_reset_a_lost_second_factor(
    web_app: FastAPI, db_url: str, ben: WebUser, clock: Clock
) -> None:
    turn_on_totp(ben, clock)
    code, listed = cli(db_url, "user", "list", "--json")
    assert code == 0
    (row,) = [r for r in json.loads(listed) if r["email"] == ben.email]
    assert row["totp"] and row["recovery_codes_left"] == 10 and row["sessions"] >= 1
    code, said = cli(db_url, "user", "reset-2fa", ben.email)
    assert code == 0 and "second factors removed" in said
    assert ben.get("/people").status_code == 303  # the sessions ended
    browser, step = password_step(web_app, ben.email)
    assert step == 303 and browser.get("/people").status_code == 200
    assert not accounts.second_factors(web_app.state.amity.engine, ben.book.owner_id).any
    code, _ = cli(db_url, "user", "reset-2fa", "nobody@example.org")
    assert code == 2


def test_the_server_can_sign_a_user_out_everywhere(
    web_app: FastAPI, db_url: str, ben: WebUser, clock: Clock
) -> None:
    engine = web_app.state.amity.engine
    _, token = accounts.create_api_token(engine, ben.book.owner_id, "script", now=clock())
    code, said = cli(db_url, "user", "logout", ben.email, "--tokens")
    assert code == 0 and "1 session(s) ended, 1 token(s) revoked" in said
    assert ben.get("/people").status_code == 303
    bearer = TestClient(web_app, headers={"Authorization": f"Bearer {token}"})
    assert bearer.get("/api/v1/people").status_code == 401


def test_passkeys_need_a_host_name() -> None:
    from amity.accounts.passkeys import relying_party

    assert relying_party("http://127.0.0.1:8787") is None
    assert relying_party("http://amity.example.org") is None  # plain HTTP: localhost only
    local = relying_party("http://localhost:8787")
    assert local is not None and (local.id, local.origin) == ("localhost", "http://localhost:8787")
    site = relying_party("https://Amity.Example.org/")
    assert site is not None and (site.id, site.origin) == (
        "amity.example.org",
        "https://amity.example.org",
    )


def test_passkey_endpoints_explain_a_missing_host_name(web_app: FastAPI, ben: WebUser) -> None:
    answer = ben.post("/settings/security/passkeys/options")
    assert answer.status_code == 422 and "AMITY_BASE_URL" in answer.json()["error"]["message"]
    forged = ben.client.post(
        "/settings/security/passkeys",
        json={"credential": {"id": "x"}},
        headers={"X-CSRF-Token": ben.csrf},
    )
    assert forged.status_code == 422
    assert "host name" in ben.get("/settings/security").text
