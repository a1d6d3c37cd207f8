"""``book.history``: the journal of every change, undo, and the trash (issue 15).

Every ``ctx.write()`` is one change group (``amity.store.journal`` captures it; the door and
the actor come from the Book). This part reads the groups back (the whole book's or one
person's), undoes one (refusing when a later change touched the same rows, unless forced),
lists the trash (groups that deleted records, for 30 days), restores from it, and purges
what has been there longer.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, func, or_, select, update

from amity.book.context import BookContext
from amity.book.history.undo import Stored, apply_undo, later_conflicts
from amity.book.journal import HIDDEN, RECORDS, label, record_name
from amity.errors import Conflict, InvalidInput, NotFound
from amity.model.history import ChangeGroup, FieldChange, RowChange, TrashEntry, UndoResult
from amity.store import schema as s
from amity.store.journal import JOURNAL

MAX_ID = 2**31 - 1


class History:
    def __init__(self, ctx: BookContext, people: Any) -> None:
        self._ctx = ctx
        self._people = people

    # --- reading ------------------------------------------------------------------------

    def groups(
        self, *, person: str | int | None = None, limit: int = 50, before: int | None = None
    ) -> list[ChangeGroup]:
        """The newest change groups first (of one person when given), with their changes."""
        if limit < 1:
            raise InvalidInput("limit must be at least 1", field="limit")
        g, c = s.change_groups, s.changes
        owner = self._ctx.owner_id
        query = select(g).where(g.c.owner_id == owner)
        if person is not None:
            person_id = self._person_id(person)
            query = query.where(
                g.c.id.in_(
                    select(c.c.group_id).where(c.c.owner_id == owner, c.c.person_id == person_id)
                )
            )
        if before is not None:
            query = query.where(g.c.id < before)
        with self._ctx.read() as conn:
            rows = list(conn.execute(query.order_by(g.c.id.desc()).limit(min(limit, 500))))
            return self._with_changes(conn, rows)

    def group(self, group_id: int) -> ChangeGroup:
        g = s.change_groups
        if not 1 <= group_id <= MAX_ID:
            raise NotFound(f"no change {group_id}")
        with self._ctx.read() as conn:
            row = conn.execute(
                select(g).where(g.c.owner_id == self._ctx.owner_id, g.c.id == group_id)
            ).first()
            if row is None:
                raise NotFound(f"no change {group_id}")
            return self._with_changes(conn, [row])[0]

    def last_undoable(self) -> ChangeGroup | None:
        """The newest group still in effect that is not itself an undo."""
        g = s.change_groups
        with self._ctx.read() as conn:
            row = conn.execute(
                select(g)
                .where(
                    g.c.owner_id == self._ctx.owner_id,
                    g.c.undone_at.is_(None),
                    g.c.undoes_id.is_(None),
                    g.c.kind != "undo",
                    g.c.purged_at.is_(None),
                )
                .order_by(g.c.id.desc())
                .limit(1)
            ).first()
            return None if row is None else self._with_changes(conn, [row])[0]

    def _person_id(self, ref: str | int) -> int:
        try:
            return int(self._people.resolve(ref).id)
        except NotFound:
            # a person in the trash is no longer found by name, but their id still is
            text = str(ref).strip()
            if text.isdigit() and 1 <= int(text) <= MAX_ID:
                c = s.changes
                with self._ctx.read() as conn:
                    seen = conn.execute(
                        select(c.c.id)
                        .where(c.c.owner_id == self._ctx.owner_id, c.c.person_id == int(text))
                        .limit(1)
                    ).first()
                if seen is not None:
                    return int(text)
            raise

    def _with_changes(self, conn: Connection, rows: list[Any]) -> list[ChangeGroup]:
        c = s.changes
        ids = [r.id for r in rows]
        by_group: dict[int, list[RowChange]] = {i: [] for i in ids}
        if ids:
            for r in conn.execute(
                select(c)
                .where(c.c.owner_id == self._ctx.owner_id, c.c.group_id.in_(ids))
                .order_by(c.c.id)
            ):
                by_group[r.group_id].append(_row_change(r))
        return [_group(r, tuple(by_group[r.id])) for r in rows]

    # --- undo -----------------------------------------------------------------------------

    def undo(self, group_id: int | None = None, *, force: bool = False) -> UndoResult:
        """Undo a change group (default: the newest one still in effect). A later change to
        the same rows is a Conflict unless ``force``; the undo is a change group itself."""
        if group_id is None:
            last = self.last_undoable()
            if last is None:
                raise NotFound("nothing to undo")
            group_id = last.id
        return self._undo(group_id, force=force)

    def _undo(self, group_id: int, *, force: bool, from_trash: bool = False) -> UndoResult:
        g, c = s.change_groups, s.changes
        owner = self._ctx.owner_id
        if not 1 <= group_id <= MAX_ID:
            raise NotFound(f"no change {group_id}")
        with self._ctx.write() as conn:
            row = conn.execute(select(g).where(g.c.owner_id == owner, g.c.id == group_id)).first()
            if row is None or (from_trash and not _in_trash(row, self._ctx.now())):
                what = "nothing in the trash with id" if from_trash else "no change"
                raise NotFound(f"{what} {group_id}")
            if row.undone_at is not None:
                raise Conflict(f"change {group_id} was already undone")
            if row.kind == "undo" or row.undoes_id is not None:
                raise Conflict(f"change {group_id} is an undo; it cannot be undone itself")
            if row.purged_at is not None:
                raise Conflict(f"change {group_id} left the trash; its records are gone")
            stored = [
                Stored.of(r)
                for r in conn.execute(
                    select(c)
                    .where(c.c.owner_id == owner, c.c.group_id == group_id)
                    .order_by(c.c.id)
                )
            ]
            if not force:
                clashes = later_conflicts(conn, owner, group_id, stored)
                if clashes:
                    raise Conflict(
                        f"cannot undo change {group_id} ({row.summary}): later change(s) "
                        f"{', '.join(map(str, clashes[:5]))} touched the same records; "
                        "undo those first, or force it",
                        later=clashes,
                    )
            now = self._ctx.now()
            journal = conn.get_execution_options()[JOURNAL]
            journal.kind = "undo"
            journal.undoes = group_id
            journal.summary = f"undid change {group_id}: {row.summary}"[:500]
            outcome = apply_undo(conn, owner, stored, now)
            conn.execute(
                update(g)
                .where(g.c.owner_id == owner, g.c.id == group_id)
                .values(undone_at=now, trash_until=None)
            )
            self._refresh(conn, outcome.people, outcome.interactions)
            group = self._with_changes(conn, [row])[0]
        return UndoResult(
            group=group,
            undo_group_id=self._newest_undo(group_id),
            removed=outcome.removed,
            restored=outcome.restored,
            reverted=outcome.reverted,
            people=tuple(sorted(outcome.people)),
        )

    def _newest_undo(self, group_id: int) -> int | None:
        g = s.change_groups
        with self._ctx.read() as conn:
            found = conn.execute(
                select(func.max(g.c.id)).where(
                    g.c.owner_id == self._ctx.owner_id, g.c.undoes_id == group_id
                )
            ).scalar()
        return None if found is None else int(found)

    def _refresh(self, conn: Connection, people: set[int], interactions: set[int]) -> None:
        """Derived data of what came back or went: search documents, last contact."""
        from amity.book.search import index_interactions, index_people

        p, i, docs = s.people, s.interactions, s.search_docs
        owner = self._ctx.owner_id
        live_people = [r[0] for r in conn.execute(
            select(p.c.id).where(p.c.owner_id == owner, p.c.id.in_(sorted(people))))]  # fmt: skip
        live_talks = [r[0] for r in conn.execute(
            select(i.c.id).where(i.c.owner_id == owner, i.c.id.in_(sorted(interactions))))]  # fmt: skip
        for kind, wanted, live in (("person", people, live_people),
                                   ("interaction", interactions, live_talks)):  # fmt: skip
            gone = sorted(set(wanted) - set(live))
            if gone:
                conn.execute(delete(docs).where(docs.c.owner_id == owner,
                                                docs.c.doc_kind == kind, docs.c.ref_id.in_(gone)))  # fmt: skip
        if live_people:
            index_people(conn, owner, live_people)
            self._last_contact(conn, live_people)
        if live_talks:
            index_interactions(conn, owner, live_talks)

    def _last_contact(self, conn: Connection, people: list[int]) -> None:
        p, ip = s.people, s.interaction_participants
        latest = (
            select(func.max(ip.c.occurred_at))
            .where(ip.c.person_id == p.c.id, ip.c.status == "done")
            .scalar_subquery()
        )
        conn.execute(
            update(p)
            .where(p.c.owner_id == self._ctx.owner_id, p.c.id.in_(people))
            .values(last_interaction_at=latest)
        )

    # --- the trash --------------------------------------------------------------------------

    def trash(self, *, limit: int = 100) -> list[TrashEntry]:
        """Deleted records still restorable, newest first (each entry is one change group)."""
        g, c = s.change_groups, s.changes
        owner, now = self._ctx.owner_id, self._ctx.now()
        with self._ctx.read() as conn:
            groups = conn.execute(
                select(g)
                .where(
                    g.c.owner_id == owner,
                    g.c.trash_until > now,
                    g.c.undone_at.is_(None),
                    g.c.purged_at.is_(None),
                )
                .order_by(g.c.id.desc())
                .limit(max(1, min(limit, 500)))
            ).all()
            records: dict[int, list[tuple[str, str]]] = {r.id: [] for r in groups}
            related: dict[int, int] = dict.fromkeys(records, 0)
            if groups:
                for r in conn.execute(
                    select(c.c.group_id, c.c.table_name, c.c.op, c.c.before)
                    .where(
                        c.c.owner_id == owner,
                        c.c.group_id.in_(list(records)),
                        c.c.op.in_(("delete", "cascade")),
                    )
                    .order_by(c.c.id)
                ):
                    if r.op == "delete" and r.table_name in RECORDS:
                        before = json.loads(r.before or "{}")
                        records[r.group_id].append(
                            (record_name(r.table_name), label(r.table_name, before))
                        )
                    else:
                        related[r.group_id] += 1
        return [
            TrashEntry(
                id=r.id,
                deleted_at=r.at,
                until=r.trash_until,
                kind=r.kind,
                summary=r.summary,
                door=r.door,
                actor=r.actor,
                records=tuple(records[r.id]),
                related=related[r.id],
            )
            for r in groups
        ]

    def restore(self, trash_id: int, *, force: bool = False) -> UndoResult:
        """Put back what a trash entry deleted (a merge: both people as they were)."""
        return self._undo(trash_id, force=force, from_trash=True)

    def purge_expired(self) -> int:
        """Forget what has been in the trash past its 30 days; returns the groups purged."""
        return purge_trash(self._ctx.engine, self._ctx.now(), owner_id=self._ctx.owner_id)


def purge_trash(engine: Engine, now: datetime, *, owner_id: int | None = None) -> int:
    """Across owners (the scheduler's purge round) or for one: the deleted rows of groups
    whose trash time is over are dropped from the journal, with every earlier change that
    named a person deleted for good."""
    from amity.store.engine import write_transaction

    g, c = s.change_groups, s.changes
    expired = and_(g.c.trash_until <= now, g.c.purged_at.is_(None), g.c.undone_at.is_(None))
    if owner_id is not None:
        expired = and_(g.c.owner_id == owner_id, expired)
    with write_transaction(engine) as conn:
        groups = conn.execute(select(g.c.id, g.c.owner_id).where(expired).limit(1000)).all()
        for group_id, owner in groups:
            people = [
                int(r[0])
                for r in conn.execute(
                    select(c.c.row_key).where(
                        c.c.owner_id == owner,
                        c.c.group_id == group_id,
                        c.c.table_name == "people",
                        c.c.op.in_(("delete", "cascade")),
                    )
                )
            ]
            gone = and_(c.c.group_id == group_id, c.c.op.in_(("delete", "cascade")))
            if people:
                gone = or_(gone, and_(c.c.group_id <= group_id, c.c.person_id.in_(people)))
            conn.execute(delete(c).where(c.c.owner_id == owner, gone))
            conn.execute(
                update(g).where(g.c.id == group_id).values(purged_at=now, trash_until=None)
            )
    return len(groups)


def _in_trash(row: Any, now: datetime) -> bool:
    return (
        row.trash_until is not None
        and row.trash_until > now
        and row.undone_at is None
        and row.purged_at is None
    )


def _group(row: Any, changes: tuple[RowChange, ...]) -> ChangeGroup:
    return ChangeGroup(
        id=row.id,
        at=row.at,
        door=row.door,
        actor=row.actor,
        kind=row.kind,
        summary=row.summary,
        undone_at=row.undone_at,
        undoes_id=row.undoes_id,
        trash_until=row.trash_until,
        purged_at=row.purged_at,
        changes=changes,
    )


def _row_change(r: Any) -> RowChange:
    before = json.loads(r.before) if r.before else {}
    after = json.loads(r.after) if r.after else {}
    if r.op == "bulk":
        return RowChange(r.table_name, record_name(r.table_name), "", "bulk", None,
                         "", (), len(after.get("ids", [])))  # fmt: skip
    names = [k for k in (after if r.op == "insert" else before if r.op != "update" else
                         {**before, **after}) if k not in HIDDEN and k != "owner_id"]  # fmt: skip
    fields = tuple(FieldChange(k, before.get(k), after.get(k)) for k in names
                   if before.get(k) is not None or after.get(k) is not None)  # fmt: skip
    return RowChange(
        table=r.table_name,
        record=record_name(r.table_name),
        key=r.row_key,
        op=r.op,
        person_id=r.person_id,
        label=label(r.table_name, after or before),
        fields=fields,
    )


__all__ = ["History", "purge_trash"]
