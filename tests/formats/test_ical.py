"""iCalendar quirks: time zones, recurrences, overrides, broadcasts, broken events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from amity.formats.ical import iter_calendar, parse_calendar
from amity.formats.records import InteractionRecord, RecordError, SkippedRecord

ICAL = Path(__file__).parents[2].parent / "shared" / "fixtures" / "ical"
NOW = datetime(2026, 11, 25, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def parse(name: str, start: datetime = utc(1990, 1, 1), end: datetime = NOW, **options: object):  # type: ignore[no-untyped-def]
    return parse_calendar(ICAL / name, now=NOW, window_start=start, window_end=end, **options)


def test_weekly_series_honours_exdates_and_cancelled_overrides() -> None:
    result = parse("vobject__thunderbird_weekly_exdates_cancelled_instance.ics")
    # 37 weekly instances, 9 EXDATEs, 2 cancelled overrides (reported as skipped)
    assert len(result.records) == 26
    assert [s.reason for s in result.skipped] == [
        "cancelled instance on 2018-03-26",
        "cancelled instance on 2018-04-30",
    ]
    assert result.records[0].occurred_at == utc(2017, 10, 9, 18, 30)  # 20:30 Europe/Paris, CEST


def test_recurrence_id_override_moves_the_instance() -> None:
    result = parse(
        "radicale__daily_rrule_recurrence_id_override.ics", utc(2017, 6, 1), utc(2017, 7, 5)
    )
    starts = sorted(r.occurred_at for r in result.records)
    assert utc(2017, 6, 1, 6) in starts  # the 3 July instance moved to 1 June
    assert utc(2017, 7, 3, 6) not in starts
    assert len(starts) == 4  # 1 July, 2 July, 4 July, and the moved one


def test_all_day_daily_with_exdate_and_override() -> None:
    result = parse("tine20__apple_ical5_allday_daily_exdate_override.ics")
    assert [r.occurred_at.date().isoformat() for r in result.records] == [
        "2011-11-08",
        "2011-11-09",
        "2011-11-10",
        "2011-11-12",
    ]
    assert all(r.all_day for r in result.records)


def test_empty_exdate_value_is_dropped_not_fatal() -> None:
    result = parse("icalendar__google_allday_rrule_empty_exdate.ics")
    assert len(result.records) == 40 and not result.errors  # 2 x (21 days - 1 EXDATE)


def test_windows_time_zone_names_give_the_right_instant() -> None:
    (first, *_) = parse("biweekly__exchange2010_windows_tz_no_uid.ics").records
    assert first.occurred_at == utc(2023, 11, 22, 8, 30)  # 09:30 W. Europe Standard Time
    outlook = parse("biweekly__outlook2010_tab_folding_attendees_cn_comma.ics").records[0]
    assert outlook.occurred_at == utc(2013, 6, 10, 16)  # 12:00 Eastern (EDT)
    assert outlook.names_by_email["johndoe@example.com"] == "Doe, John"


def test_quoted_tzid_with_commas_and_cyrillic_tzid() -> None:
    assert parse("vobject__outlook12_quoted_tzid_with_commas.ics").records[0].occurred_at == utc(
        2008, 5, 30, 5
    )
    assert parse("vobject__outlook12_cyrillic_8bit_tzid.ics").records[0].occurred_at == utc(
        2008, 5, 30, 9
    )


def test_custom_gmt_tzid_and_rrule_with_spaces() -> None:
    result = parse("icalendar__exchange_cdo_custom_tzid_rrule_spaces.ics")
    assert len(result.records) == 14  # weekdays 3-21 July 2015
    assert result.records[0].occurred_at == utc(2015, 7, 3, 8)


def test_space_after_colon_in_dtend() -> None:
    (event,) = parse("vobject__salesforce_space_after_colon.ics").records
    assert event.ends_at == utc(2024, 8, 12, 22, 30)
    assert event.organiser_email == "appointments@wellsfargo.com"


def test_attendees_organiser_and_own_address() -> None:
    (event,) = parse(
        "icalendar__blackberry_allday_attendees.ics", own_addresses=["rembrand@daxlab.com"]
    ).records
    assert event.participant_emails == ["rembrand@xs4all.nl", "rembspam@xs4all.nl"]
    assert event.organiser_email == "rembrand@daxlab.com"
    assert event.all_day and event.status == "done"


def test_umlaut_cn_with_comma_in_a_bare_vevent() -> None:
    (event,) = parse("icalendar__bare_vevent_umlaut_cn_with_comma.ics").records
    assert event.names_by_email["adm-acme@mydomain.de"] == "acme, ädmin"


def test_missing_dtstart_is_an_error_and_the_good_event_imports() -> None:
    result = parse("radicale__broken_vevent_missing_dtstart.ics")
    assert [r.subject for r in result.records] == ["Good ICS"]
    assert result.errors[0].reason == "event has no DTSTART" and result.errors[0].line == 17


def test_emoji_summary_and_vcalendar_10() -> None:
    assert parse("tine20__ios_invalid_utf8_summary.ics").records[0].subject == "🐎Hoppegarten Day"
    (event,) = parse("biweekly__vcalendar10_event_todo.vcs").records
    assert event.subject == "Steve's Proposal Review"


def test_default_window_is_two_years_back_to_now() -> None:
    result = parse_calendar(ICAL / "radicale__daily_rrule_recurrence_id_override.ics", now=NOW)
    assert len(result.records) == 730  # daily at 07:00 UTC from 25 Nov 2024
    assert min(r.occurred_at for r in result.records) >= NOW - timedelta(days=730)


CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
BEGIN:VEVENT
UID:big
DTSTART:20261201T100000Z
SUMMARY:All hands
ORGANIZER:mailto:ceo@acme.example
{attendees}END:VEVENT
END:VCALENDAR
"""


def test_future_events_are_planned_and_broadcasts_skipped() -> None:
    few = "".join(f"ATTENDEE;CN=P{i}:mailto:p{i}@acme.example\n" for i in range(3))
    (event,) = list(iter_calendar(CALENDAR.format(attendees=few).encode(), now=NOW))
    assert isinstance(event, InteractionRecord)
    assert event.status == "planned" and event.source_ref == "ics:big:2026-12-01T10:00:00+00:00"
    many = "".join(f"ATTENDEE:mailto:p{i}@acme.example\n" for i in range(16))
    (skipped,) = list(iter_calendar(CALENDAR.format(attendees=many).encode(), now=NOW))
    assert isinstance(skipped, SkippedRecord) and "broadcast" in skipped.reason
    (kept,) = list(
        iter_calendar(CALENDAR.format(attendees=many).encode(), now=NOW, include_broadcasts=True)
    )
    assert isinstance(kept, InteractionRecord) and len(kept.participant_emails) == 17


def test_garbage_is_an_error_not_a_crash() -> None:
    items = list(iter_calendar(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:nonsense\r\n", now=NOW))
    assert all(isinstance(i, RecordError) for i in items)
