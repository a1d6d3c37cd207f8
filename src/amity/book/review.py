"""The weekly review: loads what the period needs with a handful of set-based queries and
hands it to :func:`amity.rules.review.build_review`.

A review is a pure function of the book and the day, so the built review is kept per
database, owner, day and period under the owner's data version (the agenda's
:class:`~amity.book.agenda.cache.InputsCache`): read again with nothing written, it costs one
query; any write by any process moves the version and the next read builds it afresh."""

from __future__ import annotations

import threading
import weakref
from collections import defaultdict
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import Connection, Engine, and_, case, func, select, type_coerce

from amity.book.agenda.cache import InputsCache
from amity.book.context import BookContext
from amity.errors import InvalidInput
from amity.model import PersonRef
from amity.rules.cadence import effective_cadence
from amity.rules.dates import local_date, time_zone
from amity.rules.health import Counts, HealthInput
from amity.rules.reliability import PromiseRecord
from amity.rules.replies import Message
from amity.rules.review import (
    PERIOD_DAYS,
    ExchangeRecord,
    FeedbackRecord,
    FollowUpRecord,
    GoalRecord,
    InteractionRecord,
    PersonRecord,
    Review,
    ReviewInputs,
    build_review,
    periods,
)
from amity.store import schema as s
from amity.store.schema import UTCDateTime

HEALTH_HISTORY_DAYS = 400  # reciprocity looks back a year from the start of the period
NO_TOUCH = Counts(None, 0, 0, 0, 0)
PERIOD_KIND = {days: kind for kind, days in PERIOD_DAYS.items()}
_REVIEWS: weakref.WeakKeyDictionary[Engine, InputsCache] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def _reviews_of(engine: Engine) -> InputsCache:
    """The built reviews (frozen) of one database, per (owner, day, kind) and version: kept
    with its engine, so two in-memory books never share an entry and a closed one drops its."""
    with _LOCK:
        cache = _REVIEWS.get(engine)
        if cache is None:
            cache = _REVIEWS[engine] = InputsCache(64)
        return cache


