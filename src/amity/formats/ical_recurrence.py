"""Bounding recurring series before they are expanded: a cap per series in count and in time.

A recurrence rule can describe far more occurrences than anyone could import: a 300-byte
event with ``RRULE:FREQ=SECONDLY`` and no end, starting in 2020, has about 150 million
occurrences before a window that ends today, and the expansion library steps through each of
them (dateutil iterates every rule from its DTSTART). So before a series is expanded,
`bound_series` rewrites its master events:

1. **Skip ahead** (fixed-frequency rules: SECONDLY, MINUTELY, HOURLY, DAILY, WEEKLY): DTSTART
   (and DTEND) move forward by a whole number of periods to just before the window, computed
   with arithmetic, not by stepping; a ``COUNT`` shrinks by the occurrences skipped (only for
   rules without BY parts, where each period holds exactly one occurrence).
2. **Step under a cap**: the rule is walked (with dateutil, as the expander would) from its
   DTSTART to the end of the window, at most `MAX_STEPS_PER_SERIES` occurrences and at most
   `SERIES_SECONDS` of CPU time (a deadline checked from a profile hook, so even a rule that
   never matches, ``FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30``, which dateutil would spin on for
   seconds, stops; CPU time, so a busy machine does not cut a cheap series).
3. **Cut**: when the rule goes on past the window or past `MAX_INSTANCES_PER_SERIES` instances
   in it, its ``UNTIL`` is set to the last occurrence kept (and ``COUNT`` dropped), so the
   expander's own walk is bounded by ours.

Every cut is reported as a warning (`RecordWarning`): the import goes on with what was kept.
A series that cannot be bounded at all (the step or time cap hit before the window) is left
out with a warning. The calendar as a whole also has a time budget (`CALENDAR_SECONDS`) and an
instance budget (`MAX_INSTANCES_PER_CALENDAR`) shared by its series.
"""

from __future__ import annotations

import itertools
import re
import sys
import time as clock
import warnings
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from types import FrameType
from typing import Any

#: A series keeps at most this many instances in the window (the rest is cut, with a warning).
MAX_INSTANCES_PER_SERIES = 5000
#: A whole calendar keeps at most this many instances of recurring series.
MAX_INSTANCES_PER_CALENDAR = 50_000
#: Occurrences a series may be walked through (before and in the window) while bounding it.
MAX_STEPS_PER_SERIES = 20_000
#: CPU time one series may take to be bounded; and all of a calendar's series together.
SERIES_SECONDS = 0.5
CALENDAR_SECONDS = 5.0

_SECOND = timedelta(seconds=1)
_FIXED_PERIODS = {
    "SECONDLY": _SECOND,
    "MINUTELY": timedelta(minutes=1),
    "HOURLY": timedelta(hours=1),
    "DAILY": timedelta(days=1),
    "WEEKLY": timedelta(weeks=1),
}
_BY_PARTS = ("BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO",
             "BYMONTH", "BYSETPOS", "BYEASTER")  # fmt: skip
_MARGIN = timedelta(hours=2)  # DST changes: the walk is widened, the expander is exact
_LONGEST = timedelta(days=400)  # an instance longer than this widens the window no further
_NEGATIVE_COUNT = re.compile(r"(?i);?COUNT=-[0-9]+")


def _cpu() -> float:
    """The time caps count this thread's CPU time: a busy machine (other processes, other
    requests of the web server) does not cut a series that is cheap to expand."""
    return clock.thread_time()


class _OutOfTime(Exception):
    """Raised from the profile hook when a series' deadline has passed."""


@dataclass
class Budget:
    """What a calendar's series share: the CPU time spent bounding them (not what the
    reader's caller does between series) and an instance allowance."""

    seconds: float = 0.0
    instances_left: int = field(default_factory=lambda: MAX_INSTANCES_PER_CALENDAR)

    def series_deadline(self) -> float:
        return _cpu() + min(SERIES_SECONDS, CALENDAR_SECONDS - self.seconds)

    @property
    def spent(self) -> bool:
        return self.seconds >= CALENDAR_SECONDS or self.instances_left <= 0


