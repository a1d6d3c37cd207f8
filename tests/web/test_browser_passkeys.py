"""Passkeys in Chromium (issue 15 §1): a virtual authenticator from the DevTools WebAuthn
domain stands in for the device; the app runs on http://localhost (WebAuthn needs a host
name) and the browser adds a passkey, signs in with it alone, and uses it as the second
factor after the password."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from amity.store import schema as s
from amity.web.app import create_app
from tests.web.conftest import PASSWORD, LiveServer, free_port

pytestmark = pytest.mark.browser


@pytest.fixture
def localhost_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    import uvicorn

    port = free_port()
    base = f"http://localhost:{port}"
    monkeypatch.setenv("AMITY_BASE_URL", base)
    db_url = "sqlite:///" + str(tmp_path / "passkeys.db")
    app = create_app(db_url, scheduler=False)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    yield LiveServer(base, db_url, app)
    server.should_exit = True
    thread.join(timeout=10)


def virtual_authenticator(context: Any, page: Any) -> tuple[Any, str]:
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def sign_out(page: Any, server: LiveServer) -> None:
    page.click("form[action='/logout'] button")
    page.wait_for_url(server.url + "/login")


def test_passkey_added_then_used_alone_and_as_second_factor(
    chromium_browser: Any, localhost_server: LiveServer
) -> None:
    server = localhost_server
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "request",
        lambda r: None if r.url.startswith((server.url, "data:")) else errors.append(r.url),
    )
    cdp, authenticator = virtual_authenticator(context, page)

    page.goto(server.url + "/")
    page.wait_for_url(server.url + "/setup")
    page.fill("input[name=name]", "Olga Owner")
    page.fill("input[name=email]", "olga@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")

    page.goto(server.url + "/settings/security")
    page.fill("#passkey-name", "Laptop")
    page.click("button[data-passkey=register]")
    page.wait_for_url("**/settings/security?passkey=added")
    assert "Laptop" in page.locator("ul.passkeys").inner_text()
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert (
        len(credentials["credentials"]) == 1
        and credentials["credentials"][0]["isResidentCredential"]
    )

    # sign in with the passkey alone (no e-mail, no password)
    sign_out(page, server)
    page.click("button[data-passkey=sign-in]")
    page.wait_for_url(server.url + "/")
    assert page.locator("h1").first.inner_text().startswith("Today")

    # the password now asks for the passkey as the second factor
    sign_out(page, server)
    page.fill("input[name=email]", "olga@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(server.url + "/login/second-factor")
    page.goto(server.url + "/people")  # the password alone opens nothing
    page.wait_for_url("**/login?next=/people")
    page.go_back()
    page.wait_for_url(server.url + "/login/second-factor")
    page.click("button[data-passkey=sign-in]")
    page.wait_for_url(server.url + "/")

    engine = server.app.state.amity.engine
    with engine.connect() as conn:
        stored = conn.execute(select(s.passkeys.c.name, s.passkeys.c.last_used_at)).all()
        methods = conn.execute(
            select(s.web_sessions.c.method, s.web_sessions.c.second_factor).order_by(
                s.web_sessions.c.id
            )
        ).all()
    assert [r.name for r in stored] == ["Laptop"] and stored[0].last_used_at is not None
    assert [tuple(m) for m in methods][-2:] == [("passkey", "passkey"), ("password", "passkey")]
    assert errors == []
    context.close()


def test_a_passkey_of_another_site_or_a_replayed_answer_is_refused(
    chromium_browser: Any, localhost_server: LiveServer
) -> None:
    """Without a registered passkey the sign-in button fails with a message and nobody is
    signed in."""
    server = localhost_server
    context = chromium_browser.new_context()
    page = context.new_page()
    virtual_authenticator(context, page)
    page.goto(server.url + "/")
    page.wait_for_url(server.url + "/setup")
    page.fill("input[name=name]", "Olga Owner")
    page.fill("input[name=email]", "olga@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")
    sign_out(page, server)
    page.click("button[data-passkey=sign-in]")
    status = page.locator("#passkey-status")
    status.filter(has_text="Passkey failed").wait_for(timeout=15000)
    assert page.url.startswith(server.url + "/login")
    page.goto(server.url + "/people")
    assert "/login" in page.url
    context.close()
