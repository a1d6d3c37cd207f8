"""iCalendar (and legacy vCalendar 1.0): events into meeting `InteractionRecord`s.

Recurring events are expanded with recurring-ical-events over a window given by the caller
(default: two years back to ``now``), honouring EXDATE, RECURRENCE-ID overrides and cancelled
instances. Events that do not recur are kept whatever their date. Nothing reads the clock:
``now`` decides what is ``done`` (past) and what is ``planned`` (future).

Every series is capped in count and time before it is expanded (`amity.formats.ical_recurrence`):
fixed-frequency rules skip ahead to the window by arithmetic, the rule is walked under a step
cap and a deadline, and cut at ``MAX_INSTANCES_PER_SERIES`` instances; a cut is a
`RecordWarning`, so the CLI, the API and the web preview all say what was left out.

Real exports are cleaned before icalendar sees them: lines are unfolded as bytes (so a fold
inside a UTF-8 sequence heals), spaces after ``:`` in date properties and inside RRULE lists
are removed, and empty EXDATE/RDATE lines are dropped. Each series (events sharing a UID) is
expanded on its own, so one broken series becomes a `RecordError` and the rest still import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from amity.formats.ical_recurrence import MAX_INSTANCES_PER_SERIES, Budget, bound_series
from amity.formats.records import (
    InteractionRecord,
    Item,
    ParseResult,
    RecordError,
    RecordWarning,
    SkippedRecord,
    Source,
    collect,
    content_ref,
    read_all_bytes,
)

DEFAULT_MAX_ATTENDEES = 15
DEFAULT_LOOKBACK = timedelta(days=730)
__all__ = ["MAX_INSTANCES_PER_SERIES", "iter_calendar", "parse_calendar"]

_DATE_PROPERTIES = {
    "DTSTART", "DTEND", "DUE", "DTSTAMP", "RECURRENCE-ID", "EXDATE", "RDATE", "CREATED",
    "LAST-MODIFIED", "RRULE", "EXRULE", "METHOD", "DURATION",
}  # fmt: skip
_LIST_PROPERTIES = {"EXDATE", "RDATE"}
_CONTENT_LINE = re.compile(rb"^([A-Za-z0-9-]+)([;:])")


def iter_calendar(
    source: Source,
    *,
    now: datetime,
    window_start: datetime | None = None,
    window_end: datetime | None = None,
    own_addresses: Iterable[str] = (),
    max_attendees: int = DEFAULT_MAX_ATTENDEES,
    include_broadcasts: bool = False,
    default_tz: tzinfo = UTC,
    detailed: bool = False,
) -> Iterator[Item | CalendarInstance]:
    """Yield a meeting record per event instance, a skip per broadcast or cancelled instance,
    and an error per series that cannot be read. With ``detailed`` (calendar syncs), every
    instance is a `CalendarInstance` instead: its key, the attendees' responses, cancelled."""
    import icalendar
    import x_wr_timezone

    start = window_start or now - DEFAULT_LOOKBACK
    end = window_end or now
    text, original_lines = clean_calendar_text(read_all_bytes(source))
    lines = _event_lines(text, original_lines)
    try:
        calendar = x_wr_timezone.to_standard(icalendar.Calendar.from_ical(text))
    except Exception as exc:  # icalendar raises ValueError and friends on broken files
        yield RecordError(1, "calendar", f"unreadable calendar: {exc}")
        return
    options = _Options(now, start, end, frozenset(a.lower() for a in own_addresses),
                       max_attendees, include_broadcasts, default_tz, detailed)  # fmt: skip
    budget = Budget()
    for uid, events, index in _series(calendar):
        line = lines[index] if index < len(lines) else None
        yield from _expand_series(calendar, uid, events, line, options, budget)


def iter_instances(
    source: Source, *, now: datetime, **options: Any
) -> Iterator[Item | CalendarInstance]:
    """A calendar sync's view: every instance as a `CalendarInstance`, with errors and
    warnings as for a file."""
    return iter_calendar(source, now=now, detailed=True, **options)


def parse_calendar(source: Source, *, now: datetime, **options: Any) -> ParseResult:
    return collect(iter_calendar(source, now=now, **options))  # type: ignore[arg-type]


