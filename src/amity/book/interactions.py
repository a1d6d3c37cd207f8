"""Interactions: log a conversation with one or several people; timelines; replies."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, or_, select, true, update

from amity.book.context import BookContext, new_id
from amity.book.events import emit
from amity.book.people import People
from amity.errors import InvalidInput, NotFound
from amity.model import DIRECTIONS, INTERACTION_KINDS, Interaction, PersonRef
from amity.rules.text import clean_text
from amity.serialize import interaction_json
from amity.store import schema as s


def interaction_from_row(r: Any, people: list[PersonRef]) -> Interaction:
    """An ``interactions`` row and its participants as the model object."""
    return Interaction(
        kind=r.kind,
        direction=r.direction,
        occurred_at=r.occurred_at,
        people=people,
        subject=r.subject,
        notes=r.notes,
        thread_key=r.thread_key,
        needs_reply=r.needs_reply,
        replied_at=r.replied_at,
        status=r.status,
        ends_at=r.ends_at,
        location=r.location,
        channel=r.channel,
        event_id=r.event_id,
        source=r.source,
        source_ref=r.source_ref,
        created_at=r.created_at,
        id=r.id,
    )


@dataclass
class InteractionInput:
    people: Sequence[str | int]
    kind: str = "other"
    direction: str | None = None
    occurred_at: datetime | None = None
    subject: str | None = None
    notes: str | None = None
    needs_reply: bool = False
    thread_key: str | None = None
    channel: str | None = None
    location: str | None = None
    event_id: int | None = None
    source: str | None = None
    source_ref: str | None = None


class Interactions:
    def __init__(self, ctx: BookContext, people: People) -> None:
        self._ctx = ctx
        self._people = people

    def log(self, data: InteractionInput) -> Interaction:
        kind = data.kind.strip().lower()
        if kind not in INTERACTION_KINDS:
            raise InvalidInput(
                f"kind is one of {', '.join(INTERACTION_KINDS)}, not {kind!r}", field="kind"
            )
        direction = data.direction or ("inbound" if data.needs_reply else "mutual")
        if direction not in DIRECTIONS:
            raise InvalidInput(f"direction is one of {', '.join(DIRECTIONS)}", field="direction")
        if data.needs_reply and direction != "inbound":
            raise InvalidInput("only an inbound message can await your reply", field="needs_reply")
        if not data.people:
            raise InvalidInput("log an interaction with at least one person", field="people")
        with self._ctx.write() as conn:
            refs = list(dict.fromkeys(self._people.resolve_in(conn, p) for p in data.people))
            logged = self.log_in(conn, data, refs, kind, direction)
            emit(
                conn,
                self._ctx.owner_id,
                "interaction.logged",
                interaction_json(logged),
                at=self._ctx.now(),
            )
            return logged

    def log_in(
        self,
        conn: Connection,
        data: InteractionInput,
        refs: Sequence[PersonRef],
        kind: str,
        direction: str,
    ) -> Interaction:
        now = self._ctx.now()
        when = data.occurred_at or now
        if when.tzinfo is None:
            raise InvalidInput("occurred_at needs a time zone", field="occurred_at")
        status = "planned" if when > now else "done"
        values: dict[str, Any] = {
            "owner_id": self._ctx.owner_id,
            "kind": kind,
            "direction": direction,
            "occurred_at": when,
            "status": status,
            "subject": clean_text(data.subject),
            "notes": clean_text(data.notes),
            "needs_reply": data.needs_reply,
            "thread_key": clean_text(data.thread_key),
            "channel": clean_text(data.channel),
            "location": clean_text(data.location),
            "event_id": data.event_id,
            "source": data.source or "cli",
            "source_ref": data.source_ref,
            "created_at": now,
        }
        interaction_id = new_id(conn.execute(insert(s.interactions).values(**values)))
        conn.execute(
            insert(s.interaction_participants),
            [
                {
                    "owner_id": self._ctx.owner_id,
                    "interaction_id": interaction_id,
                    "person_id": r.id,
                    "occurred_at": when,
                    "direction": direction,
                    "status": status,
                }
                for r in refs
            ],
        )
        ids = [r.id for r in refs]
        if status == "done":
            self._touch_last_contact(conn, ids, when)
            if direction in ("outbound", "mutual"):
                self._mark_replied(conn, ids, when, clean_text(data.thread_key))
        from amity.book.search import index_interactions

        index_interactions(conn, self._ctx.owner_id, [interaction_id])
        return Interaction(
            kind=kind,
            direction=direction,
            occurred_at=when,
            people=list(refs),
            subject=values["subject"],
            notes=values["notes"],
            thread_key=values["thread_key"],
            needs_reply=data.needs_reply,
            status=status,
            channel=values["channel"],
            location=values["location"],
            source=values["source"],
            source_ref=data.source_ref,
            created_at=now,
            id=interaction_id,
        )

    def _touch_last_contact(
        self, conn: Connection, person_ids: Sequence[int], when: datetime
    ) -> None:
        p = s.people
        conn.execute(
            update(p)
            .where(
                p.c.owner_id == self._ctx.owner_id,
                p.c.id.in_(list(person_ids)),
                or_(p.c.last_interaction_at.is_(None), p.c.last_interaction_at < when),
            )
            .values(last_interaction_at=when)
        )

    def _mark_replied(
        self, conn: Connection, person_ids: Sequence[int], when: datetime, thread_key: str | None
    ) -> None:
        """An outbound message answers earlier inbound ones (in its thread when known)."""
        i, ip = s.interactions, s.interaction_participants
        same_thread = (
            or_(i.c.thread_key.is_(None), i.c.thread_key == thread_key) if thread_key else true()
        )
        conn.execute(
            update(i)
            .where(
                i.c.owner_id == self._ctx.owner_id,
                i.c.needs_reply.is_(True),
                i.c.replied_at.is_(None),
                i.c.direction == "inbound",
                i.c.occurred_at <= when,
                same_thread,
                i.c.id.in_(
                    select(ip.c.interaction_id).where(
                        ip.c.owner_id == self._ctx.owner_id, ip.c.person_id.in_(list(person_ids))
                    )
                ),
            )
            .values(replied_at=when)
        )

    def recompute_last_contact(self, conn: Connection, person_ids: Sequence[int]) -> None:
        ip, p = s.interaction_participants, s.people
        latest = (
            select(func.max(ip.c.occurred_at))
            .where(ip.c.person_id == p.c.id, ip.c.status == "done")
            .scalar_subquery()
        )
        conn.execute(
            update(p)
            .where(p.c.owner_id == self._ctx.owner_id, p.c.id.in_(list(person_ids)))
            .values(last_interaction_at=latest)
        )

    def get(self, interaction_id: int) -> Interaction:
        with self._ctx.read() as conn:
            found = self._load(conn, [interaction_id])
        if not found:
            raise NotFound(f"no interaction with id {interaction_id}")
        return found[0]

    def delete(self, interaction_id: int) -> None:
        with self._ctx.write() as conn:
            i, ip = s.interactions, s.interaction_participants
            people = [
                r[0]
                for r in conn.execute(
                    select(ip.c.person_id).where(
                        ip.c.owner_id == self._ctx.owner_id, ip.c.interaction_id == interaction_id
                    )
                )
            ]
            gone = conn.execute(
                delete(i).where(i.c.owner_id == self._ctx.owner_id, i.c.id == interaction_id)
            ).rowcount
            if not gone:
                raise NotFound(f"no interaction with id {interaction_id}")
            conn.execute(
                delete(s.search_docs).where(
                    s.search_docs.c.owner_id == self._ctx.owner_id,
                    s.search_docs.c.doc_kind == "interaction",
                    s.search_docs.c.ref_id == interaction_id,
                )
            )
            self.recompute_last_contact(conn, people)

    def timeline(
        self,
        ref: str | int | None = None,
        *,
        limit: int = 50,
        before: datetime | None = None,
        kind: str | None = None,
    ) -> list[Interaction]:
        """Interactions, newest first, with one person or with anyone."""
        i, ip = s.interactions, s.interaction_participants
        with self._ctx.read() as conn:
            query = select(i.c.id).where(i.c.owner_id == self._ctx.owner_id)
            if ref is not None:
                person = self._people.resolve_in(conn, ref)
                query = query.where(
                    i.c.id.in_(
                        select(ip.c.interaction_id).where(
                            ip.c.owner_id == self._ctx.owner_id, ip.c.person_id == person.id
                        )
                    )
                )
            if before is not None:
                query = query.where(i.c.occurred_at < before)
            if kind:
                query = query.where(i.c.kind == kind)
            ids = [
                r[0]
                for r in conn.execute(
                    query.order_by(i.c.occurred_at.desc(), i.c.id.desc()).limit(limit)
                )
            ]
            return self._load(conn, ids)

    def awaiting_reply(self) -> list[Interaction]:
        """Inbound messages still waiting for an answer, oldest first."""
        i = s.interactions
        with self._ctx.read() as conn:
            ids = [
                r[0]
                for r in conn.execute(
                    select(i.c.id)
                    .where(
                        i.c.owner_id == self._ctx.owner_id,
                        i.c.needs_reply.is_(True),
                        i.c.replied_at.is_(None),
                        i.c.direction == "inbound",
                        i.c.status == "done",
                    )
                    .order_by(i.c.occurred_at, i.c.id)
                )
            ]
            return self._load(conn, ids)

    def _load(self, conn: Connection, ids: Sequence[int]) -> list[Interaction]:
        if not ids:
            return []
        i, ip, p = s.interactions, s.interaction_participants, s.people
        people: dict[int, list[PersonRef]] = defaultdict(list)
        for r in conn.execute(
            select(ip.c.interaction_id, p.c.id, p.c.name)
            .join(p, p.c.id == ip.c.person_id)
            .where(ip.c.owner_id == self._ctx.owner_id, ip.c.interaction_id.in_(list(ids)))
            .order_by(p.c.name_key)
        ):
            people[r.interaction_id].append(PersonRef(r.id, r.name))
        rows = {
            r.id: r
            for r in conn.execute(
                select(i).where(and_(i.c.owner_id == self._ctx.owner_id, i.c.id.in_(list(ids))))
            )
        }
        return [interaction_from_row(r, people[r.id]) for r in (rows[x] for x in ids if x in rows)]

    def count(self) -> int:
        i = s.interactions
        with self._ctx.read() as conn:
            return int(
                conn.execute(
                    select(func.count()).select_from(i).where(i.c.owner_id == self._ctx.owner_id)
                ).scalar_one()
            )
