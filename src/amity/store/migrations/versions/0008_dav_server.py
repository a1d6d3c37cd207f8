"""the CardDAV server: dav_cards, dav_state (app passwords are API tokens scoped "dav")

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # api_tokens.scope (the "dav" scope of app passwords) comes with revision 0005
    op.create_table(
        "dav_cards",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "owner_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="SET NULL")),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("uid", sa.String(300)),
        sa.Column("body", sa.Text()),
        sa.Column("state", sa.String(64)),
        sa.Column("etag", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime()),
        sa.UniqueConstraint("owner_id", "name"),
    )
    op.create_index("ix_dav_cards_owner_id", "dav_cards", ["owner_id"])
    op.create_index("ix_dav_cards_person_id", "dav_cards", ["person_id"])
    op.create_index("ix_dav_cards_owner_seq", "dav_cards", ["owner_id", "seq"])
    op.create_table(
        "dav_state",
        sa.Column(
            "owner_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("seq", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("dav_state")
    op.drop_table("dav_cards")
