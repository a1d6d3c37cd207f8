"""Edit and delete one record of any kind: ``book.records`` (issue 12, section 2).

One part serves every door: ``edit(kind, id, changes)`` checks every change before the first
write and returns the record as it now is; ``delete(kind, id)`` removes it (what hangs on it
goes with it through the schema's cascades). Both run in one ``ctx.write()``, both are scoped
to the owner: another owner's id, or one beyond 32 bits, is "not found".

The kinds and what each may change (``EDITABLE``) are listed in ``kinds.py``; checking a
change is in ``checks.py``; reading a record back in ``loading.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, delete, select, update

from amity.book.context import BookContext
from amity.book.people import People
from amity.book.records.checks import prepare
from amity.book.records.kinds import EDITABLE, KINDS, LABELS, TABLES, kind_of
from amity.book.records.loading import load_record
from amity.errors import InvalidInput, NotFound
from amity.rules.agenda import MAX_ID
from amity.store import schema as s

__all__ = ["EDITABLE", "KINDS", "Records", "kind_of"]


class Records:
    """``book.records``: edit or delete an interaction, fact, question, date, promise,
    follow-up, event, relationship, article, goal or feedback by its id."""

    def __init__(self, ctx: BookContext, people: People) -> None:
        self._ctx = ctx
        self._people = people

    def get(self, kind: str, record_id: int) -> Any:
        kind = kind_of(kind)
        with self._ctx.read() as conn:
            self._row(conn, kind, record_id)
            return load_record(conn, self._ctx.owner_id, kind, record_id)

    def edit(self, kind: str, record_id: int, changes: Mapping[str, Any]) -> Any:
        """Change the fields named in ``changes`` (``None`` clears an optional one)."""
        kind = kind_of(kind)
        unknown = sorted(set(changes) - set(EDITABLE[kind]))
        if unknown:
            raise InvalidInput(
                f"a {LABELS[kind]} has no field {unknown[0]!r} to change "
                f"(one of {', '.join(EDITABLE[kind])})",
                field=unknown[0],
            )
        with self._ctx.write() as conn:
            row = self._row(conn, kind, record_id)
            plan = prepare(conn, self._ctx, self._people, kind, row, changes)
            table = TABLES[kind]
            if plan.values:
                conn.execute(
                    update(table)
                    .where(table.c.owner_id == self._ctx.owner_id, table.c.id == record_id)
                    .values(**plan.values)
                )
            for step in plan.after:
                step(conn)
            self._refresh(conn, kind, row, record_id)
            return load_record(conn, self._ctx.owner_id, kind, record_id)

    def delete(self, kind: str, record_id: int) -> None:
        kind = kind_of(kind)
        with self._ctx.write() as conn:
            row = self._row(conn, kind, record_id)
            owner = self._ctx.owner_id
            people: list[int] = []
            if kind == "interaction":
                ip = s.interaction_participants
                people = [
                    r[0]
                    for r in conn.execute(
                        select(ip.c.person_id).where(
                            ip.c.owner_id == owner, ip.c.interaction_id == record_id
                        )
                    )
                ]
                self._drop_search_doc(conn, record_id)
            table = TABLES[kind]
            conn.execute(delete(table).where(table.c.owner_id == owner, table.c.id == record_id))
            if kind == "interaction":
                self._recompute_last_contact(conn, people)
            elif kind in ("fact", "question"):
                self._people.reindex(conn, [row.person_id])

    # --- helpers --------------------------------------------------------------------------

    def _row(self, conn: Connection, kind: str, record_id: int) -> Any:
        table = TABLES[kind]
        row = None
        if isinstance(record_id, int) and 0 < record_id <= MAX_ID:
            row = conn.execute(
                select(table).where(table.c.owner_id == self._ctx.owner_id, table.c.id == record_id)
            ).first()
        if row is None:
            raise NotFound(f"no {LABELS[kind]} with id {record_id}")
        return row

    def _refresh(self, conn: Connection, kind: str, row: Any, record_id: int) -> None:
        """Keep the search index and the denormalised columns true after an edit."""
        if kind in ("fact", "question"):
            self._people.reindex(conn, [row.person_id])
        elif kind == "interaction":
            from amity.book.search import index_interactions

            index_interactions(conn, self._ctx.owner_id, [record_id])

    def _drop_search_doc(self, conn: Connection, interaction_id: int) -> None:
        d = s.search_docs
        conn.execute(
            delete(d).where(
                d.c.owner_id == self._ctx.owner_id,
                d.c.doc_kind == "interaction",
                d.c.ref_id == interaction_id,
            )
        )

    def _recompute_last_contact(self, conn: Connection, person_ids: list[int]) -> None:
        from amity.book.records.checks import recompute_last_contact

        recompute_last_contact(conn, self._ctx.owner_id, person_ids)
