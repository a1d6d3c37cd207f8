"""The agenda in the Book: load the engine's inputs with a few set-based queries, store what
the user did to items, and the read models built on the same data (replies, health).

The engine (:mod:`amity.rules.agenda`) is pure; this module only loads. Loading the agenda is
a fixed number of statements whatever the size of the book (one per input table, never one per
person): settings, people, dates, jobs, follow-ups, attendance, promises, replies, states.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    Float,
    and_,
    case,
    cast,
    delete,
    extract,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from amity.book.agenda_network import close_later_record, later_items
from amity.book.context import DEFAULT_SETTINGS, BookContext
from amity.book.people import People
from amity.errors import InvalidInput, NotFound
from amity.model import Action, PartialDate, PersonRef
from amity.rules.agenda import (
    MAX_TIMING,
    AgendaInputs,
    AgendaSettings,
    AgendaState,
    AttendanceInput,
    CommitmentInput,
    DateInput,
    FollowUpInput,
    JobStartInput,
    PersonInput,
    ReplyInput,
    build_agenda,
    done_contact_dates,
    effective_last_contact,
    keep_in_touch_person_id,
)
from amity.rules.agenda_extra import (
    MAX_ID,
    ItemKey,
    NotAnItemKey,
    agenda_settings_from,
    group_by_month,
    max_date_lead,
    parse_item_key,
    supported_day,
)
from amity.rules.dates import local_date, local_today, month_days_within, time_zone
from amity.store import schema as s

DATE_KINDS = ("birthday", "anniversary", "custom")
RECORD_TABLES = {
    "interaction": s.interactions,
    "commitment": s.commitments,
    "follow_up": s.follow_ups,
    "person": s.people,
    "event": s.events,
    "date": s.important_dates,
    "job": s.jobs,
}


def load_settings(conn: Connection, owner_id: int) -> dict[str, Any]:
    """Every setting of the owner, defaults filled in: one query."""
    t = s.settings
    values = dict(DEFAULT_SETTINGS)
    rows = conn.execute(select(t.c.key, t.c.value).where(t.c.owner_id == owner_id))
    values.update({key: json.loads(value) for key, value in rows})
    return values


@dataclass(frozen=True)
class StoredState:
    key: str
    state: str
    until: date | None
    acted_at: datetime


class Agenda:
    def __init__(self, ctx: BookContext) -> None:
        self._ctx = ctx

    # --- reading ------------------------------------------------------------------------

    def settings(self, conn: Connection | None = None) -> AgendaSettings:
        if conn is None:
            with self._ctx.read() as c:
                return agenda_settings_from(load_settings(c, self._ctx.owner_id))
        return agenda_settings_from(load_settings(conn, self._ctx.owner_id))

    def today(self) -> date:
        """Today's date in the user's configured time zone."""
        return local_today(self._ctx.now(), self.settings().time_zone)

    def items(self, *, today: date | None = None, limit: int | None = None) -> list[Action]:
        """Today's ranked actions (done, dismissed and snoozed ones hidden)."""
        if limit is not None and limit < 1:
            raise InvalidInput("limit must be at least 1", field="limit")
        check_day(today)
        with self._ctx.read() as conn:
            settings = self.settings(conn)
            day = today or local_today(self._ctx.now(), settings.time_zone)
            inputs = load_agenda_inputs(conn, self._ctx.owner_id, day, settings, limit=limit)
        extra = later_items(self._ctx, day, settings)  # give, share, goal_checkin, feedback
        return build_agenda(
            inputs, day, settings=settings, now=self._ctx.now(), limit=limit, extra=extra
        )

    def states(self) -> list[StoredState]:
        t = s.agenda_states
        with self._ctx.read() as conn:
            rows = conn.execute(
                select(t)
                .where(t.c.owner_id == self._ctx.owner_id)
                .order_by(t.c.acted_at.desc(), t.c.item_key)
            )
            return [StoredState(r.item_key, r.state, r.until, r.acted_at) for r in rows]

    # --- what the user did --------------------------------------------------------------

    def done(self, key: str) -> ItemKey:
        """Mark an item done. A promise or follow-up is closed, a reply counts as answered, and
        a keep-in-touch item counts as contact from today (the engine reads the stored state)."""
        parsed = _parse_key(key)
        with self._ctx.write() as conn:
            self._check_record(conn, parsed)
            now = self._ctx.now()
            self._close_record(conn, parsed, now)
            if parsed.family == "feedback_request":  # asking is done: wait for the answer
                close_later_record(
                    conn,
                    self._ctx.owner_id,
                    parsed,
                    local_today(now, self.settings(conn).time_zone),
                )
            self._store(conn, parsed.key, "done", None, now)
        return parsed

    def snooze(self, key: str, until: date, *, today: date | None = None) -> ItemKey:
        """Hide an item until ``until``; it comes back on that day."""
        parsed = _parse_key(key)
        check_day(today)
        check_day(until, "until")
        day = today or self.today()
        if until <= day:
            raise InvalidInput(
                f"snooze until a day after {day.isoformat()}, not {until.isoformat()}",
                field="until",
            )
        with self._ctx.write() as conn:
            self._check_record(conn, parsed)
            self._store(conn, parsed.key, "snoozed", until, self._ctx.now())
        return parsed

    def dismiss(self, key: str) -> ItemKey:
        """Hide an item for good (its next occurrence, with a new key, still comes)."""
        parsed = _parse_key(key)
        with self._ctx.write() as conn:
            self._check_record(conn, parsed)
            self._store(conn, parsed.key, "dismissed", None, self._ctx.now())
        return parsed

    def restore(self, key: str) -> bool:
        """Forget what was done to an item; True when there was something to forget."""
        parsed = _parse_key(key)
        t = s.agenda_states
        with self._ctx.write() as conn:
            gone = conn.execute(
                delete(t).where(t.c.owner_id == self._ctx.owner_id, t.c.item_key == parsed.key)
            ).rowcount
        return bool(gone)

    def _check_record(self, conn: Connection, parsed: ItemKey) -> None:
        if parsed.record is None or parsed.record_id is None:
            return
        if parsed.record_id > MAX_ID:
            raise NotFound(f"no agenda item {parsed.key!r}")
        table = RECORD_TABLES[parsed.record]
        found = conn.execute(
            select(table.c.id).where(
                table.c.owner_id == self._ctx.owner_id, table.c.id == parsed.record_id
            )
        ).first()
        if found is None:
            raise NotFound(
                f"no agenda item {parsed.key!r}: its {parsed.record.replace('_', '-')} "
                f"{parsed.record_id} does not exist"
            )

    def _close_record(self, conn: Connection, parsed: ItemKey, now: datetime) -> None:
        owner = self._ctx.owner_id
        if parsed.family == "promise":
            c = s.commitments
            conn.execute(
                update(c)
                .where(c.c.owner_id == owner, c.c.id == parsed.record_id, c.c.status == "open")
                .values(status="done", done_at=now)
            )
        elif parsed.family == "follow_up":
            f = s.follow_ups
            conn.execute(
                update(f)
                .where(f.c.owner_id == owner, f.c.id == parsed.record_id, f.c.done_at.is_(None))
                .values(done_at=now)
            )
        elif parsed.family == "reply":
            i = s.interactions
            conn.execute(
                update(i)
                .where(i.c.owner_id == owner, i.c.id == parsed.record_id, i.c.replied_at.is_(None))
                .values(replied_at=now)
            )

    def _store(
        self, conn: Connection, key: str, state: str, until: date | None, now: datetime
    ) -> None:
        t = s.agenda_states
        conn.execute(delete(t).where(t.c.owner_id == self._ctx.owner_id, t.c.item_key == key))
        conn.execute(
            insert(t).values(
                owner_id=self._ctx.owner_id, item_key=key, state=state, until=until, acted_at=now
            )
        )

    # --- the digest, once per day -------------------------------------------------------

    def send_digest_once(self, day: date, deliver: Callable[[], None]) -> str:
        """Run ``deliver`` unless the digest of ``day`` was sent: ``sent`` or ``already_sent``.

        The claim, the delivery and the "sent" mark are one transaction: a second worker waits
        on the claim and then finds it sent (or, when this one failed, claims it itself); a
        crash before the commit leaves it unsent, so a later run sends it. A failed delivery
        is recorded (``error``) and re-raised.
        """
        ds = s.digests_sent
        owner = self._ctx.owner_id
        mine = and_(ds.c.owner_id == owner, ds.c.day == day)
        try:
            with self._ctx.write() as conn:
                row = conn.execute(select(ds.c.sent_at).where(mine).with_for_update()).first()
                if row is not None and row.sent_at is not None:
                    return "already_sent"
                if row is None:
                    conn.execute(
                        insert(ds).values(owner_id=owner, day=day, claimed_at=self._ctx.now())
                    )
                else:
                    conn.execute(
                        update(ds).where(mine).values(claimed_at=self._ctx.now(), error=None)
                    )
                deliver()
                conn.execute(update(ds).where(mine).values(sent_at=self._ctx.now()))
            return "sent"
        except IntegrityError:
            return "already_sent"  # another worker claimed the same day first and sent it
        except Exception as exc:
            self._record_digest_error(day, exc)
            raise

    def _record_digest_error(self, day: date, exc: Exception) -> None:
        ds = s.digests_sent
        owner = self._ctx.owner_id
        message = f"{exc.__class__.__name__}: {exc}"[:1000]
        with self._ctx.write() as conn:
            conn.execute(
                delete(ds).where(ds.c.owner_id == owner, ds.c.day == day, ds.c.sent_at.is_(None))
            )
            exists = conn.execute(
                select(ds.c.day).where(ds.c.owner_id == owner, ds.c.day == day)
            ).first()
            if exists is None:
                conn.execute(
                    insert(ds).values(
                        owner_id=owner, day=day, claimed_at=self._ctx.now(), error=message
                    )
                )

    def digest_record(self, day: date) -> dict[str, Any] | None:
        ds = s.digests_sent
        with self._ctx.read() as conn:
            row = conn.execute(
                select(ds.c.day, ds.c.claimed_at, ds.c.sent_at, ds.c.error).where(
                    ds.c.owner_id == self._ctx.owner_id, ds.c.day == day
                )
            ).first()
        return None if row is None else dict(row._mapping)

    # --- calendar feed ------------------------------------------------------------------

    def calendar_feed(self, *, name: str = "Amity") -> bytes:
        """An iCalendar feed: yearly dates and work anniversaries, due promises and follow-ups."""
        from amity.formats.calendar_feed import write_feed

        with self._ctx.read() as conn:
            entries = load_feed_entries(conn, self._ctx.owner_id)
        return write_feed(entries, name=name, stamp=self._ctx.now(), owner_id=self._ctx.owner_id)


