"""The one loader of the agenda: everything the engine (:mod:`amity.rules.agenda`) needs for
a day, with one query per input table, whatever the number of people: settings, people,
dates, jobs, follow-ups, attendance, promises, replies, states, and the network's inputs
(:mod:`amity.book.agenda.network`: one statement finds which of them have anything)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, extract, func, or_, select

from amity.book.agenda.network import load_network_inputs
from amity.book.agenda.people import active_people, load_agenda_people
from amity.book.context import DEFAULT_SETTINGS
from amity.model import PartialDate
from amity.rules.agenda import (
    AgendaInputs,
    AgendaSettings,
    AgendaState,
    AttendanceInput,
    CommitmentInput,
    DateInput,
    FollowUpInput,
    JobStartInput,
    ReplyInput,
    keep_in_touch_person_id,
    max_date_lead,
)
from amity.rules.agenda.dates import group_by_month
from amity.rules.dates import month_days_within
from amity.store import schema as s


def load_settings(conn: Connection, owner_id: int) -> dict[str, Any]:
    """Every setting of the owner, defaults filled in: one query."""
    t = s.settings
    values = dict(DEFAULT_SETTINGS)
    rows = conn.execute(select(t.c.key, t.c.value).where(t.c.owner_id == owner_id))
    values.update({key: json.loads(value) for key, value in rows})
    return values


def load_agenda_inputs(
    conn: Connection,
    owner_id: int,
    today: date,
    settings: AgendaSettings,
    *,
    limit: int | None = None,
) -> AgendaInputs:
    """Everything the engine needs for ``today``: one query per input table (plus, with a
    ``limit``, one for the score floor, and one that finds which network inputs to load),
    whatever the number of people."""
    dates = load_dates(conn, owner_id, today, max_date_lead(settings))
    jobs = load_job_starts(conn, owner_id, today, settings.lead_for("work_anniversary"))
    follow_ups = load_follow_ups(conn, owner_id, today)
    attendance = load_attendance(conn, owner_id, today, settings)
    commitments = load_commitments(
        conn, owner_id, today + timedelta(days=settings.promise_lead_days)
    )
    replies = load_awaiting_replies(conn, owner_id)
    states = load_states(conn, owner_id, today)
    referenced = {
        row.person_id
        for rows in (dates, jobs, follow_ups, attendance, commitments, replies)
        for row in rows
    }
    referenced |= {pid for f in follow_ups for pid in f.others}
    referenced |= {pid for c in commitments for pid in c.others}
    acted_on = {
        pid for state in states if (pid := keep_in_touch_person_id(state.item_key)) is not None
    }
    network = load_network_inputs(conn, owner_id, today, settings)
    return AgendaInputs(
        people=load_agenda_people(
            conn, owner_id, today, settings, referenced | acted_on, limit=limit
        ),
        dates=dates,
        jobs=jobs,
        follow_ups=follow_ups,
        attendance=attendance,
        commitments=commitments,
        awaiting_replies=replies,
        states=states,
        gives=network.gives,
        shares=network.shares,
        goals=network.goals,
        feedback_requests=network.feedback_requests,
        job_changes=network.job_changes,
    )


def load_dates(conn: Connection, owner_id: int, today: date, lead_days: int) -> list[DateInput]:
    """Important dates whose occurrence falls in the lead window (filtered in SQL)."""
    d = s.important_dates
    months = group_by_month(month_days_within(today, lead_days))
    in_window = or_(*(and_(d.c.month == m, d.c.day.in_(days)) for m, days in months.items()))
    rows = conn.execute(
        select(d.c.id, d.c.person_id, d.c.kind, d.c.label, d.c.year, d.c.month, d.c.day)
        .join(s.people, s.people.c.id == d.c.person_id)
        .where(d.c.owner_id == owner_id, active_people(owner_id), in_window)
    )
    result = []
    for r in rows:
        try:
            when = PartialDate(r.month, r.day, r.year)
        except ValueError:
            continue  # a bad stored date never breaks the agenda
        result.append(DateInput(r.id, r.person_id, r.kind, when, r.label))
    return result


def load_job_starts(
    conn: Connection, owner_id: int, today: date, lead_days: int
) -> list[JobStartInput]:
    j = s.jobs
    pairs = month_days_within(today, lead_days)
    in_window: ColumnElement[bool]
    if conn.dialect.name == "sqlite":  # dates are stored as YYYY-MM-DD: one substr per row
        in_window = func.substr(j.c.start_date, 6, 5).in_(
            sorted(f"{m:02d}-{d:02d}" for m, d in pairs)
        )
    else:
        month, day = extract("month", j.c.start_date), extract("day", j.c.start_date)
        in_window = or_(
            *(and_(month == m, day.in_(days)) for m, days in group_by_month(pairs).items())
        )
    # on SQLite, scan jobs and find each one's person by primary key: left to itself the
    # planner scans people and probes jobs by person, 4x slower at 100,000 people
    person_id = j.c.person_id + 0 if conn.dialect.name == "sqlite" else j.c.person_id
    rows = conn.execute(
        select(j.c.id, j.c.person_id, j.c.organisation, j.c.start_date, j.c.end_date)
        .join(s.people, s.people.c.id == person_id)
        .where(
            j.c.owner_id == owner_id,
            active_people(owner_id),
            j.c.start_date.is_not(None),
            or_(j.c.end_date.is_(None), j.c.end_date > today),
            in_window,
        )
    )
    return [
        JobStartInput(r.id, r.person_id, r.organisation, r.start_date, r.end_date) for r in rows
    ]


def load_follow_ups(conn: Connection, owner_id: int, today: date) -> list[FollowUpInput]:
    f, fp = s.follow_ups, s.follow_up_people
    rows = conn.execute(
        select(f.c.id, f.c.person_id, f.c.text, f.c.due_on, fp.c.person_id.label("other"))
        .outerjoin(fp, and_(fp.c.follow_up_id == f.c.id, fp.c.owner_id == owner_id))
        .where(f.c.owner_id == owner_id, f.c.done_at.is_(None), f.c.due_on <= today)
        .order_by(f.c.id)
    ).all()
    return [
        FollowUpInput(r.id, r.person_id, r.text, r.due_on, others=others)
        for r, others in _with_others(rows)
    ]


def load_attendance(
    conn: Connection, owner_id: int, today: date, settings: AgendaSettings
) -> list[AttendanceInput]:
    """People met at events that ended inside the new-contact follow-up window."""
    a, e = s.attendance, s.events
    latest = today - timedelta(days=settings.new_contact_follow_up_days)
    earliest = latest - timedelta(days=settings.new_contact_window_days)
    ended = func.coalesce(e.c.ends_on, e.c.starts_on)
    rows = conn.execute(
        select(a.c.event_id, e.c.name, e.c.ends_on, e.c.starts_on, a.c.person_id, a.c.met)
        .join(e, e.c.id == a.c.event_id)
        .where(
            a.c.owner_id == owner_id,
            e.c.owner_id == owner_id,
            a.c.met.is_(True),
            ended.is_not(None),
            ended >= earliest,
            ended <= latest,
        )
        .order_by(a.c.event_id, a.c.person_id)
    )
    return [
        AttendanceInput(r.event_id, r.name, r.ends_on, r.person_id, bool(r.met), r.starts_on)
        for r in rows
    ]


def load_commitments(conn: Connection, owner_id: int, due_by: date) -> list[CommitmentInput]:
    c, cp = s.commitments, s.commitment_people
    rows = conn.execute(
        select(
            c.c.id,
            c.c.person_id,
            c.c.direction,
            c.c.text,
            c.c.due_on,
            c.c.status,
            cp.c.person_id.label("other"),
        )
        .outerjoin(cp, and_(cp.c.commitment_id == c.c.id, cp.c.owner_id == owner_id))
        .where(
            c.c.owner_id == owner_id,
            c.c.status == "open",
            c.c.due_on.is_not(None),
            c.c.due_on <= due_by,
        )
        .order_by(c.c.id)
    ).all()
    return [
        CommitmentInput(r.id, r.person_id, r.direction, r.text, r.due_on, r.status, others)
        for r, others in _with_others(rows)
    ]


def _with_others(rows: Sequence[Any]) -> list[tuple[Any, tuple[int, ...]]]:
    """Rows joined with the other people of a shared promise or follow-up (one row per other,
    ordered by id) -> one row per item with the others' ids."""
    items: dict[int, tuple[Any, list[int]]] = {}
    for r in rows:
        _, others = items.setdefault(r.id, (r, []))
        if r.other is not None:
            others.append(r.other)
    return [(r, tuple(sorted(others))) for r, others in items.values()]


