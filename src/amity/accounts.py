"""Accounts: users and their passwords, sessions' epochs, API tokens, invitations and sign-in
attempts.

These rows belong to the installation, not to any one book (a user *owns* a book), so this
module is the second door to data beside the Book: the only code outside book/ and store/
that touches tables. The web app (and any other adapter) calls it and never the schema.
Every function takes the engine and the current time explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, update

from amity.book import LOCAL_OWNER_EMAIL, create_user
from amity.book.context import insert_id
from amity.errors import Conflict, InvalidInput, NotFound
from amity.security import hash_token, new_token
from amity.store import engine as store_engine
from amity.store import schema as s

INVITATION_DAYS = 7
LOGIN_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 8
MAX_FAILURES_PER_CLIENT = 30
API_TOKEN_PREFIX = "amity_"
MAX_NAME = 200


@dataclass(frozen=True)
class User:
    id: int
    email: str
    name: str
    is_admin: bool
    session_epoch: int
    has_password: bool


def _user(row: Any) -> User:
    return User(
        id=int(row.id),
        email=row.email,
        name=row.name,
        is_admin=bool(row.is_admin),
        session_epoch=int(row.session_epoch),
        has_password=row.password_hash is not None,
    )


def canonical_email(value: str) -> str:
    from amity.rules.normalize import NormalizeError, email_key, normalize_email

    try:
        return email_key(normalize_email(value.strip()))
    except NormalizeError as exc:
        raise InvalidInput(str(exc), field="email") from None


def clean_name(value: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise InvalidInput("a name is required", field="name")
    if len(name) > MAX_NAME:
        raise InvalidInput(f"the name is longer than {MAX_NAME} characters", field="name")
    return name


# --- users ----------------------------------------------------------------------------------


def has_owner(engine: Engine) -> bool:
    """True once someone has signed up (a user with a password exists)."""
    with engine.connect() as conn:
        return (
            conn.execute(
                select(s.users.c.id).where(s.users.c.password_hash.is_not(None)).limit(1)
            ).first()
            is not None
        )


def user_by_id(engine: Engine, user_id: int) -> User | None:
    with engine.connect() as conn:
        row = conn.execute(select(s.users).where(s.users.c.id == user_id)).first()
    return None if row is None else _user(row)


def list_users(engine: Engine) -> list[User]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(s.users).where(s.users.c.password_hash.is_not(None)).order_by(s.users.c.id)
        ).all()
    return [_user(r) for r in rows]


def create_owner(
    engine: Engine, *, name: str, email: str, password_hash: str, now: datetime
) -> int:
    """The first account. A password-less admin left by the CLI (``owner@localhost``) is
    claimed, so the book the CLI filled becomes this user's book."""
    name, address = clean_name(name), canonical_email(email)
    u = s.users
    with store_engine.write_transaction(engine) as conn:
        if conn.execute(select(u.c.id).where(u.c.password_hash.is_not(None))).first():
            raise Conflict("this install already has an owner; sign in instead")
        local = conn.execute(
            select(u.c.id).where(u.c.email == LOCAL_OWNER_EMAIL, u.c.password_hash.is_(None))
        ).scalar()
        if local is not None:
            taken = conn.execute(
                select(u.c.id).where(u.c.email == address, u.c.id != local)
            ).first()
            if taken is None:
                conn.execute(
                    update(u)
                    .where(u.c.id == local)
                    .values(email=address, name=name, password_hash=password_hash, is_admin=True)
                )
                return int(local)
    user_id = create_user(engine, address, name=name, is_admin=True, now=now)
    with store_engine.write_transaction(engine) as conn:
        if conn.execute(select(u.c.id).where(u.c.password_hash.is_not(None))).first():
            raise Conflict("this install already has an owner; sign in instead")  # a race lost
        claimed = conn.execute(
            update(u)
            .where(u.c.id == user_id, u.c.password_hash.is_(None))
            .values(name=name, password_hash=password_hash, is_admin=True)
        )
        if claimed.rowcount != 1:
            raise Conflict("this e-mail address already has an account")
    return user_id


def login_candidate(engine: Engine, email: str) -> tuple[User | None, str | None]:
    """The user for an e-mail and their password hash (both None when unknown)."""
    try:
        address = canonical_email(email)
    except InvalidInput:
        return None, None
    with engine.connect() as conn:
        row = conn.execute(select(s.users).where(s.users.c.email == address)).first()
    return (None, None) if row is None else (_user(row), row.password_hash)


def set_password(engine: Engine, user_id: int, password_hash: str) -> None:
    """A new password also ends every other session."""
    u = s.users
    with store_engine.write_transaction(engine) as conn:
        conn.execute(
            update(u)
            .where(u.c.id == user_id)
            .values(password_hash=password_hash, session_epoch=u.c.session_epoch + 1)
        )


def end_all_sessions(engine: Engine, user_id: int) -> int:
    """Log out everywhere: sessions issued before carry an older epoch. Returns the new one."""
    u = s.users
    with store_engine.write_transaction(engine) as conn:
        conn.execute(update(u).where(u.c.id == user_id).values(session_epoch=u.c.session_epoch + 1))
        return int(conn.execute(select(u.c.session_epoch).where(u.c.id == user_id)).scalar_one())


def calendar_token(engine: Engine, user_id: int, *, renew: bool = False) -> str:
    """The secret of the user's calendar feed URL, made on first use."""
    u = s.users
    with store_engine.write_transaction(engine) as conn:
        token = conn.execute(select(u.c.calendar_token).where(u.c.id == user_id)).scalar()
        if token and not renew:
            return str(token)
        token = new_token()[:43]
        conn.execute(update(u).where(u.c.id == user_id).values(calendar_token=token))
        return token


