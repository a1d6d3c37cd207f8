"""organisations (issue 12 section 4): company cards, KIND:org cards and CSV rows with a
company but no person's name, kept as organisations (never as people)

Revision ID: 0014_organisations
Revises: 0010_history
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_organisations"
down_revision: str | Sequence[str] | None = "0010_history"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "owner_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("name_key", sa.String(300), nullable=False),
        sa.Column("website", sa.String(500)),
        sa.Column("emails", sa.Text()),
        sa.Column("phones", sa.Text()),
        sa.Column("address", sa.Text()),
        sa.Column("notes", sa.Text()),
        sa.Column("uid", sa.String(300)),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("owner_id", "name_key", name="uq_organisations_owner_name"),
    )
    op.create_index("ix_organisations_owner_uid", "organisations", ["owner_id", "uid"])


def downgrade() -> None:
    op.drop_table("organisations")
