"""sign-in: web_sessions, known_devices, totp_secrets, recovery_codes, passkeys, sso_links,
install_settings (issue 15)

Revision ID: 0009_signin
Revises: 0015_mail
Create Date: 2026-12-04

Installation rows keyed by ``user_id`` (not owned by a book): server-side sessions that
sign-out revokes, devices that signed in before, second factors (a sealed TOTP secret, hashed
recovery codes, passkeys), single sign-on identities linked on (issuer, subject), and the
installation's sign-in policy.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_signin"
down_revision: str | Sequence[str] | None = "0015_mail"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _user(*, primary_key: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "user_id",
        sa.Integer(),
        sa.ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
        primary_key=primary_key,
    )


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _user(),
        sa.Column("token_hash", sa.String(128), nullable=False, unique=True),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("second_factor", sa.String(20)),
        sa.Column("client", sa.String(100), nullable=False, server_default=""),
        sa.Column("user_agent", sa.String(300), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime()),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_table(
        "known_devices",
        sa.Column("id", sa.Integer(), primary_key=True),
        _user(),
        sa.Column("token_hash", sa.String(128), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_known_devices_user_id", "known_devices", ["user_id"])
    op.create_table(
        "totp_secrets",
        _user(primary_key=True),
        sa.Column("secret_sealed", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime()),
        sa.Column("last_step", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), primary_key=True),
        _user(),
        sa.Column("code_hash", sa.String(128), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime()),
    )
    op.create_index("ix_recovery_codes_user_id", "recovery_codes", ["user_id"])
    op.create_table(
        "passkeys",
        sa.Column("id", sa.Integer(), primary_key=True),
        _user(),
        sa.Column("credential_id", sa.String(1400), nullable=False, unique=True),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("sign_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("transports", sa.String(200), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime()),
    )
    op.create_index("ix_passkeys_user_id", "passkeys", ["user_id"])
    op.create_table(
        "sso_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        _user(),
        sa.Column("issuer", sa.String(500), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("email", sa.String(320)),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime()),
        sa.UniqueConstraint("issuer", "subject"),
    )
    op.create_index("ix_sso_links_user_id", "sso_links", ["user_id"])
    op.create_table(
        "install_settings",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "install_settings",
        "sso_links",
        "passkeys",
        "recovery_codes",
        "totp_secrets",
        "known_devices",
        "web_sessions",
    ):
        op.drop_table(table)
