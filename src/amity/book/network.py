"""Network strategically: events and communities, who met whom, relationships,
introductions, warm paths, the give/receive ledger and coverage targets."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations
from typing import Any

from sqlalchemy import Connection, Integer, and_, cast, delete, func, insert, or_, select, update

from amity.book.context import BookContext, insert_id
from amity.book.people import People
from amity.errors import Ambiguous, InvalidInput, NotFound
from amity.model import (
    EVENT_KINDS,
    EXCHANGE_KINDS,
    Action,
    Event,
    Exchange,
    Introduction,
    PersonRef,
)
from amity.rules.dates import local_date, plural, time_zone
from amity.rules.paths import Link, Tie, WarmPath, warm_paths
from amity.rules.text import clean_text, fold, one_line
from amity.store import schema as s

RELATIONSHIP_KINDS = (
    "colleague",
    "friend",
    "family",
    "spouse",
    "partner",
    "parent",
    "child",
    "sibling",
    "manager",
    "report",
    "mentor",
    "mentee",
    "client",
    "other",
)
ATTENDANCE_ROLES = ("attendee", "speaker", "organiser", "member")
COVERAGE_KINDS = ("tag", "org", "title")
MAX_GROUP_LINKS = 50  # an event or organisation larger than this links nobody by itself
MAX_PARTICIPANTS_LINKED = 8  # a meeting with more people links nobody by itself
GIVE_MIN_SURPLUS = 2  # they gave at least this many more than they received...
GIVE_MIN_DAYS = 30  # ...and the oldest unreturned favour is at least this old


def required(value: str | None, what: str, field_name: str) -> str:
    text = clean_text(value)
    if text is None:
        raise InvalidInput(f"{what} needs some text", field=field_name)
    return text


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


@dataclass
class Relationship:
    id: int
    a: PersonRef
    b: PersonRef
    kind: str
    note: str | None = None


@dataclass
class PathTarget:
    kind: str  # person, org, tag
    label: str
    people: list[PersonRef]


@dataclass
class PathResult:
    target: PathTarget
    paths: list[WarmPath]


@dataclass
class Balance:
    person: PersonRef
    given: int
    received: int
    last_given: date | None = None
    last_received: date | None = None
    exchanges: list[Exchange] = field(default_factory=list)

    @property
    def balance(self) -> int:
        """Positive: you gave more than you received."""
        return self.given - self.received


@dataclass
class CoverageTarget:
    """People matching a selector, or, for a comma-separated list ("Acme, Globex"), one
    group per value: then ``have`` counts the values covered by at least one person."""

    id: int
    name: str
    selector_kind: str
    selector: str
    wanted: int
    people: list[PersonRef] = field(default_factory=list)
    groups: dict[str, list[PersonRef]] = field(default_factory=dict)

    @property
    def have(self) -> int:
        if self.groups:
            return sum(1 for found in self.groups.values() if found)
        return len(self.people)

    @property
    def gap(self) -> int:
        return max(self.wanted - self.have, 0)


class Network:
    def __init__(self, ctx: BookContext, people: People) -> None:
        self._ctx = ctx
        self._people = people

    # --- events ---------------------------------------------------------------------------

    def add_event(
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

    def resolve_event_in(self, conn: Connection, ref: str | int) -> Event:
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

    def event(self, ref: str | int) -> EventDetail:
        """The event with everyone you met there and whether you followed up: a done
        interaction with them after the event's last day (any time, for an undated one)."""
        with self._ctx.read() as conn:
            event = self.resolve_event_in(conn, ref)
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
            query = query.where(ip.c.occurred_at >= _start_of(day, tz))
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
            found = self.resolve_event_in(conn, event)
            tz = time_zone(self._ctx.setting("timezone", conn))
            day = on or local_date(now, tz)
            interaction_id = insert_id(
                conn,
                insert(s.interactions).values(
                    owner_id=self._ctx.owner_id,
                    kind="event",
                    direction="outbound",
                    occurred_at=_noon_of(day, tz),
                    status="done",
                    notes=body,
                    event_id=found.id,
                    source="participation",
                    created_at=now,
                ),
            )
            index_interactions(conn, self._ctx.owner_id, [interaction_id])
        return found

    def participations(self, event: str | int) -> list[Participation]:
        """Your participation in EVENT, newest first."""
        with self._ctx.read() as conn:
            found = self.resolve_event_in(conn, event)
            return self._participations_in(conn, found.id or 0)

    def _participations_in(self, conn: Connection, event_id: int) -> list[Participation]:
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

    def events(self) -> list[EventSummary]:
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
    ) -> tuple[Event, list[PersonRef]]:
        """Record that you met PEOPLE at EVENT; a first meeting also sets how and where you met."""
        if not people:
            raise InvalidInput("name at least one person you met", field="people")
        if role is not None and role not in ATTENDANCE_ROLES:
            raise InvalidInput(f"a role is one of {', '.join(ATTENDANCE_ROLES)}", field="role")
        now = self._ctx.now()
        with self._ctx.write() as conn:
            found = self.resolve_event_in(conn, event)
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

    def _set_first_met(self, conn: Connection, ids: list[int], event: Event) -> None:
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

    # --- relationships and introductions --------------------------------------------------

    def relate(
        self, a: str | int, b: str | int, kind: str, *, note: str | None = None
    ) -> Relationship:
        kind = kind.strip().lower()
        if kind not in RELATIONSHIP_KINDS:
            raise InvalidInput(
                f"a relationship is one of {', '.join(RELATIONSHIP_KINDS)}, not {kind!r}",
                field="kind",
            )
        r = s.relationships
        with self._ctx.write() as conn:
            first, second = self._people.resolve_in(conn, a), self._people.resolve_in(conn, b)
            if first.id == second.id:
                raise InvalidInput("a person cannot be related to themselves", field="b")
            existing = conn.execute(
                select(r.c.id).where(
                    r.c.owner_id == self._ctx.owner_id,
                    r.c.kind == kind,
                    or_(
                        and_(r.c.person_a_id == first.id, r.c.person_b_id == second.id),
                        and_(r.c.person_a_id == second.id, r.c.person_b_id == first.id),
                    ),
                )
            ).scalar()
            if existing is not None:
                if note is not None:
                    conn.execute(update(r).where(r.c.id == existing).values(note=clean_text(note)))
                return Relationship(int(existing), first, second, kind, clean_text(note))
            rid = insert_id(
                conn,
                insert(r).values(
                    owner_id=self._ctx.owner_id,
                    person_a_id=first.id,
                    person_b_id=second.id,
                    kind=kind,
                    note=clean_text(note),
                    created_at=self._ctx.now(),
                ),
            )
        return Relationship(int(rid), first, second, kind, clean_text(note))

    def relationships(self, person: str | int | None = None) -> list[Relationship]:
        r, pa, pb = s.relationships, s.people.alias("pa"), s.people.alias("pb")
        with self._ctx.read() as conn:
            query = (
                select(
                    r.c.id,
                    r.c.kind,
                    r.c.note,
                    pa.c.id.label("a_id"),
                    pa.c.name.label("a_name"),
                    pb.c.id.label("b_id"),
                    pb.c.name.label("b_name"),
                )
                .join(pa, pa.c.id == r.c.person_a_id)
                .join(pb, pb.c.id == r.c.person_b_id)
                .where(r.c.owner_id == self._ctx.owner_id)
            )
            if person is not None:
                ref = self._people.resolve_in(conn, person)
                query = query.where(or_(r.c.person_a_id == ref.id, r.c.person_b_id == ref.id))
            rows = conn.execute(query.order_by(r.c.id)).all()
        return [
            Relationship(
                x.id, PersonRef(x.a_id, x.a_name), PersonRef(x.b_id, x.b_name), x.kind, x.note
            )
            for x in rows
        ]

    def intro(
        self,
        a: str | int,
        b: str | int,
        *,
        by: str | int | None = None,
        note: str | None = None,
        on: date | None = None,
    ) -> Introduction:
        """Record an introduction of A and B, by C or (without ``by``) by you.

        When you made it, it is also logged as an intro you gave to each of them.
        """
        day = on or self._ctx.today()
        with self._ctx.write() as conn:
            first, second = self._people.resolve_in(conn, a), self._people.resolve_in(conn, b)
            if first.id == second.id:
                raise InvalidInput("introduce two different people", field="b")
            broker = self._people.resolve_in(conn, by) if by is not None else None
            if broker is not None and broker.id in (first.id, second.id):
                raise InvalidInput("the introducer is one of the two people", field="by")
            iid = int(
                insert_id(
                    conn,
                    insert(s.introductions).values(
                        owner_id=self._ctx.owner_id,
                        person_a_id=first.id,
                        person_b_id=second.id,
                        introduced_by_id=broker.id if broker else None,
                        occurred_on=day,
                        note=clean_text(note),
                        created_at=self._ctx.now(),
                    ),
                )
            )
            if broker is None:
                for ref, other in ((first, second), (second, first)):
                    self.record_exchange_in(
                        conn, ref, "given", "intro", f"introduced {ref.name} to {other.name}", day
                    )
        return Introduction(first, second, day, broker, clean_text(note), None, iid)

    def set_intro_outcome(self, intro_id: int, outcome: str) -> Introduction:
        text = required(outcome, "an outcome", "outcome")
        i = s.introductions
        with self._ctx.write() as conn:
            done = conn.execute(
                update(i)
                .where(i.c.owner_id == self._ctx.owner_id, i.c.id == intro_id)
                .values(outcome=text)
            ).rowcount
            if not done:
                raise NotFound(f"no introduction with id {intro_id}")
            return self._introductions(conn, [intro_id])[0]

    def introductions(self, person: str | int | None = None) -> list[Introduction]:
        i = s.introductions
        with self._ctx.read() as conn:
            query = select(i.c.id).where(i.c.owner_id == self._ctx.owner_id)
            if person is not None:
                ref = self._people.resolve_in(conn, person)
                query = query.where(
                    or_(
                        i.c.person_a_id == ref.id,
                        i.c.person_b_id == ref.id,
                        i.c.introduced_by_id == ref.id,
                    )
                )
            ids = [
                r[0] for r in conn.execute(query.order_by(i.c.occurred_on.desc(), i.c.id.desc()))
            ]
            return self._introductions(conn, ids)

    def _introductions(self, conn: Connection, ids: Sequence[int]) -> list[Introduction]:
        if not ids:
            return []
        i = s.introductions
        rows = {
            r.id: r
            for r in conn.execute(
                select(i).where(i.c.owner_id == self._ctx.owner_id, i.c.id.in_(list(ids)))
            )
        }
        wanted = {
            x
            for r in rows.values()
            for x in (r.person_a_id, r.person_b_id, r.introduced_by_id)
            if x
        }
        names = self._names(conn, wanted)
        return [
            Introduction(
                names[r.person_a_id],
                names[r.person_b_id],
                r.occurred_on,
                names.get(r.introduced_by_id) if r.introduced_by_id else None,
                r.note,
                r.outcome,
                r.id,
            )
            for r in (rows[x] for x in ids if x in rows)
        ]

    def _names(self, conn: Connection, ids: Sequence[int] | set[int]) -> dict[int, PersonRef]:
        if not ids:
            return {}
        p = s.people
        return {
            r.id: PersonRef(r.id, r.name)
            for r in conn.execute(
                select(p.c.id, p.c.name).where(
                    p.c.owner_id == self._ctx.owner_id, p.c.id.in_(list(ids))
                )
            )
        }

    # --- warm paths -----------------------------------------------------------------------

    def path(
        self, target: str, *, today: date | None = None, limit: int = 5, max_hops: int = 3
    ) -> PathResult:
        """The best chains of people who could introduce you to TARGET.

        TARGET is a person, an organisation or a tag; ``person:``, ``org:`` or ``tag:`` in
        front decides when a word could be several of them.
        """
        if limit < 1 or max_hops < 1:
            raise InvalidInput("limit and hops must be at least 1", field="limit")
        day = today or self._ctx.today()
        with self._ctx.read() as conn:
            found = self._path_target(conn, target)
            ties = self._ties(conn, day)
            links = self.links(conn)
        paths = warm_paths(
            ties, links, [p.id for p in found.people], day, limit=limit, max_hops=max_hops
        )
        return PathResult(found, paths)

    def _path_target(self, conn: Connection, target: str) -> PathTarget:
        text = target.strip()
        if not text:
            raise InvalidInput("name a person, an organisation or a tag", field="target")
        prefix, _, rest = text.partition(":")
        kind = (
            prefix.lower() if rest.strip() and prefix.lower() in ("person", "org", "tag") else None
        )
        value = rest.strip() if kind else text
        if kind in (None, "person"):
            try:
                ref = self._people.resolve_in(conn, value, include_archived=False)
                return PathTarget("person", ref.name, [ref])
            except NotFound:
                if kind == "person":
                    raise
        if kind in (None, "tag"):
            people = self._tagged(conn, value)
            if people or kind == "tag":
                return PathTarget("tag", value, people)
        people = self._at_org(conn, value)
        if not people:
            raise NotFound(f"no person, organisation or tag matches {text!r}")
        return PathTarget("org", value, people)

    def _tagged(self, conn: Connection, tag: str) -> list[PersonRef]:
        from amity.rules.normalize import NormalizeError, normalize_tag

        try:
            name = normalize_tag(tag)
        except NormalizeError:
            return []
        p, pt, t = s.people, s.person_tags, s.tags
        return [
            PersonRef(r.id, r.name)
            for r in conn.execute(
                select(p.c.id, p.c.name)
                .join(pt, pt.c.person_id == p.c.id)
                .join(t, t.c.id == pt.c.tag_id)
                .where(
                    p.c.owner_id == self._ctx.owner_id, p.c.archived_at.is_(None), t.c.name == name
                )
                .order_by(p.c.name_key)
            )
        ]

    def _at_org(self, conn: Connection, org: str) -> list[PersonRef]:
        p, j = s.people, s.jobs
        key = "%" + org.strip().lower().replace("%", "").replace("_", "") + "%"
        current_job = select(j.c.person_id).where(
            j.c.owner_id == self._ctx.owner_id,
            j.c.end_date.is_(None),
            func.lower(j.c.organisation).like(key),
        )
        return [
            PersonRef(r.id, r.name)
            for r in conn.execute(
                select(p.c.id, p.c.name)
                .where(
                    p.c.owner_id == self._ctx.owner_id,
                    p.c.archived_at.is_(None),
                    or_(func.lower(p.c.org).like(key), p.c.id.in_(current_job)),
                )
                .order_by(p.c.name_key)
            )
        ]

    def _ties(self, conn: Connection, today: date) -> list[Tie]:
        p, c, ip = s.people, s.circles, s.interaction_participants
        tz = time_zone(self._ctx.setting("timezone", conn))
        year_ago = _start_of(today - timedelta(days=365), tz)
        counts = {
            r.person_id: int(r.n)
            for r in conn.execute(
                select(ip.c.person_id, func.count().label("n"))
                .where(
                    ip.c.owner_id == self._ctx.owner_id,
                    ip.c.status == "done",
                    ip.c.occurred_at >= year_ago,
                )
                .group_by(ip.c.person_id)
            )
        }
        rows = conn.execute(
            select(p.c.id, p.c.name, p.c.last_interaction_at, c.c.name.label("circle"), c.c.weight)
            .select_from(p.outerjoin(c, c.c.id == p.c.circle_id))
            .where(p.c.owner_id == self._ctx.owner_id, p.c.archived_at.is_(None))
        ).all()
        return [
            Tie(
                PersonRef(r.id, r.name),
                local_date(r.last_interaction_at, tz) if r.last_interaction_at else None,
                counts.get(r.id, 0),
                r.circle,
                float(r.weight or 1.0),
            )
            for r in rows
        ]

    def links(self, conn: Connection, person_id: int | None = None) -> list[Link]:
        """Evidence that people know each other; with ``person_id``, only links to them."""
        owner = self._ctx.owner_id
        links: list[Link] = []
        r = s.relationships
        query = select(r.c.person_a_id, r.c.person_b_id, r.c.kind).where(r.c.owner_id == owner)
        if person_id is not None:
            query = query.where(or_(r.c.person_a_id == person_id, r.c.person_b_id == person_id))
        for x in conn.execute(query):
            links.append(Link(x.person_a_id, x.person_b_id, x.kind, _relationship_label(x.kind)))
        i = s.introductions
        query = select(i).where(i.c.owner_id == owner)
        if person_id is not None:
            query = query.where(
                or_(
                    i.c.person_a_id == person_id,
                    i.c.person_b_id == person_id,
                    i.c.introduced_by_id == person_id,
                )
            )
        for x in conn.execute(query):
            links.append(
                Link(
                    x.person_a_id,
                    x.person_b_id,
                    "introduced",
                    f"introduced on {x.occurred_on}",
                    x.occurred_on,
                )
            )
            if x.introduced_by_id:
                for end in (x.person_a_id, x.person_b_id):
                    links.append(
                        Link(
                            x.introduced_by_id,
                            end,
                            "introduced",
                            f"made an introduction on {x.occurred_on}",
                            x.occurred_on,
                        )
                    )
        p = s.people
        query = select(p.c.id, p.c.introduced_by_id, p.c.met_on).where(
            p.c.owner_id == owner, p.c.introduced_by_id.is_not(None)
        )
        if person_id is not None:
            query = query.where(or_(p.c.id == person_id, p.c.introduced_by_id == person_id))
        for x in conn.execute(query):
            links.append(Link(x.introduced_by_id, x.id, "introduced", "introduced you", x.met_on))
        links.extend(self._shared_interaction_links(conn, person_id))
        links.extend(self._event_links(conn, person_id))
        links.extend(self._org_links(conn, person_id))
        if person_id is not None:
            links = [x for x in links if person_id in (x.a, x.b)]
        return links

    def _shared_interaction_links(self, conn: Connection, person_id: int | None) -> list[Link]:
        ip = s.interaction_participants
        owner = self._ctx.owner_id
        small = (
            select(ip.c.interaction_id)
            .where(ip.c.owner_id == owner, ip.c.status == "done")
            .group_by(ip.c.interaction_id)
            .having(func.count().between(2, MAX_PARTICIPANTS_LINKED))
        )
        if person_id is not None:  # their interactions first (an index probe), then the groups
            theirs = [
                r[0]
                for r in conn.execute(
                    select(ip.c.interaction_id).where(
                        ip.c.owner_id == owner, ip.c.person_id == person_id, ip.c.status == "done"
                    )
                )
            ]
            small = small.where(ip.c.interaction_id.in_(theirs))
        groups: dict[int, list[tuple[int, date]]] = defaultdict(list)
        for x in conn.execute(
            select(ip.c.interaction_id, ip.c.person_id, ip.c.occurred_at).where(
                ip.c.owner_id == owner, ip.c.interaction_id.in_(small)
            )
        ):
            groups[x.interaction_id].append((x.person_id, x.occurred_at.date()))
        latest: dict[tuple[int, int], date] = {}
        for members in groups.values():
            for (a, day), (b, _) in combinations(sorted(members), 2):
                latest[(a, b)] = max(latest.get((a, b), day), day)
        return [
            Link(a, b, "together", f"you talked with both on {day}", day)
            for (a, b), day in latest.items()
        ]

    def _event_links(self, conn: Connection, person_id: int | None) -> list[Link]:
        a, e = s.attendance, s.events
        groups: dict[int, list[int]] = defaultdict(list)
        names: dict[int, tuple[str, date | None]] = {}
        query = (
            select(a.c.event_id, a.c.person_id, e.c.name, e.c.starts_on)
            .join(e, e.c.id == a.c.event_id)
            .where(a.c.owner_id == self._ctx.owner_id)
        )
        if person_id is not None:
            query = query.where(
                a.c.event_id.in_(
                    select(a.c.event_id).where(
                        a.c.owner_id == self._ctx.owner_id, a.c.person_id == person_id
                    )
                )
            )
        for x in conn.execute(query):
            groups[x.event_id].append(x.person_id)
            names[x.event_id] = (x.name, x.starts_on)
        links: list[Link] = []
        for event_id, members in groups.items():
            if len(members) > MAX_GROUP_LINKS:
                continue
            name, day = names[event_id]
            links.extend(
                Link(x, y, "event", f"both at {name}", day)
                for x, y in combinations(sorted(members), 2)
            )
        return links

    def _org_links(self, conn: Connection, person_id: int | None) -> list[Link]:
        p = s.people
        groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
        query = select(p.c.id, p.c.org).where(
            p.c.owner_id == self._ctx.owner_id, p.c.archived_at.is_(None), p.c.org.is_not(None)
        )
        if person_id is not None:
            query = query.where(
                p.c.org.in_(
                    select(p.c.org).where(p.c.owner_id == self._ctx.owner_id, p.c.id == person_id)
                )
            )
        for x in conn.execute(query):
            groups[fold(x.org)].append((x.id, x.org))
        links: list[Link] = []
        for members in groups.values():
            if len(members) > MAX_GROUP_LINKS:
                continue
            links.extend(
                Link(x, y, "org", f"both at {org}")
                for (x, org), (y, _) in combinations(sorted(members), 2)
            )
        return links

    # --- the give/receive ledger ----------------------------------------------------------

    def gave(self, person: str | int, kind: str, text: str, *, on: date | None = None) -> Exchange:
        return self.record_exchange(person, "given", kind, text, on=on)

    def got(self, person: str | int, kind: str, text: str, *, on: date | None = None) -> Exchange:
        return self.record_exchange(person, "received", kind, text, on=on)

    def record_exchange(
        self, person: str | int, direction: str, kind: str, text: str, *, on: date | None = None
    ) -> Exchange:
        kind, body = _exchange_kind(kind), required(text, "an exchange", "text")
        day = on or self._ctx.today()
        with self._ctx.write() as conn:
            ref = self._people.resolve_in(conn, person)
            return self.record_exchange_in(conn, ref, direction, kind, body, day)

    def record_exchange_in(
        self,
        conn: Connection,
        ref: PersonRef,
        direction: str,
        kind: str,
        text: str,
        day: date,
        *,
        interaction_id: int | None = None,
        article_id: int | None = None,
    ) -> Exchange:
        if direction not in ("given", "received"):
            raise InvalidInput("an exchange is given or received", field="direction")
        xid = insert_id(
            conn,
            insert(s.exchanges).values(
                owner_id=self._ctx.owner_id,
                person_id=ref.id,
                direction=direction,
                kind=_exchange_kind(kind),
                text=text,
                occurred_on=day,
                interaction_id=interaction_id,
                article_id=article_id,
                created_at=self._ctx.now(),
            ),
        )
        return Exchange(ref, direction, kind, text, day, int(xid))

    def exchanges(
        self,
        person: str | int | None = None,
        *,
        since: date | None = None,
        until: date | None = None,
    ) -> list[Exchange]:
        x, p = s.exchanges, s.people
        with self._ctx.read() as conn:
            query = (
                select(x, p.c.name)
                .join(p, p.c.id == x.c.person_id)
                .where(x.c.owner_id == self._ctx.owner_id)
            )
            if person is not None:
                query = query.where(x.c.person_id == self._people.resolve_in(conn, person).id)
            if since is not None:
                query = query.where(x.c.occurred_on >= since)
            if until is not None:
                query = query.where(x.c.occurred_on <= until)
            rows = conn.execute(query.order_by(x.c.occurred_on.desc(), x.c.id.desc())).all()
        return [
            Exchange(
                PersonRef(r.person_id, r.name), r.direction, r.kind, r.text, r.occurred_on, r.id
            )
            for r in rows
        ]

    def balance(self, person: str | int | None = None) -> list[Balance]:
        """Given and received per person, the most one-sided (they gave more) first."""
        rows = self.exchanges(person)
        by_person: dict[int, Balance] = {}
        for row in reversed(rows):  # oldest first
            entry = by_person.setdefault(row.person.id, Balance(row.person, 0, 0))
            if row.direction == "given":
                entry.given += 1
                entry.last_given = row.occurred_on
            else:
                entry.received += 1
                entry.last_received = row.occurred_on
            if person is not None:
                entry.exchanges.insert(0, row)
        if person is not None and not by_person:
            with self._ctx.read() as conn:
                ref = self._people.resolve_in(conn, person)
            return [Balance(ref, 0, 0)]
        return sorted(by_person.values(), key=lambda b: (b.balance, b.person.name, b.person.id))

    def agenda_items(self, today: date | None = None) -> list[Action]:
        """``give`` items: people who gave you clearly more than they received, for a while."""
        from amity.rules.agenda import make_action

        day = today or self._ctx.today()
        candidates = [
            b
            for b in self.balance()
            if -b.balance >= GIVE_MIN_SURPLUS and b.last_received is not None
        ]
        if not candidates:
            return []
        with self._ctx.read() as conn:
            info = self._give_context(conn, [b.person.id for b in candidates])
            oldest = self._oldest_unreturned(conn, [b.person.id for b in candidates])
        actions = []
        for entry in candidates:
            since = oldest.get(entry.person.id)
            if since is None or (day - since).days < GIVE_MIN_DAYS or entry.person.id not in info:
                continue
            weight, circle, ideas = info[entry.person.id]
            reason = (
                f"{entry.person.name} has given you {entry.received} and received "
                f"{entry.given} since {since}"
            )
            if ideas:
                reason += f"; an idea: {ideas[0]}"
            actions.append(
                make_action(
                    "give",
                    f"give:p{entry.person.id}:{entry.last_received}",
                    [entry.person],
                    day,
                    reason,
                    timing=min(1.0 + (-entry.balance - GIVE_MIN_SURPLUS) / 4, 2.0),
                    weight=weight,
                    weight_label=f"circle {circle}" if circle else None,
                    details={"given": entry.given, "received": entry.received, "ideas": ideas},
                )
            )
        return actions

    def _oldest_unreturned(self, conn: Connection, ids: list[int]) -> dict[int, date]:
        """The first thing they gave you after the last thing you gave them."""
        x = s.exchanges
        last_given = {
            r.person_id: r.day
            for r in conn.execute(
                select(x.c.person_id, func.max(x.c.occurred_on).label("day"))
                .where(
                    x.c.owner_id == self._ctx.owner_id,
                    x.c.person_id.in_(ids),
                    x.c.direction == "given",
                )
                .group_by(x.c.person_id)
            )
        }
        oldest: dict[int, date] = {}
        for r in conn.execute(
            select(x.c.person_id, x.c.occurred_on)
            .where(
                x.c.owner_id == self._ctx.owner_id,
                x.c.person_id.in_(ids),
                x.c.direction == "received",
            )
            .order_by(x.c.occurred_on)
        ):
            after = last_given.get(r.person_id)
            if (after is None or r.occurred_on > after) and r.person_id not in oldest:
                oldest[r.person_id] = r.occurred_on
        return oldest

    def _give_context(
        self, conn: Connection, ids: list[int]
    ) -> dict[int, tuple[float, str | None, list[str]]]:
        """Circle weight, circle and ideas of what to offer (interests, goals, open asks)."""
        p, c, f, cm = s.people, s.circles, s.facts, s.commitments
        out: dict[int, tuple[float, str | None, list[str]]] = {}
        for r in conn.execute(
            select(p.c.id, c.c.name, c.c.weight)
            .select_from(p.outerjoin(c, c.c.id == p.c.circle_id))
            .where(p.c.owner_id == self._ctx.owner_id, p.c.id.in_(ids), p.c.archived_at.is_(None))
        ):
            out[r.id] = (float(r.weight or 1.0), r.name, [])
        for promise in conn.execute(
            select(cm.c.person_id, cm.c.text)
            .where(
                cm.c.owner_id == self._ctx.owner_id,
                cm.c.person_id.in_(ids),
                cm.c.direction == "mine",
                cm.c.status == "open",
            )
            .order_by(cm.c.id)
        ):
            if promise.person_id in out:
                out[promise.person_id][2].append(f"keep your promise: {one_line(promise.text, 60)}")
        for fact in conn.execute(
            select(f.c.person_id, f.c.kind, f.c.text)
            .where(
                f.c.owner_id == self._ctx.owner_id,
                f.c.person_id.in_(ids),
                f.c.kind.in_(("goal", "interest")),
            )
            .order_by(f.c.kind, f.c.id)
        ):
            if fact.person_id in out:
                what = "help with their goal" if fact.kind == "goal" else "something about"
                out[fact.person_id][2].append(f"{what} {one_line(fact.text, 60)}")
        return out

    # --- coverage -------------------------------------------------------------------------

    def add_coverage(
        self, name: str, selector_kind: str, selector: str, wanted: int | None = None
    ) -> CoverageTarget:
        """A target: ``wanted`` people by tag, organisation or title; with several values
        ("Acme, Globex, Initech") someone at each, so ``wanted`` defaults to their number."""
        title = required(name, "a coverage target", "name")
        if selector_kind not in COVERAGE_KINDS:
            raise InvalidInput(f"cover by one of {', '.join(COVERAGE_KINDS)}", field="selector")
        values = _selector_values(selector)
        if not values:
            raise InvalidInput("a selector needs some text", field="selector")
        value = ", ".join(values)
        if wanted is None:
            wanted = len(values)
        if wanted < 1:
            raise InvalidInput("want at least 1 person", field="want")
        with self._ctx.write() as conn:
            cid = insert_id(
                conn,
                insert(s.coverage_targets).values(
                    owner_id=self._ctx.owner_id,
                    name=title,
                    selector_kind=selector_kind,
                    selector=value,
                    wanted=wanted,
                    created_at=self._ctx.now(),
                ),
            )
        return CoverageTarget(int(cid), title, selector_kind, value, wanted)

    def remove_coverage(self, target_id: int) -> None:
        t = s.coverage_targets
        with self._ctx.write() as conn:
            gone = conn.execute(
                delete(t).where(t.c.owner_id == self._ctx.owner_id, t.c.id == target_id)
            ).rowcount
        if not gone:
            raise NotFound(f"no coverage target with id {target_id}")

    def _matching(self, conn: Connection, kind: str, value: str) -> list[PersonRef]:
        if kind == "tag":
            return self._tagged(conn, value)
        if kind == "org":
            return self._at_org(conn, value)
        p = s.people
        key = "%" + value.lower().replace("%", "").replace("_", "") + "%"
        return [
            PersonRef(r.id, r.name)
            for r in conn.execute(
                select(p.c.id, p.c.name)
                .where(
                    p.c.owner_id == self._ctx.owner_id,
                    p.c.archived_at.is_(None),
                    func.lower(p.c.title).like(key),
                )
                .order_by(p.c.name_key)
            )
        ]

    def coverage(self) -> list[CoverageTarget]:
        """Each target with the people in your network who meet it."""
        t = s.coverage_targets
        with self._ctx.read() as conn:
            targets = [
                CoverageTarget(r.id, r.name, r.selector_kind, r.selector, r.wanted)
                for r in conn.execute(
                    select(t).where(t.c.owner_id == self._ctx.owner_id).order_by(t.c.id)
                )
            ]
            for target in targets:
                values = _selector_values(target.selector)
                if len(values) > 1:
                    target.groups = {
                        v: self._matching(conn, target.selector_kind, v) for v in values
                    }
                    target.people = list(
                        dict.fromkeys(ref for found in target.groups.values() for ref in found)
                    )
                else:
                    target.people = self._matching(conn, target.selector_kind, target.selector)
        return targets


