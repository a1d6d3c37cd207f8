"""baseline: the whole data model

Revision ID: 0001
Revises: none
Create Date: 2026-11-25

Generated from store/schema.py with autogenerate, then given the full-text search objects
that autogenerate cannot see (STACK.md G12). Until 0.1.0 is released this baseline may still
be amended; afterwards every change is a new revision.
"""

from collections.abc import Sequence

from amity.store.migrations.baseline import people, search, ties, users

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema: the tables in autogenerate's order (each part refers only to the parts
    before it), then the search objects."""
    users.create()
    people.create()
    ties.create()
    search.create()


def downgrade() -> None:
    """Downgrade schema."""
    search.drop()
    ties.drop()
    people.drop()
    users.drop()
