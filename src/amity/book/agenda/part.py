"""The Agenda part of the Book: today's items (loaded by :mod:`amity.book.agenda.loader`,
built by the engine), what the user did to them (done, snoozed, dismissed, restored), the
digest sent once a day, and the calendar feed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from amity.book.agenda.cache import INPUTS
from amity.book.agenda.feed import load_feed_entries
from amity.book.agenda.loader import load_agenda_inputs, load_settings
from amity.book.agenda.reopen import reopen_record
from amity.book.context import BookContext
from amity.book.events import report_done
from amity.errors import InvalidInput, NotFound
from amity.model import Action
from amity.rules.agenda import (
    MAX_ID,
    AgendaSettings,
    ItemKey,
    NotAnItemKey,
    agenda_settings_from,
    build_agenda,
    is_hidden,
    parse_item_key,
    supported_day,
)
from amity.store import schema as s

RECORD_TABLES = {  # what the numbers in an item key refer to (amity.rules.agenda.keys)
    "interaction": s.interactions,
    "commitment": s.commitments,
    "follow_up": s.follow_ups,
    "person": s.people,
    "event": s.events,
    "date": s.important_dates,
    "job": s.jobs,
    "article": s.articles,
    "goal": s.goals,
    "feedback_request": s.feedback_requests,
    "job_change": s.job_changes,
}


@dataclass(frozen=True)
class HiddenItem:
    """A snoozed or dismissed item: its key, state, until, and the item (None when gone)."""

    key: str
    state: str
    until: date | None
    action: Action | None
    acted_at: datetime


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

    def items(self, *, today: date | None = None, limit: int | None = None) -> list[Action]:
        """Today's ranked actions of every kind (done, dismissed and snoozed ones hidden): the
        inputs loaded in one read (:func:`load_agenda_inputs`), the items built and ranked by
        the engine (:func:`amity.rules.agenda.build_agenda`)."""
        if limit is not None and limit < 1:
            raise InvalidInput("limit must be at least 1", field="limit")
        check_day(today)
        with self._ctx.read() as conn:
            version = self._ctx.data_version(conn)  # first: what is loaded next is as new
            day = today or self._ctx.today(conn)
            key = (self._ctx.url, self._ctx.owner_id, day, limit)
            cached = INPUTS.get(key, version)
            if cached is None:
                settings = self.settings(conn)
                inputs = load_agenda_inputs(conn, self._ctx.owner_id, day, settings, limit=limit)
                INPUTS.put(key, version, (settings, inputs))
            else:
                settings, inputs = cached
        return build_agenda(inputs, day, settings=settings, now=self._ctx.now(), limit=limit)

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
        """Mark an item done. A promise or follow-up is closed, a reply counts as answered,
        asking for feedback marks the request asked (its follow-up comes later), and a
        keep-in-touch item counts as contact from today (the engine reads the stored state)."""
        parsed = _parse_key(key)
        with self._ctx.write() as conn:
            self._check_records(conn, parsed)
            now = self._ctx.now()
            kept = self._close_record(conn, parsed, now)
            self._store(conn, parsed.key, "done", None, now)
            report_done(conn, self._ctx.owner_id, parsed, kept=kept, at=now)
        return parsed

    def snooze(self, key: str, until: date, *, today: date | None = None) -> ItemKey:
        """Hide an item until ``until``; it comes back on that day."""
        parsed = _parse_key(key)
        check_day(today)
        check_day(until, "until")
        day = today or self._ctx.today()
        if until <= day:
            raise InvalidInput(
                f"snooze until a day after {day.isoformat()}, not {until.isoformat()}",
                field="until",
            )
        with self._ctx.write() as conn:
            self._check_records(conn, parsed)
            self._store(conn, parsed.key, "snoozed", until, self._ctx.now())
        return parsed

    def dismiss(self, key: str) -> ItemKey:
        """Hide an item for good (its next occurrence, with a new key, still comes)."""
        parsed = _parse_key(key)
        with self._ctx.write() as conn:
            self._check_records(conn, parsed)
            self._store(conn, parsed.key, "dismissed", None, self._ctx.now())
        return parsed

    def restore(self, key: str) -> bool:
        """Forget what was done to an item (Undo); True when there was something to forget.
        Undoing ``done`` also reopens what it closed (a promise, a follow-up, an answered
        message, an asked feedback request), unless something else closed it since."""
        parsed = _parse_key(key)
        t = s.agenda_states
        mine = and_(t.c.owner_id == self._ctx.owner_id, t.c.item_key == parsed.key)
        with self._ctx.write() as conn:
            row = conn.execute(select(t.c.state, t.c.acted_at).where(mine)).first()
            if row is None:
                return False
            conn.execute(delete(t).where(mine))
            if row.state == "done":
                reopen_record(conn, self._ctx.owner_id, parsed, row.acted_at)
        return True

    def hidden(self, *, today: date | None = None) -> list[HiddenItem]:
        """Snoozed and dismissed items, most recent first, each with its reason when it can
        still be built (an item whose occasion has passed keeps only its key)."""
        check_day(today)
        with self._ctx.read() as conn:
            day = today or self._ctx.today(conn)
            settings = self.settings(conn)
            inputs = load_agenda_inputs(conn, self._ctx.owner_id, day, settings)
        hiding = {
            st.item_key: st for st in inputs.states if is_hidden(st, day) and st.state != "done"
        }
        if not hiding:
            return []
        done_only = replace(inputs, states=[st for st in inputs.states if st.state == "done"])
        built = {
            a.key: a
            for a in build_agenda(done_only, day, settings=settings, now=self._ctx.now())
            if a.key in hiding
        }
        found = [HiddenItem(st.item_key, st.state, st.until, built.get(st.item_key), st.acted_at)
                 for st in hiding.values()]  # fmt: skip
        return sorted(found, key=lambda h: (h.acted_at, h.key), reverse=True)

    def _check_records(self, conn: Connection, parsed: ItemKey) -> None:
        """Every record the key names is the user's: else the item is not found (another
        user's id and an id that does not exist read the same)."""
        for record, record_id in parsed.records:
            if record_id > MAX_ID:
                raise NotFound(f"no agenda item {parsed.key!r}")
            table = RECORD_TABLES[record]
            found = conn.execute(
                select(table.c.id).where(
                    table.c.owner_id == self._ctx.owner_id, table.c.id == record_id
                )
            ).first()
            if found is None:
                raise NotFound(
                    f"no agenda item {parsed.key!r}: its {record.replace('_', '-')} "
                    f"{record_id} does not exist"
                )

    def _close_record(self, conn: Connection, parsed: ItemKey, now: datetime) -> bool:
        """Close the record an item is about; True when a promise was kept just now."""
        owner = self._ctx.owner_id
        if parsed.family == "promise":
            c = s.commitments
            closed = conn.execute(
                update(c)
                .where(c.c.owner_id == owner, c.c.id == parsed.record_id, c.c.status == "open")
                .values(status="done", done_at=now)
            )
            return bool(closed.rowcount)
        if parsed.family == "follow_up":
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
        elif parsed.family == "feedback_request":  # you asked: the request waits for the answer
            r = s.feedback_requests
            conn.execute(
                update(r)
                .where(r.c.owner_id == owner, r.c.id == parsed.record_id, r.c.asked_on.is_(None))
                .values(asked_on=self._ctx.today(conn))
            )
        return False

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


__all__ = ["RECORD_TABLES", "Agenda", "HiddenItem", "StoredState", "check_day"]