@dataclass
class Bounds:
    """What bounding a series decided: ``warning`` for the user when something was cut,
    ``leave_out`` when no instance of the rule can be expanded, and ``limit``: the most
    instances the expander may yield for it."""

    warning: str | None = None
    leave_out: bool = False
    limit: int = MAX_INSTANCES_PER_SERIES
    starts: list[datetime] | None = None  # wall-clock starts in the window (plain series)
    master: _Master | None = None  # to turn those starts into instants

    def instance_times(self) -> list[tuple[date | datetime, date | datetime]]:
        """(start, end) of each kept start, as DTSTART and DTEND values of an instance."""
        series = self.master
        if series is None or self.starts is None:
            return []
        return [(series.to_value(s), series.to_value(s + series.duration)) for s in self.starts]


def bound_series(events: list[Any], start: datetime, end: datetime, budget: Budget) -> Bounds:
    """Rewrite the series' masters in place so that expanding them over ``[start, end]``
    is bounded; see the module's docstring. For a plain series (one master with one rule,
    no RDATE, no overrides) the walk's own instance starts come back in ``Bounds.starts``."""
    limit = min(MAX_INSTANCES_PER_SERIES, budget.instances_left)
    if budget.spent:
        why = ("the calendar's time for recurring events is spent"
               if budget.instances_left > 0 else
               f"the calendar already has {MAX_INSTANCES_PER_CALENDAR} recurring instances")  # fmt: skip
        return Bounds(f"recurring event left out: {why}", leave_out=True, limit=0)
    bounds = Bounds(limit=limit)
    began = _cpu()
    deadline = budget.series_deadline()
    masters = [e for e in events if e.get("RECURRENCE-ID") is None and e.get("RRULE") is not None]
    plain = len(events) == 1 and len(masters) == 1 and events[0].get("RDATE") is None
    for master in masters:
        _bound_master(master, start, end, deadline, bounds, plain=plain)
        if bounds.leave_out:
            break
    budget.seconds += _cpu() - began
    return bounds


def _bound_master(master: Any, start: datetime, end: datetime, deadline: float,
                  bounds: Bounds, *, plain: bool) -> None:  # fmt: skip
    series = _Master.of(master)
    lo = series.local(start) - min(series.duration, _LONGEST)
    rules = master.get("RRULE")
    rules = rules if isinstance(rules, list) else [rules]
    if len(rules) == 1:
        series.skip_ahead(master, rules[0], lo - _MARGIN)
    walk = _Walk(series, start.astimezone(UTC), end.astimezone(UTC), series.local(end) + _MARGIN,
                 keep=plain and len(rules) == 1)  # fmt: skip
    for rule in rules:
        _step(walk, rule, deadline, bounds)
        if bounds.leave_out:
            return
    if walk.keep:
        bounds.starts = walk.starts_without(_exdates(master, series))
        if bounds.starts is not None:
            bounds.master = series


@dataclass
class _Master:
    """A master event's start as dateutil walks it: naive wall-clock time in its zone."""

    start: datetime  # naive
    tz: tzinfo | None  # None: floating (or all-day)
    all_day: bool
    duration: timedelta

    @classmethod
    def of(cls, event: Any) -> _Master:
        value = event.get("DTSTART").dt
        all_day = not isinstance(value, datetime)
        tz = None if all_day or value.tzinfo is None else value.tzinfo
        start = datetime.combine(value, time(0)) if all_day else value.replace(tzinfo=None)
        return cls(start, tz, all_day, _duration(event, value))

    def local(self, moment: datetime) -> datetime:
        """An aware instant as naive wall-clock time in the series' zone (floating and
        all-day times are compared as UTC, as the expander compares them)."""
        return moment.astimezone(self.tz or UTC).replace(tzinfo=None)

    def instant(self, local: datetime) -> datetime:
        """Naive wall-clock time in the series' zone as an aware UTC instant."""
        return local.replace(tzinfo=self.tz or UTC).astimezone(UTC)

    def to_value(self, local: datetime) -> date | datetime:
        """Naive wall-clock time back to what DTSTART/UNTIL hold (a date, aware, floating)."""
        if self.all_day:
            return local.date()
        return local.replace(tzinfo=self.tz) if self.tz is not None else local

    def until_value(self, local: datetime) -> date | datetime:
        """UNTIL in the form RFC 5545 wants: UTC for a zoned start."""
        value = self.to_value(local)
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(UTC)
        return value

    def skip_ahead(self, master: Any, rule: Any, lo: datetime) -> None:
        """Move DTSTART (and DTEND) forward by whole periods to just before ``lo``."""
        freq = _first(rule, "FREQ")
        period = _FIXED_PERIODS.get(str(freq or "").upper())
        if period is None:
            return
        period *= max(1, int(_first(rule, "INTERVAL") or 1))
        count = _first(rule, "COUNT")
        has_by = any(rule.get(part) for part in _BY_PARTS)
        if (count is not None and has_by) or (self.all_day and period % timedelta(days=1)):
            return
        periods = (lo - self.start) // period - 1
        if count is not None:
            periods = min(periods, int(count) - 1)
        if periods <= 0:
            return
        shift = period * periods
        self.start += shift
        _shift(master, "DTSTART", shift)
        if master.get("DTEND") is not None:
            _shift(master, "DTEND", shift)
        if count is not None:
            rule["COUNT"] = [int(count) - periods]


