"""Contact groups (issue 12 section 4): a vCard 4.0 ``KIND:group`` card or Apple's group card
(``X-ADDRESSBOOKSERVER-KIND:group``) is a group, never a person: a tag its members carry, the
card's UID and name, and its members as the card lists them, each linked to the person in the
book it names (UID, e-mail or exact name) or listed by name until someone answers to it. Part
of the one schema (``amity.store.schema`` re-exports it)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, UniqueConstraint

from amity.store.schema import UTCDateTime, _created, _owner, metadata

contact_groups: Table = Table(
    "contact_groups",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(index=False),  # the unique key below leads with owner_id
    Column("tag_id", Integer, ForeignKey("tags.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(300), nullable=False),
    Column("uid", String(300), nullable=False),  # the card's UID, or one made from its name
    _created(),
    Column("updated_at", UTCDateTime(), nullable=False),
    UniqueConstraint("owner_id", "uid", name="uq_contact_groups_owner_uid"),
    Index("ix_contact_groups_tag", "tag_id"),
)

contact_group_members: Table = Table(
    "contact_group_members",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(index=False),  # the index below leads with owner_id
    Column(
        "group_id", Integer, ForeignKey("contact_groups.id", ondelete="CASCADE"), nullable=False
    ),
    Column("value", String(300), nullable=False),  # MEMBER as the card has it
    Column("name_key", String(300)),  # rules.related.related_key(value)
    Column("person_id", Integer, ForeignKey("people.id", ondelete="SET NULL"), index=True),
    UniqueConstraint("group_id", "value", name="uq_contact_group_members_value"),
    Index("ix_contact_group_members_owner_key", "owner_id", "name_key"),
)

__all__ = ["contact_group_members", "contact_groups"]
