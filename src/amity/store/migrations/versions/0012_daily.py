"""the daily loop (issue 12): commitment_people and follow_up_people (one promise or follow-up
involving several people), capture_keys (a quick capture is logged once, even when a phone
sends it again after being offline), password_resets (one-time reset links)

Revision ID: 0012_daily
Revises: 0008
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_daily"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _owner_pk() -> sa.Column[int]:
    return sa.Column(
        "owner_id",
        sa.Integer(),
        sa.ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=True,
        nullable=False,
    )


def _ref(
    name: str, target: str, *, primary_key: bool = False, nullable: bool = True
) -> sa.Column[int]:
    return sa.Column(
        name,
        sa.Integer(),
        sa.ForeignKey(target, ondelete="CASCADE"),
        primary_key=primary_key,
        nullable=nullable,
    )


def upgrade() -> None:
    op.create_table(
        "commitment_people",
        _owner_pk(),
        _ref("commitment_id", "commitments.id", primary_key=True, nullable=False),
        _ref("person_id", "people.id", primary_key=True, nullable=False),
    )
    op.create_index("ix_commitment_people_person_id", "commitment_people", ["person_id"])
    op.create_table(
        "follow_up_people",
        _owner_pk(),
        _ref("follow_up_id", "follow_ups.id", primary_key=True, nullable=False),
        _ref("person_id", "people.id", primary_key=True, nullable=False),
    )
    op.create_index("ix_follow_up_people_person_id", "follow_up_people", ["person_id"])
    op.create_table(
        "capture_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        _ref("owner_id", "users.id", nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        _ref("interaction_id", "interactions.id"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("owner_id", "key", name="uq_capture_keys_owner_key"),
    )
    op.create_index("ix_capture_keys_interaction_id", "capture_keys", ["interaction_id"])
    op.create_table(
        "password_resets",
        sa.Column("id", sa.Integer(), primary_key=True),
        _ref("user_id", "users.id", nullable=False),
        sa.Column("token_hash", sa.String(128), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime()),
    )
    op.create_index("ix_password_resets_user_id", "password_resets", ["user_id"])


def downgrade() -> None:
    op.drop_table("password_resets")
    op.drop_table("capture_keys")
    op.drop_table("follow_up_people")
    op.drop_table("commitment_people")
