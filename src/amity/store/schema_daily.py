"""The tables of the daily loop (issue 12): the other people a promise or a follow-up involves
(one item logged with two people is one item, not two), quick captures already received (an
idempotency key per capture, so a capture sent again after being offline is logged once), and
password-reset links. Part of the one schema (``amity.store.schema`` re-exports them)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, UniqueConstraint

from amity.store.schema import UTCDateTime, _created, _owner, metadata


def _cascade(name: str, target: str) -> Column[int]:
    return Column(name, Integer, ForeignKey(target, ondelete="CASCADE"), nullable=False, index=True)


commitment_people: Table = Table(
    "commitment_people",
    metadata,
    _owner(primary_key=True),
    Column(
        "commitment_id",
        Integer,
        ForeignKey("commitments.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_commitment_people_person_id", "person_id"),
)

follow_up_people: Table = Table(
    "follow_up_people",
    metadata,
    _owner(primary_key=True),
    Column(
        "follow_up_id", Integer, ForeignKey("follow_ups.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_follow_up_people_person_id", "person_id"),
)

capture_keys: Table = Table(
    "capture_keys",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(index=False),
    Column("key", String(100), nullable=False),  # chosen by the browser (a random UUID)
    Column(
        "interaction_id", Integer, ForeignKey("interactions.id", ondelete="CASCADE"), index=True
    ),
    _created(),
    UniqueConstraint("owner_id", "key", name="uq_capture_keys_owner_key"),
)

password_resets: Table = Table(  # the installation's rows: no owner
    "password_resets",
    metadata,
    Column("id", Integer, primary_key=True),
    _cascade("user_id", "users.id"),
    Column("token_hash", String(128), nullable=False, unique=True),
    _created(),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("used_at", UTCDateTime()),
)

__all__ = ["capture_keys", "commitment_people", "follow_up_people", "password_resets"]
