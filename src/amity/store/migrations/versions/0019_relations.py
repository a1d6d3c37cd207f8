"""relations (issue 12 section 4): a related name from a card is a relationship to the person
it names, or to no one yet (person_b_id empty), never to the person themself

Revision ID: 0019_relations
Revises: 0017_country
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from amity.rules.related import person_keys, related_key

revision: str = "0019_relations"
down_revision: str | Sequence[str] | None = "0017_country"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_people = sa.table(
    "people",
    sa.column("id", sa.Integer),
    sa.column("owner_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("uid", sa.String),
    sa.column("is_group", sa.Boolean),
)
_points = sa.table(
    "contact_points",
    sa.column("person_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("normalized", sa.String),
)
_rel = sa.table(
    "relationships",
    sa.column("id", sa.Integer),
    sa.column("owner_id", sa.Integer),
    sa.column("person_a_id", sa.Integer),
    sa.column("person_b_id", sa.Integer),
    sa.column("name_hint", sa.String),
    sa.column("name_key", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("relationships") as batch:
        batch.alter_column("person_b_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("name_key", sa.String(length=300), nullable=True))
        batch.create_index("ix_relationships_owner_key", ["owner_id", "name_key"])
    conn = op.get_bind()
    # 0.1 stored an imported related name as a relation of the person to themself
    conn.execute(
        sa.delete(_rel).where(_rel.c.person_a_id == _rel.c.person_b_id, _rel.c.name_hint.is_(None))
    )
    conn.execute(
        sa.update(_rel).where(_rel.c.person_a_id == _rel.c.person_b_id).values(person_b_id=None)
    )
    pending: dict[int, list[tuple[int, int, str]]] = {}
    rows = conn.execute(
        sa.select(_rel.c.id, _rel.c.owner_id, _rel.c.person_a_id, _rel.c.person_b_id,
                  _rel.c.name_hint).where(_rel.c.name_hint.is_not(None))
    )  # fmt: skip
    for row_id, owner, a, b, hint in list(rows):
        key = related_key(hint)
        conn.execute(sa.update(_rel).where(_rel.c.id == row_id).values(name_key=key))
        if b is None and key:
            pending.setdefault(owner, []).append((row_id, a, key))
    for owner, wanted in pending.items():
        _link(conn, owner, wanted)


def _link(conn: sa.Connection, owner: int, wanted: list[tuple[int, int, str]]) -> None:
    """Link each pending relation to the one other person answering to its key (the rule of
    amity.book.related, written out here so this revision does not move with the code)."""
    emails: dict[int, list[str]] = {}
    for person_id, value in conn.execute(
        sa.select(_points.c.person_id, _points.c.normalized)
        .join(_people, _people.c.id == _points.c.person_id)
        .where(_people.c.owner_id == owner, _points.c.kind == "email")
    ):
        emails.setdefault(person_id, []).append(value or "")
    answering: dict[str, set[int]] = {}
    for person_id, name, uid in conn.execute(
        sa.select(_people.c.id, _people.c.name, _people.c.uid).where(
            _people.c.owner_id == owner, _people.c.is_group.is_(False)
        )
    ):
        for key in person_keys(name, uid, emails.get(person_id, [])):
            answering.setdefault(key, set()).add(person_id)
    for row_id, a, key in wanted:
        candidates = answering.get(key, set()) - {a}
        if len(candidates) == 1:
            conn.execute(
                sa.update(_rel).where(_rel.c.id == row_id).values(person_b_id=candidates.pop())
            )


def downgrade() -> None:
    conn = op.get_bind()
    conn.execute(
        sa.update(_rel).where(_rel.c.person_b_id.is_(None)).values(person_b_id=_rel.c.person_a_id)
    )
    with op.batch_alter_table("relationships") as batch:
        batch.drop_index("ix_relationships_owner_key")
        batch.drop_column("name_key")
        batch.alter_column("person_b_id", existing_type=sa.Integer(), nullable=False)