@dataclass
class _Walk:
    """One master's walk: the exact window (UTC), where the walk may stop (wall-clock), and
    the starts of the instances in the window when they are kept for the fast path."""

    series: _Master
    start: datetime
    end: datetime
    stop: datetime
    keep: bool
    starts: list[datetime] = field(default_factory=list)
    surely: tuple[datetime, datetime] = field(init=False)
    never: datetime = field(init=False)

    def __post_init__(self) -> None:
        lo = self.series.local(self.start) - min(self.series.duration, _LONGEST)
        self.surely = (lo + _MARGIN, self.series.local(self.end) - _MARGIN)
        self.never = lo - _MARGIN

    def overlaps(self, local: datetime) -> bool:
        if local < self.never:  # wall-clock time decides, but near the window's edges
            return False
        if self.surely[0] < local < self.surely[1]:
            return True
        begins = self.series.instant(local)
        if begins > self.end:
            return False
        duration = self.series.duration
        return begins + duration > self.start if duration else begins >= self.start

    def starts_without(self, excluded: set[datetime] | None) -> list[datetime] | None:
        """The kept starts (with DTSTART itself, always an instance), EXDATEs taken out;
        None when an EXDATE cannot be compared (then the expander decides)."""
        if excluded is None:
            return None
        found = set(self.starts)
        if self.overlaps(self.series.start):
            found.add(self.series.start)
        return sorted(found - excluded)


def _step(walk: _Walk, rule: Any, deadline: float, bounds: Bounds) -> None:
    """Walk the rule past the window under the caps; cut it (UNTIL) where the walk stopped.

    Occurrences count against the cap when they overlap the window; the walk goes on to
    ``_MARGIN`` (wall-clock) after it, and the cut keeps everything up to there, so the
    expander, which is exact, loses nothing that was not capped."""
    series = walk.series
    until = _until(rule, series)
    in_window = steps = 0
    last: datetime | None = None
    cut: datetime | None = None
    reason: str | None = None
    sparse = any(rule.get(part) for part in _BY_PARTS)  # may never match
    occurrences = iter(_dateutil_rule(rule, series))
    try:
        with _Deadline(deadline if sparse else None):  # until the first occurrence
            first = next(occurrences, None)
        for occurrence in itertools.chain([] if first is None else [first], occurrences):
            steps += 1
            if _cpu() > deadline:
                raise _OutOfTime
            if until is not None and occurrence > until:
                break
            if occurrence > walk.stop:
                cut = last if last is not None else series.start
                break
            if walk.overlaps(occurrence):
                in_window += 1
                if in_window > bounds.limit:
                    cut, reason = last, f"more than {bounds.limit} instances in the window"
                    break
                if walk.keep:
                    walk.starts.append(occurrence)
            last = occurrence
            if steps >= MAX_STEPS_PER_SERIES:
                cut, reason = last, f"stopped after {MAX_STEPS_PER_SERIES} occurrences"
                break
    except _OutOfTime:
        cut, reason = last, f"stopped after {SERIES_SECONDS:g} s of expansion"
    if reason is not None:
        rule_text = _rule_text(rule)
        if in_window == 0:
            bounds.leave_out = True
            bounds.warning = f"recurring event left out ({rule_text}): {reason} before the window"
            return
        bounds.warning = f"recurrence cut ({rule_text}): {reason}; the rest were left out"
    if cut is not None:
        _set_until(rule, series, cut)


