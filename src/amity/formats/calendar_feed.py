"""The iCalendar feed: birthdays and other dates as yearly all-day events, due promises and
follow-ups as dated all-day events.

- Every event has a stable UID (``date-17.3@amity``: kind, record id, owner), so calendar apps
  update events in place instead of duplicating them when the feed is fetched again.
- A date without a year starts in 2000 (a leap year, so 29 February exists) and repeats yearly.
- 29 February repeats on the last day of February (``BYMONTH=2;BYMONTHDAY=-1``): the 28th in
  common years, the rule the agenda follows too.
- Work anniversaries start on the first anniversary of the job.

The writer is pure: the Book hands in the entries and the time stamp.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from amity.model.dates import PartialDate

YEARLESS_START = 2000
PRODID = "-//Amity//Amity calendar feed//EN"
_DATE_TITLES = {"birthday": "birthday", "anniversary": "anniversary", "custom": "date"}


@dataclass(frozen=True)
class FeedEntry:
    """One event of the feed; build them with the class methods."""

    uid_key: str  # unique within one owner's feed: "date-17", "promise-8"...
    summary: str
    start: date
    yearly: bool = False
    last_day_of_february: bool = False
    description: str | None = None
    categories: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def yearly_date(
        cls, date_id: int, kind: str, name: str, when: PartialDate, label: str | None = None
    ) -> FeedEntry:
        what = _flat(label) if label else _DATE_TITLES.get(kind, "date")
        summary = (
            f"{_flat(name)}'s {what}" if kind != "custom" or not label else f"{_flat(name)}: {what}"
        )
        year = when.year if when.year is not None else YEARLESS_START
        since = f"since {when.year}" if kind != "birthday" else f"born {when.year}"
        return cls(
            uid_key=f"date-{date_id}",
            summary=summary,
            start=PartialDate(when.month, when.day).occurrence_in(year),
            yearly=True,
            last_day_of_february=(when.month, when.day) == (2, 29),
            description=since if when.year is not None else None,
            categories=(kind,),
        )

    @classmethod
    def work_anniversary(
        cls, job_id: int, name: str, organisation: str, started: date
    ) -> FeedEntry:
        year = min(started.year + 1, date.max.year)
        first = PartialDate(started.month, started.day).occurrence_in(year)
        return cls(
            uid_key=f"job-{job_id}",
            summary=f"{_flat(name)}: work anniversary at {_flat(organisation)}",
            start=first,
            yearly=True,
            last_day_of_february=(started.month, started.day) == (2, 29),
            description=f"started on {started.isoformat()}",
            categories=("work_anniversary",),
        )

    @classmethod
    def promise(
        cls, commitment_id: int, direction: str, name: str, text: str, due: date
    ) -> FeedEntry:
        body = _flat(text)
        summary = (
            f"Promise to {_flat(name)}: {body}"
            if direction == "mine"
            else f"{_flat(name)}'s promise: {body}"
        )
        return cls(
            uid_key=f"promise-{commitment_id}",
            summary=summary,
            start=due,
            description=f"amity done P{commitment_id}",
            categories=(f"promise_{direction}",),
        )

    @classmethod
    def follow_up(cls, follow_up_id: int, name: str, text: str, due: date) -> FeedEntry:
        return cls(
            uid_key=f"follow-up-{follow_up_id}",
            summary=f"Follow up with {_flat(name)}: {_flat(text)}",
            start=due,
            description=f"amity done follow_up:f{follow_up_id}",
            categories=("follow_up",),
        )


def _flat(text: str) -> str:
    return " ".join(text.split())


def uid_for(entry: FeedEntry, owner_id: int) -> str:
    return f"{entry.uid_key}.{owner_id}@amity"


def write_feed(entries: Sequence[FeedEntry], *, name: str, stamp: datetime, owner_id: int) -> bytes:
    """The feed as iCalendar bytes (RFC 5545)."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _flat(name) or "Amity")
    for entry in entries:
        event = Event()
        event.add("uid", uid_for(entry, owner_id))
        event.add("dtstamp", stamp)
        event.add("summary", entry.summary)
        event.add("dtstart", entry.start)
        if entry.start < date.max:
            event.add("dtend", entry.start + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        if entry.yearly:
            rule: dict[str, object] = {"freq": "yearly"}
            if entry.last_day_of_february:
                rule.update({"bymonth": 2, "bymonthday": -1})
            event.add("rrule", rule)
        if entry.description:
            event.add("description", entry.description)
        if entry.categories:
            event.add("categories", list(entry.categories))
        calendar.add_component(event)
    return bytes(calendar.to_ical(sorted=False))  # insertion order: deterministic, faster
