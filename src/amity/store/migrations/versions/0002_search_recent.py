"""search: newest documents of each kind per owner, for very common words

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04

A word in more than 1,000 of an owner's documents ranks only the newest of each kind
(book/search.py); ``(owner_id, doc_kind, id)`` finds them by walking backwards. It also leads
with ``owner_id``, so the single-column owner index it replaces was redundant.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("search_docs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_search_docs_owner_recent", ["owner_id", "doc_kind", "id"], unique=False
        )
        batch_op.drop_index("ix_search_docs_owner_id")


def downgrade() -> None:
    with op.batch_alter_table("search_docs", schema=None) as batch_op:
        batch_op.create_index("ix_search_docs_owner_id", ["owner_id"], unique=False)
        batch_op.drop_index("ix_search_docs_owner_recent")
