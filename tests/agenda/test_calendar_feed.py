"""The iCalendar feed parses back with icalendar, repeats dates yearly (year-less ones and
29 February too), dates promises and follow-ups, and keeps its UIDs from one export to the next."""

from __future__ import annotations

from datetime import date, timedelta

import recurring_ical_events
from icalendar import Calendar

from amity.book import Book
from tests.agenda.helpers import TODAY, add, add_job
from tests.conftest import Clock


def events(feed: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(feed)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def fill(book: Book) -> dict[str, int]:
    ana = add(book, "Ana Lima", birthday="1990-04-15")
    ben = add(book, "Ben Ode", birthday="--07-01")
    leap = add(book, "Leap Lee", birthday="--02-29")
    book.people.add_date(ana, "anniversary", "2015-06-20", "wedding")
    add_job(book, ben, "Acme", date(2021, 3, 1))
    promise = book.commitments.add(ana, "send the deck", due_on=TODAY + timedelta(days=3))
    book.commitments.add(ben, "no due date")
    follow = book.follow_ups.add(ben, "ask about the move", TODAY + timedelta(days=1))
    return {
        "ana": ana,
        "ben": ben,
        "leap": leap,
        "promise": promise.id or 0,
        "follow": follow.id or 0,
    }


def test_feed_parses_back_with_stable_uids(book: Book, clock: Clock) -> None:
    ids = fill(book)
    first = book.agenda.calendar_feed()
    clock.advance(days=3)
    second = book.agenda.calendar_feed()
    assert set(events(first)) == set(events(second))
    assert len(events(first)) == 7  # 3 birthdays, 1 anniversary, 1 job, 1 promise, 1 follow-up
    owner = book.owner_id
    assert f"promise-{ids['promise']}.{owner}@amity" in events(first)
    assert f"follow-up-{ids['follow']}.{owner}@amity" in events(first)


def test_dates_repeat_yearly_as_all_day_events(book: Book) -> None:
    fill(book)
    calendar = Calendar.from_ical(book.agenda.calendar_feed())
    by_summary = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    ana = by_summary["Ana Lima's birthday"]
    assert ana.decoded("DTSTART") == date(1990, 4, 15)
    assert ana["RRULE"]["FREQ"] == ["YEARLY"]
    ben = by_summary["Ben Ode's birthday"]
    assert ben.decoded("DTSTART") == date(2000, 7, 1)  # a year-less birthday still repeats
    assert "Ben Ode: work anniversary at Acme" in by_summary
    assert by_summary["Ana Lima's wedding"].decoded("DTSTART") == date(2015, 6, 20)
    promise = by_summary["Promise to Ana Lima: send the deck"]
    assert promise.decoded("DTSTART") == TODAY + timedelta(days=3)
    assert "RRULE" not in promise
    assert "Follow up with Ben Ode: ask about the move" in by_summary


def test_29_february_falls_on_the_28th_in_common_years(book: Book) -> None:
    fill(book)
    calendar = Calendar.from_ical(book.agenda.calendar_feed())
    found = recurring_ical_events.of(calendar).between(date(2027, 1, 1), date(2029, 1, 1))
    leap_days = sorted(e.decoded("DTSTART") for e in found if "Leap Lee" in str(e["SUMMARY"]))
    assert leap_days == [date(2027, 2, 28), date(2028, 2, 29)]


def test_archived_people_and_kept_promises_leave_the_feed(book: Book) -> None:
    ids = fill(book)
    book.people.archive(ids["leap"])
    book.commitments.done(ids["promise"])
    summaries = {
        str(e["SUMMARY"]) for e in Calendar.from_ical(book.agenda.calendar_feed()).walk("VEVENT")
    }
    assert "Leap Lee's birthday" not in summaries
    assert "Promise to Ana Lima: send the deck" not in summaries
    assert len(summaries) == 5


def test_an_empty_book_gives_a_valid_empty_calendar(book: Book) -> None:
    calendar = Calendar.from_ical(book.agenda.calendar_feed())
    assert calendar.walk("VEVENT") == []
    assert str(calendar["VERSION"]) == "2.0"