# --- login attempts -------------------------------------------------------------------------


def login_blocked(engine: Engine, *, email: str, client: str, now: datetime) -> bool:
    """Too many recent failures for this e-mail or from this client (shared by all workers)."""
    t = s.login_attempts
    since = now - LOGIN_WINDOW
    with engine.connect() as conn:

        def failures(key: str) -> int:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(t)
                    .where(t.c.key == key, t.c.at >= since, t.c.succeeded.is_(False))
                ).scalar_one()
            )

        return (
            failures("email:" + email.strip().lower()[:300]) >= MAX_FAILURES_PER_EMAIL
            or failures("client:" + client[:300]) >= MAX_FAILURES_PER_CLIENT
        )


def record_login(
    engine: Engine, *, email: str, client: str, succeeded: bool, now: datetime
) -> None:
    t = s.login_attempts
    keys = ["email:" + email.strip().lower()[:300], "client:" + client[:300]]
    with store_engine.write_transaction(engine) as conn:
        conn.execute(delete(t).where(t.c.at < now - timedelta(days=1)))
        if succeeded:  # a success forgives the e-mail's earlier failures
            conn.execute(delete(t).where(t.c.key == keys[0]))
        conn.execute(insert(t), [{"key": k, "at": now, "succeeded": succeeded} for k in keys])


# --- API tokens -----------------------------------------------------------------------------


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


# --- invitations ----------------------------------------------------------------------------


def create_invitation(engine: Engine, created_by: int, email: str | None, *, now: datetime) -> str:
    """An invitation link's secret (shown once); the address is optional."""
    address = canonical_email(email) if email and email.strip() else None
    if address is not None:
        with engine.connect() as conn:
            if conn.execute(select(s.users.c.id).where(s.users.c.email == address)).first():
                raise Conflict("a user with this e-mail address already exists")
    token = new_token()
    with store_engine.write_transaction(engine) as conn:
        conn.execute(
            insert(s.invitations).values(
                created_by=created_by,
                email=address,
                token_hash=hash_token(token),
                created_at=now,
                expires_at=now + timedelta(days=INVITATION_DAYS),
            )
        )
    return token


def list_invitations(engine: Engine, created_by: int) -> list[dict[str, Any]]:
    i = s.invitations
    with engine.connect() as conn:
        rows = conn.execute(
            select(i.c.id, i.c.email, i.c.created_at, i.c.expires_at, i.c.accepted_at)
            .where(i.c.created_by == created_by)
            .order_by(i.c.id.desc())
        ).all()
    return [dict(r._mapping) for r in rows]


def withdraw_invitation(engine: Engine, created_by: int, invitation_id: int) -> None:
    i = s.invitations
    with store_engine.write_transaction(engine) as conn:
        gone = conn.execute(
            delete(i).where(
                i.c.id == invitation_id, i.c.created_by == created_by, i.c.accepted_at.is_(None)
            )
        )
        if gone.rowcount != 1:
            raise NotFound(f"no open invitation #{invitation_id}")


def open_invitation(engine: Engine, token: str, *, now: datetime) -> dict[str, Any] | None:
    """The invitation for a link's secret while it can still be accepted."""
    i = s.invitations
    with engine.connect() as conn:
        row = conn.execute(
            select(i.c.id, i.c.email, i.c.expires_at).where(
                i.c.token_hash == hash_token(token), i.c.accepted_at.is_(None)
            )
        ).first()
    if row is None or row.expires_at <= now:
        return None
    return dict(row._mapping)


def accept_invitation(
    engine: Engine, token: str, *, name: str, email: str, password_hash: str, now: datetime
) -> int:
    """A new user with an empty book of their own."""
    invitation = open_invitation(engine, token, now=now)
    if invitation is None:
        raise NotFound("this invitation link is unknown, used or expired")
    name = clean_name(name)
    address = invitation["email"] or canonical_email(email)
    with engine.connect() as conn:
        if conn.execute(select(s.users.c.id).where(s.users.c.email == address)).first():
            raise Conflict("a user with this e-mail address already exists")
    i, u = s.invitations, s.users
    with store_engine.write_transaction(engine) as conn:
        claimed = conn.execute(
            update(i)
            .where(i.c.id == invitation["id"], i.c.accepted_at.is_(None))
            .values(accepted_at=now)
        )
        if claimed.rowcount != 1:
            raise NotFound("this invitation link is unknown, used or expired")
    user_id = create_user(engine, address, name=name, now=now)
    with store_engine.write_transaction(engine) as conn:
        conn.execute(update(u).where(u.c.id == user_id).values(password_hash=password_hash))
        conn.execute(update(i).where(i.c.id == invitation["id"]).values(accepted_by=user_id))
    return user_id


def owner_of_calendar_token(engine: Engine, token: str) -> int | None:
    if not token or len(token) > 64:
        return None
    with engine.connect() as conn:
        found = conn.execute(select(s.users.c.id).where(s.users.c.calendar_token == token)).scalar()
    return None if found is None else int(found)


def owners_with_digest(engine: Engine) -> list[int]:
    """Users who turned the daily digest on (for the server's scheduler)."""
    t = s.settings
    with engine.connect() as conn:
        rows = conn.execute(
            select(t.c.owner_id).where(t.c.key == "digest.enabled", t.c.value == "true")
        ).all()
    return [int(r[0]) for r in rows]
