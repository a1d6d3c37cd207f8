"""participants by time (issue 14): a covering index over one owner's interaction
participants in time, for the review's periods and touch counts and the agenda's windows

Revision ID: 0022_participants_time
Revises: 0021_agenda_shares
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022_participants_time"
down_revision: str | Sequence[str] | None = "0021_agenda_shares"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_participants_owner_time",
        "interaction_participants",
        ["owner_id", "occurred_at", "status", "person_id", "direction", "interaction_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_participants_owner_time", table_name="interaction_participants")