def _exdates(master: Any, series: _Master) -> set[datetime] | None:
    """The master's EXDATEs as wall-clock starts; None when one is of another kind (a date
    against timed instances, a floating time against zoned ones)."""
    found: set[datetime] = set()
    values = master.get("EXDATE")
    for prop in values if isinstance(values, list) else ([values] if values is not None else []):
        for item in getattr(prop, "dts", []):
            value = item.dt
            if not isinstance(value, datetime):
                if not series.all_day:
                    return None
                found.add(datetime.combine(value, time(0)))
            elif series.all_day or (value.tzinfo is None) != (series.tz is None):
                return None
            else:
                found.add(series.local(value) if value.tzinfo is not None else value)
    return found


def _dateutil_rule(rule: Any, series: _Master) -> Any:
    from dateutil.rrule import rrulestr

    parts = {k: v for k, v in rule.items() if k.upper() != "UNTIL"}
    text = _NEGATIVE_COUNT.sub("", type(rule)(parts).to_ical().decode())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rrulestr(text, dtstart=series.start)


def _until(rule: Any, series: _Master) -> datetime | None:
    value = _first(rule, "UNTIL")
    if value is None:
        return None
    if not isinstance(value, datetime):
        return datetime.combine(value, time.max)  # a date: that whole day
    if value.tzinfo is None or value.utcoffset() is None:
        return value
    return series.local(value)


def _set_until(rule: Any, series: _Master, local: datetime) -> None:
    rule.pop("COUNT", None)
    rule["UNTIL"] = [series.until_value(local)]


def _shift(event: Any, name: str, shift: timedelta) -> None:
    from icalendar import vDDDTypes

    prop = event[name]
    value = prop.dt
    moved = value + (timedelta(days=shift.days) if not isinstance(value, datetime) else shift)
    new = vDDDTypes(moved)
    new.params = prop.params
    event[name] = new


def _duration(event: Any, start: date) -> timedelta:
    end = event.get("DTEND")
    try:
        if end is not None and type(end.dt) is type(start):
            return max(timedelta(0), end.dt - start)
        length = event.get("DURATION")
        if length is not None and isinstance(length.dt, timedelta):
            return max(timedelta(0), length.dt)
    except TypeError:  # an aware start with a floating end
        pass
    return timedelta(0)


def _first(rule: Any, name: str) -> Any:
    values = rule.get(name)
    if isinstance(values, list):
        return values[0] if values else None
    return values


def _rule_text(rule: Any) -> str:
    text = str(rule.to_ical().decode(errors="replace"))
    return text if len(text) <= 80 else text[:77] + "..."


class _Deadline:
    """Raise `_OutOfTime` inside whatever runs once ``deadline`` (`_cpu`) has passed.

    A profile hook sees every function call and return, so dateutil's inner loop, which
    yields nothing while it spins on a rule that never matches, is still interrupted. The
    previous hook (a profiler) is restored on the way out. The hook triples dateutil's cost,
    so it watches only the search for a rule's first occurrence: once a rule has matched, it
    matches again within 400 years (the Gregorian calendar repeats every 146,097 days, whole
    weeks), a bounded spin, and the walk checks the deadline at every occurrence.
    """

    def __init__(self, deadline: float | None) -> None:
        self.deadline = deadline
        self.calls = 0
        self.previous: Any = None

    def __enter__(self) -> _Deadline:
        if self.deadline is not None:
            self.previous = sys.getprofile()
            sys.setprofile(self._hook)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.deadline is not None:
            sys.setprofile(self.previous)

    def _hook(self, frame: FrameType, event: str, arg: Any) -> None:
        self.calls += 1
        if self.calls & 1023 == 0 and _cpu() > (self.deadline or 0):
            sys.setprofile(None)
            raise _OutOfTime
