"""API tokens: Bearer secrets for the REST API and MCP, and CardDAV app passwords (scope
``dav``). Only a token's SHA-256 is kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, select, update

from amity.accounts.users import clean_name
from amity.book.context import insert_id
from amity.errors import InvalidInput, NotFound
from amity.security import hash_token, new_token
from amity.store import engine as store_engine
from amity.store import schema as s

API_TOKEN_PREFIX = "amity_"

# What a token may do: "api" reads and writes (every token made before scopes existed has it),
# "read" only reads (the REST API answers 403 to its writes, the MCP server refuses write tools).
TOKEN_SCOPES = ("api", "read")
# "dav" (issue 10): an app password for the CardDAV server under /dav/, which opens nothing else
APP_PASSWORD_SCOPE = "dav"
ALL_SCOPES = (*TOKEN_SCOPES, APP_PASSWORD_SCOPE)
SCOPE_LABELS = {"api": "read and write", "read": "read only", "dav": "CardDAV app password"}


@dataclass(frozen=True)
class TokenGrant:
    """Who a Bearer token stands for and what it may do."""

    token_id: int
    owner_id: int
    scope: str

    @property
    def can_write(self) -> bool:
        return self.scope == "api"


def create_api_token(
    engine: Engine, owner_id: int, name: str, *, now: datetime, scope: str = "api"
) -> tuple[int, str]:
    """A new token; the secret is returned once and only its hash is kept."""
    if scope not in ALL_SCOPES:
        raise InvalidInput(f"a token's scope is one of {', '.join(ALL_SCOPES)}", field="scope")
    label = clean_name(name)
    token = new_token(API_TOKEN_PREFIX)
    t = s.api_tokens
    with store_engine.write_transaction(engine) as conn:
        token_id = insert_id(
            conn,
            insert(t).values(
                owner_id=owner_id,
                name=label,
                token_hash=hash_token(token),
                prefix=token[:12],
                created_at=now,
                scope=scope,
            ),
        )
    return token_id, token


def list_api_tokens(engine: Engine, owner_id: int) -> list[dict[str, Any]]:
    t = s.api_tokens
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                t.c.id,
                t.c.name,
                t.c.prefix,
                t.c.created_at,
                t.c.last_used_at,
                t.c.revoked_at,
                t.c.scope,
            )
            .where(t.c.owner_id == owner_id)
            .order_by(t.c.id.desc())
        ).all()
    return [dict(r._mapping) for r in rows]


def revoke_api_token(engine: Engine, owner_id: int, token_id: int, *, now: datetime) -> None:
    t = s.api_tokens
    with store_engine.write_transaction(engine) as conn:
        done = conn.execute(
            update(t)
            .where(t.c.id == token_id, t.c.owner_id == owner_id, t.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        if done.rowcount != 1:
            raise NotFound(f"no active API token #{token_id}")


def owner_of_api_token(engine: Engine, token: str, *, now: datetime) -> int | None:
    """The owner a Bearer token stands for, or None when unknown or revoked."""
    grant = api_token_grant(engine, token, now=now)
    return None if grant is None else grant.owner_id


def api_token_grant(engine: Engine, token: str, *, now: datetime) -> TokenGrant | None:
    """The owner and scope of a Bearer token, or None when unknown, revoked or of a scope
    that does not open the API."""
    if not token.startswith(API_TOKEN_PREFIX) or len(token) > 200:
        return None
    t = s.api_tokens
    digest = hash_token(token)
    with engine.connect() as conn:
        row = conn.execute(
            select(t.c.id, t.c.owner_id, t.c.last_used_at, t.c.scope).where(
                t.c.token_hash == digest, t.c.revoked_at.is_(None)
            )
        ).first()
    if row is None or row.scope not in TOKEN_SCOPES:
        return None
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=5):
        with store_engine.write_transaction(engine) as conn:  # at most one write per 5 minutes
            conn.execute(update(t).where(t.c.id == row.id).values(last_used_at=now))
    return TokenGrant(token_id=int(row.id), owner_id=int(row.owner_id), scope=str(row.scope))


def owner_of_app_password(engine: Engine, token: str, *, now: datetime) -> int | None:
    """The owner of a CardDAV app password (a token with the ``dav`` scope), or None; API
    tokens are not app passwords, and app passwords never open the API."""
    if not token.startswith(API_TOKEN_PREFIX) or len(token) > 200:
        return None
    t = s.api_tokens
    with engine.connect() as conn:
        row = conn.execute(
            select(t.c.id, t.c.owner_id, t.c.last_used_at).where(
                t.c.token_hash == hash_token(token),
                t.c.revoked_at.is_(None),
                t.c.scope == APP_PASSWORD_SCOPE,
            )
        ).first()
    if row is None:
        return None
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=5):
        with store_engine.write_transaction(engine) as conn:
            conn.execute(update(t).where(t.c.id == row.id).values(last_used_at=now))
    return int(row.owner_id)


def revoke_all_api_tokens(engine: Engine, owner_id: int, *, now: datetime) -> int:
    """Revoke every active token of the user, app passwords (scope ``dav``) included."""
    t = s.api_tokens
    with store_engine.write_transaction(engine) as conn:
        done = conn.execute(
            update(t)
            .where(t.c.owner_id == owner_id, t.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    return int(done.rowcount or 0)
