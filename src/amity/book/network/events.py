"""Events and communities: add them, who you met there and whether you followed up, and
your own participation (a talk, a forum answer)."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, Integer, cast, func, insert, select, update

from amity.book.context import BookContext, insert_id, required
from amity.book.network.lookup import noon_of, start_of
from amity.book.people import People
from amity.errors import Ambiguous, InvalidInput, NotFound
from amity.model import EVENT_KINDS, Event, PersonRef
from amity.rules.dates import local_date, time_zone
from amity.rules.text import clean_text, fold
from amity.store import schema as s

ATTENDANCE_ROLES = ("attendee", "speaker", "organiser", "member")


@dataclass
class Attendee:
    person: PersonRef
    role: str | None
    met: bool
    note: str | None
    followed_up: bool  # a done interaction after the event's last day


@dataclass
class EventDetail:
    event: Event
    attendees: list[Attendee] = field(default_factory=list)
    participation: list[Participation] = field(default_factory=list)


@dataclass
class Participation:
    """Your own part in an event or community: an interaction without participants."""

    interaction_id: int
    day: date
    text: str


@dataclass
class EventSummary:
    event: Event
    people: int
    met: int


class Events:
    def __init__(self, ctx: BookContext, people: People) -> None:
        self._ctx = ctx
        self._people = people

    def add(
        self,
        name: str,
        kind: str,
        *,
        starts_on: date | None = None,
        ends_on: date | None = None,
        location: str | None = None,
        url: str | None = None,
        notes: str | None = None,
    ) -> Event:
        title = required(name, "an event", "name")
        kind = kind.strip().lower()
        if kind not in EVENT_KINDS:
            raise InvalidInput(
                f"an event is one of {', '.join(EVENT_KINDS)}, not {kind!r}", field="kind"
            )
        if len(title) > 300:
            raise InvalidInput("an event name is at most 300 characters", field="name")
        if starts_on and ends_on and ends_on < starts_on:
            raise InvalidInput("an event cannot end before it starts", field="to")
        values: dict[str, Any] = {
            "owner_id": self._ctx.owner_id,
            "name": title,
            "kind": kind,
            "starts_on": starts_on,
            "ends_on": ends_on or starts_on,
            "location": clean_text(location),
            "url": clean_text(url),
            "notes": clean_text(notes),
            "created_at": self._ctx.now(),
        }
        with self._ctx.write() as conn:
            event_id = int(insert_id(conn, insert(s.events).values(**values)))
        return Event(
            title,
            kind,
            starts_on,
            values["ends_on"],
            values["location"],
            values["url"],
            values["notes"],
            event_id,
        )

    def resolve_in(self, conn: Connection, ref: str | int) -> Event:
        """An event from its id, exact name or an unambiguous name prefix (case ignored)."""
        e = s.events
        text = str(ref).strip()
        if not text:
            raise InvalidInput("an empty event reference")
        mine = e.c.owner_id == self._ctx.owner_id
        if text.isdigit():
            rows = conn.execute(select(e).where(mine, e.c.id == int(text))).all()
            if not rows:
                raise NotFound(f"no event with id {text}")
        else:
            key = fold(text)
            candidates = conn.execute(select(e).where(mine).order_by(e.c.starts_on, e.c.id)).all()
            rows = (
                [r for r in candidates if fold(r.name) == key]
                or [r for r in candidates if fold(r.name).startswith(key)]
                or [r for r in candidates if key in fold(r.name)]
            )
            if not rows:
                raise NotFound(f"no event matches {text!r}")
            if len(rows) > 1:
                raise Ambiguous(
                    f"{text!r} matches {len(rows)} events; use an id",
                    [(r.id, r.name) for r in rows],
                )
        return _event(rows[0])

    def get(self, ref: str | int) -> EventDetail:
        """The event with everyone you met there and whether you followed up: a done
        interaction with them after the event's last day (any time, for an undated one)."""
        with self._ctx.read() as conn:
            event = self.resolve_in(conn, ref)
            a, p = s.attendance, s.people
            rows = conn.execute(
                select(a.c.person_id, p.c.name, a.c.role, a.c.met, a.c.note)
                .join(p, p.c.id == a.c.person_id)
                .where(a.c.owner_id == self._ctx.owner_id, a.c.event_id == event.id)
                .order_by(p.c.name_key)
            ).all()
            last_day = event.ends_on or event.starts_on
            after = None if last_day is None else last_day + timedelta(days=1)
            followed = self._contacted_since(conn, [r.person_id for r in rows], after)
            participation = self._participations_in(conn, event.id or 0)
        return EventDetail(
            event,
            [
                Attendee(
                    PersonRef(r.person_id, r.name),
                    r.role,
                    bool(r.met),
                    r.note,
                    r.person_id in followed,
                )
                for r in rows
            ],
            participation,
        )

    def _contacted_since(self, conn: Connection, ids: Sequence[int], day: date | None) -> set[int]:
        if not ids:
            return set()
        ip = s.interaction_participants
        query = select(ip.c.person_id).where(
            ip.c.owner_id == self._ctx.owner_id,
            ip.c.person_id.in_(list(ids)),
            ip.c.status == "done",
        )
        if day is not None:
            tz = time_zone(self._ctx.setting("timezone", conn))
            query = query.where(ip.c.occurred_at >= start_of(day, tz))
        return {r[0] for r in conn.execute(query.distinct())}

    def log_participation(self, event: str | int, text: str, *, on: date | None = None) -> Event:
        """Your own participation in an event or community ("gave a talk", "answered three
        questions in the forum"), kept as an interaction (kind "event", no participants)
        linked to the event, at noon of that day in your time zone."""
        body = required(text, "a participation note", "text")
        if "\n" in body or len(body) > 500:
            raise InvalidInput(
                "a participation note is one line of at most 500 characters", field="text"
            )
        from amity.book.search import index_interactions

        now = self._ctx.now()
        with self._ctx.write() as conn:
            found = self.resolve_in(conn, event)
            tz = time_zone(self._ctx.setting("timezone", conn))
            day = on or local_date(now, tz)
            interaction_id = insert_id(
                conn,
                insert(s.interactions).values(
                    owner_id=self._ctx.owner_id,
                    kind="event",
                    direction="outbound",
                    occurred_at=noon_of(day, tz),
                    status="done",
                    notes=body,
                    event_id=found.id,
                    source="participation",
                    created_at=now,
                ),
            )
            index_interactions(conn, self._ctx.owner_id, [interaction_id])
        return found

    def participations(self, event: str | int) -> builtins.list[Participation]:
        """Your participation in EVENT, newest first."""
        with self._ctx.read() as conn:
            found = self.resolve_in(conn, event)
            return self._participations_in(conn, found.id or 0)

    def _participations_in(self, conn: Connection, event_id: int) -> builtins.list[Participation]:
        i = s.interactions
        tz = time_zone(self._ctx.setting("timezone", conn))
        rows = conn.execute(
            select(i.c.id, i.c.occurred_at, i.c.notes)
            .where(
                i.c.owner_id == self._ctx.owner_id,
                i.c.event_id == event_id,
                i.c.source == "participation",
            )
            .order_by(i.c.occurred_at.desc(), i.c.id.desc())
        )
        return [Participation(r.id, local_date(r.occurred_at, tz), r.notes or "") for r in rows]

    def list(self) -> builtins.list[EventSummary]:
        """Every event, newest first, with how many people you met there."""
        e, a = s.events, s.attendance
        with self._ctx.read() as conn:
            counts = {
                r.event_id: (int(r.people), int(r.met or 0))
                for r in conn.execute(
                    select(
                        a.c.event_id,
                        func.count().label("people"),
                        func.sum(cast(a.c.met, Integer)).label("met"),
                    )
                    .where(a.c.owner_id == self._ctx.owner_id)
                    .group_by(a.c.event_id)
                )
            }
            rows = conn.execute(
                select(e)
                .where(e.c.owner_id == self._ctx.owner_id)
                .order_by(e.c.starts_on.desc(), e.c.id.desc())
            ).all()
        return [EventSummary(_event(r), *counts.get(r.id, (0, 0))) for r in rows]

    def met(
        self,
        people: Sequence[str | int],
        event: str | int,
        *,
        note: str | None = None,
        role: str | None = None,
        first_met: bool = True,
    ) -> tuple[Event, builtins.list[PersonRef]]:
        """Record that you met PEOPLE at EVENT; a first meeting also sets how and where you met."""
        if not people:
            raise InvalidInput("name at least one person you met", field="people")
        if role is not None and role not in ATTENDANCE_ROLES:
            raise InvalidInput(f"a role is one of {', '.join(ATTENDANCE_ROLES)}", field="role")
        now = self._ctx.now()
        with self._ctx.write() as conn:
            found = self.resolve_in(conn, event)
            assert found.id is not None
            refs = list(dict.fromkeys(self._people.resolve_in(conn, p) for p in people))
            a = s.attendance
            present = {
                r[0]
                for r in conn.execute(
                    select(a.c.person_id).where(
                        a.c.owner_id == self._ctx.owner_id,
                        a.c.event_id == found.id,
                        a.c.person_id.in_([r.id for r in refs]),
                    )
                )
            }
            for ref in refs:
                values = {"role": role or "attendee", "met": first_met, "note": clean_text(note)}
                if ref.id in present:
                    conn.execute(
                        update(a)
                        .where(a.c.event_id == found.id, a.c.person_id == ref.id)
                        .values(**values)
                    )
                else:
                    conn.execute(
                        insert(a).values(
                            owner_id=self._ctx.owner_id,
                            event_id=found.id,
                            person_id=ref.id,
                            created_at=now,
                            **values,
                        )
                    )
            if first_met:
                self._set_first_met(conn, [r.id for r in refs], found)
            self._people.reindex(conn, [r.id for r in refs])
        return found, refs

    def _set_first_met(self, conn: Connection, ids: builtins.list[int], event: Event) -> None:
        p = s.people
        when = event.starts_on or self._ctx.today()
        conn.execute(
            update(p)
            .where(
                p.c.owner_id == self._ctx.owner_id,
                p.c.id.in_(ids),
                p.c.met_event_id.is_(None),
                p.c.met_on.is_(None),
            )
            .values(
                met_event_id=event.id,
                met_on=when,
                met_where=func.coalesce(p.c.met_where, event.name),
                how_met=func.coalesce(p.c.how_met, event.kind),
            )
        )


def _event(r: Any) -> Event:
    return Event(r.name, r.kind, r.starts_on, r.ends_on, r.location, r.url, r.notes, r.id)


__all__ = ["ATTENDANCE_ROLES", "Attendee", "EventDetail", "EventSummary", "Events", "Participation"]