def _selector_values(selector: str) -> list[str]:
    return [v.strip() for v in selector.split(",") if v.strip()]


def _start_of(day: date, tz: Any) -> Any:
    from datetime import datetime, time

    return datetime.combine(day, time(0), tzinfo=tz)


def _noon_of(day: date, tz: Any) -> Any:
    from datetime import UTC, datetime, time

    return datetime.combine(day, time(12), tzinfo=tz).astimezone(UTC)


def _exchange_kind(kind: str) -> str:
    value = kind.strip().lower().replace("favor", "favour")
    if value not in EXCHANGE_KINDS:
        raise InvalidInput(
            f"an exchange is one of {', '.join(EXCHANGE_KINDS)}, not {kind!r}", field="kind"
        )
    return value


def _relationship_label(kind: str) -> str:
    plural_kinds = {
        "colleague": "colleagues",
        "friend": "friends",
        "family": "family",
        "sibling": "siblings",
        "partner": "partners",
        "spouse": "married",
    }
    return plural_kinds.get(kind, kind)


def _event(r: Any) -> Event:
    return Event(r.name, r.kind, r.starts_on, r.ends_on, r.location, r.url, r.notes, r.id)


__all__ = [
    "Attendee",
    "Balance",
    "CoverageTarget",
    "EventDetail",
    "EventSummary",
    "Network",
    "PathResult",
    "PathTarget",
    "Relationship",
    "plural",
]
