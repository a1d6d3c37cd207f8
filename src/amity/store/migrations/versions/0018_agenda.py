"""agenda (issue 14): a second counter per owner, moved only by writes that change what the
agenda's share matching reads (people's names, titles, organisations, notes, circles; facts,
tags, shares, articles), so its matches stay cached across other writes

Revision ID: 0018_agenda
Revises: 0014_organisations
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_agenda"
down_revision: str | Sequence[str] | None = "0014_organisations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("data_versions") as batch:
        batch.add_column(
            sa.Column("profiles_version", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("data_versions") as batch:
        batch.drop_column("profiles_version")