def check_day(day: date | None, field: str = "date") -> None:
    """Refuse a day so far out that date arithmetic would overflow (the CLI's --date)."""
    if day is not None and not supported_day(day):
        raise InvalidInput(
            f"{day.isoformat()} is out of range: pick a day between 1800 and 9000", field=field
        )


def _parse_key(key: str) -> ItemKey:
    try:
        return parse_item_key(key)
    except NotAnItemKey as exc:
        raise InvalidInput(str(exc), field="key") from None


# --- loading the engine's inputs ------------------------------------------------------------


def load_agenda_inputs(
    conn: Connection,
    owner_id: int,
    today: date,
    settings: AgendaSettings,
    *,
    limit: int | None = None,
) -> AgendaInputs:
    """Everything the engine needs for ``today``: one query per input table (plus two for the
    cadences in use and, with a ``limit``, the score floor), whatever the number of people."""
    dates = load_dates(conn, owner_id, today, max_date_lead(settings, DATE_KINDS))
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
    acted_on = {
        pid for state in states if (pid := keep_in_touch_person_id(state.item_key)) is not None
    }
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
    )


MAX_REFERENCED_IN_QUERY = 20_000  # bound parameters: SQLite allows 32,766
FLOAT_SLACK = 1e-9


def _days_since(conn: Connection, column: Any, today: date) -> Any:
    """Whole days from the UTC date of ``column`` to ``today`` (the local date differs by at
    most one day either way)."""
    if conn.dialect.name == "sqlite":
        return func.julianday(literal(today.isoformat())) - func.julianday(func.date(column))
    return cast(literal(today, Date) - cast(column, Date), Float)


