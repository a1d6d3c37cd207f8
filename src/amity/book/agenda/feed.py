"""What the calendar feed shows: yearly dates and work anniversaries, dated promises and
follow-ups (4 queries)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from amity.book.agenda.people import active_people
from amity.model import PartialDate
from amity.store import schema as s


def load_feed_entries(conn: Connection, owner_id: int) -> list[Any]:
    """What the calendar feed shows: 4 queries."""
    from amity.formats.calendar_feed import FeedEntry

    p, d, j, c, f = s.people, s.important_dates, s.jobs, s.commitments, s.follow_ups
    entries: list[FeedEntry] = []
    for row in conn.execute(
        select(d.c.id, d.c.kind, d.c.label, d.c.year, d.c.month, d.c.day, p.c.name)
        .join(p, p.c.id == d.c.person_id)
        .where(d.c.owner_id == owner_id, active_people(owner_id))
        .order_by(d.c.id)
    ):
        try:
            when = PartialDate(row.month, row.day, row.year)
        except ValueError:
            continue
        entries.append(FeedEntry.yearly_date(row.id, row.kind, row.name, when, row.label))
    for job in conn.execute(
        select(j.c.id, j.c.organisation, j.c.start_date, p.c.name)
        .join(p, p.c.id == j.c.person_id)
        .where(
            j.c.owner_id == owner_id,
            active_people(owner_id),
            j.c.start_date.is_not(None),
            j.c.end_date.is_(None),
        )
        .order_by(j.c.id)
    ):
        entries.append(
            FeedEntry.work_anniversary(job.id, job.name, job.organisation, job.start_date)
        )
    for promise in conn.execute(
        select(c.c.id, c.c.direction, c.c.text, c.c.due_on, p.c.name)
        .join(p, p.c.id == c.c.person_id)
        .where(
            c.c.owner_id == owner_id,
            c.c.status == "open",
            c.c.due_on.is_not(None),
            p.c.archived_at.is_(None),
        )
        .order_by(c.c.id)
    ):
        entries.append(
            FeedEntry.promise(
                promise.id, promise.direction, promise.name, promise.text, promise.due_on
            )
        )
    for follow in conn.execute(
        select(f.c.id, f.c.text, f.c.due_on, p.c.name)
        .join(p, p.c.id == f.c.person_id)
        .where(f.c.owner_id == owner_id, f.c.done_at.is_(None), p.c.archived_at.is_(None))
        .order_by(f.c.id)
    ):
        entries.append(FeedEntry.follow_up(follow.id, follow.name, follow.text, follow.due_on))
    return entries
