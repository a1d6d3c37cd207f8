"""The MCP server over streamable HTTP at ``/mcp`` in the web app, for API tokens.

Every request needs ``Authorization: Bearer <API token>`` (the SDK's bearer middleware with a
verifier over ``amity.accounts``); the token's owner is the book, its scope decides whether
write tools run. The transport is stateless with JSON answers, so any worker of a multi-worker
server can answer any request (no session lives in one process). DNS-rebinding protection is
off: it guards unauthenticated local servers, and a page in a browser cannot add the token.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings

from amity import accounts
from amity.assistant.access import Access
from amity.assistant.server import build_server
from amity.book import Book

if TYPE_CHECKING:
    from fastapi import FastAPI
    from mcp.server.mcpserver import MCPServer
    from sqlalchemy import Engine

PATH = "/mcp"
READ_SCOPE, WRITE_SCOPE = "read", "write"


class ApiTokens:
    """The SDK's TokenVerifier over Amity's API tokens."""

    def __init__(self, engine: Engine, clock: Callable[[], Any]) -> None:
        self.engine, self.clock = engine, clock

    async def verify_token(self, token: str) -> AccessToken | None:
        from anyio import to_thread

        grant = await to_thread.run_sync(self.grant, token)
        if grant is None:
            return None
        scopes = [READ_SCOPE, WRITE_SCOPE] if grant.can_write else [READ_SCOPE]
        return AccessToken(
            token=token,
            client_id=f"amity-token-{grant.token_id}",
            scopes=scopes,
            subject=str(grant.owner_id),
        )

    def grant(self, token: str) -> accounts.TokenGrant | None:
        return accounts.api_token_grant(self.engine, token, now=self.clock())


def token_access(engine: Engine, url: str, clock: Callable[[], Any]) -> Callable[[], Access]:
    """The book of the request's token owner (the SDK carries the token to the tool)."""

    def access() -> Access:
        token = get_access_token()
        if token is None or token.subject is None or not token.subject.isdigit():
            raise ToolError("sign in with an API token")
        book = Book(engine, int(token.subject), url, clock, door="mcp", actor="api token")
        return Access(book, can_write=WRITE_SCOPE in token.scopes)

    return access


def mount_mcp(
    app: FastAPI, engine: Engine, url: str, clock: Callable[[], Any], base_url: str
) -> MCPServer[Any]:
    """Add ``/mcp`` to ``app``; the caller runs ``server.session_manager.run()`` in the app's
    lifespan. Returns the server."""
    from starlette.routing import Route

    server = build_server(
        token_access(engine, url, clock),
        token_verifier=ApiTokens(engine, clock),
        auth=AuthSettings(
            issuer_url=base_url or "http://127.0.0.1:8787",  # type: ignore[arg-type]
            resource_server_url=None,
            required_scopes=[READ_SCOPE],
        ),
    )
    asgi = server.streamable_http_app(
        streamable_http_path=PATH,
        stateless_http=True,
        json_response=True,
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    # the sub-app keeps its own middleware (bearer authentication) and answers at PATH
    app.router.routes.append(Route(PATH, endpoint=asgi))
    return server
