"""Agenda item keys: what each names, parsed and checked; promise ids; the days the agenda
answers for.

Every key names the records it is about (``share:a3:p42`` an article and a person), so the
Book can refuse a key about a record that is not the user's before storing anything.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date

MAX_KEY_LENGTH = 200  # agenda_states.item_key
MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database
# the days the agenda answers for and due dates it accepts: far from date.min and date.max,
# so that date arithmetic (lead times, windows, a year of history) never overflows
FIRST_DAY = date(1800, 1, 1)
LAST_DAY = date(9000, 12, 31)

_DAY = r"\d{4}-\d{2}-\d{2}"
# family: (pattern, the tables its numbers refer to, in order)
_KEY_PATTERNS: dict[str, tuple[re.Pattern[str], tuple[str, ...]]] = {
    "reply": (re.compile(r"reply:i(\d+)"), ("interaction",)),
    "promise": (re.compile(r"promise:c(\d+)"), ("commitment",)),
    "follow_up": (re.compile(r"follow_up:f(\d+)"), ("follow_up",)),
    "follow_up_met": (re.compile(rf"follow_up:met:p(\d+):{_DAY}"), ("person",)),
    "event_follow_up": (re.compile(r"event_follow_up:e(\d+)"), ("event",)),
    "keep_in_touch": (re.compile(rf"keep_in_touch:p(\d+):{_DAY}"), ("person",)),
    "date": (re.compile(r"date:(?:birthday|anniversary|custom):d(\d+):\d{4}"), ("date",)),
    "work_anniversary": (re.compile(r"date:work_anniversary:j(\d+):\d{4}"), ("job",)),
    "give": (re.compile(rf"give:p(\d+):{_DAY}"), ("person",)),
    "congratulate": (re.compile(r"congratulate:j(\d+)"), ("job_change",)),
    "share": (re.compile(r"share:a(\d+):p(\d+)"), ("article", "person")),
    "goal_checkin": (re.compile(rf"goal_checkin:g(\d+):{_DAY}"), ("goal",)),
    "feedback_request": (re.compile(r"feedback_request:ask:r(\d+)"), ("feedback_request",)),
    "feedback_follow_up": (
        re.compile(rf"feedback_request:follow_up:r(\d+):{_DAY}"),
        ("feedback_request",),
    ),
}
RECORDS: AbstractSet[str] = frozenset(t for _, tables in _KEY_PATTERNS.values() for t in tables)
_PROMISE_ID = re.compile(r"[Pp]?(\d{1,12})")


class NotAnItemKey(ValueError):
    """Text that is not an agenda item key."""


@dataclass(frozen=True, slots=True)
class ItemKey:
    """A parsed agenda key: its family and the records it is about, ``(table, id)`` each."""

    key: str
    family: str
    records: tuple[tuple[str, int], ...]

    @property
    def record(self) -> str:
        """The first record's kind: interaction, commitment, person, article..."""
        return self.records[0][0]

    @property
    def record_id(self) -> int:
        return self.records[0][1]


def parse_item_key(text: str) -> ItemKey:
    """The family and records of an agenda key such as ``keep_in_touch:p42:2026-11-03``.

    >>> parse_item_key("share:a3:p42")
    ItemKey(key='share:a3:p42', family='share', records=(('article', 3), ('person', 42)))
    """
    key = text.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise NotAnItemKey(f"{text!r} is not an agenda key (see `amity today` for the keys)")
    for family, (pattern, tables) in _KEY_PATTERNS.items():
        match = pattern.fullmatch(key)
        if match:
            _check_anchor_date(key)
            ids = (int(n) for n in match.groups())
            return ItemKey(key, family, tuple(zip(tables, ids, strict=True)))
    raise NotAnItemKey(f"{text!r} is not an agenda key (see `amity today` for the keys)")


def _check_anchor_date(key: str) -> None:
    anchor = key.rsplit(":", 1)[1]
    if len(anchor) == 10:
        try:
            date.fromisoformat(anchor)
        except ValueError:
            raise NotAnItemKey(f"{key!r} is not an agenda key: {anchor} is not a date") from None


def keep_in_touch_key(person_id: int, anchor: date) -> str:
    return f"keep_in_touch:p{person_id}:{anchor.isoformat()}"


def keep_in_touch_person_id(key: str) -> int | None:
    """The person of a `keep_in_touch:p42:2026-11-03` key, else None."""
    parts = key.split(":")
    if len(parts) != 3 or parts[0] != "keep_in_touch" or not parts[1].startswith("p"):
        return None
    try:
        return int(parts[1][1:])
    except ValueError:
        return None


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
