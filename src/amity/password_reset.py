"""Forgotten passwords: one-time, expiring, single-use reset links (issue 12 §7).

Installation rows like :mod:`amity.accounts` (a reset belongs to a user, not to a book): only
the token's hash is stored; a link works once, for ``RESET_MINUTES``, and using it (or setting
a password any other way through :func:`set_new_password`) ends every session of the user.
At most ``MAX_PER_HOUR`` links are made per user and hour, so the form cannot flood a mailbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, insert, select, update

from amity import accounts
from amity.errors import InvalidInput
from amity.security import hash_token, new_token
from amity.store import engine as store_engine
from amity.store import schema as s

RESET_MINUTES = 60
MAX_PER_HOUR = 3
TOKEN_PREFIX = "reset_"


@dataclass(frozen=True)
class ResetLink:
    user: accounts.User
    token: str  # shown once: only its hash is stored
    expires_at: datetime


def create_reset(engine: Engine, email: str, *, now: datetime) -> ResetLink | None:
    """A new reset token for the user with ``email``; None for an unknown address, a user
    without a password (nothing to reset) or one who asked too often in the last hour."""
    user, password_hash = accounts.login_candidate(engine, email)
    if user is None or password_hash is None:
        return None
    r = s.password_resets
    with store_engine.write_transaction(engine) as conn:
        recent = conn.execute(
            select(func.count())
            .select_from(r)
            .where(r.c.user_id == user.id, r.c.created_at > now - timedelta(hours=1))
        ).scalar_one()
        if recent >= MAX_PER_HOUR:
            return None
        token = new_token(TOKEN_PREFIX)
        expires = now + timedelta(minutes=RESET_MINUTES)
        conn.execute(
            insert(r).values(
                user_id=user.id, token_hash=hash_token(token), created_at=now, expires_at=expires
            )
        )
    return ResetLink(user, token, expires)


def open_reset(engine: Engine, token: str, *, now: datetime) -> accounts.User | None:
    """The user a still-valid (unused, unexpired) token resets, else None."""
    r = s.password_resets
    with engine.connect() as conn:
        user_id = conn.execute(
            select(r.c.user_id).where(
                r.c.token_hash == hash_token(token[:200]),
                r.c.used_at.is_(None),
                r.c.expires_at > now,
            )
        ).scalar()
    return None if user_id is None else accounts.user_by_id(engine, int(user_id))


def use_reset(engine: Engine, token: str, password_hash: str, *, now: datetime) -> accounts.User:
    """Set the new password through a token, once: the token is spent in the same
    transaction, every other link of the user too, and every session ends."""
    r, u = s.password_resets, s.users
    with store_engine.write_transaction(engine) as conn:
        row = conn.execute(
            select(r.c.id, r.c.user_id).where(
                r.c.token_hash == hash_token(token[:200]),
                r.c.used_at.is_(None),
                r.c.expires_at > now,
            )
        ).first()
        if row is None:
            raise InvalidInput("this reset link is unknown, used or expired", field="token")
        spent = conn.execute(
            update(r).where(r.c.id == row.id, r.c.used_at.is_(None)).values(used_at=now)
        )
        if spent.rowcount != 1:  # another request used it first
            raise InvalidInput("this reset link is unknown, used or expired", field="token")
        conn.execute(
            update(r).where(r.c.user_id == row.user_id, r.c.used_at.is_(None)).values(used_at=now)
        )
        conn.execute(
            update(u)
            .where(u.c.id == row.user_id)
            .values(password_hash=password_hash, session_epoch=u.c.session_epoch + 1)
        )
    accounts.end_all_sessions(engine, int(row.user_id), now=now)  # server-side sessions too
    user = accounts.user_by_id(engine, int(row.user_id))
    assert user is not None
    return user


def set_new_password(
    engine: Engine, email: str, password_hash: str, *, now: datetime
) -> accounts.User:
    """`amity user reset-password EMAIL`: a new password for a known user (ends sessions and
    spends the user's open reset links)."""
    user, _ = accounts.login_candidate(engine, email)
    if user is None:
        raise InvalidInput(f"no user with the e-mail address {email!r}", field="email")
    accounts.set_password(engine, user.id, password_hash, now=now)
    r = s.password_resets
    with store_engine.write_transaction(engine) as conn:
        conn.execute(
            update(r).where(r.c.user_id == user.id, r.c.used_at.is_(None)).values(used_at=now)
        )
    return user


__all__ = [
    "MAX_PER_HOUR",
    "RESET_MINUTES",
    "ResetLink",
    "create_reset",
    "open_reset",
    "set_new_password",
    "use_reset",
]
