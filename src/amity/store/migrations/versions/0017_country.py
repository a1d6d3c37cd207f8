"""country (issue 12 section 5): a person's country (ISO 3166 alpha-2), which reads their
national phone numbers and is set from a card's address on import

Revision ID: 0017_country
Revises: 0018_agenda
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_country"
down_revision: str | Sequence[str] | None = "0018_agenda"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("country", sa.String(length=2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("country")
