"""Warm paths: the best chains of people who could introduce you to someone, to an
organisation or to people with a tag, from the evidence that people know each other."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations

from sqlalchemy import Connection, func, or_, select

from amity.book.context import BookContext
from amity.book.network.lookup import people_at_org, people_tagged, start_of
from amity.book.network.relationships import relationship_label
from amity.book.people import People
from amity.errors import InvalidInput, NotFound
from amity.model import PersonRef
from amity.rules.dates import local_date, time_zone
from amity.rules.paths import Link, Tie, WarmPath, warm_paths
from amity.rules.text import fold
from amity.rules.words import day_words
from amity.store import schema as s

MAX_GROUP_LINKS = 50  # an event or organisation larger than this links nobody by itself
MAX_PARTICIPANTS_LINKED = 8  # a meeting with more people links nobody by itself


@dataclass
class PathTarget:
    kind: str  # person, org, tag
    label: str
    people: list[PersonRef]


@dataclass
class PathResult:
    target: PathTarget
    paths: list[WarmPath]


class Paths:
    def __init__(self, ctx: BookContext, people: People) -> None:
        self._ctx = ctx
        self._people = people

    def find(
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
            people = people_tagged(conn, self._ctx.owner_id, value)
            if people or kind == "tag":
                return PathTarget("tag", value, people)
        people = people_at_org(conn, self._ctx.owner_id, value)
        if not people:
            raise NotFound(f"no person, organisation or tag matches {text!r}")
        return PathTarget("org", value, people)

    def _ties(self, conn: Connection, today: date) -> list[Tie]:
        p, c, ip = s.people, s.circles, s.interaction_participants
        tz = time_zone(self._ctx.setting("timezone", conn))
        year_ago = start_of(today - timedelta(days=365), tz)
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
        query = select(r.c.person_a_id, r.c.person_b_id, r.c.kind).where(
            r.c.owner_id == owner,
            r.c.person_b_id.is_not(None),  # a name from a card, nobody in the book
            r.c.person_b_id != r.c.person_a_id,
        )
        if person_id is not None:
            query = query.where(or_(r.c.person_a_id == person_id, r.c.person_b_id == person_id))
        for x in conn.execute(query):
            links.append(Link(x.person_a_id, x.person_b_id, x.kind, relationship_label(x.kind)))
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
                    f"introduced on {day_words(x.occurred_on)}",
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
                            f"made an introduction on {day_words(x.occurred_on)}",
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
            Link(a, b, "together", f"you talked with both on {day_words(day)}", day)
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


__all__ = ["PathResult", "PathTarget", "Paths"]
