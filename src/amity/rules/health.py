"""Relationship health: a 0-100 score from five factors, each explained.

=============  ======  ================================================================
factor         weight  score (0-100)
=============  ======  ================================================================
recency        35      days since the last contact against the cadence (90 days when
                       there is none; never contacted: no score): 100 up to half the cadence, 67 at the cadence,
                       33 at 1.5x, 0 from 2x: ``100 x (2 - ratio) / 1.5``
frequency      20      interactions in the last 90 days against the 90 before:
                       ``50 + 50 x (recent - previous) / max(recent, previous)``;
                       50 when there were none in either
reciprocity    15      who reaches out over the last 365 days (inbound vs outbound):
                       100 when balanced, 0 when one-sided; not counted below 3
promises       15      the share of promises both ways kept on time
                       (:mod:`amity.rules.reliability`); not counted when none is judged
replies        15      messages awaiting your reply: ``100 - 25 per message - 2 per day
                       the oldest has waited``, at least 0
=============  ======  ================================================================

The score is the weighted mean of the counted factors, rounded. Someone you have never been in
touch with has no score to speak of: ``contacted`` is False, the score 0, and every door says
"no contact yet" instead of a number. :func:`drifting` ranks the
relationships whose score fell the most over a period (30 days by default), by recomputing
the score as it stood at the start of the period from the same data (messages awaiting a reply
are those that arrived by then and are still unanswered today: an approximation).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from amity.model.types import PersonRef
from amity.rules.dates import plural
from amity.rules.reliability import PromiseRecord, reliability

WEIGHTS = {
    "recency": 35.0,
    "frequency": 20.0,
    "reciprocity": 15.0,
    "promises": 15.0,
    "replies": 15.0,
}
REFERENCE_CADENCE = 90
FREQUENCY_WINDOW = 90
RECIPROCITY_WINDOW = 365
RECIPROCITY_MINIMUM = 3


@dataclass(frozen=True, slots=True)
class Touch:
    """One done interaction with the person, by local date and direction."""

    on: date
    direction: str  # outbound, inbound, mutual


@dataclass(frozen=True, slots=True)
class Counts:
    """What the touches say as of a day: the last one on or before it, how many in the last
    90 days and the 90 before, and who reached out in the last 365 (:func:`counts_of`). A
    store can count them in SQL for many people at once (the weekly review does)."""

    last_on: date | None
    recent: int
    previous: int
    mine: int  # outbound
    theirs: int  # inbound


@dataclass(frozen=True)
class HealthInput:
    person: PersonRef
    cadence_days: int | None  # the effective cadence; None or 0: compare with 90 days
    touches: Sequence[Touch] = ()  # at least the last 365 days
    started_on: date | None = None  # added or met, for someone never contacted
    last_contact: date | None = None  # effective last contact (done agenda items count)
    promises: Sequence[PromiseRecord] = ()  # both directions
    awaiting_since: Sequence[date] = ()  # local dates of messages awaiting your reply
    counts: Mapping[date, Counts] | None = None  # counted already, by day: touches unused


def counts_of(touches: Iterable[Touch], today: date) -> Counts:
    recent_from = today - timedelta(days=FREQUENCY_WINDOW)
    previous_from = recent_from - timedelta(days=FREQUENCY_WINDOW)
    since = today - timedelta(days=RECIPROCITY_WINDOW)
    last, recent, previous, mine, theirs = None, 0, 0, 0, 0
    for t in touches:
        on = t.on
        if on > today:
            continue
        if last is None or on > last:
            last = on
        if on > recent_from:
            recent += 1
        elif on > previous_from:
            previous += 1
        if on > since:
            if t.direction == "outbound":
                mine += 1
            elif t.direction == "inbound":
                theirs += 1
    return Counts(last, recent, previous, mine, theirs)


@dataclass(frozen=True, slots=True)
class Factor:
    name: str
    score: int  # 0-100
    weight: float  # 0 when not counted
    value: float | None  # the measured quantity (ratio, change, share, rate, count)
    explanation: str


@dataclass(frozen=True)
class Health:
    person: PersonRef
    score: int
    factors: tuple[Factor, ...]
    contacted: bool = True  # False: never in touch, so no score to speak of (it reads 0)

    def factor(self, name: str) -> Factor:
        return next(f for f in self.factors if f.name == name)


@dataclass(frozen=True)
class Drift:
    person: PersonRef
    score: int
    previous_score: int
    change: int
    reason: str
    health: Health


def health(data: HealthInput, today: date, *, explain: bool = True) -> Health:
    """The relationship's health as it stands on ``today`` (later data is ignored). Without
    ``explain`` the factors carry no explanation (the same scores, a fraction of the time:
    :func:`drifting` judges everyone that way and explains the ones it names)."""
    counted = data.counts.get(today) if data.counts is not None else None
    counts = counted if counted is not None else counts_of(data.touches, today)
    factors = (
        _recency(data, counts, today, explain),
        _frequency(counts, explain),
        _reciprocity(counts, explain),
        _promises(data, today, explain),
        _replies(data, today, explain),
    )
    if factors[0].value is None:  # never in touch: no contact reads as no contact
        return Health(data.person, 0, factors, contacted=False)
    total = sum(f.weight for f in factors)
    score = round(sum(f.score * f.weight for f in factors) / total) if total else 0
    return Health(data.person, score, factors)


def score(data: HealthInput, today: date) -> int | None:
    """``health(data, today).score``, or None where ``contacted`` is False, without building
    the factors: the same formulas (the ``*_score`` functions below serve both), a fraction
    of the time. :func:`drifting` and the review judge everyone with it twice."""
    counted = data.counts.get(today) if data.counts is not None else None
    counts = counted if counted is not None else counts_of(data.touches, today)
    days = _days_since(data, counts, today)
    if days is None:
        return None
    weighted = WEIGHTS["recency"] * recency_score(days, data.cadence_days or REFERENCE_CADENCE)
    weighted += WEIGHTS["frequency"] * frequency_score(counts.recent, counts.previous)
    total = WEIGHTS["recency"] + WEIGHTS["frequency"] + WEIGHTS["replies"]
    if counts.mine + counts.theirs >= RECIPROCITY_MINIMUM:
        weighted += WEIGHTS["reciprocity"] * reciprocity_score(counts.mine, counts.theirs)
        total += WEIGHTS["reciprocity"]
    if data.promises:
        rate = reliability(_as_of(data.promises, today), today, direction=None).overall.rate
        if rate is not None:
            weighted += WEIGHTS["promises"] * _clamp(100 * rate)
            total += WEIGHTS["promises"]
    weighted += WEIGHTS["replies"] * replies_score(data.awaiting_since, today)[0]
    return round(weighted / total)


def recency_score(days: int, cadence: int) -> int:
    return _clamp(100 * (2 - days / cadence) / 1.5)


def frequency_score(recent: int, previous: int) -> int:
    if recent == previous == 0:
        return 50
    return _clamp(50 + 50 * (recent - previous) / max(recent, previous))


def reciprocity_score(mine: int, theirs: int) -> int:
    return _clamp(100 * (1 - abs(theirs / (mine + theirs) - 0.5) * 2))


def replies_score(awaiting_since: Sequence[date], today: date) -> tuple[int, int, int]:
    """(score, messages waiting, days the oldest has waited) as of ``today``."""
    waiting = [d for d in awaiting_since if d <= today]
    if not waiting:
        return 100, 0, 0
    oldest = (today - min(waiting)).days
    return _clamp(100 - 25 * len(waiting) - 2 * oldest), len(waiting), oldest


def _days_since(data: HealthInput, counts: Counts, today: date) -> int | None:
    """Days since the last contact as of ``today`` (None: never in touch by then)."""
    last = counts.last_on
    if data.last_contact is not None and data.last_contact <= today:
        last = data.last_contact if last is None else max(last, data.last_contact)
    return None if last is None else (today - last).days


def _clamp(value: float) -> int:
    return round(min(max(value, 0.0), 100.0))


def _recency(data: HealthInput, counts: Counts, today: date,
             explain: bool = True) -> Factor:  # fmt: skip
    weight = WEIGHTS["recency"]
    days = _days_since(data, counts, today)
    cadence = data.cadence_days or REFERENCE_CADENCE
    if days is None:  # never in touch: not "recent" because the person was added recently
        since = ""
        if explain and data.started_on is not None and data.started_on <= today:
            since = f", added or met {plural((today - data.started_on).days, 'day')} ago"
        return Factor("recency", 0, weight, None, f"no contact yet{since}" if explain else "")
    what = ""
    if explain:
        of = (f"cadence {cadence}" if data.cadence_days
              else f"no cadence, compared with {cadence} days")  # fmt: skip
        what = f"{plural(days, 'day')} since you last talked, {of}"
    return Factor("recency", recency_score(days, cadence), weight, round(days / cadence, 3), what)


def _frequency(counts: Counts, explain: bool = True) -> Factor:
    weight = WEIGHTS["frequency"]
    recent, previous = counts.recent, counts.previous
    if recent == previous == 0:
        return Factor("frequency", 50, weight, 0.0, "no interactions in the last 180 days")
    change = (recent - previous) / max(recent, previous)
    what = (f"{plural(recent, 'interaction')} in the last 90 days, {previous} in the 90 before"
            if explain else "")  # fmt: skip
    return Factor("frequency", frequency_score(recent, previous), weight, round(change, 3), what)


def _reciprocity(counts: Counts, explain: bool = True) -> Factor:
    mine, theirs = counts.mine, counts.theirs
    what = (f"you reached out {plural(mine, 'time')}, they did {plural(theirs, 'time')} in a year"
            if explain else "")  # fmt: skip
    if mine + theirs < RECIPROCITY_MINIMUM:
        return Factor("reciprocity", 50, 0.0, None, f"{what}: too few to judge" if explain else "")
    share = theirs / (mine + theirs)
    score = reciprocity_score(mine, theirs)
    return Factor("reciprocity", score, WEIGHTS["reciprocity"], round(share, 3), what)


def _promises(data: HealthInput, today: date, explain: bool = True) -> Factor:
    if not data.promises:  # the common case: nothing to judge
        what = reliability([], today, direction=None).overall.explain() if explain else ""
        return Factor("promises", 50, 0.0, None, what)
    rate = reliability(_as_of(data.promises, today), today, direction=None).overall
    if rate.rate is None:
        return Factor("promises", 50, 0.0, None, rate.explain() if explain else "")
    return Factor(
        "promises",
        _clamp(100 * rate.rate),
        WEIGHTS["promises"],
        round(rate.rate, 3),
        f"{rate.explain()} (both ways)" if explain else "",
    )


def _as_of(records: Iterable[PromiseRecord], today: date) -> list[PromiseRecord]:
    """Promises as they stood on `today`: done later means still open then."""
    return [
        replace(r, status="open", done_on=None)
        if r.status == "done" and r.done_on is not None and r.done_on > today
        else r
        for r in records
    ]


def _replies(data: HealthInput, today: date, explain: bool = True) -> Factor:
    weight = WEIGHTS["replies"]
    score, waiting, oldest = replies_score(data.awaiting_since, today)
    if not waiting:
        return Factor("replies", 100, weight, 0.0, "nothing awaits your reply" if explain else "")
    what = (f"{plural(waiting, 'message')} awaiting your reply, the oldest for "
            f"{plural(oldest, 'day')}" if explain else "")  # fmt: skip
    return Factor("replies", score, weight, float(waiting), what)


def drifting(
    inputs: Iterable[HealthInput], today: date, *, period_days: int = 30, limit: int | None = 10
) -> list[Drift]:
    """Relationships whose health fell over the last ``period_days``, the biggest fall first."""
    falls = _falls(inputs, today, period_days)
    chosen = falls if limit is None else falls[:limit]
    return [explain_drift(data, today, period_days) for *_, data in chosen]


def drift_count(
    inputs: Iterable[HealthInput], today: date, *, period_days: int = 30, top: int = 5
) -> tuple[int, list[Drift]]:
    """How many relationships :func:`drifting` finds, and the first ``top`` of them (scores
    for everyone, explanations only for those named)."""
    falls = _falls(inputs, today, period_days)
    return len(falls), [explain_drift(data, today, period_days) for *_, data in falls[:top]]


def _falls(inputs: Iterable[HealthInput], today: date,
           period_days: int) -> list[tuple[int, int, str, int, HealthInput]]:  # fmt: skip
    """(change, score now, name, id, input) of each relationship whose score fell, sorted."""
    before = today - timedelta(days=period_days)
    falls = []
    for data in inputs:
        now = score(data, today)
        if now is None:
            continue
        then = score(data, before)
        if then is None:
            continue  # never in touch (then or now): nothing drifted
        change = now - then
        if change < 0:
            falls.append((change, now, data.person.name, data.person.id, data))
    falls.sort(key=lambda f: f[:4])
    return falls


def explain_drift(data: HealthInput, today: date, period_days: int) -> Drift:
    """The relationship's fall over ``period_days`` up to ``today``, with the factor that
    fell the most in words."""
    now = health(data, today)
    then = health(data, today - timedelta(days=period_days))
    worst = min(
        zip(now.factors, then.factors, strict=True),
        key=lambda pair: pair[0].score * pair[0].weight - pair[1].score * pair[1].weight,
    )[0]
    reason = (
        f"{data.person.name}: health {then.score} -> {now.score} in "
        f"{plural(period_days, 'day')}; {worst.name}: {worst.explanation}"
    )
    return Drift(data.person, now.score, then.score, now.score - then.score, reason, now)
