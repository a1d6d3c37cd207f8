"""Single sign-on with OpenID Connect (issue 15 §1), in Chromium through real redirects,
against an OIDC provider the suite runs on loopback (tests/web/oidc_provider.py: RS256 key
made at start, PKCE). Accounts are linked on (issuer, sub), never on the e-mail alone; the
provider makes accounts only for invited addresses or an allowed domain."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from amity import accounts
from amity.store import schema as s
from amity.web.app import create_app
from tests.web.conftest import PASSWORD, LiveServer, free_port

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]
USERS = {
    "ivan": {
        "sub": "sub-ivan",
        "email": "ivan@example.org",
        "email_verified": True,
        "name": "Ivan",
    },
    "mallory": {"sub": "sub-mallory", "email": "olga@example.com", "email_verified": True},
    "dana": {
        "sub": "sub-dana",
        "email": "dana@corp.example",
        "email_verified": True,
        "name": "Dana",
    },
    "eve": {"sub": "sub-eve", "email": "eve@corp.example", "email_verified": False},
    "frank": {"sub": "sub-frank", "email": "frank@elsewhere.example", "email_verified": True},
    "olga-idp": {"sub": "sub-olga", "email": "o.owner@idp.example", "email_verified": True},
}


@dataclass
class SsoSetup:
    server: LiveServer
    issuer: str


@pytest.fixture
def sso(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SsoSetup]:
    import uvicorn

    app_port, idp_port = free_port(), free_port()
    base, issuer = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{idp_port}"
    users = tmp_path / "users.json"
    users.write_text(json.dumps(USERS))
    provider = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.web.oidc_provider",
            "--port",
            str(idp_port),
            "--client-id",
            "amity-test",
            "--client-secret",
            "s3cret-for-tests",
            "--redirect-uri",
            base + "/login/sso/callback",
            "--users",
            str(users),
        ],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert provider.poll() is None, "the OIDC provider stopped"
            try:
                with urllib.request.urlopen(  # noqa: S310 - the loopback provider
                    issuer + "/.well-known/openid-configuration", timeout=2
                ):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        for name, value in {
            "AMITY_BASE_URL": base,
            "AMITY_OIDC_ISSUER": issuer,
            "AMITY_OIDC_CLIENT_ID": "amity-test",
            "AMITY_OIDC_CLIENT_SECRET": "s3cret-for-tests",
            "AMITY_OIDC_ALLOWED_DOMAINS": "corp.example",
            "AMITY_OIDC_NAME": "Test IdP",
            "AMITY_OIDC_ALLOW_PRIVATE": "1",  # the provider is on loopback (amity.netguard)
        }.items():
            monkeypatch.setenv(name, value)
        db_url = "sqlite:///" + str(tmp_path / "sso.db")
        app = create_app(db_url, scheduler=False)
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=app_port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.02)
        yield SsoSetup(LiveServer(base, db_url, app), issuer)
        server.should_exit = True
        thread.join(timeout=10)
    finally:
        provider.terminate()
        provider.wait(timeout=10)


def create_owner(page: Any, server: LiveServer) -> None:
    page.goto(server.url + "/")
    page.wait_for_url(server.url + "/setup")
    page.fill("input[name=name]", "Olga Owner")
    page.fill("input[name=email]", "olga@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")


def through_provider(page: Any, setup: SsoSetup, username: str) -> None:
    """From Amity's sign-in page, through the provider's form, and back."""
    page.goto(setup.server.url + "/login")
    page.click("text=Sign in with Test IdP")
    page.wait_for_load_state()
    assert page.url.startswith(setup.issuer + "/authorize?"), page.content()[-1500:]
    page.fill("#username", username)
    page.click("#approve")
    page.wait_for_load_state()


def sign_out(page: Any, server: LiveServer) -> None:
    page.goto(server.url + "/")
    page.click("form[action='/logout'] button")
    page.wait_for_url(server.url + "/login")


def test_sso_signs_in_invited_and_allowed_people_and_never_links_on_email(
    chromium_browser: Any, sso: SsoSetup
) -> None:
    server = sso.server
    engine = server.app.state.amity.engine
    context = chromium_browser.new_context()
    page = context.new_page()
    create_owner(page, server)
    owner = accounts.login_candidate(engine, "olga@example.com")[0]
    assert owner is not None
    accounts.create_invitation(
        engine, owner.id, "ivan@example.org", now=server.app.state.amity.clock()
    )
    sign_out(page, server)

    # an invited address gets an account through the provider
    through_provider(page, sso, "ivan")
    page.wait_for_url(server.url + "/")
    assert page.locator("h1").first.inner_text().startswith("Today")
    ivan = accounts.login_candidate(engine, "ivan@example.org")
    assert ivan[0] is not None and ivan[1] is None  # no password: the provider signs him in
    sign_out(page, server)

    # the owner's address at the provider, under another subject: refused, not linked
    through_provider(page, sso, "mallory")
    assert page.url.startswith(server.url + "/login/sso/callback")
    assert "an account with this e-mail address exists" in page.content()
    page.goto(server.url + "/people")
    assert "/login" in page.url

    # an allowed domain with a verified address: yes; unverified or another domain: no
    through_provider(page, sso, "dana")
    page.wait_for_url(server.url + "/")
    sign_out(page, server)
    for refused in ("eve", "frank"):
        through_provider(page, sso, refused)
        assert "no invitation here" in page.content()

    with engine.connect() as conn:
        links = conn.execute(
            select(s.sso_links.c.issuer, s.sso_links.c.subject, s.users.c.email)
            .join(s.users, s.users.c.id == s.sso_links.c.user_id)
            .order_by(s.sso_links.c.id)
        ).all()
        invitation = conn.execute(select(s.invitations.c.accepted_at)).scalar_one()
    assert [tuple(r) for r in links] == [
        (sso.issuer, "sub-ivan", "ivan@example.org"),
        (sso.issuer, "sub-dana", "dana@corp.example"),
    ]
    assert invitation is not None
    context.close()


def test_the_owner_links_the_provider_and_it_skips_the_local_second_factor(
    chromium_browser: Any, sso: SsoSetup
) -> None:
    server = sso.server
    engine = server.app.state.amity.engine
    context = chromium_browser.new_context()
    page = context.new_page()
    create_owner(page, server)
    owner = accounts.login_candidate(engine, "olga@example.com")[0]
    assert owner is not None
    now = server.app.state.amity.clock()
    accounts.begin_totp(engine, owner.id, url=server.db_url, now=now)  # a factor being set up
    page.goto(server.url + "/settings/security")
    page.click("text=Link Test IdP")
    page.wait_for_load_state()
    assert page.url.startswith(sso.issuer + "/authorize?"), (page.url, page.content()[-1500:])
    page.fill("#username", "olga-idp")
    page.click("#approve")
    page.wait_for_url(server.url + "/settings/security?linked=1")
    assert "o.owner@idp.example" in page.locator("#sso").inner_text()
    sign_out(page, server)

    through_provider(page, sso, "olga-idp")  # linked by subject, whatever the address says
    page.wait_for_url(server.url + "/")
    with engine.connect() as conn:
        last = conn.execute(
            select(
                s.web_sessions.c.user_id, s.web_sessions.c.method, s.web_sessions.c.second_factor
            )
            .order_by(s.web_sessions.c.id.desc())
            .limit(1)
        ).one()
    assert (last.user_id, last.method, last.second_factor) == (owner.id, "sso", None)
    context.close()
