"""One walk over every MCP tool, shared by the transports (in memory, stdio, HTTP in process,
a running `amity serve`): the book is seeded with :func:`seed`, then :func:`exercise_every_tool`
calls each tool through the SDK's own client session and checks the answers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from amity.book import Book, InteractionInput, PersonInput

READ_TOOLS = {
    "today",
    "person",
    "search",
    "brief",
    "awaiting_replies",
    "promises",
    "warm_path",
    "share_suggestions",
    "review",
}
WRITE_TOOLS = {
    "add_person",
    "log_interaction",
    "add_fact",
    "ask",
    "promise",
    "follow_up",
    "done",
    "snooze",
}
MEETING_DAY = date(2030, 1, 15)


def seed(book: Book) -> dict[str, int]:
    """Ana Lima (with a fact, a question and an e-mail awaiting reply), Ana Souza (so "Ana"
    is ambiguous), Bo Chen at Acme (met), an article on climbing, a meeting on MEETING_DAY."""
    now = book.now()
    ana = book.people.add(PersonInput(name="Ana Lima", emails=["ana@example.org"]))
    book.people.add(PersonInput(name="Ana Souza"))
    bo = book.people.add(PersonInput(name="Bo Chen", org="Acme"))
    book.people.add_fact(ana.id, "interest", "climbing and bouldering")
    book.people.add_question(ana.id, "How was the trip to Porto?")
    book.interactions.log(
        InteractionInput(
            people=[ana.id],
            kind="email",
            direction="inbound",
            needs_reply=True,
            subject="Your slides?",
            occurred_at=now - timedelta(days=5),
        )
    )
    book.interactions.log(
        InteractionInput(people=[bo.id], kind="call", occurred_at=now - timedelta(days=2))
    )
    book.articles.add(
        "https://example.org/climbing", title="Climbing in Porto", topics=["climbing"]
    )
    book.interactions.log(
        InteractionInput(
            people=[ana.id],
            kind="meeting",
            subject="Coffee",
            occurred_at=datetime.combine(MEETING_DAY, datetime.min.time(), tzinfo=UTC)
            + timedelta(hours=10),
        )
    )
    return {"ana": ana.id, "bo": bo.id}


async def call(session: Any, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """A tool call that must succeed: its structured content."""
    result = await session.call_tool(name, arguments)
    text = result.content[0].text if result.content else ""
    assert not result.is_error, f"{name}: {text}"
    assert text, f"{name} answers a short text too"
    assert isinstance(result.structured_content, dict)
    return result.structured_content


async def fails(session: Any, name: str, arguments: dict[str, Any]) -> str:
    """A tool call that must be a tool error (never a crash): its message."""
    result = await session.call_tool(name, arguments)
    assert result.is_error, f"{name} should have failed"
    return str(result.content[0].text)


async def check_tool_list(session: Any) -> None:
    tools = {t.name: t for t in (await session.list_tools()).tools}
    assert set(tools) == READ_TOOLS | WRITE_TOOLS
    for name, t in tools.items():
        assert t.input_schema["type"] == "object"
        assert t.output_schema is not None, name
        assert t.annotations is not None
        assert t.annotations.read_only_hint is (name in READ_TOOLS), name
        assert t.annotations.destructive_hint is (name in {"done", "snooze"}), name
        assert t.annotations.idempotent_hint is (name in READ_TOOLS | {"done", "snooze"}), name


async def exercise_reads(session: Any, ids: dict[str, int]) -> date:
    today = await call(session, "today", {})
    day = date.fromisoformat(today["date"])
    assert any(i["kind"] == "reply" for i in today["items"])  # Ana's e-mail waits
    card = await call(session, "person", {"person": "ana@example.org"})
    assert card["person"]["id"] == ids["ana"]
    assert [f["text"] for f in card["facts"]] == ["climbing and bouldering"]
    assert [q["text"] for q in card["questions_to_ask"]] == ["How was the trip to Porto?"]
    assert card["recent"] and card["recent"][0]["subject"] == "Coffee"
    found = await call(session, "search", {"query": "bouldering"})
    assert [h["id"] for h in found["hits"] if h["kind"] == "person"] == [ids["ana"]]
    brief = await call(session, "brief", {"person": str(ids["ana"])})
    assert brief["mode"] == "person" and brief["brief"]["person"]["name"] == "Ana Lima"
    meetings = await call(session, "brief", {"date": MEETING_DAY.isoformat()})
    assert meetings["mode"] == "meetings" and len(meetings["meetings"]) == 1
    waiting = await call(session, "awaiting_replies", {})
    assert waiting["count"] == 1 and waiting["items"][0]["waiting_days"] == 5
    assert (await call(session, "promises", {}))["count"] == 0
    path = await call(session, "warm_path", {"target": "org:Acme"})
    assert path["paths"] and path["paths"][0]["target"]["id"] == ids["bo"]
    suggestions = await call(session, "share_suggestions", {"article": "Climbing in Porto"})
    assert [m["person"]["id"] for m in suggestions["matches"]][:1] == [ids["ana"]]
    review = await call(session, "review", {"period": "week"})
    assert review["kind"] == "week" and "people_reached" in review
    return day


async def exercise_writes(session: Any, day: date) -> None:
    cleo = await call(session, "add_person", {"name": "Cleo Park", "email": "cleo@example.org"})
    logged = await call(
        session, "log_interaction", {"people": ["cleo@example.org"], "kind": "call"}
    )
    assert logged["people"] == [{"id": cleo["id"], "name": "Cleo Park"}]
    fact = await call(
        session, "add_fact", {"person": "Cleo Park", "text": "loves jazz", "kind": "interest"}
    )
    assert fact["person_id"] == cleo["id"]
    asked = await call(session, "ask", {"person": str(cleo["id"]), "question": "Which album?"})
    assert asked["text"] == "Which album?"
    made = await call(
        session, "promise", {"person": "Cleo Park", "text": "send the link", "due": str(day)}
    )
    later = day + timedelta(days=3)
    follow = await call(
        session, "follow_up", {"person": "Cleo Park", "text": "check in", "due": str(later)}
    )
    assert follow["due_on"] == later.isoformat()
    key = f"promise:c{made['id']}"
    assert key in [i["key"] for i in (await call(session, "today", {}))["items"]]
    await call(session, "snooze", {"key": key, "until": str(day + timedelta(days=2))})
    assert key not in [i["key"] for i in (await call(session, "today", {}))["items"]]
    kept = await call(session, "done", {"item": made["ref"]})
    assert kept["promise"]["status"] == "done"
    mine = await call(session, "promises", {"status": "done"})
    assert [p["id"] for p in mine["promises"]] == [made["id"]]


async def check_bad_arguments(session: Any) -> None:
    ambiguous = await fails(session, "person", {"person": "Ana"})
    assert "Ana Lima" in ambiguous and "Ana Souza" in ambiguous
    await fails(session, "person", {"person": "Zed Nobody"})
    await fails(session, "today", {"limit": "many"})
    await fails(session, "today", {"limit": 0})
    await fails(session, "person", {})
    await fails(session, "snooze", {"key": "promise:c1", "until": "not a day"})
    await fails(session, "done", {"item": "no colon and no id"})
    await fails(session, "done", {"item": "promise:c999999"})
    await fails(session, "promise", {"person": "Ana Lima", "text": "x", "due": "9999-12-31"})
    await fails(session, "person", {"person": "x" * 400})


async def exercise_every_tool(session: Any, ids: dict[str, int]) -> None:
    await check_tool_list(session)
    day = await exercise_reads(session, ids)
    await exercise_writes(session, day)
    await check_bad_arguments(session)
