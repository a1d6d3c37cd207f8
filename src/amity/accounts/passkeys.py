"""Passkeys (WebAuthn, the ``webauthn`` package): a second factor after the password, or a
sign-in without one (a discoverable credential with user verification).

The relying party is the host of ``AMITY_BASE_URL`` (a host name, not an IP address:
``localhost`` works for development); the origin is that URL's scheme, host and port. A
challenge is made per ceremony and kept by the caller (the web app keeps it in the signed
session cookie) until the browser answers. Only the credential's id, public key and
signature counter are stored.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine, delete, insert, select, update

from amity.accounts.users import User, clean_name
from amity.book.context import insert_id
from amity.errors import InvalidInput, NotFound
from amity.store import engine as store_engine
from amity.store import schema as s

RP_NAME = "Amity"
MAX_CREDENTIAL_JSON = 64 * 1024


@dataclass(frozen=True)
class RelyingParty:
    id: str  # the host name
    origin: str  # scheme://host[:port]


def relying_party(base_url: str) -> RelyingParty | None:
    """The relying party for the app's configured address, or None when passkeys cannot
    work there (an IP address, or no address)."""
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    if not host or parts.scheme not in ("http", "https"):
        return None
    try:
        ipaddress.ip_address(host)
        return None  # WebAuthn needs a domain name
    except ValueError:
        pass
    if parts.scheme == "http" and host != "localhost" and not host.endswith(".localhost"):
        return None  # browsers allow WebAuthn over plain HTTP on localhost only
    origin = f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")
    return RelyingParty(id=host, origin=origin)


def _b64(data: bytes) -> str:
    from webauthn.helpers import bytes_to_base64url

    return str(bytes_to_base64url(data))


def _credentials(engine: Engine, user_id: int) -> list[Any]:
    p = s.passkeys
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(p.c.credential_id, p.c.transports).where(p.c.user_id == user_id)
            ).all()
        )


def _descriptors(rows: list[Any]) -> list[Any]:
    from webauthn.helpers import base64url_to_bytes
    from webauthn.helpers.structs import AuthenticatorTransport, PublicKeyCredentialDescriptor

    known = {t.value for t in AuthenticatorTransport}
    return [
        PublicKeyCredentialDescriptor(
            id=base64url_to_bytes(r.credential_id),
            transports=[AuthenticatorTransport(t) for t in r.transports.split(",") if t in known]
            or None,
        )
        for r in rows
    ]


def registration_options(engine: Engine, user: User, rp: RelyingParty) -> tuple[str, str]:
    """Options for ``navigator.credentials.create`` (JSON) and the challenge to keep."""
    import webauthn
    from webauthn.helpers.structs import (
        AuthenticatorSelectionCriteria,
        ResidentKeyRequirement,
        UserVerificationRequirement,
    )

    options = webauthn.generate_registration_options(
        rp_id=rp.id,
        rp_name=RP_NAME,
        user_name=user.email,
        user_id=str(user.id).encode("ascii"),
        user_display_name=user.name or user.email,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(_credentials(engine, user.id)),
    )
    return webauthn.options_to_json(options), _b64(options.challenge)


def _parse(credential: str) -> str:
    if len(credential) > MAX_CREDENTIAL_JSON:
        raise InvalidInput("the passkey's answer is too large")
    try:
        json.loads(credential)
    except ValueError:
        raise InvalidInput("the passkey's answer is not JSON") from None
    return credential


def finish_registration(
    engine: Engine,
    user_id: int,
    credential: str,
    *,
    challenge: str,
    rp: RelyingParty,
    name: str,
    now: datetime,
) -> int:
    """Verify the browser's answer and keep the new passkey; returns its id."""
    import webauthn
    from webauthn.helpers import base64url_to_bytes
    from webauthn.helpers.exceptions import WebAuthnException

    try:
        verified = webauthn.verify_registration_response(
            credential=_parse(credential),
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise InvalidInput(f"the passkey could not be verified: {exc}") from None
    try:
        transports = json.loads(credential).get("response", {}).get("transports") or []
    except AttributeError:
        transports = []
    p = s.passkeys
    credential_id = _b64(verified.credential_id)
    with store_engine.write_transaction(engine) as conn:
        if conn.execute(select(p.c.id).where(p.c.credential_id == credential_id)).first():
            raise InvalidInput("this passkey is already registered")
        return insert_id(
            conn,
            insert(p).values(
                user_id=user_id,
                credential_id=credential_id,
                public_key=_b64(verified.credential_public_key),
                sign_count=int(verified.sign_count),
                name=clean_name(name or "Passkey"),
                transports=",".join(str(t) for t in transports if isinstance(t, str))[:200],
                created_at=now,
            ),
        )


def authentication_options(
    engine: Engine, rp: RelyingParty, *, user_id: int | None = None
) -> tuple[str, str]:
    """Options for ``navigator.credentials.get``: the user's passkeys (second factor), or
    any discoverable passkey of this site (sign-in without a password)."""
    import webauthn
    from webauthn.helpers.structs import UserVerificationRequirement

    allow = _descriptors(_credentials(engine, user_id)) if user_id is not None else []
    options = webauthn.generate_authentication_options(
        rp_id=rp.id,
        allow_credentials=allow,
        user_verification=(
            UserVerificationRequirement.PREFERRED
            if user_id is not None
            else UserVerificationRequirement.REQUIRED
        ),
    )
    return webauthn.options_to_json(options), _b64(options.challenge)


def finish_authentication(
    engine: Engine,
    credential: str,
    *,
    challenge: str,
    rp: RelyingParty,
    now: datetime,
    user_id: int | None = None,
) -> int:
    """The user a passkey answer proves (it must be ``user_id``'s when given); without a
    user the passkey must have verified the person (PIN, biometrics) on its own."""
    import webauthn
    from webauthn.helpers import base64url_to_bytes
    from webauthn.helpers.exceptions import WebAuthnException

    try:
        raw_id = str(json.loads(_parse(credential)).get("id", ""))
    except AttributeError:
        raw_id = ""
    p = s.passkeys
    with engine.connect() as conn:
        row = conn.execute(select(p).where(p.c.credential_id == raw_id)).first()
    if row is None or (user_id is not None and int(row.user_id) != user_id):
        raise NotFound("this passkey is not registered here")
    try:
        verified = webauthn.verify_authentication_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=base64url_to_bytes(row.public_key),
            credential_current_sign_count=int(row.sign_count),
            require_user_verification=user_id is None,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise InvalidInput(f"the passkey could not be verified: {exc}") from None
    with store_engine.write_transaction(engine) as conn:
        conn.execute(
            update(p)
            .where(p.c.id == row.id)
            .values(sign_count=int(verified.new_sign_count), last_used_at=now)
        )
    return int(row.user_id)


def list_passkeys(engine: Engine, user_id: int) -> list[dict[str, Any]]:
    p = s.passkeys
    with engine.connect() as conn:
        rows = conn.execute(
            select(p.c.id, p.c.name, p.c.created_at, p.c.last_used_at)
            .where(p.c.user_id == user_id)
            .order_by(p.c.id)
        ).all()
    return [dict(r._mapping) for r in rows]


def remove_passkey(engine: Engine, user_id: int, passkey_id: int) -> None:
    p = s.passkeys
    with store_engine.write_transaction(engine) as conn:
        gone = conn.execute(delete(p).where(p.c.id == passkey_id, p.c.user_id == user_id))
    if gone.rowcount != 1:
        raise NotFound(f"no passkey #{passkey_id}")
