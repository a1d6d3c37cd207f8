"""Which backups to keep, when the next one is due, and how backup files are named.

Pure functions over plain datetimes (UTC) handed in by the caller; no clock, no I/O.

Retention follows the "grandfather-father-son" rule of restic's ``forget`` and borg's
``prune``: walking the backups newest first, keep the newest backup of each of the last
``daily`` days that have one, of the last ``weekly`` ISO weeks and of the last ``monthly``
months (a backup kept by one bucket may also count for another). The newest backup, and every
backup of the last ``recent`` hours before ``now`` (a manual one taken before a risky change),
are always kept. Because only periods that *have* a backup count, a week without backups (a stopped
server) never makes older backups expire early.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

NAME_PREFIX = "amity-"
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
_NAME = re.compile(r"^amity-(\d{8}T\d{6}Z)(?:-(\d+))?\.")


@dataclass(frozen=True)
class Retention:
    """How many backups to keep per period; 0 keeps none for that period."""

    daily: int = 7
    weekly: int = 4
    monthly: int = 12
    recent_hours: int = 24

    def describe(self) -> str:
        return f"{self.daily}d,{self.weekly}w,{self.monthly}m"


class RetentionError(ValueError):
    """A retention text that cannot be read."""


def parse_retention(text: str) -> Retention:
    """``"7d,4w,12m"`` (any order, any subset; missing periods keep 0) -> Retention."""
    counts = {"d": 0, "w": 0, "m": 0}
    cleaned = text.replace(" ", "").lower()
    if not cleaned:
        raise RetentionError("give the backups to keep like 7d,4w,12m")
    for part in cleaned.split(","):
        match = re.fullmatch(r"(\d{1,4})([dwm])", part)
        if match is None:
            raise RetentionError(f"{part!r}: keep backups like 7d,4w,12m (days, weeks, months)")
        counts[match.group(2)] = int(match.group(1))
    if not any(counts.values()):
        raise RetentionError("keep at least one backup (like 7d)")
    return Retention(daily=counts["d"], weekly=counts["w"], monthly=counts["m"])


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _newest_per_bucket(
    newest_first: list[datetime], count: int, bucket: Callable[[datetime], Hashable]
) -> set[datetime]:
    kept: set[datetime] = set()
    seen: set[Hashable] = set()
    for moment in newest_first:
        if len(seen) >= count:
            break
        key = bucket(moment)
        if key not in seen:
            seen.add(key)
            kept.add(moment)
    return kept


def backups_to_keep(taken: Iterable[datetime], policy: Retention, now: datetime) -> set[datetime]:
    """The moments (from ``taken``) whose backups the policy keeps at ``now``; the rest may
    go."""
    newest_first = sorted({_utc(t) for t in taken}, reverse=True)
    if not newest_first:
        return set()
    since = _utc(now) - timedelta(hours=policy.recent_hours)
    kept = {newest_first[0]} | {t for t in newest_first if t >= since}
    kept |= _newest_per_bucket(newest_first, policy.daily, lambda t: t.date())
    kept |= _newest_per_bucket(newest_first, policy.weekly, lambda t: t.isocalendar()[:2])
    kept |= _newest_per_bucket(newest_first, policy.monthly, lambda t: (t.year, t.month))
    return kept


def backup_due(last_started: datetime | None, now: datetime, every: timedelta | None) -> bool:
    """Whether a scheduled backup should start at ``now`` (``every`` None: never)."""
    if every is None or every <= timedelta(0):
        return False
    if last_started is None:
        return True
    return _utc(now) - _utc(last_started) >= every


def parse_interval(text: str) -> timedelta | None:
    """``"24h"``, ``"1d"``, ``"daily"``, ``"hourly"``, ``"weekly"``, ``"off"`` -> a period."""
    cleaned = text.strip().lower()
    named = {"daily": timedelta(days=1), "hourly": timedelta(hours=1),
             "weekly": timedelta(weeks=1), "off": None, "never": None, "0": None}  # fmt: skip
    if cleaned in named:
        return named[cleaned]
    match = re.fullmatch(r"(\d{1,4})([hdw]?)", cleaned)
    if match is None:
        raise RetentionError(f"{text!r}: back up every 24h, 1d, 1w, daily, hourly or off")
    number = int(match.group(1))
    unit = match.group(2) or "h"
    if number == 0:
        return None
    return {"h": timedelta(hours=number), "d": timedelta(days=number),
            "w": timedelta(weeks=number)}[unit]  # fmt: skip


def describe_interval(every: timedelta | None) -> str:
    if every is None:
        return "off"
    hours = int(every.total_seconds() // 3600)
    if hours % 24 == 0:
        days = hours // 24
        return "daily" if days == 1 else f"every {days} days"
    return "hourly" if hours == 1 else f"every {hours} hours"


def backup_stem(moment: datetime, serial: int = 0) -> str:
    """``amity-20261204T215500Z`` (``-2`` appended for a second backup in the same second)."""
    stem = NAME_PREFIX + _utc(moment).strftime(STAMP_FORMAT)
    return f"{stem}-{serial}" if serial else stem


def taken_at(name: str) -> datetime | None:
    """When a backup file named by :func:`backup_stem` was taken (None: not a backup name)."""
    match = _NAME.match(name)
    if match is None:
        return None
    moment = datetime.strptime(match.group(1), STAMP_FORMAT).replace(tzinfo=UTC)
    return moment + timedelta(microseconds=int(match.group(2) or 0))
