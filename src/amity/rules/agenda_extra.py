"""Small pure helpers around the agenda engine: item keys, promise ids, date windows, and
the agenda's settings read from the user's stored settings.

Nothing here reads the clock or touches storage; the Book passes ``today`` and the settings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date
from typing import Any

from amity.rules.agenda import DEFAULT_DATE_LEAD_DAYS, DEFAULT_KIND_WEIGHTS, AgendaSettings

MAX_KEY_LENGTH = 200  # agenda_states.item_key
MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database
# the days the agenda answers for and due dates it accepts: far from date.min and date.max,
# so that date arithmetic (lead times, windows, a year of history) never overflows
FIRST_DAY = date(1800, 1, 1)
LAST_DAY = date(9000, 12, 31)
MAX_LEAD_DAYS = 366
LATER_KINDS = ("give", "share", "goal_checkin", "feedback_request")

# family: (pattern, the table the first number refers to)
_KEY_PATTERNS: dict[str, tuple[re.Pattern[str], str]] = {
    "reply": (re.compile(r"reply:i(\d+)"), "interaction"),
    "promise": (re.compile(r"promise:c(\d+)"), "commitment"),
    "follow_up": (re.compile(r"follow_up:f(\d+)"), "follow_up"),
    "follow_up_met": (re.compile(r"follow_up:met:p(\d+):\d{4}-\d{2}-\d{2}"), "person"),
    "event_follow_up": (re.compile(r"event_follow_up:e(\d+)"), "event"),
    "keep_in_touch": (re.compile(r"keep_in_touch:p(\d+):\d{4}-\d{2}-\d{2}"), "person"),
    "date": (re.compile(r"date:(?:birthday|anniversary|custom):d(\d+):\d{4}"), "date"),
    "work_anniversary": (re.compile(r"date:work_anniversary:j(\d+):\d{4}"), "job"),
}
_LATER_KEY = re.compile("(?:" + "|".join(LATER_KINDS) + r"):[A-Za-z0-9_:.\-]+")
_PROMISE_ID = re.compile(r"[Pp]?(\d{1,12})")


class NotAnItemKey(ValueError):
    """Text that is not an agenda item key."""


@dataclass(frozen=True, slots=True)
class ItemKey:
    """A parsed agenda key: its family and the record it is about (None for later kinds)."""

    key: str
    family: str
    record: str | None  # interaction, commitment, follow_up, person, event, date, job
    record_id: int | None


def parse_item_key(text: str) -> ItemKey:
    """The family and record of an agenda key such as ``keep_in_touch:p42:2026-11-03``.

    >>> parse_item_key("promise:c8")
    ItemKey(key='promise:c8', family='promise', record='commitment', record_id=8)
    """
    key = text.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise NotAnItemKey(f"{text!r} is not an agenda key (see `amity today` for the keys)")
    for family, (pattern, record) in _KEY_PATTERNS.items():
        match = pattern.fullmatch(key)
        if match:
            _check_anchor_date(key)
            return ItemKey(key, family, record, int(match.group(1)))
    if _LATER_KEY.fullmatch(key):
        return ItemKey(key, key.split(":", 1)[0], None, None)
    raise NotAnItemKey(f"{text!r} is not an agenda key (see `amity today` for the keys)")


def _check_anchor_date(key: str) -> None:
    anchor = key.rsplit(":", 1)[1]
    if len(anchor) == 10:
        try:
            date.fromisoformat(anchor)
        except ValueError:
            raise NotAnItemKey(f"{key!r} is not an agenda key: {anchor} is not a date") from None


def supported_day(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def looks_like_item_key(text: str) -> bool:
    return ":" in text


def parse_promise_id(text: str) -> int:
    """``P12``, ``p12`` or ``12`` -> 12."""
    match = _PROMISE_ID.fullmatch(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a promise id like P12")
    return int(match.group(1))


def group_by_month(pairs: AbstractSet[tuple[int, int]]) -> dict[int, list[int]]:
    months: dict[int, list[int]] = {}
    for month, day in sorted(pairs):
        months.setdefault(month, []).append(day)
    return months


def _number(value: Any, default: float, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return float(value) if low <= value <= high else default


def _whole(value: Any, default: int, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        return default
    return value if low <= value <= high else default


def agenda_settings_from(values: Mapping[str, Any]) -> AgendaSettings:
    """The engine's settings from the user's stored settings; bad values fall back to defaults.

    Keys: ``timezone``, ``agenda.due_factor`` (soft threshold, 1.0), ``agenda.overdue_factor``
    (hard, 1.5), ``agenda.date_lead_days`` (a mapping) and ``agenda.date_lead_days.KIND``,
    ``agenda.new_contact_follow_up_days``, ``agenda.new_contact_window_days``,
    ``agenda.promise_lead_days`` and ``agenda.weight.KIND`` (kind weights).
    """
    defaults = AgendaSettings()
    soft = _number(values.get("agenda.due_factor"), defaults.soft_threshold, 0.1, 10.0)
    hard = _number(values.get("agenda.overdue_factor"), defaults.hard_threshold, 0.1, 10.0)
    leads = dict(DEFAULT_DATE_LEAD_DAYS)
    stored = values.get("agenda.date_lead_days")
    if isinstance(stored, Mapping):
        for kind, days in stored.items():
            leads[str(kind)] = _whole(days, leads.get(str(kind), 7), 0, MAX_LEAD_DAYS)
    weights = dict(DEFAULT_KIND_WEIGHTS)
    for key, value in values.items():
        if key.startswith("agenda.date_lead_days."):
            kind = key.rsplit(".", 1)[1]
            leads[kind] = _whole(value, leads.get(kind, 7), 0, MAX_LEAD_DAYS)
        elif key.startswith("agenda.weight."):
            kind = key.rsplit(".", 1)[1]
            weights[kind] = _number(value, weights.get(kind, 1.0), 0.0, 100.0)
    return AgendaSettings(
        time_zone=str(values.get("timezone") or "UTC"),
        soft_threshold=soft,
        hard_threshold=max(hard, soft),
        date_lead_days=leads,
        new_contact_follow_up_days=_whole(
            values.get("agenda.new_contact_follow_up_days"),
            defaults.new_contact_follow_up_days,
            0,
            365,
        ),
        new_contact_window_days=_whole(
            values.get("agenda.new_contact_window_days"), defaults.new_contact_window_days, 0, 3650
        ),
        promise_lead_days=_whole(
            values.get("agenda.promise_lead_days"), defaults.promise_lead_days, 0, 365
        ),
        kind_weights=weights,
    )


def max_date_lead(settings: AgendaSettings, kinds: tuple[str, ...]) -> int:
    return max(settings.lead_for(kind) for kind in kinds)
