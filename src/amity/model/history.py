"""What the journal shows: change groups, the rows they touched, the trash (issue 15)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class FieldChange:
    name: str
    before: Any
    after: Any


@dataclass(frozen=True)
class RowChange:
    """One row a change group touched: ``op`` is insert, update, delete (the record itself),
    cascade (deleted with it) or bulk (many rows written at once, listed by id)."""

    table: str
    record: str  # what the row is, in words: person, fact, interaction...
    key: str
    op: str
    person_id: int | None
    label: str
    fields: tuple[FieldChange, ...] = ()
    count: int = 1  # rows, for bulk changes


@dataclass(frozen=True)
class ChangeGroup:
    """Everything one write transaction changed, who made it and through which door."""

    id: int
    at: datetime
    door: str
    actor: str
    kind: str  # edit, add, delete, merge, import, undo
    summary: str
    undone_at: datetime | None = None
    undoes_id: int | None = None
    trash_until: datetime | None = None
    purged_at: datetime | None = None
    changes: tuple[RowChange, ...] = field(default_factory=tuple)

    @property
    def in_trash(self) -> bool:
        return self.trash_until is not None and self.undone_at is None


@dataclass(frozen=True)
class TrashEntry:
    """Deleted records, restorable until ``until``: the id is their change group's."""

    id: int
    deleted_at: datetime
    until: datetime
    kind: str
    summary: str
    door: str
    actor: str
    records: tuple[tuple[str, str], ...]  # (record, label) of each deleted record
    related: int  # rows deleted with them (contact points, participants...)


@dataclass(frozen=True)
class UndoResult:
    group: ChangeGroup  # the group undone
    undo_group_id: int | None
    removed: int  # rows it had added, deleted again
    restored: int  # rows it had deleted, put back
    reverted: int  # rows whose fields were set back
    people: tuple[int, ...] = ()  # people restored or changed (ids may be new after a clash)

    def line(self) -> str:
        return (
            f"Undid change {self.group.id} ({self.group.summary}): {self.restored} row(s) "
            f"restored, {self.reverted} set back, {self.removed} removed."
        )
