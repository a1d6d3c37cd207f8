"""Building the MCP server (official SDK, ``MCPServer``) over a source of :class:`Access`.

The same server serves stdio (``amity mcp``: :func:`run_stdio`) and streamable HTTP
(``amity.assistant.http``, mounted at ``/mcp`` by the web app). Book errors become tool errors
with the Book's message; an ambiguous person lists the candidates; another owner's id is "not
found" like everywhere. Nothing here writes to stdout (stdio is the protocol's channel).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError

from amity.assistant.access import Access
from amity.assistant.tools import brief_text, card_text, register_tools
from amity.errors import Ambiguous, AmityError, NotFound

INSTRUCTIONS = (
    "Amity is the user's personal relationship manager. Start with `today` (ranked actions, "
    "each with its reason and key) or `brief` (before a meeting). People are named by id, "
    "e-mail or name; when a name is ambiguous the error lists the candidates: ask the user or "
    "use the id. Use `done` and `snooze` with the keys `today` returns."
)


def tool_error(exc: AmityError) -> ToolError:
    """The Book's message as a tool error; an ambiguous reference lists its candidates."""
    if isinstance(exc, Ambiguous):
        shown = "; ".join(f"{ident}: {label}" for ident, label in exc.candidates[:10])
        return ToolError(f"{str(exc).rstrip('.')}. Candidates (id: name): {shown}.")
    return ToolError(str(exc))


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` with Book errors turned into tool errors (the signature is kept for the SDK)."""

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AmityError as exc:
            raise tool_error(exc) from None
        except OverflowError:
            raise ToolError("a day out of range: use dates between 1900 and 2199") from None

    return call


class GuardedServer:
    """The SDK's server whose ``tool`` decorator wraps every tool in :func:`guarded`."""

    def __init__(self, server: MCPServer[Any]) -> None:
        self._server = server

    def tool(self, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def register(fn: Callable[..., Any]) -> Callable[..., Any]:
            self._server.add_tool(guarded(fn), **kwargs)
            return fn

        return register


class AmityServer(MCPServer[Any]):
    """The SDK's server listing only the tools the caller may use: a read-only connection
    (a read-scoped token, ``amity mcp --read-only``) does not see the write tools at all
    (calling one anyway is still refused by :class:`Access`)."""

    def __init__(self, access: Callable[[], Access], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._access = access

    async def list_tools(self) -> list[Any]:
        tools = await super().list_tools()
        if self._access().can_write:
            return tools
        return [t for t in tools if t.annotations is not None and t.annotations.read_only_hint]


def build_server(access: Callable[[], Access], **settings: Any) -> MCPServer[Any]:
    """The Amity MCP server; ``access()`` names the caller's book for each request."""
    from importlib.metadata import version

    server: MCPServer[Any] = AmityServer(
        access,
        "amity",
        title="Amity",
        instructions=INSTRUCTIONS,
        version=version("amity"),
        log_level="WARNING",
        **settings,
    )
    register_tools(GuardedServer(server), access)
    register_resources(server, access)
    register_prompts(server, access)
    return server


def register_resources(server: MCPServer[Any], access: Callable[[], Access]) -> None:
    @server.resource(
        "amity://people/{person_id}",
        name="person-card",
        title="Person card",
        description="A person's profile, facts, questions to ask and recent interactions.",
        mime_type="text/markdown",
    )
    def person_card(person_id: str) -> str:
        if not person_id.isdigit() or not 0 < int(person_id) < 2**31:
            raise ResourceNotFoundError(f"no person {person_id!r}")
        try:
            card = access().book.person_card(int(person_id), recent=10)
        except NotFound as exc:
            raise ResourceNotFoundError(str(exc)) from None
        return "# " + card_text(card).replace("\n", "\n\n", 1)

    @server.resource(
        "amity://agenda/today",
        name="today",
        title="Today's agenda",
        description="Today's ranked actions with their reasons and keys.",
        mime_type="text/plain",
    )
    def agenda_today() -> str:
        items = access().book.agenda.items(limit=50)
        return "\n".join(f"{a.reason}  [key {a.key}]" for a in items) or "Nothing today."


def register_prompts(server: MCPServer[Any], access: Callable[[], Access]) -> None:
    @server.prompt(name="prepare_for_today", title="Prepare for today's meetings")
    def prepare_for_today() -> str:
        """Briefs for everyone you meet today, to read before the meetings."""
        meetings = access().book.briefs.prepare()
        if not meetings:
            return (
                "I have no planned meetings today in Amity. Look at my agenda with the `today` "
                "tool and suggest who I should reach out to."
            )
        parts = [
            "Prepare me for today's meetings. For each one: a two-line reminder of who they "
            "are, what we last talked about, open promises, and the two best questions to ask. "
            "Here are the briefs from Amity:"
        ]
        for m in meetings:
            parts.append(
                f"\n## {m.interaction.occurred_at:%H:%M} {m.interaction.subject or m.interaction.kind}"
            )
            parts += [brief_text(b) for b in m.briefs]
        return "\n".join(parts)

    @server.prompt(name="weekly_review", title="Weekly review")
    def weekly_review() -> str:
        """This week against the last, to reflect and plan the next one."""
        from amity import serialize

        review = serialize.review_json(access().book.reviews.review("week"))
        import json

        return (
            "Run my weekly relationship review. Say what went well, what slipped (promises, "
            "replies, drifting people), and propose three concrete actions for next week. "
            "Use the `today` and `promises` tools for details. Amity's numbers (each measure: "
            "current, previous, change):\n" + json.dumps(review, indent=1, default=str)
        )


def run_stdio(book: Any, *, read_only: bool = False) -> None:
    """Serve ``book`` over stdin/stdout until the client closes the connection."""
    grant = Access(book, can_write=not read_only)
    build_server(lambda: grant).run("stdio")
