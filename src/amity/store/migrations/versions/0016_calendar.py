"""calendar syncs: calendar_events (one row per event instance of a CalDAV calendar or an ICS
address, linked to the meeting it became)

Revision ID: 0016_calendar
Revises: 0009_signin
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_calendar"
down_revision: str | Sequence[str] | None = "0009_signin"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "owner_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "account_id",
            sa.Integer(),
            sa.ForeignKey("sync_accounts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("resource", sa.String(1000), nullable=False, server_default=""),
        sa.Column("etag", sa.String(300)),
        sa.Column("uid", sa.String(300), nullable=False),
        sa.Column("recurrence_id", sa.String(40), nullable=False, server_default=""),
        sa.Column(
            "interaction_id",
            sa.Integer(),
            sa.ForeignKey("interactions.id", ondelete="SET NULL"),
        ),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("responses", sa.Text()),
        sa.Column("synced_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("account_id", "uid", "recurrence_id"),
    )
    op.create_index("ix_calendar_events_interaction_id", "calendar_events", ["interaction_id"])
    op.create_index(
        "ix_calendar_events_owner_account",
        "calendar_events",
        ["owner_id", "account_id", "resource"],
    )


def downgrade() -> None:
    op.drop_table("calendar_events")
