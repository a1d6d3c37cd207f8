"""The weekly review: loads what the period needs with a handful of set-based queries and
hands it to :func:`amity.rules.review.build_review`.

A review is a pure function of the book and the day, so the built review is kept per
database, owner, day and period under the owner's data version (the agenda's
:class:`~amity.book.agenda.cache.InputsCache`): read again with nothing written, it costs one
query. After a write, the periods' measures are loaded again (bounded by the two periods),
and drifting, which judges everyone, judges again only the people the write touched
(:mod:`amity.book.review_health`)."""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, or_, select

from amity.book.agenda.cache import InputsCache, per_engine
from amity.book.context import BookContext
from amity.book.review_health import (
    Kept,
    changed_people,
    last_group,
    load_health,
    promise_from_row,
)
from amity.errors import InvalidInput
from amity.rules.dates import local_date, time_zone
from amity.rules.health import HealthInput
from amity.rules.replies import Message
from amity.rules.review import (
    DRIFT_NAMED,
    PERIOD_DAYS,
    ExchangeRecord,
    FeedbackRecord,
    FollowUpRecord,
    GoalRecord,
    InteractionRecord,
    Judged,
    PersonRecord,
    Review,
    ReviewInputs,
    build_review,
    falls,
    judge,
    judged_days,
    periods,
)
from amity.store import schema as s

HEALTH_HISTORY_DAYS = 400  # reciprocity looks back a year from the start of the period
KEPT = 64  # judgements kept per database (owner, day, period)
KEPT_PEOPLE = 400_000  # and people judged in them, about 60 MB (the newest is always kept)
# per database: the built reviews under their version, and everyone's drift scores (Kept),
# the newest of which is brought up to date from the journal
_REVIEWS: weakref.WeakKeyDictionary[Engine, InputsCache] = weakref.WeakKeyDictionary()
_KEPT: weakref.WeakKeyDictionary[Engine, InputsCache] = weakref.WeakKeyDictionary()


def _reviews_of(engine: Engine) -> InputsCache:
    return per_engine(_REVIEWS, engine, lambda: InputsCache(64))


def _kept_of(engine: Engine) -> InputsCache:
    return per_engine(_KEPT, engine, lambda: InputsCache(
        KEPT, weight=lambda kept: len(kept.judged), max_weight=KEPT_PEOPLE))  # fmt: skip


