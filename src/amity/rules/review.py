"""The weekly (or monthly) review: what happened in a period, against the period before.

A period is a rolling window that ends on the review day (inclusive): the last 7 days for a
week, the last 30 for a month; the previous period is the same length just before it, so the
two compare like with like whatever the weekday.

Each measure is computed for both periods by the same function:

- **people reached** by circle: distinct people in done interactions;
- **interactions** by kind (done ones);
- **new people** added to the book;
- **follow-ups done on time**: follow-ups due in the period, done by their due date;
- **promises kept on time**: your promises due in the period, judged as on the period's last
  day (:mod:`amity.rules.reliability`);
- **median reply time** (hours) for messages that arrived in the period and were answered;
- **drifting relationships**: how many relationships' health fell over the period
  (:func:`amity.rules.health.drifting`), with the worst ones named for the current period;
- **give/receive**: exchanges given and received;
- **feedback themes**: feedback received per theme;
- **goal progress**: each goal's latest check-in by the end of the period.

``change`` is current minus previous (None when either side is unknown).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from amity.rules.health import Drift, HealthInput, drift_count, explain_drift, score
from amity.rules.reliability import PromiseRecord, kept_on_time
from amity.rules.replies import Message, answers

PERIOD_DAYS = {"week": 7, "month": 30}
TREND_STEADY = 0  # a theme is rising or falling when its count changed at all
DRIFT_NAMED = 5  # drifting relationships the review names (and explains)


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date  # inclusive

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def periods(day: date, kind: str = "week") -> tuple[Period, Period]:
    """The period ending on ``day`` and the one just before it."""
    length = PERIOD_DAYS[kind]
    current = Period(day - timedelta(days=length - 1), day)
    previous = Period(current.start - timedelta(days=length), current.start - timedelta(days=1))
    return current, previous


@dataclass(frozen=True, slots=True)
class PersonRecord:
    id: int
    name: str
    circle: str | None
    added_on: date


@dataclass(frozen=True, slots=True)
class InteractionRecord:
    id: int
    kind: str
    on: date
    person_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class FollowUpRecord:
    id: int
    due_on: date
    done_on: date | None


@dataclass(frozen=True, slots=True)
class ExchangeRecord:
    person_id: int
    direction: str  # given, received
    on: date


@dataclass(frozen=True, slots=True)
class FeedbackRecord:
    on: date
    kind: str
    themes: tuple[str, ...]


@dataclass(frozen=True)
class GoalRecord:
    id: int
    title: str
    check_ins: Sequence[tuple[date, int]]  # (day, progress)


@dataclass(frozen=True, slots=True)
class Judged:
    """A person's health scores on the days the review judges drift (:func:`judged_days`,
    oldest first; None: never in touch by then): what drifting needs of them, small enough
    to keep for everyone and to update one person at a time."""

    id: int
    name: str
    started_on: date | None
    scores: tuple[int | None, ...]


def judged_days(day: date, kind: str = "week") -> tuple[date, ...]:
    """The ends of both periods and the day a period before each."""
    return tuple(sorted({d for p in periods(day, kind)
                         for d in (p.end, p.end - timedelta(days=p.days))}))  # fmt: skip


def judge(data: HealthInput, days: Sequence[date]) -> Judged:
    return Judged(data.person.id, data.person.name, data.started_on,
                  tuple(score(data, d) for d in days))  # fmt: skip


def falls(judged: Iterable[Judged], days: Sequence[date],
          period: Period) -> list[tuple[int, int, str, int]]:  # fmt: skip
    """(change, score now, name, id) of each relationship whose health fell over ``period``,
    the biggest fall first: :func:`amity.rules.health.drift_count` from kept scores (people
    not in the book when the period started are not judged)."""
    now, then = days.index(period.end), days.index(period.end - timedelta(days=period.days))
    out = []
    for j in judged:
        if j.started_on is not None and j.started_on >= period.start:
            continue
        after, before = j.scores[now], j.scores[then]
        if after is not None and before is not None and after < before:
            out.append((after - before, after, j.name, j.id))
    out.sort()
    return out


@dataclass(frozen=True)
class ReviewInputs:
    people: Sequence[PersonRecord] = ()
    interactions: Sequence[InteractionRecord] = ()
    follow_ups: Sequence[FollowUpRecord] = ()
    promises: Sequence[PromiseRecord] = ()
    messages: Sequence[Message] = ()
    exchanges: Sequence[ExchangeRecord] = ()
    feedback: Sequence[FeedbackRecord] = ()
    goals: Sequence[GoalRecord] = ()
    # everyone's health, or with ``judged`` only the people drifting the most (to explain)
    health: Sequence[HealthInput] = ()
    judged: Sequence[Judged] | None = None  # everyone's scores on judged_days, when kept


@dataclass(frozen=True)
class Compared:
    current: float | None
    previous: float | None

    @property
    def change(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return round(self.current - self.previous, 2)


@dataclass(frozen=True)
class GoalProgress:
    id: int
    title: str
    progress: Compared  # the latest check-in (0-100) by the end of each period


@dataclass(frozen=True)
class Review:
    kind: str
    period: Period
    previous_period: Period
    people_reached: Compared
    people_reached_by_circle: dict[str, Compared]
    interactions: Compared
    interactions_by_kind: dict[str, Compared]
    new_people: Compared
    follow_ups_on_time: Compared  # a share 0-1
    follow_ups_due: Compared
    promises_kept_on_time: Compared  # a share 0-1
    promises_judged: Compared
    median_reply_hours: Compared
    drifting: Compared
    drifting_people: list[str] = field(default_factory=list)
    given: Compared = field(default_factory=lambda: Compared(0, 0))
    received: Compared = field(default_factory=lambda: Compared(0, 0))
    feedback_themes: dict[str, Compared] = field(default_factory=dict)
    goal_progress: list[GoalProgress] = field(default_factory=list)


def build_review(inputs: ReviewInputs, day: date, kind: str = "week") -> Review:
    """The review of the period ending on ``day`` against the one before it."""
    if kind not in PERIOD_DAYS:
        raise ValueError(f"a review is weekly or monthly, not {kind!r}")
    now, before = periods(day, kind)
    circles = {p.id: p.circle or "no circle" for p in inputs.people}
    reached = [_reached(inputs.interactions, p) for p in (now, before)]
    by_circle = [Counter(circles.get(pid, "no circle") for pid in ids) for ids in reached]
    kinds = [Counter(i.kind for i in inputs.interactions if i.on in p) for p in (now, before)]
    follow = [_follow_ups(inputs.follow_ups, p) for p in (now, before)]
    promises = [_promises(inputs.promises, p) for p in (now, before)]
    if inputs.judged is None:
        drift_now, named = _drifting(inputs.health, now, top=DRIFT_NAMED)
        drift_before, _ = _drifting(inputs.health, before, top=0)
    else:  # scores kept: the named ones are explained from their inputs
        days = judged_days(day, kind)
        fell = falls(inputs.judged, days, now)
        drift_now, drift_before = len(fell), len(falls(inputs.judged, days, before))
        by_id = {h.person.id: h for h in inputs.health}
        named = [explain_drift(by_id[f[3]], now.end, now.days) for f in fell[:DRIFT_NAMED]]
    return Review(
        kind=kind,
        period=now,
        previous_period=before,
        people_reached=Compared(len(reached[0]), len(reached[1])),
        people_reached_by_circle=_compare_counts(*by_circle),
        interactions=Compared(sum(kinds[0].values()), sum(kinds[1].values())),
        interactions_by_kind=_compare_counts(*kinds),
        new_people=Compared(
            *(sum(1 for x in inputs.people if x.added_on in p) for p in (now, before))
        ),
        follow_ups_on_time=Compared(follow[0][1], follow[1][1]),
        follow_ups_due=Compared(follow[0][0], follow[1][0]),
        promises_kept_on_time=Compared(promises[0][1], promises[1][1]),
        promises_judged=Compared(promises[0][0], promises[1][0]),
        median_reply_hours=Compared(*(_median_reply(inputs.messages, p) for p in (now, before))),
        drifting=Compared(drift_now, drift_before),
        drifting_people=[d.reason for d in named],
        given=Compared(*(_exchanges(inputs.exchanges, p, "given") for p in (now, before))),
        received=Compared(*(_exchanges(inputs.exchanges, p, "received") for p in (now, before))),
        feedback_themes=_compare_counts(
            *(
                Counter(t for f in inputs.feedback if f.on in p for t in f.themes)
                for p in (now, before)
            )
        ),
        goal_progress=[
            GoalProgress(g.id, g.title, Compared(_progress(g, now.end), _progress(g, before.end)))
            for g in inputs.goals
        ],
    )


def _drifting(rows: Sequence[HealthInput], period: Period, *,
              top: int) -> tuple[int, list[Drift]]:  # fmt: skip
    """How many relationships' health fell over the period, and the ``top`` worst; people
    who were not in the book when it started are not judged."""
    known = [h for h in rows if h.started_on is None or h.started_on < period.start]
    return drift_count(known, period.end, period_days=period.days, top=top)


def _reached(rows: Iterable[InteractionRecord], period: Period) -> set[int]:
    return {pid for i in rows if i.on in period for pid in i.person_ids}


def _compare_counts(now: Counter[str], before: Counter[str]) -> dict[str, Compared]:
    return {k: Compared(now.get(k, 0), before.get(k, 0)) for k in sorted(set(now) | set(before))}


def _follow_ups(rows: Iterable[FollowUpRecord], period: Period) -> tuple[int, float | None]:
    due = [f for f in rows if f.due_on in period]
    if not due:
        return 0, None
    on_time = sum(1 for f in due if f.done_on is not None and f.done_on <= f.due_on)
    return len(due), round(on_time / len(due), 3)


def _promises(rows: Iterable[PromiseRecord], period: Period) -> tuple[int, float | None]:
    verdicts = []
    for record in rows:
        if record.direction != "mine" or record.due_on not in period:
            continue
        as_of = record
        if record.status == "done" and record.done_on is not None and record.done_on > period.end:
            as_of = PromiseRecord(
                record.id, record.person_id, record.direction, record.due_on, "open", None
            )
        verdict = kept_on_time(as_of, period.end + timedelta(days=1))
        if verdict is not None:
            verdicts.append(verdict)
    if not verdicts:
        return 0, None
    return len(verdicts), round(sum(verdicts) / len(verdicts), 3)


def _median_reply(messages: Sequence[Message], period: Period) -> float | None:
    hours = [
        a.response_time.total_seconds() / 3600
        for a in answers(messages)
        if a.response_time is not None and a.message.occurred_at.date() in period
    ]
    return round(statistics.median(hours), 1) if hours else None


def _exchanges(rows: Iterable[ExchangeRecord], period: Period, direction: str) -> int:
    return sum(1 for x in rows if x.direction == direction and x.on in period)


def _progress(goal: GoalRecord, end: date) -> int | None:
    done = [p for day, p in sorted(goal.check_ins) if day <= end]
    return done[-1] if done else None


def theme_trends(
    items: Iterable[tuple[str, str, date]], today: date, *, window_days: int = 90
) -> list[dict[str, object]]:
    """Per theme, from (theme, kind, day) items: totals by kind, the last ``window_days``
    against the window before, and a trend word. Most frequent themes first."""
    recent_from = today - timedelta(days=window_days - 1)
    previous_from = recent_from - timedelta(days=window_days)
    stats: dict[str, Counter[str]] = {}
    for theme, kind, day in items:
        if day > today:
            continue
        counter = stats.setdefault(theme, Counter())
        counter["total"] += 1
        counter[kind] += 1
        if day >= recent_from:
            counter["recent"] += 1
        elif day >= previous_from:
            counter["previous"] += 1
    out: list[dict[str, object]] = []
    for theme, c in sorted(stats.items(), key=lambda kv: (-kv[1]["total"], kv[0])):
        delta = c["recent"] - c["previous"]
        trend = (
            "rising" if delta > TREND_STEADY else "falling" if delta < -TREND_STEADY else "steady"
        )
        out.append(
            {
                "theme": theme,
                "total": c["total"],
                "positive": c["positive"],
                "constructive": c["constructive"],
                "recent": c["recent"],
                "previous": c["previous"],
                "trend": trend,
            }
        )
    return out
