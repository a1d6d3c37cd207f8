"""History, undo and the trash (issue 15) as the stable JSON of `--json` and the REST API."""

from __future__ import annotations

from typing import Any

from amity.model.history import ChangeGroup, RowChange, TrashEntry, UndoResult
from amity.serialize import iso


def row_change_json(c: RowChange) -> dict[str, Any]:
    return {
        "table": c.table,
        "record": c.record,
        "key": c.key,
        "op": c.op,
        "person_id": c.person_id,
        "label": c.label,
        "count": c.count,
        "fields": [{"name": f.name, "before": f.before, "after": f.after} for f in c.fields],
    }


def change_group_json(g: ChangeGroup) -> dict[str, Any]:
    return {
        "id": g.id,
        "at": iso(g.at),
        "door": g.door,
        "actor": g.actor,
        "kind": g.kind,
        "summary": g.summary,
        "undone_at": iso(g.undone_at),
        "undoes_id": g.undoes_id,
        "in_trash_until": iso(g.trash_until) if g.in_trash else None,
        "purged_at": iso(g.purged_at),
        "changes": [row_change_json(c) for c in g.changes],
    }


def trash_entry_json(t: TrashEntry) -> dict[str, Any]:
    return {
        "id": t.id,
        "deleted_at": iso(t.deleted_at),
        "until": iso(t.until),
        "kind": t.kind,
        "summary": t.summary,
        "door": t.door,
        "actor": t.actor,
        "records": [{"record": r, "label": label} for r, label in t.records],
        "related": t.related,
    }


def undo_json(u: UndoResult) -> dict[str, Any]:
    return {
        "undone": change_group_json(u.group),
        "undo_id": u.undo_group_id,
        "removed": u.removed,
        "restored": u.restored,
        "reverted": u.reverted,
        "people": list(u.people),
    }
