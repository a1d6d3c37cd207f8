"""Tables of sign-in (issue 15): server-side sessions, known devices, second factors (TOTP
and recovery codes, passkeys), single sign-on links and the installation's sign-in policy.

They belong to the installation, not to a book (``amity.store.schema`` lists them among
``INSTALLATION_TABLES``): each row names its ``user_id`` and is looked up by a secret's hash
before anyone is known. Every secret is kept as a hash, or sealed with ``amity.crypto``.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from amity.store.schema import UTCDateTime, _created, metadata


def _user(*, primary_key: bool = False) -> Column[int]:
    return Column(
        "user_id",
        Integer,
        ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
        index=not primary_key,
        primary_key=primary_key,
    )


# a signed-in browser: the cookie carries a random id, only its SHA-256 is kept; sign-out,
# "log out everywhere" and a password change revoke rows, so a copied cookie stops working
web_sessions: Table = Table(
    "web_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    _user(),
    Column("token_hash", String(128), nullable=False, unique=True),
    Column("method", String(20), nullable=False),  # password, passkey, sso, proxy, setup...
    Column("second_factor", String(20)),  # totp, recovery, passkey; None when not asked
    Column("client", String(100), nullable=False, server_default=""),
    Column("user_agent", String(300), nullable=False, server_default=""),
    _created(),
    Column("last_seen_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("revoked_at", UTCDateTime()),
)

# a browser that signed in before (a long-lived device cookie): it is not slowed down by the
# delays other clients' failures put on the account
known_devices: Table = Table(
    "known_devices",
    metadata,
    Column("id", Integer, primary_key=True),
    _user(),
    Column("token_hash", String(128), nullable=False, unique=True),
    _created(),
    Column("last_used_at", UTCDateTime(), nullable=False),
)

totp_secrets: Table = Table(
    "totp_secrets",
    metadata,
    _user(primary_key=True),
    Column("secret_sealed", Text, nullable=False),  # amity.crypto, purpose "totp"
    _created(),
    Column("confirmed_at", UTCDateTime()),  # None while being set up
    Column("last_step", Integer, nullable=False, server_default="0"),  # no code used twice
)

recovery_codes: Table = Table(
    "recovery_codes",
    metadata,
    Column("id", Integer, primary_key=True),
    _user(),
    Column("code_hash", String(128), nullable=False, unique=True),  # keyed HMAC-SHA256
    _created(),
    Column("used_at", UTCDateTime()),
)

passkeys: Table = Table(
    "passkeys",
    metadata,
    Column("id", Integer, primary_key=True),
    _user(),
    Column("credential_id", String(1400), nullable=False, unique=True),  # base64url
    Column("public_key", Text, nullable=False),  # base64url COSE key
    Column("sign_count", Integer, nullable=False, server_default="0"),
    Column("name", String(200), nullable=False),
    Column("transports", String(200), nullable=False, server_default=""),
    _created(),
    Column("last_used_at", UTCDateTime()),
)

# a single sign-on identity: linked on (issuer, subject), never on the e-mail address alone
sso_links: Table = Table(
    "sso_links",
    metadata,
    Column("id", Integer, primary_key=True),
    _user(),
    Column("issuer", String(500), nullable=False),
    Column("subject", String(255), nullable=False),
    Column("email", String(320)),
    _created(),
    Column("last_used_at", UTCDateTime()),
    UniqueConstraint("issuer", "subject"),
)

# the installation's sign-in policy (e.g. "signin.require_second_factor"), set by an admin
install_settings: Table = Table(
    "install_settings",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

SIGNIN_TABLES: tuple[Table, ...] = (
    web_sessions,
    known_devices,
    totp_secrets,
    recovery_codes,
    passkeys,
    sso_links,
    install_settings,
)
