"""Users and their passwords, invitations, the calendar feed's secret."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update

from amity.book import LOCAL_OWNER_EMAIL, create_user
from amity.errors import Conflict, InvalidInput, NotFound
from amity.security import hash_token, new_token
from amity.store import engine as store_engine
from amity.store import schema as s

INVITATION_DAYS = 7
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
        linked = select(s.sso_links.c.user_id)  # single sign-on users have no password
        rows = conn.execute(
            select(s.users)
            .where(s.users.c.password_hash.is_not(None) | s.users.c.id.in_(linked))
            .order_by(s.users.c.id)
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


def set_password(
    engine: Engine,
    user_id: int,
    password_hash: str,
    *,
    now: datetime | None = None,
    keep_session: str | None = None,
) -> None:
    """A new password also ends every other session (all but ``keep_session``'s)."""
    from amity.accounts.sessions import revoke_sessions

    u = s.users
    with store_engine.write_transaction(engine) as conn:
        conn.execute(
            update(u)
            .where(u.c.id == user_id)
            .values(password_hash=password_hash, session_epoch=u.c.session_epoch + 1)
        )
    revoke_sessions(engine, user_id, now=now or _utcnow(), keep_token=keep_session)


def end_all_sessions(engine: Engine, user_id: int, *, now: datetime | None = None) -> int:
    """Log out everywhere: every session of the user is revoked on the server (and sessions
    issued before carry an older epoch). Returns the new epoch."""
    from amity.accounts.sessions import revoke_sessions

    u = s.users
    with store_engine.write_transaction(engine) as conn:
        conn.execute(update(u).where(u.c.id == user_id).values(session_epoch=u.c.session_epoch + 1))
        epoch = int(conn.execute(select(u.c.session_epoch).where(u.c.id == user_id)).scalar_one())
    revoke_sessions(engine, user_id, now=now or _utcnow())
    return epoch


def _utcnow() -> datetime:
    from datetime import UTC

    return datetime.now(UTC)


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
