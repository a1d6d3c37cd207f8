"""mail sync: mail_correspondents (people you write to who are not in the book)

Revision ID: 0015_mail
Revises: 0011_backups
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_mail"
down_revision: str | Sequence[str] | None = "0011_backups"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mail_correspondents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "owner_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("name", sa.String(300)),
        sa.Column("sent_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("received_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("first_at", sa.DateTime()),
        sa.Column("last_at", sa.DateTime()),
        sa.Column("last_subject", sa.String(300)),
        sa.Column("status", sa.String(20), nullable=False, server_default="open"),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="SET NULL")),
        sa.Column(
            "account_id", sa.Integer(), sa.ForeignKey("sync_accounts.id", ondelete="SET NULL")
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("owner_id", "email"),
    )
    op.create_index("ix_mail_correspondents_person_id", "mail_correspondents", ["person_id"])
    op.create_index("ix_mail_correspondents_account_id", "mail_correspondents", ["account_id"])
    op.create_index(
        "ix_mail_correspondents_owner_status",
        "mail_correspondents",
        ["owner_id", "status", "sent_count"],
    )


def downgrade() -> None:
    op.drop_table("mail_correspondents")