def _capped(ratio: Any) -> Any:
    return case((ratio > MAX_TIMING, MAX_TIMING), else_=ratio)


def load_agenda_people(
    conn: Connection,
    owner_id: int,
    today: date,
    settings: AgendaSettings,
    explicit: set[int],
    *,
    limit: int | None = None,
) -> list[PersonInput]:
    """The active people who may be on today's agenda, filtered in SQL: those whose last
    contact (or, never contacted, their creation) is old enough for their cadence, those met
    recently, and ``explicit`` ones (referred to by another input or by a stored state).

    The filter is a superset: SQL counts days between UTC dates, which differ from local ones
    by at most a day, so it keeps two days of slack; done items only move a last contact
    later; the engine decides exactly. With a ``limit``, keep-in-touch candidates are also
    cut at a score floor: the ``limit``-th best *lower bound* of the keep-in-touch score among
    people nothing else touches; whoever's *upper bound* is below it cannot make the list.
    """
    if len(explicit) > MAX_REFERENCED_IN_QUERY:
        return load_people(conn, owner_id)
    p, c = s.people, s.circles
    cadence = func.coalesce(p.c.cadence_days, c.c.cadence_days)
    days = _days_since(conn, func.coalesce(p.c.last_interaction_at, p.c.created_at), today)
    soft_days = cadence * settings.soft_threshold
    may_be_due = and_(cadence > 0, days + 2 >= soft_days)
    met_since = today - timedelta(
        days=settings.new_contact_follow_up_days + settings.new_contact_window_days
    )
    if limit is not None:
        floor = _score_floor(conn, owner_id, limit, explicit, days, cadence, soft_days, met_since)
        if floor is not None:
            upper = _capped((days + 1) / cadence) * func.coalesce(c.c.weight, 1.0)
            may_be_due = and_(may_be_due, upper >= floor - FLOAT_SLACK)
    wanted = [p.c.met_on >= met_since, may_be_due]
    if explicit:
        wanted.append(p.c.id.in_(sorted(explicit)))
    return load_people(conn, owner_id, where=or_(*wanted))


