"""The journal in the JSON backup: its references renumbered like every other row's.

A ``changes`` row names rows by id outside of foreign keys (``row_key``, ``person_id``, the
ids inside its ``before``/``after`` JSON, a bulk change's list of ids). On export each is
renumbered with the table's dense numbering; a row that no longer exists (deleted, in the
trash) gets the next number after the live rows, in order of first appearance. On restore the
numbers of live rows become their new ids, and the others negative ids, which no row ever
has: restoring such a record from the trash gives it a fresh id. So export -> restore ->
export gives the same document.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from amity.store import schema as s
from amity.store.journal import key_columns, key_text, parse_key

Mapper = Callable[[str, int], int]


def export_mapper(id_maps: dict[str, dict[int, int]]) -> Mapper:
    """Database id -> number in the document; ids of rows that are gone get new numbers."""
    extra: dict[str, dict[int, int]] = {}

    def number(table: str, value: int) -> int:
        live = id_maps.get(table, {})
        if value in live:
            return live[value]
        more = extra.setdefault(table, {})
        if value not in more:
            more[value] = len(live) + len(more) + 1
        return more[value]

    return number


def import_mapper(id_maps: dict[str, dict[int, int]]) -> Mapper:
    """Number in the document -> id in this database (negative for rows that are gone)."""

    def ident(table: str, value: int) -> int:
        live = id_maps.get(table, {})
        return live[value] if value in live else -abs(value)

    return ident


def remap_change(row: dict[str, Any], mapper: Mapper) -> dict[str, Any]:
    """A ``changes`` row (as stored: JSON text) with every id it names mapped."""
    name = row.get("table_name")
    table = s.metadata.tables.get(name) if isinstance(name, str) else None
    if table is None:
        return row
    out = dict(row)
    if row.get("op") != "bulk" and isinstance(row.get("row_key"), str):
        key = parse_key(row["row_key"])
        columns = key_columns(table)
        if len(key) == len(columns):
            out["row_key"] = key_text(
                tuple(_map_column(table, c, v, mapper) for c, v in zip(columns, key, strict=True))
            )
    if isinstance(row.get("person_id"), int):
        out["person_id"] = mapper("people", row["person_id"])
    for side in ("before", "after"):
        if isinstance(row.get(side), str):
            data = json.loads(row[side])
            if row.get("op") == "bulk":
                data["ids"] = [mapper(table.name, i) for i in data.get("ids", [])]
            else:
                data = {k: _map_column(table, k, v, mapper) for k, v in data.items()}
            out[side] = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return out


def _map_column(table: Any, column: str, value: Any, mapper: Mapper) -> Any:
    if not isinstance(value, int) or isinstance(value, bool) or column not in table.c:
        return value
    if column == "id":
        return mapper(table.name, value)
    for fk in table.c[column].foreign_keys:
        target = fk.column.table.name
        if target != "users":
            return mapper(target, value)
    return value
