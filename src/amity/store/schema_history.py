"""The journal of every change (issue 15): one change group per write transaction, one change
per row it touched, with the row's fields before and after as JSON. Deleted rows stay here as
snapshots while they are in the trash. Plain owned tables on the one ``metadata`` of
:mod:`amity.store.schema` (which re-exports them); ``owner_id`` leads every index.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from amity.store.schema import UTCDateTime, _owner, metadata

change_groups: Table = Table(
    "change_groups",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(index=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("door", String(20), nullable=False),  # cli, web, api, mcp, sync, import, dav...
    Column("actor", String(320), nullable=False, server_default=""),  # who (e-mail, token)
    Column("kind", String(20), nullable=False),  # edit, delete, merge, import, undo
    Column("summary", String(500), nullable=False),
    # set while the group's deleted rows are restorable from the trash
    Column("trash_until", UTCDateTime()),
    Column("undone_at", UTCDateTime()),
    # the group an undo group reverted
    Column("undoes_id", Integer, ForeignKey("change_groups.id", ondelete="SET NULL")),
    Column("purged_at", UTCDateTime()),
    Index("ix_change_groups_owner_id", "owner_id", "id"),
    Index("ix_change_groups_owner_trash", "owner_id", "trash_until"),
)

changes: Table = Table(
    "changes",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(index=False),
    Column(
        "group_id",
        Integer,
        ForeignKey("change_groups.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("table_name", String(64), nullable=False),
    Column("row_key", String(300), nullable=False),  # "17", or a JSON list for composite keys
    Column("op", String(10), nullable=False),  # insert, update, delete, cascade, bulk
    Column("person_id", Integer),  # the person the row is about (no reference: may be gone)
    Column("before", Text),  # JSON object of the fields before (whole row for deletes)
    Column("after", Text),  # JSON object of the fields after (whole row for inserts)
    Index("ix_changes_owner_group", "owner_id", "group_id"),
    Index("ix_changes_owner_person", "owner_id", "person_id"),
    Index("ix_changes_owner_row", "owner_id", "table_name", "row_key"),
)
