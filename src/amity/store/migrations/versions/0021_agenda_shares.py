"""agenda_shares (issue 14): the agenda's share matches stored per owner, under the day, time
zone and profiles version they were found for, so a new process need not rank again (derived
data: an empty table is a valid state, filled on the next agenda read)

Revision ID: 0021_agenda_shares
Revises: 0020_groups
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_agenda_shares"
down_revision: str | Sequence[str] | None = "0020_groups"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agenda_shares",
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("profiles_version", sa.Integer(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("built_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"],
                                name=op.f("fk_agenda_shares_owner_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("owner_id", name=op.f("pk_agenda_shares")),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("agenda_shares")