def load_awaiting_replies(conn: Connection, owner_id: int) -> list[ReplyInput]:
    i, ip = s.interactions, s.interaction_participants
    rows = conn.execute(
        select(i.c.id, ip.c.person_id, i.c.occurred_at, i.c.subject, i.c.thread_key)
        .join(ip, ip.c.interaction_id == i.c.id)
        .where(
            i.c.owner_id == owner_id,
            i.c.needs_reply.is_(True),
            i.c.replied_at.is_(None),
            i.c.direction == "inbound",
            i.c.status == "done",
        )
        .order_by(i.c.occurred_at, i.c.id, ip.c.person_id)
    )
    return [ReplyInput(r.id, r.person_id, r.occurred_at, r.subject, r.thread_key) for r in rows]


def load_states(conn: Connection, owner_id: int, today: date | None = None) -> list[AgendaState]:
    """Stored states, without snoozes that have already run out."""
    t = s.agenda_states
    query = select(t.c.item_key, t.c.state, t.c.acted_at, t.c.until).where(t.c.owner_id == owner_id)
    if today is not None:
        query = query.where(or_(t.c.state != "snoozed", t.c.until.is_(None), t.c.until > today))
    return [AgendaState(r.item_key, r.state, r.acted_at, r.until) for r in conn.execute(query)]
