"""Single sign-on identities: an OpenID Connect provider's (issuer, subject) linked to a user.

- A sign-in through the provider finds the user by ``(issuer, sub)`` only, never by the
  e-mail address alone: an address the provider vouches for that belongs to an existing
  account is refused until that account's owner links the provider (signed in, from
  Settings → Security).
- A new account through the provider is made only for an address with an open invitation
  (which it uses up) or, when the installation allows a domain, a verified address there.
- A trusted reverse proxy's header (``AMITY_PROXY_AUTH_HEADER``) names an existing user by
  e-mail: the proxy did the authentication (:func:`proxy_user`).
- Single sign-on and proxy sign-ins skip Amity's own second factor: the provider is the factor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update

from amity.accounts.users import User, canonical_email, clean_name, user_by_id
from amity.book.context import insert_id
from amity.errors import Conflict, InvalidInput, NotFound
from amity.store import engine as store_engine
from amity.store import schema as s

MAX_SUBJECT = 255


@dataclass(frozen=True)
class Identity:
    """What a provider's verified ID token says about the person."""

    issuer: str
    subject: str
    email: str | None
    email_verified: bool
    name: str | None


class SignUpRefused(Conflict):
    """The provider vouched for someone this installation has no account or invitation for."""


def sso_sign_in(
    engine: Engine, identity: Identity, *, allowed_domains: frozenset[str], now: datetime
) -> int:
    """The user this identity signs in (linked before, or made now under the rules above)."""
    if not identity.subject or len(identity.subject) > MAX_SUBJECT or len(identity.issuer) > 500:
        raise InvalidInput("the provider's answer has no usable subject")
    linked = linked_user(engine, identity.issuer, identity.subject)
    if linked is not None:
        _touch(engine, identity, now=now)
        return linked
    if not identity.email:
        raise SignUpRefused("the provider gave no e-mail address for this new account")
    address = canonical_email(identity.email)
    with engine.connect() as conn:
        taken = conn.execute(select(s.users.c.id).where(s.users.c.email == address)).first()
    if taken is not None:
        raise SignUpRefused(
            "an account with this e-mail address exists: sign in with it and link the "
            "provider in Settings → Security"
        )
    invitation = _open_invitation_for(engine, address, now=now)
    domain = address.rsplit("@", 1)[-1]
    if invitation is None and not (identity.email_verified and domain in allowed_domains):
        raise SignUpRefused(
            "this address has no invitation here; ask the owner of this Amity to invite you"
        )
    return _create_linked_user(engine, identity, address, invitation, now=now)


def _open_invitation_for(engine: Engine, address: str, *, now: datetime) -> int | None:
    i = s.invitations
    with engine.connect() as conn:
        row = conn.execute(
            select(i.c.id).where(
                i.c.email == address, i.c.accepted_at.is_(None), i.c.expires_at > now
            )
        ).first()
    return None if row is None else int(row.id)


def _create_linked_user(
    engine: Engine, identity: Identity, address: str, invitation: int | None, *, now: datetime
) -> int:
    from amity.book import create_user

    i = s.invitations
    if invitation is not None:
        with store_engine.write_transaction(engine) as conn:
            claimed = conn.execute(
                update(i)
                .where(i.c.id == invitation, i.c.accepted_at.is_(None))
                .values(accepted_at=now)
            )
        if claimed.rowcount != 1:
            raise SignUpRefused("this invitation was used meanwhile")
    name = clean_name(identity.name or address.split("@", maxsplit=1)[0])
    user_id = create_user(engine, address, name=name, now=now)
    with store_engine.write_transaction(engine) as conn:
        if invitation is not None:
            conn.execute(update(i).where(i.c.id == invitation).values(accepted_by=user_id))
    link(engine, user_id, identity, now=now)
    return user_id


def linked_user(engine: Engine, issuer: str, subject: str) -> int | None:
    t = s.sso_links
    with engine.connect() as conn:
        found = conn.execute(
            select(t.c.user_id).where(t.c.issuer == issuer, t.c.subject == subject)
        ).scalar()
    return None if found is None else int(found)


def link(engine: Engine, user_id: int, identity: Identity, *, now: datetime) -> int:
    """Link the identity to a signed-in user (refused when another user has it)."""
    owner = linked_user(engine, identity.issuer, identity.subject)
    if owner is not None and owner != user_id:
        raise Conflict("this provider account is linked to another user")
    t = s.sso_links
    with store_engine.write_transaction(engine) as conn:
        if owner is None:
            return insert_id(
                conn,
                insert(t).values(
                    user_id=user_id,
                    issuer=identity.issuer,
                    subject=identity.subject,
                    email=(identity.email or "")[:320] or None,
                    created_at=now,
                    last_used_at=now,
                ),
            )
    return 0


def _touch(engine: Engine, identity: Identity, *, now: datetime) -> None:
    t = s.sso_links
    with store_engine.write_transaction(engine) as conn:
        conn.execute(
            update(t)
            .where(t.c.issuer == identity.issuer, t.c.subject == identity.subject)
            .values(last_used_at=now, email=(identity.email or "")[:320] or None)
        )


def list_links(engine: Engine, user_id: int) -> list[dict[str, Any]]:
    t = s.sso_links
    with engine.connect() as conn:
        rows = conn.execute(
            select(t.c.id, t.c.issuer, t.c.email, t.c.created_at, t.c.last_used_at)
            .where(t.c.user_id == user_id)
            .order_by(t.c.id)
        ).all()
    return [dict(r._mapping) for r in rows]


def unlink(engine: Engine, user_id: int, link_id: int) -> None:
    t = s.sso_links
    with store_engine.write_transaction(engine) as conn:
        gone = conn.execute(delete(t).where(t.c.id == link_id, t.c.user_id == user_id))
    if gone.rowcount != 1:
        raise NotFound(f"no linked sign-in #{link_id}")


def proxy_user(engine: Engine, header_value: str) -> User | None:
    """The existing user a trusted proxy's header names (by e-mail); None when unknown."""
    try:
        address = canonical_email(header_value)
    except InvalidInput:
        return None
    with engine.connect() as conn:
        found = conn.execute(select(s.users.c.id).where(s.users.c.email == address)).scalar()
    return None if found is None else user_by_id(engine, int(found))
