"""The MCP server at /mcp over streamable HTTP with API tokens: in process (the web app on
SQLite and PostgreSQL) and against a running `amity serve` (two workers): every tool, two users'
tokens kept apart, the read-only scope, no token."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from amity import accounts
from amity.book import Book, PersonInput, open_book
from amity.web.app import create_app
from tests.assistant.scenario import READ_TOOLS, exercise_every_tool, fails, seed
from tests.conftest import Clock, new_book
from tests.web.conftest import free_port
from tests.web.test_serve import wait_until_up


def token(book: Book, scope: str = "api") -> str:
    _, secret = accounts.create_api_token(
        book.ctx.engine, book.owner_id, f"mcp {scope}", now=book.now(), scope=scope
    )
    return secret


async def over_http(
    base: str, secret: str, check: Callable[[Any], Any], transport: Any = None
) -> None:
    headers = {"Authorization": f"Bearer {secret}"}
    client = httpx2.AsyncClient(base_url=base, headers=headers, transport=transport, timeout=30)
    async with (
        client,
        streamable_http_client(base + "/mcp", http_client=client) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        await check(session)


def in_process(app: Any, checks: list[tuple[str, Callable[[Any], Any]]]) -> None:
    async def main() -> None:
        async with app.router.lifespan_context(app):
            transport = httpx2.ASGITransport(app=app)
            for secret, check in checks:
                await over_http("http://testserver", secret, check, transport)

    anyio.run(main)


def test_every_tool_over_http_in_process(db_url: str, clock: Clock) -> None:
    app = create_app(db_url, clock=clock, scheduler=False)
    book = new_book(db_url, clock)
    ids = seed(book)
    in_process(app, [(token(book), lambda s: exercise_every_tool(s, ids))])
    assert book.people.get("Cleo Park").facts[0].text == "loves jazz"


def test_two_users_tokens_see_only_their_own_book(db_url: str, clock: Clock) -> None:
    app = create_app(db_url, clock=clock, scheduler=False)
    alice, bob = new_book(db_url, clock), new_book(db_url, clock)
    seed(alice)
    secret_id = bob.people.add(PersonInput(name="Bob's Secret Friend")).id

    async def as_alice(session: Any) -> None:
        message = await fails(session, "person", {"person": str(secret_id)})
        assert "Secret" not in message
        found = await session.call_tool("search", {"query": "Secret"})
        assert found.structured_content["hits"] == []
        await fails(session, "log_interaction", {"people": [str(secret_id)]})
        await fails(session, "add_fact", {"person": str(secret_id), "text": "x"})

    async def as_bob(session: Any) -> None:
        found = await session.call_tool("search", {"query": "Ana"})
        assert found.structured_content["hits"] == []
        assert (await session.call_tool("person", {"person": "Bob's"})).is_error is False

    in_process(app, [(token(alice), as_alice), (token(bob), as_bob)])
    assert bob.interactions.timeline(secret_id) == []
    assert bob.people.get(secret_id).facts == []


def test_a_read_only_token_cannot_write(db_url: str, clock: Clock) -> None:
    app = create_app(db_url, clock=clock, scheduler=False)
    book = new_book(db_url, clock)
    seed(book)

    async def check(session: Any) -> None:
        listed = {t.name for t in (await session.list_tools()).tools}
        assert listed == set(READ_TOOLS) and "add_person" not in listed
        assert not (await session.call_tool("today", {})).is_error
        for name, args in (
            ("add_person", {"name": "Intruder"}),
            ("promise", {"person": "Bo Chen", "text": "x"}),
            ("done", {"item": "P1"}),
        ):
            assert "read-only" in await fails(session, name, args)

    in_process(app, [(token(book, "read"), check)])
    assert book.commitments.list(status="all") == []
    assert "Intruder" not in [p.name for p in book.people.list()]


def test_no_token_or_a_revoked_one_is_401(sqlite_url: str, clock: Clock) -> None:
    from fastapi.testclient import TestClient

    app = create_app(sqlite_url, clock=clock, scheduler=False)
    book = new_book(sqlite_url, clock)
    secret = token(book)
    accounts.revoke_api_token(
        book.ctx.engine,
        book.owner_id,
        accounts.list_api_tokens(book.ctx.engine, book.owner_id)[0]["id"],
        now=clock(),
    )
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    with TestClient(app) as client:
        for headers in ({}, {"Authorization": f"Bearer {secret}"}, {"Authorization": "Bearer x"}):
            answer = client.post("/mcp", json=body, headers=headers)
            assert answer.status_code == 401
            assert answer.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.slow
def test_every_tool_against_a_running_server(cli_env: Path) -> None:
    book = open_book()
    ids = seed(book)
    other = open_book(user="other@example.org")
    hidden = other.people.add(PersonInput(name="Hidden Harry")).id
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in ("AMITY_SECRET_KEY",)}
    env["AMITY_SCHEDULER"] = "0"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "amity",
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(base, server)

        async def isolated(session: Any) -> None:
            await fails(session, "person", {"person": str(hidden)})

        async def main() -> None:
            await over_http(base, token(book), lambda s: exercise_every_tool(s, ids))
            await over_http(base, token(book), isolated)
            await over_http(
                base,
                token(other, "read"),
                lambda s: fails(s, "add_person", {"name": "Nope"}),
            )

        anyio.run(main)
    finally:
        server.terminate()
        server.wait(timeout=15)
    assert book.people.get("Cleo Park").facts[0].text == "loves jazz"
    assert [p.name for p in other.people.list()] == ["Hidden Harry"]
