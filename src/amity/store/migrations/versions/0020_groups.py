"""groups (issue 12 section 4): a group card is a group (a tag and its members), never a
person; 0.1's group people (``people.is_group``) become groups, their members linked and
tagged, and their CardDAV links marked so that nothing is pushed or deleted for the card

Revision ID: 0020_groups
Revises: 0019_relations
Create Date: 2026-12-05
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from amity.rules.related import related_key

revision: str = "0020_groups"
down_revision: str | Sequence[str] | None = "0019_relations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_people = sa.table("people", sa.column("id", sa.Integer), sa.column("owner_id", sa.Integer),
                   sa.column("name", sa.String), sa.column("uid", sa.String),
                   sa.column("is_group", sa.Boolean))  # fmt: skip
_rel = sa.table("relationships", sa.column("person_a_id", sa.Integer),
                sa.column("person_b_id", sa.Integer), sa.column("kind", sa.String),
                sa.column("name_hint", sa.String))  # fmt: skip
_tags = sa.table("tags", sa.column("id", sa.Integer), sa.column("owner_id", sa.Integer),
                 sa.column("name", sa.String))  # fmt: skip
_person_tags = sa.table("person_tags", sa.column("owner_id", sa.Integer),
                        sa.column("person_id", sa.Integer), sa.column("tag_id", sa.Integer))  # fmt: skip
_links = sa.table("sync_links", sa.column("person_id", sa.Integer),
                  sa.column("local_base", sa.Text))  # fmt: skip


def upgrade() -> None:
    groups = op.create_table(
        "contact_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("uid", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"],
                                name=op.f("fk_contact_groups_owner_id_users"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tag_id"], ["tags.id"],
                                name=op.f("fk_contact_groups_tag_id_tags"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_groups")),
        sa.UniqueConstraint("owner_id", "uid", name="uq_contact_groups_owner_uid"),
    )  # fmt: skip
    op.create_index("ix_contact_groups_tag", "contact_groups", ["tag_id"])
    members = op.create_table(
        "contact_group_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(length=300), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"],
                                name=op.f("fk_contact_group_members_owner_id_users"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["group_id"], ["contact_groups.id"],
                                name=op.f("fk_contact_group_members_group_id_contact_groups"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"],
                                name=op.f("fk_contact_group_members_person_id_people"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_group_members")),
        sa.UniqueConstraint("group_id", "value", name="uq_contact_group_members_value"),
    )  # fmt: skip
    op.create_index("ix_contact_group_members_owner_key", "contact_group_members",
                    ["owner_id", "name_key"])  # fmt: skip
    op.create_index(op.f("ix_contact_group_members_person_id"), "contact_group_members",
                    ["person_id"])  # fmt: skip
    _convert(op.get_bind(), groups, members)


def _convert(conn: sa.Connection, groups: sa.Table, members: sa.Table) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    found = conn.execute(sa.select(_people.c.id, _people.c.owner_id, _people.c.name,
                                   _people.c.uid).where(_people.c.is_group.is_(True))).all()  # fmt: skip
    for person_id, owner, name, uid in found:
        tag = " ".join((name or "group").split()).lower()[:100] or "group"
        tag_id = conn.execute(sa.select(_tags.c.id).where(_tags.c.owner_id == owner,
                                                          _tags.c.name == tag)).scalar()  # fmt: skip
        if tag_id is None:
            tag_id = conn.execute(sa.insert(_tags).values(owner_id=owner, name=tag)
                                  .returning(_tags.c.id)).scalar_one()  # fmt: skip
        group_uid = (uid or f"amity-group-{person_id}")[:300]
        group_id = conn.execute(sa.insert(groups).values(
            owner_id=owner, tag_id=tag_id, name=(name or "group")[:300], uid=group_uid,
            created_at=now, updated_at=now).returning(groups.c.id)).scalar_one()  # fmt: skip
        seen: set[str] = set()
        tagged: set[int] = set()
        for hint, other in conn.execute(sa.select(_rel.c.name_hint, _rel.c.person_b_id).where(
                _rel.c.person_a_id == person_id, _rel.c.kind == "member")):  # fmt: skip
            if not hint:
                continue
            value = (hint if ":" in hint else f"urn:uuid:{hint}")[:300]
            if value in seen:
                continue
            seen.add(value)
            member = other if other not in (None, person_id) else None
            conn.execute(sa.insert(members).values(owner_id=owner, group_id=group_id, value=value,
                                                   name_key=related_key(value), person_id=member))  # fmt: skip
            if member is not None and member not in tagged:
                tagged.add(member)
                has = conn.execute(sa.select(sa.func.count()).select_from(_person_tags).where(
                    _person_tags.c.person_id == member, _person_tags.c.tag_id == tag_id)).scalar()  # fmt: skip
                if not has:
                    conn.execute(sa.insert(_person_tags).values(owner_id=owner, person_id=member,
                                                                tag_id=tag_id))  # fmt: skip
        conn.execute(sa.update(_links).where(_links.c.person_id == person_id).values(
            person_id=None, local_base=json.dumps({"__group__": group_id})))  # fmt: skip
        conn.execute(sa.delete(_rel).where(sa.or_(_rel.c.person_a_id == person_id,
                                                  _rel.c.person_b_id == person_id)))  # fmt: skip
        conn.execute(sa.delete(_people).where(_people.c.id == person_id))


def downgrade() -> None:
    op.drop_table("contact_group_members")
    op.drop_table("contact_groups")