@dataclass
class CalendarInstance:
    """One instance of an event as a calendar sync sees it: the key (UID and RECURRENCE-ID,
    the instance's original start in UTC, '' for an event that does not recur), the meeting
    (participants: attendees and organiser who are not you and did not decline), every
    attendee's response (PARTSTAT), and whether it is cancelled or a broadcast."""

    uid: str
    recurrence_id: str
    record: InteractionRecord
    responses: dict[str, str]
    cancelled: bool = False
    broadcast: bool = False
    sequence: int = 0
    line: int | None = None

    @property
    def key(self) -> tuple[str, str]:
        return self.uid, self.recurrence_id


@dataclass(frozen=True)
class _Options:
    now: datetime
    start: datetime
    end: datetime
    own: frozenset[str]
    max_attendees: int
    include_broadcasts: bool
    default_tz: tzinfo
    detailed: bool = False


# --- cleaning the text -------------------------------------------------------------------


def clean_calendar_text(data: bytes) -> tuple[str, list[int]]:
    """Unfold as bytes, decode, fix what real exporters get wrong, wrap a bare VEVENT.

    Returns the text and, for each of its lines, the 1-based line it came from in the file.
    """
    # pieces are joined once per logical line: appending to bytes per fold was quadratic
    logical: list[tuple[int, list[bytes]]] = []
    for number, raw in enumerate(data.removeprefix(b"\xef\xbb\xbf").split(b"\n"), start=1):
        line = raw.removesuffix(b"\r")
        if line[:1] in (b" ", b"\t") and logical:
            logical[-1][1].append(line[1:])
        elif line.strip():
            logical.append((number, [line]))
    lines: list[str] = []
    origins: list[int] = []
    for number, pieces in logical:
        fixed = _fix_line(b"".join(pieces).decode("utf-8", errors="replace"))
        if fixed is not None:
            lines.append(fixed)
            origins.append(number)
    if not lines or not lines[0].upper().startswith("BEGIN:VCALENDAR"):
        lines = ["BEGIN:VCALENDAR", "VERSION:2.0", *lines, "END:VCALENDAR"]
        origins = [1, 1, *origins, origins[-1] if origins else 1]
    return "\r\n".join(lines) + "\r\n", origins


def _fix_line(line: str) -> str | None:
    if not line.strip():
        return None
    match = _CONTENT_LINE.match(line.encode("utf-8", "replace")[:80])
    if not match:
        return line
    name = match.group(1).decode().upper()
    if name not in _DATE_PROPERTIES:
        return line
    head, colon, value = line.partition(":") if match.group(2) == b":" else _split_at_value(line)
    value = re.sub(r"\s+", "", value)
    if not value and name in _LIST_PROPERTIES:
        return None
    return f"{head}{colon}{value}"


def _split_at_value(line: str) -> tuple[str, str, str]:
    """Split ``NAME;params:value`` at the first colon outside double quotes."""
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return line[:index], ":", line[index + 1 :]
    return line, "", ""


def _event_lines(text: str, origins: list[int]) -> list[int]:
    """The file line of each BEGIN:VEVENT, in order."""
    return [
        number
        for line, number in zip(text.split("\r\n"), origins, strict=False)
        if line.upper().startswith("BEGIN:VEVENT")
    ]


# --- expanding ----------------------------------------------------------------------------


def _series(calendar: Any) -> Iterator[tuple[str | None, list[Any], int]]:
    """Events grouped by UID (master and overrides together), events without one alone,
    each with the index of its first VEVENT in the file."""
    groups: dict[str, tuple[list[Any], int]] = {}
    for index, event in enumerate(calendar.walk("VEVENT")):
        uid = str(event.get("UID") or "").strip()
        if not uid:
            yield None, [event], index
        else:
            groups.setdefault(uid, ([], index))[0].append(event)
    for uid, (events, index) in groups.items():
        yield uid, events, index


