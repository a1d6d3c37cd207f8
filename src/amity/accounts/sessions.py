"""Server-side sessions and known devices.

A signed-in browser holds a random session id in its (signed) cookie; the server keeps only
its SHA-256 in ``web_sessions``, with who, how (password, passkey, single sign-on...), when
and from where. Every request looks the row up, so sign-out, "log out everywhere" and a
password change end a session for good: a cookie copied before sign-out fails afterwards.

A known device is a browser that signed in to an account before: a second, long-lived cookie
whose hash is kept in ``known_devices``. The sign-in throttle does not slow it down when
other clients' failures make the account wait (:mod:`amity.accounts.throttle`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update

from amity.accounts.users import User, _user
from amity.book.context import insert_id
from amity.security import hash_token, new_token
from amity.store import engine as store_engine
from amity.store import schema as s

SESSION_DAYS = 14
DEVICE_DAYS = 365
TOUCH_EVERY = timedelta(minutes=5)  # last_seen_at is written at most this often
METHODS = ("password", "passkey", "sso", "proxy", "setup", "invitation")


@dataclass(frozen=True)
class SessionInfo:
    id: int
    user_id: int
    method: str
    second_factor: str | None
    created_at: datetime
    last_seen_at: datetime


def start_session(
    engine: Engine,
    user_id: int,
    *,
    method: str,
    now: datetime,
    second_factor: str | None = None,
    client: str = "",
    user_agent: str = "",
) -> str:
    """A new session; returns the secret for the cookie (only its hash is kept)."""
    token = new_token()
    with store_engine.write_transaction(engine) as conn:
        conn.execute(
            insert(s.web_sessions).values(
                user_id=user_id,
                token_hash=hash_token(token),
                method=method[:20],
                second_factor=second_factor,
                client=client[:100],
                user_agent=user_agent[:300],
                created_at=now,
                last_seen_at=now,
                expires_at=now + timedelta(days=SESSION_DAYS),
            )
        )
    return token


def session_user(engine: Engine, token: str, *, now: datetime) -> tuple[User, SessionInfo] | None:
    """The user and session of a live session secret (None when unknown, revoked, expired, or
    the user lost their password)."""
    if not token or len(token) > 200:
        return None
    w, u = s.web_sessions, s.users
    with engine.connect() as conn:
        row = conn.execute(
            select(
                u,
                w.c.id.label("session_id"),
                w.c.method,
                w.c.second_factor,
                w.c.created_at.label("session_created_at"),
                w.c.last_seen_at,
            )
            .join(w, w.c.user_id == u.c.id)
            .where(
                w.c.token_hash == hash_token(token),
                w.c.revoked_at.is_(None),
                w.c.expires_at > now,
            )
        ).first()
    if row is None or (row.password_hash is None and row.method == "password"):
        return None
    info = SessionInfo(
        id=int(row.session_id),
        user_id=int(row.id),
        method=row.method,
        second_factor=row.second_factor,
        created_at=row.session_created_at,
        last_seen_at=row.last_seen_at,
    )
    if now - row.last_seen_at > TOUCH_EVERY:
        with store_engine.write_transaction(engine) as conn:
            conn.execute(update(w).where(w.c.id == info.id).values(last_seen_at=now))
    return _user(row), info


def revoke_session(engine: Engine, token: str, *, now: datetime) -> None:
    """Sign-out: this session ends on the server, whoever holds a copy of the cookie."""
    w = s.web_sessions
    with store_engine.write_transaction(engine) as conn:
        conn.execute(
            update(w)
            .where(w.c.token_hash == hash_token(token), w.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )


def revoke_sessions(
    engine: Engine, user_id: int, *, now: datetime, keep_token: str | None = None
) -> int:
    """End every session of the user (but ``keep_token``'s); returns how many ended."""
    w = s.web_sessions
    query = update(w).where(w.c.user_id == user_id, w.c.revoked_at.is_(None))
    if keep_token:
        query = query.where(w.c.token_hash != hash_token(keep_token))
    with store_engine.write_transaction(engine) as conn:
        done = conn.execute(query.values(revoked_at=now))
        conn.execute(delete(w).where(w.c.expires_at < now - timedelta(days=30)))
    return int(done.rowcount or 0)


def revoke_session_by_id(engine: Engine, user_id: int, session_id: int, *, now: datetime) -> bool:
    w = s.web_sessions
    with store_engine.write_transaction(engine) as conn:
        done = conn.execute(
            update(w)
            .where(w.c.id == session_id, w.c.user_id == user_id, w.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    return bool(done.rowcount)


def list_sessions(engine: Engine, user_id: int, *, now: datetime) -> list[dict[str, Any]]:
    """The user's live sessions, newest first."""
    w = s.web_sessions
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                w.c.id,
                w.c.method,
                w.c.second_factor,
                w.c.client,
                w.c.user_agent,
                w.c.created_at,
                w.c.last_seen_at,
            )
            .where(w.c.user_id == user_id, w.c.revoked_at.is_(None), w.c.expires_at > now)
            .order_by(w.c.id.desc())
        ).all()
    return [dict(r._mapping) for r in rows]


# --- known devices --------------------------------------------------------------------------


def remember_device(engine: Engine, user_id: int, token: str | None, *, now: datetime) -> str:
    """After a sign-in: the device cookie's secret (the one it had, if it is this account's
    already; else a new one)."""
    d = s.known_devices
    if token and known_device(engine, user_id, token) is not None:
        with store_engine.write_transaction(engine) as conn:
            conn.execute(
                update(d).where(d.c.token_hash == hash_token(token)).values(last_used_at=now)
            )
        return token
    fresh = new_token()
    with store_engine.write_transaction(engine) as conn:
        insert_id(
            conn,
            insert(d).values(
                user_id=user_id, token_hash=hash_token(fresh), created_at=now, last_used_at=now
            ),
        )
        conn.execute(delete(d).where(d.c.last_used_at < now - timedelta(days=DEVICE_DAYS)))
    return fresh


def known_device(engine: Engine, user_id: int, token: str | None) -> int | None:
    """The id of this account's known device for a device cookie, or None."""
    if not token or len(token) > 200:
        return None
    d = s.known_devices
    with engine.connect() as conn:
        found = conn.execute(
            select(d.c.id).where(d.c.token_hash == hash_token(token), d.c.user_id == user_id)
        ).scalar()
    return None if found is None else int(found)


def mark_second_factor(engine: Engine, token: str, factor: str) -> None:
    """This session has now passed a second factor (set up in it, or asked later)."""
    w = s.web_sessions
    with store_engine.write_transaction(engine) as conn:
        conn.execute(
            update(w).where(w.c.token_hash == hash_token(token)).values(second_factor=factor[:20])
        )