class Reviews:
    def __init__(self, ctx: BookContext) -> None:
        self._ctx = ctx

    def review(self, kind: str = "week", *, today: date | None = None) -> Review:
        if kind not in PERIOD_DAYS:
            raise InvalidInput("a review is for a week or a month", field="period")
        with self._ctx.read() as conn:
            version = self._ctx.data_version(conn)  # first: what is loaded next is as new
            day = today or self._ctx.today(conn)
            key = (self._ctx.owner_id, day, kind)
            cache = _reviews_of(self._ctx.engine)
            cached: Review | None = cache.get(key, version)
            if cached is not None:
                return cached
            inputs = self._inputs(conn, day, PERIOD_DAYS[kind])
        review = build_review(inputs, day, kind)
        cache.put(key, version, review)
        return review

    def _inputs(self, conn: Connection, day: date, length: int) -> ReviewInputs:
        owner = self._ctx.owner_id
        tz = time_zone(self._ctx.setting("timezone", conn))
        first = day - timedelta(days=2 * length - 1)
        history = datetime.combine(first - timedelta(days=HEALTH_HISTORY_DAYS), time(0), tzinfo=tz)
        p, c = s.people, s.circles
        people_rows = conn.execute(
            select(
                p.c.id,
                p.c.name,
                p.c.created_at,
                p.c.met_on,
                p.c.cadence_days,
                c.c.name.label("circle"),
                c.c.cadence_days.label("circle_days"),
            )
            .select_from(p.outerjoin(c, c.c.id == p.c.circle_id))
            .where(p.c.owner_id == owner, p.c.archived_at.is_(None))
        ).all()
        added = {r.id: local_date(r.created_at, tz) for r in people_rows}
        people = [PersonRecord(r.id, r.name, r.circle, added[r.id]) for r in people_rows]
        i, ip = s.interactions, s.interaction_participants
        participants: dict[int, list[int]] = defaultdict(list)
        for r in conn.execute(
            select(ip.c.interaction_id, ip.c.person_id).where(
                ip.c.owner_id == owner, ip.c.status == "done",
                ip.c.occurred_at >= datetime.combine(first, time(0), tzinfo=tz))
        ):  # fmt: skip
            participants[r.interaction_id].append(r.person_id)
        counts = self._counts(conn, day, length, history, tz)
        interactions: list[InteractionRecord] = []
        messages: list[Message] = []
        for row in conn.execute(
            select(
                i.c.id, i.c.kind, i.c.occurred_at, i.c.direction, i.c.thread_key, i.c.needs_reply
            ).where(
                i.c.owner_id == owner,
                i.c.status == "done",
                i.c.occurred_at >= datetime.combine(first, time(0), tzinfo=tz),
            )
        ):
            interactions.append(
                InteractionRecord(
                    row.id,
                    row.kind,
                    local_date(row.occurred_at, tz),
                    tuple(participants.get(row.id, ())),
                )
            )
            messages.extend(
                Message(
                    row.id, pid, row.direction, row.occurred_at, row.thread_key, row.needs_reply
                )
                for pid in participants.get(row.id, ())
            )
        promises = self._promises(conn, tz)
        promises_of: dict[int, list[PromiseRecord]] = defaultdict(list)
        for record in promises:
            promises_of[record.person_id].append(record)
        touched = set().union(*counts.values())  # the others were never in touch: no score
        health = [
            HealthInput(
                person=PersonRef(r.id, r.name),
                cadence_days=effective_cadence(r.cadence_days, r.circle_days),
                started_on=r.met_on or added[r.id],
                promises=promises_of.get(r.id, []),
                counts={d: c.get(r.id, NO_TOUCH) for d, c in counts.items()},
            )
            for r in people_rows
            if r.id in touched
        ]
        return ReviewInputs(
            people=people,
            interactions=interactions,
            follow_ups=self._follow_ups(conn, tz),
            promises=promises,
            messages=messages,
            exchanges=self._exchanges(conn, first),
            feedback=self._feedback(conn, first),
            goals=self._goals(conn),
            health=health,
        )

    def _counts(self, conn: Connection, day: date, length: int, history: datetime,
                tz: tzinfo) -> dict[date, dict[int, Counts]]:  # fmt: skip
        """Each person's touch counts (rules.health.Counts) as of each day the review judges
        health on (the ends of both periods and the days a period before them), counted in
        SQL in one pass over the participants since ``history``: a local day's bounds become
        instants, so the counts are those of `counts_of` on local dates."""
        ip = s.interaction_participants
        days = sorted({d for p in periods(day, PERIOD_KIND[length])
                       for d in (p.end, p.end - timedelta(days=p.days))})  # fmt: skip

        def until(d: date) -> datetime:  # the first instant after local day d
            return datetime.combine(d + timedelta(days=1), time(0), tzinfo=tz)

        at, out = ip.c.occurred_at, ip.c.direction == "outbound"
        columns: list[Any] = [ip.c.person_id]
        for d in days:
            end = until(d)
            recent, previous = until(d - timedelta(days=90)), until(d - timedelta(days=180))
            year = until(d - timedelta(days=365))
            columns += [
                type_coerce(func.max(case((at < end, at))), UTCDateTime()),
                func.sum(case((and_(at >= recent, at < end), 1), else_=0)),
                func.sum(case((and_(at >= previous, at < recent), 1), else_=0)),
                func.sum(case((and_(at >= year, at < end, out), 1), else_=0)),
                func.sum(case((and_(at >= year, at < end, ip.c.direction == "inbound"), 1),
                              else_=0)),
            ]  # fmt: skip
        found: dict[date, dict[int, Counts]] = {d: {} for d in days}
        for row in conn.execute(select(*columns).where(
                ip.c.owner_id == self._ctx.owner_id, ip.c.status == "done",
                at >= history).group_by(ip.c.person_id)):  # fmt: skip
            for n, d in enumerate(days):
                last, recent_n, previous_n, mine, theirs = row[1 + 5 * n : 6 + 5 * n]
                found[d][row[0]] = Counts(local_date(last, tz) if last else None,
                                          int(recent_n or 0), int(previous_n or 0),
                                          int(mine or 0), int(theirs or 0))  # fmt: skip
        return found

    def _promises(self, conn: Connection, tz: tzinfo) -> list[PromiseRecord]:
        cm = s.commitments
        return [
            PromiseRecord(
                r.id,
                r.person_id,
                r.direction,
                r.due_on,
                r.status,
                local_date(r.done_at, tz) if r.done_at else None,
            )
            for r in conn.execute(select(cm).where(cm.c.owner_id == self._ctx.owner_id))
        ]

    def _follow_ups(self, conn: Connection, tz: tzinfo) -> list[FollowUpRecord]:
        f = s.follow_ups
        return [
            FollowUpRecord(r.id, r.due_on, local_date(r.done_at, tz) if r.done_at else None)
            for r in conn.execute(
                select(f.c.id, f.c.due_on, f.c.done_at).where(f.c.owner_id == self._ctx.owner_id)
            )
        ]

    def _exchanges(self, conn: Connection, first: date) -> list[ExchangeRecord]:
        x = s.exchanges
        return [
            ExchangeRecord(r.person_id, r.direction, r.occurred_on)
            for r in conn.execute(
                select(x.c.person_id, x.c.direction, x.c.occurred_on).where(
                    x.c.owner_id == self._ctx.owner_id, x.c.occurred_on >= first
                )
            )
        ]

    def _feedback(self, conn: Connection, first: date) -> list[FeedbackRecord]:
        f, ft = s.feedback, s.feedback_themes
        themes: dict[int, list[str]] = defaultdict(list)
        for r in conn.execute(
            select(ft.c.feedback_id, ft.c.theme).where(ft.c.owner_id == self._ctx.owner_id)
        ):
            themes[r.feedback_id].append(r.theme)
        return [
            FeedbackRecord(r.received_on, r.kind, tuple(sorted(themes.get(r.id, []))))
            for r in conn.execute(
                select(f.c.id, f.c.kind, f.c.received_on).where(
                    f.c.owner_id == self._ctx.owner_id, f.c.received_on >= first
                )
            )
        ]

    def _goals(self, conn: Connection) -> list[GoalRecord]:
        g, c = s.goals, s.goal_checkins
        checks: dict[int, list[tuple[date, int]]] = defaultdict(list)
        for r in conn.execute(
            select(c.c.goal_id, c.c.checked_on, c.c.progress).where(
                c.c.owner_id == self._ctx.owner_id
            )
        ):
            checks[r.goal_id].append((r.checked_on, r.progress))
        return [
            GoalRecord(r.id, r.title, checks.get(r.id, []))
            for r in conn.execute(
                select(g.c.id, g.c.title)
                .where(g.c.owner_id == self._ctx.owner_id, g.c.status != "dropped")
                .order_by(g.c.id)
            )
        ]