def _expand_series(calendar: Any, uid: str | None, events: list[Any], line: int | None,
                   options: _Options, budget: Budget) -> Iterator[Item | CalendarInstance]:  # fmt: skip
    import icalendar

    label = str(events[0].get("SUMMARY") or uid or "event")
    for event in events:
        _drop_broken_properties(event)
        if event.get("DTSTART") is None:
            yield RecordError(line, label, "event has no DTSTART")
            return
    try:
        recurs = any(e.get("RRULE") or e.get("RDATE") for e in events)
        limit = MAX_INSTANCES_PER_SERIES
        if recurs:
            bounds = bound_series(events, options.start, options.end, budget)
            if bounds.warning:
                yield RecordWarning(line, label, bounds.warning)
            if bounds.leave_out:
                return
            limit = bounds.limit
            if bounds.starts is not None:  # a plain series: the walk found its instances
                budget.instances_left -= len(bounds.starts)
                yield from _plain_instances(events[0], bounds, uid, line, options)
                return
            single = icalendar.Calendar()
            for timezone in calendar.walk("VTIMEZONE"):
                single.add_component(timezone)
            for event in events:
                single.add_component(event)
            instances: list[Any] = _instances_in_window(single, options)
            budget.instances_left -= min(limit, len(instances))
        else:
            instances = list(events)
        for count, instance in enumerate(instances, start=1):
            if count > limit:
                yield RecordWarning(line, label, f"more than {limit} instances in the window; "
                                                 "the rest were left out")  # fmt: skip
                return
            yield _instance_item(instance, uid, line, options)
    except Exception as exc:  # a broken series must not stop the calendar
        yield RecordError(line, label, f"unreadable event: {exc}")


def _plain_instances(master: Any, bounds: Any, uid: str | None, line: int | None,
                     options: _Options) -> Iterator[Item | CalendarInstance]:  # fmt: skip
    """The instances of a plain series (one master, one rule): the master read once, then
    one record per start the bounded walk kept."""
    has_end = master.get("DTEND") is not None or master.get("DURATION") is not None
    base: Item | CalendarInstance | None = None
    for start_value, end_value in bounds.instance_times():
        end = _as_utc(end_value, options.default_tz) if has_end else None
        if options.detailed or not isinstance(base, InteractionRecord):
            base = _instance_item(master, uid, line, options, start_value=start_value, end=end)
            yield base
            continue
        occurred_at = _as_utc(start_value, options.default_tz)
        yield replace(
            base, occurred_at=occurred_at, ends_at=end,
            status="planned" if occurred_at > options.now.astimezone(UTC) else "done",
            source_ref=f"ics:{uid}:{occurred_at.isoformat()}" if uid else
            "ics:" + content_ref(base.subject, occurred_at.isoformat(), base.organiser_email),
            participant_emails=list(base.participant_emails),
            names_by_email=dict(base.names_by_email),
        )  # fmt: skip


def _instances_in_window(single: Any, options: _Options) -> list[Any]:
    """Instances that overlap the window, in order of start (the series is bounded first,
    so this is at most the cap plus what its overrides add)."""
    import recurring_ical_events

    query = recurring_ical_events.of(single)
    found = query.between(options.start.astimezone(UTC),
                          options.end.astimezone(UTC) + timedelta(seconds=1))  # fmt: skip
    return sorted(found, key=lambda e: _as_utc(e.get("DTSTART").dt, options.default_tz))


def _drop_broken_properties(event: Any) -> None:
    for name in ("DTEND", "DURATION", "EXDATE", "RDATE", "RECURRENCE-ID", "RRULE"):
        values = event.get(name)
        items = values if isinstance(values, list) else [values]
        if values is not None and any(type(v).__name__ == "vBroken" for v in items):
            del event[name]


