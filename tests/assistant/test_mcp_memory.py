"""The MCP server with the SDK's own client in memory, on SQLite and PostgreSQL: every tool,
resources, prompts, errors, and read-only access."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError

from amity.assistant.access import Access
from amity.assistant.server import build_server
from amity.book import Book, PersonInput
from tests.assistant.scenario import READ_TOOLS, exercise_every_tool, fails, seed
from tests.conftest import new_book


def run(book: Book, check: Any, *, can_write: bool = True) -> None:
    server = build_server(lambda: Access(book, can_write))

    async def main() -> None:
        async with Client(server) as client:
            await check(client)

    anyio.run(main)


def test_every_tool_over_the_sdk_client(book: Book) -> None:
    ids = seed(book)
    run(book, lambda client: exercise_every_tool(client, ids))
    assert book.people.get("Cleo Park").facts[0].text == "loves jazz"


def test_a_read_only_connection_reads_and_never_writes(book: Book) -> None:
    seed(book)

    async def check(client: Any) -> None:
        listed = {t.name for t in (await client.list_tools()).tools}
        assert listed == set(READ_TOOLS), "a read-only connection lists only the read tools"
        assert (await client.call_tool("today", {})).is_error is False
        message = await fails(client, "add_person", {"name": "Intruder"})
        assert "read-only" in message
        await fails(client, "done", {"item": "P1"})

    run(book, check, can_write=False)
    assert [p.name for p in book.people.list()] == ["Ana Lima", "Ana Souza", "Bo Chen"]


def test_person_cards_are_resources_and_prompts_carry_the_data(book: Book) -> None:
    ids = seed(book)

    async def check(client: Any) -> None:
        templates = (await client.list_resource_templates()).resource_templates
        assert [t.uri_template for t in templates] == ["amity://people/{person_id}"]
        card = await client.read_resource(f"amity://people/{ids['ana']}")
        text = card.contents[0].text
        assert text.startswith("# Ana Lima") and "climbing and bouldering" in text
        agenda = await client.read_resource("amity://agenda/today")
        assert "Ana Lima" in agenda.contents[0].text
        prompts = {p.name for p in (await client.list_prompts()).prompts}
        assert prompts == {"prepare_for_today", "weekly_review"}
        review = await client.get_prompt("weekly_review", {})
        assert "people_reached" in review.messages[0].content.text

    run(book, check)


def test_another_owners_person_is_not_found(book: Book, db_url: str, clock: Any) -> None:
    other = new_book(db_url, clock)
    sam = other.people.add(PersonInput(name="Secret Sam"))
    seed(book)

    async def check(client: Any) -> None:
        message = await fails(client, "person", {"person": str(sam.id)})
        assert "Secret" not in message and "no person" in message.lower()
        await fails(client, "log_interaction", {"people": [str(sam.id)]})
        with pytest.raises(MCPError) as raised:
            await client.read_resource(f"amity://people/{sam.id}")
        assert "Secret" not in str(raised.value)

    run(book, check)
    assert other.interactions.timeline(sam.id) == []
