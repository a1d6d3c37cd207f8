"""Merging two people into one, keeping the history of both; undoable from a backup.

Everything that points at the person merged away — contact points, tags, facts, questions,
dates, jobs, interactions, commitments, follow-ups, attendance, exchanges, introductions,
relationships, shares, feedback — is moved to the one kept, in one transaction. Rows that
would collide (the same e-mail twice, both at the same meeting) are kept once. Empty fields of
the kept person are filled from the other. Before anything changes, a JSON backup of the whole
book is written to ``<data folder>/backups/`` so the merge can be undone by a restore.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Connection, Table, and_, delete, func, select, update

from amity.book.context import BookContext
from amity.book.people import People
from amity.config import data_folder
from amity.errors import InvalidInput
from amity.model import PersonRef
from amity.rules.text import fold
from amity.rules.words import plural_of
from amity.store import schema as s

_FILLED = ("given_name", "family_name", "nickname", "org", "title", "circle_id", "cadence_days",
           "preferred_channel", "timezone", "country", "language", "best_time", "style_notes", "how_met",
           "met_where", "met_event_id", "introduced_by_id", "photo", "uid")  # fmt: skip
#: Fields a merge can take from the other person even when the kept one has a value (the web's
#: side-by-side screen, ``amity merge --take``); lists (e-mails, phones, tags...) are united.
CHOOSABLE = ("name", "given_name", "family_name", "nickname", "org", "title", "country",
             "timezone", "preferred_channel", "language", "best_time", "how_met", "met_where",
             "photo")  # fmt: skip
#: Tables where a person appears at most once per other key: (table, the other key column).
_UNIQUE_WITH = {
    "interaction_participants": "interaction_id",
    "attendance": "event_id",
    "person_tags": "tag_id",
    "shares": "article_id",
}
_LABELS = {"contact_points": "contact point", "interaction_participants": "interaction",
           "person_tags": "tag", "important_dates": "date", "follow_ups": "follow-up",
           "feedback_requests": "feedback request"}  # fmt: skip


@dataclass
class MergeResult:
    keep: PersonRef
    other: PersonRef
    moved: dict[str, int] = field(default_factory=dict)
    filled: list[str] = field(default_factory=list)
    backup: Path | None = None

    def line(self) -> str:
        parts = [f"{n} {_plural(_LABELS.get(t, t.rstrip('s').replace('_', ' ')), n)}"
                 for t, n in sorted(self.moved.items()) if n]  # fmt: skip
        moved = ", ".join(parts) if parts else "nothing"
        text = (f"Merged {self.other.name} (id {self.other.id}) into {self.keep.name} "
                f"(id {self.keep.id}): moved {moved}")  # fmt: skip
        if self.filled:
            text += f"; filled {', '.join(self.filled)}"
        if self.backup:
            text += f"; undo from {self.backup}"
        return text + "."


def _plural(word: str, n: int) -> str:
    return word if n == 1 else plural_of(word)


class Merger:
    def __init__(self, ctx: BookContext, people: People,
                 export_json: Callable[[], dict[str, Any]]) -> None:  # fmt: skip
        self._ctx = ctx
        self._people = people
        self._export_json = export_json

    def merge(self, keep: str | int, other: str | int, *, backup: bool = True,
              take: Iterable[str] = ()) -> MergeResult:  # fmt: skip
        """Merge OTHER into KEEP; ``take`` names fields (of `CHOOSABLE`) whose value comes from
        OTHER although KEEP has one."""
        keep_ref = self._people.resolve(keep)
        other_ref = self._people.resolve(other)
        if keep_ref.id == other_ref.id:
            raise InvalidInput(f"{keep_ref.name} is the same person as {other_ref.name}")
        chosen = set(take)
        if chosen - set(CHOOSABLE):
            raise InvalidInput(f"a merge can take {', '.join(CHOOSABLE)} from the other person, "
                               f"not {', '.join(sorted(chosen - set(CHOOSABLE)))}", field="take")  # fmt: skip
        path = self.write_backup(keep_ref, other_ref) if backup else None
        with self._ctx.write() as conn:
            self._ctx.describe_write(
                conn, "merge", f"merged {other_ref.name} (id {other_ref.id}) into {keep_ref.name}"
            )
            result = MergeResult(keep_ref, other_ref, backup=path)
            result.filled = self._fill_fields(conn, keep_ref.id, other_ref.id, chosen)
            self._dedupe_children(conn, keep_ref.id, other_ref.id)
            for table, column in people_references():
                moved = self._move(conn, table, column, keep_ref.id, other_ref.id)
                if moved and column.name != "introduced_by_id":
                    result.moved[table.name] = result.moved.get(table.name, 0) + moved
            self._drop_self_references(conn, keep_ref.id)
            self._finish(conn, keep_ref.id, other_ref.id)
        if "name" in result.filled:
            result.keep = PersonRef(keep_ref.id, self._people.resolve(keep_ref.id).name)
        return result

    def write_backup(self, keep: PersonRef, other: PersonRef) -> Path:
        folder = data_folder(self._ctx.url) / "backups"
        folder.mkdir(parents=True, exist_ok=True)
        stamp = self._ctx.now().strftime("%Y%m%dT%H%M%S")
        path = folder / f"before-merge-{stamp}-{keep.id}-{other.id}.json"
        n = 1
        while path.exists():
            n += 1
            path = folder / f"before-merge-{stamp}-{keep.id}-{other.id}-{n}.json"
        tmp = path.with_name(path.name + ".part")
        tmp.write_text(json.dumps(self._export_json(), ensure_ascii=False, sort_keys=True),
                       encoding="utf-8")  # fmt: skip
        tmp.replace(path)
        return path

    def _fill_fields(self, conn: Connection, keep: int, other: int,
                     take: set[str] | frozenset[str] = frozenset()) -> list[str]:  # fmt: skip
        p = s.people
        owner = self._ctx.owner_id
        rows = {
            r.id: r
            for r in conn.execute(select(p).where(p.c.owner_id == owner, p.c.id.in_((keep, other))))
        }
        kept, gone = rows[keep], rows[other]
        values: dict[str, Any] = {}
        for name in _FILLED:
            if getattr(kept, name) in (None, "") and getattr(gone, name) not in (None, ""):
                values[name] = getattr(gone, name)
        for name in take:  # chosen from the other although the kept person has a value
            if getattr(gone, name) not in (None, "") and getattr(gone, name) != getattr(kept, name):
                values[name] = getattr(gone, name)
        if "name" in values:
            values["name_key"] = fold(values["name"])
        if gone.introduced_by_id == keep:
            values.pop("introduced_by_id", None)
        if gone.notes and gone.notes != kept.notes:
            values["notes"] = f"{kept.notes}\n\n{gone.notes}" if kept.notes else gone.notes
        if gone.met_on and (kept.met_on is None or gone.met_on < kept.met_on):
            values["met_on"] = gone.met_on
        filled = sorted(v for v in values if v != "name_key")
        if values:
            # the other's UID must be free before the kept person takes it
            conn.execute(update(p).where(p.c.id == other).values(uid=None))
            conn.execute(update(p).where(p.c.owner_id == owner, p.c.id == keep).values(**values))
        return [f.removesuffix("_id") for f in filled]

    def _dedupe_children(self, conn: Connection, keep: int, other: int) -> None:
        """Delete the other's rows that the kept person already has in the same form."""
        owner = self._ctx.owner_id
        cp, d = s.contact_points, s.important_dates
        mine = select(cp.c.kind, cp.c.normalized).where(
            cp.c.owner_id == owner, cp.c.person_id == keep
        )
        doubles = [r.id for r in conn.execute(select(cp.c.id, cp.c.kind, cp.c.normalized).where(
            cp.c.owner_id == owner, cp.c.person_id == other)) if (r.kind, r.normalized) in
            {(m.kind, m.normalized) for m in conn.execute(mine)}]  # fmt: skip
        if doubles:
            conn.execute(delete(cp).where(cp.c.id.in_(doubles)))
        kinds = {
            r.kind: r.n
            for r in conn.execute(
                select(cp.c.kind, func.max(cp.c.position).label("n"))
                .where(cp.c.owner_id == owner, cp.c.person_id == keep)
                .group_by(cp.c.kind)
            )
        }
        for kind, last in kinds.items():
            conn.execute(
                update(cp)
                .where(cp.c.owner_id == owner, cp.c.person_id == other, cp.c.kind == kind)
                .values(is_primary=False, position=cp.c.position + last + 1)
            )
        kept_dates = {
            (r.kind, r.label, r.month, r.day, r.year)
            for r in conn.execute(select(d).where(d.c.owner_id == owner, d.c.person_id == keep))
        }
        has_birthday = any(k[0] == "birthday" for k in kept_dates)
        doubles = [r.id for r in conn.execute(select(d).where(d.c.owner_id == owner,
                                                              d.c.person_id == other))
                   if (r.kind, r.label, r.month, r.day, r.year) in kept_dates
                   or (r.kind == "birthday" and has_birthday)]  # fmt: skip
        if doubles:
            conn.execute(delete(d).where(d.c.id.in_(doubles)))
        for name, key in _UNIQUE_WITH.items():
            table = s.metadata.tables[name]
            kept = select(table.c[key]).where(table.c.person_id == keep)
            conn.execute(delete(table).where(table.c.person_id == other, table.c[key].in_(kept)))

    def _move(
        self, conn: Connection, table: Table, column: Column[Any], keep: int, other: int
    ) -> int:
        query = update(table).where(column == other)
        if "owner_id" in table.c:
            query = query.where(table.c.owner_id == self._ctx.owner_id)
        return int(conn.execute(query.values({column.name: keep})).rowcount or 0)

    def _drop_self_references(self, conn: Connection, keep: int) -> None:
        owner = self._ctx.owner_id
        rel, intro, p = s.relationships, s.introductions, s.people
        conn.execute(
            delete(rel).where(
                rel.c.owner_id == owner,
                rel.c.person_a_id == keep,
                rel.c.person_b_id == keep,
            )
        )
        conn.execute(
            delete(intro).where(
                intro.c.owner_id == owner, intro.c.person_a_id == keep, intro.c.person_b_id == keep
            )
        )
        conn.execute(
            update(p)
            .where(p.c.owner_id == owner, p.c.id == keep, p.c.introduced_by_id == keep)
            .values(introduced_by_id=None)
        )

    def _finish(self, conn: Connection, keep: int, other: int) -> None:
        owner = self._ctx.owner_id
        p, ip, docs = s.people, s.interaction_participants, s.search_docs
        latest = (
            select(func.max(ip.c.occurred_at))
            .where(ip.c.person_id == keep, ip.c.status == "done")
            .scalar_subquery()
        )
        conn.execute(
            update(p)
            .where(p.c.owner_id == owner, p.c.id == keep)
            .values(last_interaction_at=latest, updated_at=self._ctx.now(), version=p.c.version + 1)
        )
        conn.execute(
            delete(docs).where(
                docs.c.owner_id == owner, docs.c.doc_kind == "person", docs.c.ref_id == other
            )
        )
        conn.execute(delete(p).where(and_(p.c.owner_id == owner, p.c.id == other)))
        self._people.reindex(conn, [keep])


def people_references() -> list[tuple[Table, Column[Any]]]:
    """Every (table, column) holding a person id, people's own introducer included."""
    found = []
    for table in s.metadata.sorted_tables:
        for column in table.c:
            if column.name == "id":
                continue
            if any(fk.column.table is s.people for fk in column.foreign_keys):
                found.append((table, column))
    return found