def _instance_item(event: Any, uid: str | None, line: int | None, options: _Options, *,
                   start_value: date | None = None,
                   end: datetime | None = None) -> Item | CalendarInstance:  # fmt: skip
    """One instance; a plain series' instances share the master (``start_value``/``end``)."""
    summary = _text(event.get("SUMMARY"))
    shared = start_value is not None
    start_value = start_value if start_value is not None else event.get("DTSTART").dt
    occurred_at = _as_utc(start_value, options.default_tz)
    label = summary or uid or "event"
    cancelled = str(event.get("STATUS") or "").upper() == "CANCELLED"
    attendees = _attendees(event)
    broadcast = len(attendees) > options.max_attendees and not options.include_broadcasts
    if cancelled and not options.detailed:
        return SkippedRecord(line, label, f"cancelled instance on {occurred_at:%Y-%m-%d}")
    if broadcast and not options.detailed:
        return SkippedRecord(line, label, f"{len(attendees)} attendees: a broadcast, not a meeting")
    organiser = _address(event.get("ORGANIZER"))
    names = {a: n for a, n in attendees if n}
    if organiser and _cn(event.get("ORGANIZER")):
        names.setdefault(organiser, _cn(event.get("ORGANIZER")) or "")
    responses = _responses(event) if options.detailed else {}
    participants = [a for a, _n in attendees
                    if a not in options.own and responses.get(a) != "DECLINED"]  # fmt: skip
    if organiser and organiser not in options.own and organiser not in participants:
        participants.insert(0, organiser)
    source_ref = (
        f"ics:{uid}:{occurred_at.isoformat()}"
        if uid
        else "ics:" + content_ref(summary, occurred_at.isoformat(), organiser)
    )
    record = InteractionRecord(
        kind="meeting",
        direction="mutual",
        occurred_at=occurred_at,
        ends_at=end if shared else _end(event, start_value, options.default_tz),
        subject=summary,
        notes=_text(event.get("DESCRIPTION")),
        location=_text(event.get("LOCATION")),
        participant_emails=participants,
        names_by_email={a: n for a, n in names.items() if a in participants},
        organiser_email=organiser,
        all_day=not isinstance(start_value, datetime),
        status="planned" if occurred_at > options.now.astimezone(UTC) else "done",
        source="ics",
        source_ref=source_ref,
        line=line,
    )
    if not options.detailed:
        return record
    recurrence = event.get("RECURRENCE-ID")
    original = start_value if shared else (recurrence.dt if recurrence is not None else None)
    return CalendarInstance(
        uid=uid or source_ref.removeprefix("ics:"),
        recurrence_id=_as_utc(original, options.default_tz).isoformat() if original else "",
        record=record, responses=responses, cancelled=cancelled, broadcast=broadcast,
        sequence=_sequence(event), line=line,
    )  # fmt: skip


def _responses(event: Any) -> dict[str, str]:
    """Each attendee's PARTSTAT (NEEDS-ACTION when it says nothing)."""
    values = event.get("ATTENDEE")
    found: dict[str, str] = {}
    for item in values if isinstance(values, list) else ([values] if values is not None else []):
        address = _address(item)
        if address:
            params = getattr(item, "params", {}) or {}
            found.setdefault(address, str(params.get("PARTSTAT") or "NEEDS-ACTION").upper()[:20])
    return found


def _sequence(event: Any) -> int:
    try:
        return max(0, min(int(str(event.get("SEQUENCE") or 0)), 2**31 - 1))
    except ValueError:
        return 0


def _end(event: Any, start_value: date, default_tz: tzinfo) -> datetime | None:
    end = event.get("DTEND")
    if end is not None:
        return _as_utc(end.dt, default_tz)
    duration = event.get("DURATION")
    if duration is not None and isinstance(duration.dt, timedelta):
        return _as_utc(start_value, default_tz) + duration.dt
    return None


def _as_utc(value: date, default_tz: tzinfo) -> datetime:
    """Aware UTC; all-day dates become midnight UTC, floating times use ``default_tz``."""
    if not isinstance(value, datetime):
        return datetime.combine(value, time(0), UTC)
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=default_tz)
    return value.astimezone(UTC)


def _attendees(event: Any) -> list[tuple[str, str | None]]:
    values = event.get("ATTENDEE")
    items = values if isinstance(values, list) else ([values] if values is not None else [])
    found: list[tuple[str, str | None]] = []
    for item in items:
        address = _address(item)
        if address and all(address != a for a, _n in found):
            found.append((address, _cn(item)))
    return found


def _address(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    email_param = getattr(value, "params", {}).get("EMAIL")
    if email_param:
        text = str(email_param)
    text = re.sub(r"^mailto:", "", text, flags=re.IGNORECASE).strip()
    match = re.search(r"[^\s<>:@]+@[^\s<>@]+", _percent_decoded(text))
    return match.group(0).lower().strip(".") if match else None


def _percent_decoded(text: str) -> str:
    from urllib.parse import unquote

    return unquote(text) if "%" in text else text


def _cn(value: Any) -> str | None:
    params = getattr(value, "params", {}) or {}
    name = " ".join(str(params.get("CN", "")).strip().strip("'\"").split())
    return name or None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
