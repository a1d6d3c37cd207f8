"""work milestones: job_changes (a new job or a promotion learned from an import or a sync)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "owner_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "person_id",
            sa.Integer(),
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("from_org", sa.String(300)),
        sa.Column("from_title", sa.String(300)),
        sa.Column("to_org", sa.String(300)),
        sa.Column("to_title", sa.String(300)),
        sa.Column("learned_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(50)),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_job_changes_owner_id", "job_changes", ["owner_id"])
    op.create_index("ix_job_changes_person_id", "job_changes", ["person_id"])
    op.create_index("ix_job_changes_owner_learned", "job_changes", ["owner_id", "learned_on"])


def downgrade() -> None:
    op.drop_table("job_changes")
