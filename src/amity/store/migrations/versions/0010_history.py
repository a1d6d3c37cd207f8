"""history, undo and trash: change_groups, changes (issue 15)

Revision ID: 0010_history
Revises: 0016_calendar
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_history"
down_revision: str | Sequence[str] | None = "0016_calendar"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _owner() -> sa.Column[int]:
    return sa.Column(
        "owner_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "change_groups",
        sa.Column("id", sa.Integer(), primary_key=True),
        _owner(),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("door", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(320), nullable=False, server_default=""),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("summary", sa.String(500), nullable=False),
        sa.Column("trash_until", sa.DateTime()),
        sa.Column("undone_at", sa.DateTime()),
        sa.Column(
            "undoes_id", sa.Integer(), sa.ForeignKey("change_groups.id", ondelete="SET NULL")
        ),
        sa.Column("purged_at", sa.DateTime()),
    )
    op.create_index("ix_change_groups_owner_id", "change_groups", ["owner_id", "id"])
    op.create_index("ix_change_groups_owner_trash", "change_groups", ["owner_id", "trash_until"])
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        _owner(),
        sa.Column(
            "group_id",
            sa.Integer(),
            sa.ForeignKey("change_groups.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("row_key", sa.String(300), nullable=False),
        sa.Column("op", sa.String(10), nullable=False),
        sa.Column("person_id", sa.Integer()),
        sa.Column("before", sa.Text()),
        sa.Column("after", sa.Text()),
    )
    op.create_index("ix_changes_group_id", "changes", ["group_id"])
    op.create_index("ix_changes_owner_group", "changes", ["owner_id", "group_id"])
    op.create_index("ix_changes_owner_person", "changes", ["owner_id", "person_id"])
    op.create_index("ix_changes_owner_row", "changes", ["owner_id", "table_name", "row_key"])


def downgrade() -> None:
    op.drop_table("changes")
    op.drop_table("change_groups")