def _score_floor(
    conn: Connection,
    owner_id: int,
    limit: int,
    explicit: set[int],
    days: Any,
    cadence: Any,
    soft_days: Any,
    met_since: date,
) -> float | None:
    """The ``limit``-th best lower bound of the keep-in-touch score among people surely due
    and touched by nothing else (no state, no other item, not met recently), or None."""
    p, c = s.people, s.circles
    lower = case(
        (and_(p.c.last_interaction_at.is_(None), p.c.met_on.is_not(None)), 0.0),
        else_=_capped((days - 1) / cadence),
    ) * func.coalesce(c.c.weight, 1.0)
    clean = [
        _active_people(owner_id),
        cadence > 0,
        days - 2 >= soft_days,
        or_(p.c.met_on.is_(None), p.c.met_on < met_since),
    ]
    if explicit:
        clean.append(p.c.id.not_in(sorted(explicit)))
    floor = conn.execute(
        select(lower)
        .select_from(p.outerjoin(c, c.c.id == p.c.circle_id))
        .where(*clean)
        .order_by(lower.desc())
        .limit(1)
        .offset(limit - 1)
    ).scalar()
    return None if floor is None else float(floor)


def _active_people(owner_id: int) -> Any:
    p = s.people
    return and_(p.c.owner_id == owner_id, p.c.archived_at.is_(None), p.c.is_group.is_(False))