class Reviews:
    def __init__(self, ctx: BookContext) -> None:
        self._ctx = ctx

    def review(self, kind: str = "week", *, today: date | None = None) -> Review:
        if kind not in PERIOD_DAYS:
            raise InvalidInput("a review is for a week or a month", field="period")
        owner = self._ctx.owner_id
        with self._ctx.read() as conn:
            version = self._ctx.data_version(conn)  # first: what is loaded next is as new
            groups = last_group(conn, owner)
            day = today or self._ctx.today(conn)
            key = (owner, day, kind)
            cache = _reviews_of(self._ctx.engine)
            cached: Review | None = cache.get(key, version)
            if cached is not None:
                return cached
            zone = str(self._ctx.setting("timezone", conn) or "")
            tz = time_zone(zone or None)
            days = judged_days(day, kind)
            first = day - timedelta(days=2 * PERIOD_DAYS[kind] - 1)
            history = datetime.combine(first - timedelta(days=HEALTH_HISTORY_DAYS), time(0),
                                       tzinfo=tz)  # fmt: skip

            def health(ids: Collection[int] | None = None) -> list[HealthInput]:
                return load_health(conn, owner, tz, days, history, ids)

            judged = self._judged(conn, key, version, zone, days, health)
            _kept_of(self._ctx.engine).put(key, version, Kept(version, groups, zone, judged))
            fell = falls(judged.values(), days, periods(day, kind)[0])[:DRIFT_NAMED]
            named = health({f[3] for f in fell}) if fell else []
            inputs = replace(self._inputs(conn, day, PERIOD_DAYS[kind], tz), health=named,
                             judged=list(judged.values()))  # fmt: skip
        review = build_review(inputs, day, kind)
        cache.put(key, version, review)
        return review

    def _judged(self, conn: Connection, key: tuple[Any, ...], version: int, zone: str,
                days: Sequence[date], health: Any) -> dict[int, Judged]:  # fmt: skip
        """Everyone's scores on the judged days: the kept ones with the people changed since
        judged again (book.review_health), or everyone's."""
        newest = _kept_of(self._ctx.engine).newest(key)
        kept: Kept | None = newest[1] if newest is not None else None
        if kept is not None and kept.zone == zone:
            changed = changed_people(conn, self._ctx.owner_id, kept, version)
            if changed is not None:
                judged = dict(kept.judged)
                for pid in changed:
                    judged.pop(pid, None)
                judged.update((h.person.id, judge(h, days)) for h in health(changed))
                return judged
        return {h.person.id: judge(h, days) for h in health()}

    def _inputs(self, conn: Connection, day: date, length: int, tz: tzinfo) -> ReviewInputs:
        """What the periods' measures need, bounded by the two periods (drifting apart): the
        people reached or added in them, their interactions, promises and follow-ups due."""
        owner = self._ctx.owner_id
        first = day - timedelta(days=2 * length - 1)
        since = datetime.combine(first, time(0), tzinfo=tz)
        p, c, ip, i = s.people, s.circles, s.interaction_participants, s.interactions
        participants: dict[int, list[int]] = defaultdict(list)
        for r in conn.execute(  # from the interactions' time index: not every participant
            select(ip.c.interaction_id, ip.c.person_id)
            .select_from(i.join(ip, ip.c.interaction_id == i.c.id))
            .where(i.c.owner_id == owner, i.c.status == "done", i.c.occurred_at >= since,
                   ip.c.owner_id == owner, ip.c.status == "done", ip.c.occurred_at >= since)
        ):  # fmt: skip
            participants[r.interaction_id].append(r.person_id)
        reached = sorted({pid for ids in participants.values() for pid in ids})
        people = [
            PersonRecord(r.id, r.name, r.circle, local_date(r.created_at, tz))
            for r in conn.execute(
                select(p.c.id, p.c.name, p.c.created_at, c.c.name.label("circle"))
                .select_from(p.outerjoin(c, c.c.id == p.c.circle_id))
                .where(p.c.owner_id == owner, p.c.archived_at.is_(None),
                       or_(p.c.created_at >= since,
                           p.c.id.in_(bindparam("reached", reached, expanding=True))))
            )
        ]  # fmt: skip
        interactions: list[InteractionRecord] = []
        messages: list[Message] = []
        for row in conn.execute(
            select(
                i.c.id, i.c.kind, i.c.occurred_at, i.c.direction, i.c.thread_key, i.c.needs_reply
            ).where(i.c.owner_id == owner, i.c.status == "done", i.c.occurred_at >= since)
        ):
            interactions.append(
                InteractionRecord(
                    row.id,
                    row.kind,
                    local_date(row.occurred_at, tz),
                    tuple(participants.get(row.id, ())),
                )
            )
            if row.direction == "outbound" or (row.direction == "inbound" and row.needs_reply):
                messages.extend(  # the only ones reply times read (rules.replies.answers)
                    Message(row.id, pid, row.direction, row.occurred_at, row.thread_key,
                            row.needs_reply)
                    for pid in participants.get(row.id, ())
                )  # fmt: skip
        cm = s.commitments
        promises = [promise_from_row(r, tz) for r in conn.execute(
            select(cm).where(cm.c.owner_id == owner, cm.c.due_on >= first, cm.c.due_on <= day))]  # fmt: skip
        return ReviewInputs(
            people=people,
            interactions=interactions,
            follow_ups=self._follow_ups(conn, tz, first, day),
            promises=promises,
            messages=messages,
            exchanges=self._exchanges(conn, first),
            feedback=self._feedback(conn, first),
            goals=self._goals(conn),
        )

    def _follow_ups(self, conn: Connection, tz: tzinfo, first: date,
                    day: date) -> list[FollowUpRecord]:  # fmt: skip
        f = s.follow_ups
        return [
            FollowUpRecord(r.id, r.due_on, local_date(r.done_at, tz) if r.done_at else None)
            for r in conn.execute(
                select(f.c.id, f.c.due_on, f.c.done_at).where(
                    f.c.owner_id == self._ctx.owner_id, f.c.due_on >= first, f.c.due_on <= day
                )
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