def load_people(
    conn: Connection, owner_id: int, person_id: int | None = None, *, where: Any = None
) -> list[PersonInput]:
    """Active people as the engine's PersonInput (a hot path on big books: the columns are
    selected in the dataclass's field order and passed positionally)."""
    p, c = s.people, s.circles
    query = (
        select(
            p.c.id,
            p.c.name,
            c.c.name,
            c.c.cadence_days,
            func.coalesce(c.c.weight, 1.0),
            p.c.cadence_days,
            p.c.created_at,
            p.c.met_on,
            p.c.met_event_id,
            p.c.last_interaction_at,
            p.c.preferred_channel,
            p.c.timezone,
        )
        .select_from(p.outerjoin(c, c.c.id == p.c.circle_id))
        .where(_active_people(owner_id))
    )
    if person_id is not None:
        query = query.where(p.c.id == person_id)
    if where is not None:
        query = query.where(where)
    return [PersonInput(*row) for row in conn.execute(query)]


def load_dates(conn: Connection, owner_id: int, today: date, lead_days: int) -> list[DateInput]:
    """Important dates whose occurrence falls in the lead window (filtered in SQL)."""
    d = s.important_dates
    months = group_by_month(month_days_within(today, lead_days))
    in_window = or_(*(and_(d.c.month == m, d.c.day.in_(days)) for m, days in months.items()))
    rows = conn.execute(
        select(d.c.id, d.c.person_id, d.c.kind, d.c.label, d.c.year, d.c.month, d.c.day)
        .join(s.people, s.people.c.id == d.c.person_id)
        .where(d.c.owner_id == owner_id, _active_people(owner_id), in_window)
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
    months = group_by_month(month_days_within(today, lead_days))
    month, day = extract("month", j.c.start_date), extract("day", j.c.start_date)
    in_window = or_(*(and_(month == m, day.in_(days)) for m, days in months.items()))
    rows = conn.execute(
        select(j.c.id, j.c.person_id, j.c.organisation, j.c.start_date, j.c.end_date)
        .join(s.people, s.people.c.id == j.c.person_id)
        .where(
            j.c.owner_id == owner_id,
            _active_people(owner_id),
            j.c.start_date.is_not(None),
            or_(j.c.end_date.is_(None), j.c.end_date > today),
            in_window,
        )
    )
    return [
        JobStartInput(r.id, r.person_id, r.organisation, r.start_date, r.end_date) for r in rows
    ]


def load_follow_ups(conn: Connection, owner_id: int, today: date) -> list[FollowUpInput]:
    f = s.follow_ups
    rows = conn.execute(
        select(f.c.id, f.c.person_id, f.c.text, f.c.due_on).where(
            f.c.owner_id == owner_id, f.c.done_at.is_(None), f.c.due_on <= today
        )
    )
    return [FollowUpInput(r.id, r.person_id, r.text, r.due_on) for r in rows]


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
    c = s.commitments
    rows = conn.execute(
        select(c.c.id, c.c.person_id, c.c.direction, c.c.text, c.c.due_on, c.c.status).where(
            c.c.owner_id == owner_id,
            c.c.status == "open",
            c.c.due_on.is_not(None),
            c.c.due_on <= due_by,
        )
    )
    return [
        CommitmentInput(r.id, r.person_id, r.direction, r.text, r.due_on, r.status) for r in rows
    ]


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


def load_feed_entries(conn: Connection, owner_id: int) -> list[Any]:
    """What the calendar feed shows: 4 queries."""
    from amity.formats.calendar_feed import FeedEntry

    p, d, j, c, f = s.people, s.important_dates, s.jobs, s.commitments, s.follow_ups
    entries: list[FeedEntry] = []
    for row in conn.execute(
        select(d.c.id, d.c.kind, d.c.label, d.c.year, d.c.month, d.c.day, p.c.name)
        .join(p, p.c.id == d.c.person_id)
        .where(d.c.owner_id == owner_id, _active_people(owner_id))
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
            _active_people(owner_id),
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


# --- replies: what awaits an answer, and how fast you answer ---------------------------------


@dataclass(frozen=True)
class AwaitingReply:
    interaction: Any  # amity.model.Interaction
    waiting: timedelta

    @property
    def days(self) -> int:
        return self.waiting.days


@dataclass(frozen=True)
class ReplyStats:
    overall: Any  # amity.rules.replies.ResponseTimes
    per_person: list[tuple[PersonRef, Any]]


class Replies:
    def __init__(self, ctx: BookContext, interactions: Any) -> None:
        self._ctx = ctx
        self._interactions = interactions

    def awaiting(self, *, now: datetime | None = None) -> list[AwaitingReply]:
        """Inbound messages still awaiting your reply, oldest first, with how long they wait."""
        moment = now or self._ctx.now()
        return [
            AwaitingReply(i, max(moment - i.occurred_at, timedelta(0)))
            for i in self._interactions.awaiting_reply()
        ]

    def stats(self) -> ReplyStats:
        """Median and 90th percentile response times, per person and overall."""
        from amity.rules.replies import summarize

        i, ip, p = s.interactions, s.interaction_participants, s.people
        owner = self._ctx.owner_id
        with self._ctx.read() as conn:
            rows = conn.execute(
                select(i.c.id, i.c.occurred_at, i.c.replied_at, p.c.id.label("person_id"), p.c.name)
                .join(ip, ip.c.interaction_id == i.c.id)
                .join(p, p.c.id == ip.c.person_id)
                .where(
                    i.c.owner_id == owner,
                    i.c.needs_reply.is_(True),
                    i.c.direction == "inbound",
                    i.c.replied_at.is_not(None),
                    i.c.status == "done",
                )
            ).all()
        overall: dict[int, timedelta] = {}
        per_person: dict[PersonRef, list[timedelta]] = {}
        for r in rows:
            delay = max(r.replied_at - r.occurred_at, timedelta(0))
            overall[r.id] = delay
            per_person.setdefault(PersonRef(r.person_id, r.name), []).append(delay)
        ordered = sorted(per_person.items(), key=lambda kv: (kv[0].name, kv[0].id))
        return ReplyStats(
            summarize(list(overall.values())), [(ref, summarize(delays)) for ref, delays in ordered]
        )


# --- relationship health ---------------------------------------------------------------------


HEALTH_HISTORY_DAYS = 365 + 180 + 30  # reciprocity year + frequency windows + drift period


class RelationshipHealth:
    def __init__(self, ctx: BookContext, people: People) -> None:
        self._ctx = ctx
        self._people = people

    def of(self, ref: str | int, *, today: date | None = None) -> Any:
        """One person's health (0-100) with its five factors."""
        from amity.rules.health import health

        with self._ctx.read() as conn:
            person = self._people.resolve_in(conn, ref)
            day, inputs = self._inputs(conn, today, person.id)
        if not inputs:
            raise NotFound(f"{person.name} is archived: no health to show")
        return health(inputs[0], day)

    def all(self, *, today: date | None = None) -> list[Any]:
        """Everyone's health, weakest first."""
        from amity.rules.health import health

        with self._ctx.read() as conn:
            day, inputs = self._inputs(conn, today, None)
        results = [health(data, day) for data in inputs]
        results.sort(key=lambda h: (h.score, h.person.name, h.person.id))
        return results

    def drifting(
        self, *, today: date | None = None, period_days: int = 30, limit: int | None = 10
    ) -> list[Any]:
        """Relationships whose health fell the most over ``period_days``."""
        from amity.rules.health import drifting

        if not 1 <= period_days <= 365:
            raise InvalidInput("the period is between 1 and 365 days", field="period")
        if limit is not None and limit < 1:
            raise InvalidInput("limit must be at least 1", field="limit")
        with self._ctx.read() as conn:
            day, inputs = self._inputs(conn, today, None)
        return drifting(inputs, day, period_days=period_days, limit=limit)

    def _inputs(
        self, conn: Connection, today: date | None, person_id: int | None
    ) -> tuple[date, list[Any]]:
        from amity.rules.cadence import contact_start, effective_cadence
        from amity.rules.health import HealthInput, Touch
        from amity.rules.reliability import PromiseRecord

        check_day(today)
        owner = self._ctx.owner_id
        settings = agenda_settings_from(load_settings(conn, owner))
        tz = time_zone(settings.time_zone)
        day = today or local_today(self._ctx.now(), settings.time_zone)
        people = load_people(conn, owner, person_id)
        ip, c, t = s.interaction_participants, s.commitments, s.agenda_states
        since = datetime.combine(
            day - timedelta(days=HEALTH_HISTORY_DAYS), datetime.min.time(), tzinfo=tz
        )
        touch_query = select(ip.c.person_id, ip.c.occurred_at, ip.c.direction).where(
            ip.c.owner_id == owner, ip.c.status == "done", ip.c.occurred_at >= since
        )
        promise_query = select(
            c.c.id, c.c.person_id, c.c.direction, c.c.due_on, c.c.status, c.c.done_at
        ).where(c.c.owner_id == owner)
        state_query = select(t.c.item_key, t.c.state, t.c.acted_at, t.c.until).where(
            t.c.owner_id == owner,
            t.c.state == "done",
            t.c.item_key.like("keep\\_in\\_touch:%", escape="\\"),
        )
        if person_id is not None:
            touch_query = touch_query.where(ip.c.person_id == person_id)
            promise_query = promise_query.where(c.c.person_id == person_id)
            state_query = state_query.where(
                t.c.item_key.like(f"keep\\_in\\_touch:p{person_id}:%", escape="\\")
            )
        touches: dict[int, list[Touch]] = {}
        for touch in conn.execute(touch_query):
            touches.setdefault(touch.person_id, []).append(
                Touch(local_date(touch.occurred_at, tz), touch.direction)
            )
        promises: dict[int, list[PromiseRecord]] = {}
        for row in conn.execute(promise_query):
            done_on = None if row.done_at is None else local_date(row.done_at, tz)
            promises.setdefault(row.person_id, []).append(
                PromiseRecord(row.id, row.person_id, row.direction, row.due_on, row.status, done_on)
            )
        awaiting: dict[int, list[date]] = {}
        for reply in load_awaiting_replies(conn, owner):
            awaiting.setdefault(reply.person_id, []).append(local_date(reply.occurred_at, tz))
        states = [
            AgendaState(r.item_key, r.state, r.acted_at, r.until) for r in conn.execute(state_query)
        ]
        done = done_contact_dates(states, settings.time_zone)
        inputs = []
        for person in people:
            added = None if person.created_at is None else local_date(person.created_at, tz)
            inputs.append(
                HealthInput(
                    person=person.ref,
                    cadence_days=effective_cadence(person.cadence_days, person.circle_cadence_days),
                    touches=touches.get(person.id, ()),
                    started_on=contact_start(None, added, person.met_on)[0],
                    last_contact=effective_last_contact(
                        person.last_interaction_at, done.get(person.id), tz
                    ),
                    promises=promises.get(person.id, ()),
                    awaiting_since=awaiting.get(person.id, ()),
                )
            )
        return day, inputs


__all__ = [
    "Agenda",
    "AwaitingReply",
    "RelationshipHealth",
    "Replies",
    "ReplyStats",
    "StoredState",
    "load_agenda_inputs",
    "load_settings",
]
