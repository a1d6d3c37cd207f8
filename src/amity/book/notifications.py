"""Notification channels (Apprise URLs, sealed) and the log of what was sent through them.

The Book keeps the records; sending is the door's (``amity.notify.channels`` hands a
``deliver(url, title, body)`` function in). A notification is queued once per channel, item and
day: the row's unique key is the claim, made in the transaction that inserts it, so several
workers queue it once. Sending leases the row for a minute (one sender at a time), delivers
outside any transaction (a slow channel never holds the database), then records the outcome:
sent, or failed with the reason and retried with back-off until :data:`NOTIFY_RETRIES`.
"""

from __future__ import annotations

import builtins
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, func, insert, or_, select, update

from amity.book.context import BookContext, insert_id
from amity.errors import InvalidInput, NotFound
from amity.rules.outbound import (
    NOTIFY_RETRIES,
    Alert,
    AlertPrefs,
    channel_url_problem,
    mask_url,
    notify_retry_delay,
    parse_clock,
)
from amity.store import schema as s

SEAL_PURPOSE = "notify"
LEASE = timedelta(minutes=2)
MAX_NAME = 100
Deliver = Callable[[str, str, str], None]  # (apprise url, title, body); raises on failure
PREFERENCES = (
    "notify.digest",
    "notify.promises",
    "notify.dates",
    "notify.replies",
    "notify.reply_after_days",
    "notify.follow_ups",
    "notify.quiet_start",
    "notify.quiet_end",
)


@dataclass(frozen=True)
class Channel:
    id: int
    name: str
    masked: str  # scheme://host/*** : the URL itself is never shown
    enabled: bool
    created_at: datetime
    last_status: str | None = None  # of the newest delivery: sent, pending, failed
    last_error: str | None = None
    last_at: datetime | None = None

    @property
    def failing(self) -> bool:
        return self.last_status == "failed" or (
            self.last_status == "pending" and self.last_error is not None
        )


@dataclass(frozen=True)
class Delivery:
    id: int
    channel_id: int
    channel: str
    kind: str
    item_key: str
    day: date
    title: str
    status: str  # pending, sent, failed
    attempts: int
    error: str | None
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime | None


class DeliveryError(Exception):
    """Raised by a ``deliver`` function: the channel's answer, secrets already removed."""


class Notifications:
    """``book.notifications``: channels, what to send, and the delivery log."""

    def __init__(self, ctx: BookContext) -> None:
        self._ctx = ctx

    # --- channels -------------------------------------------------------------------------

    def add_channel(self, url: str, *, name: str | None = None) -> Channel:
        """A channel for an Apprise URL (stored sealed, shown masked). The door checks the
        host against the SSRF guard before calling this (it needs Apprise to find it)."""
        problem = channel_url_problem(url)
        if problem:
            raise InvalidInput(problem, field="url")
        clean = url.strip()
        masked = mask_url(clean)
        label = " ".join((name or masked).split())[:MAX_NAME]
        if not label:
            raise InvalidInput("a channel needs a name", field="name")
        now = self._ctx.now()
        with self._ctx.write() as conn:
            taken = conn.execute(
                select(s.notify_channels.c.id).where(
                    s.notify_channels.c.owner_id == self._ctx.owner_id,
                    s.notify_channels.c.name == label,
                )
            ).first()
            if taken is not None:
                raise InvalidInput(f"you already have a channel named {label!r}", field="name")
            channel_id = insert_id(
                conn,
                insert(s.notify_channels).values(
                    owner_id=self._ctx.owner_id,
                    name=label,
                    url_sealed=self._seal(clean),
                    masked=masked,
                    enabled=True,
                    created_at=now,
                ),
            )
        return Channel(channel_id, label, masked, True, now)

    def channels(self) -> builtins.list[Channel]:
        """Every channel with the outcome of its newest delivery."""
        c, d = s.notify_channels, s.notify_deliveries
        owner = self._ctx.owner_id
        with self._ctx.read() as conn:
            rows = conn.execute(
                select(c.c.id, c.c.name, c.c.masked, c.c.enabled, c.c.created_at)
                .where(c.c.owner_id == owner)
                .order_by(c.c.id)
            ).all()
            newest = (
                select(d.c.channel_id, func.max(d.c.id).label("last_id"))
                .where(d.c.owner_id == owner)
                .group_by(d.c.channel_id)
                .subquery()
            )
            last = {
                int(r.channel_id): r
                for r in conn.execute(
                    select(d.c.channel_id, d.c.status, d.c.error, d.c.created_at).join(
                        newest, newest.c.last_id == d.c.id
                    )
                )
            }
        out = []
        for r in rows:
            newest_row = last.get(int(r.id))
            out.append(
                Channel(
                    int(r.id),
                    r.name,
                    r.masked,
                    bool(r.enabled),
                    r.created_at,
                    None if newest_row is None else newest_row.status,
                    None if newest_row is None else newest_row.error,
                    None if newest_row is None else newest_row.created_at,
                )
            )
        return out

    def remove_channel(self, ref: str | int) -> Channel:
        """Forget a channel and its deliveries."""
        found = self.channel(ref)
        with self._ctx.write() as conn:
            conn.execute(
                delete(s.notify_channels).where(
                    s.notify_channels.c.owner_id == self._ctx.owner_id,
                    s.notify_channels.c.id == found.id,
                )
            )
        return found

    def channel(self, ref: str | int) -> Channel:
        """A channel by id (``3``) or by name."""
        text = str(ref).strip()
        for candidate in self.channels():
            if str(candidate.id) == text or candidate.name == text:
                return candidate
        raise NotFound(f"no notification channel {text!r}")

    def send_test(self, ref: str | int, deliver: Deliver) -> Delivery:
        """Send a test notification now through one channel; the outcome is recorded and
        returned at once (no retry)."""
        found = self.channel(ref)
        now = self._ctx.now()
        alert = Alert(
            f"test:{now.isoformat()}:{secrets.token_hex(4)}",  # every test is its own
            now.date(),
            "test",
            "Amity: test notification",
            f"This channel ({found.name}) works: Amity can reach you here.",
        )
        with self._ctx.write() as conn:
            delivery_id = self._insert(conn, found.id, alert, now, leased=True)
            url = self._url(conn, found.id)
        error = _attempt(deliver, url, alert.title, alert.body)
        self._record(delivery_id, error, retry=False)
        return self.delivery(delivery_id)

    # --- what to send ---------------------------------------------------------------------

    def preferences(self) -> AlertPrefs:
        with self._ctx.read() as conn:
            values = {key: self._ctx.setting(key, conn) for key in PREFERENCES}
        return AlertPrefs.from_settings(values)

    def set_preferences(self, values: dict[str, Any]) -> AlertPrefs:
        """Change ``notify.*`` settings (typed values or text), checked before any is stored."""
        from amity.book.settings import Settings, coerce_setting

        typed: dict[str, Any] = {}
        for key, value in values.items():
            if key not in PREFERENCES:
                raise InvalidInput(f"unknown notification setting {key!r}", field=key)
            typed[key] = coerce_setting(key, value) if isinstance(value, str) else value
            if key.startswith("notify.quiet_") and typed[key] and parse_clock(typed[key]) is None:
                raise InvalidInput(f"{key} is a time like 22:00, not {value!r}", field=key)
            if key == "notify.reply_after_days" and not 0 <= int(typed[key]) <= 365:
                raise InvalidInput(f"{key} is a number of days from 0 to 365", field=key)
        settings = Settings(self._ctx)
        for key, value in typed.items():
            settings.set(key, value)
        return self.preferences()

    def queue(self, alerts: Sequence[Alert]) -> int:
        """Queue ``alerts`` on every enabled channel, each once per channel, key and day
        (several workers may call this at once: the unique key decides). Returns how many
        were new."""
        if not alerts:
            return 0
        now = self._ctx.now()
        added = 0
        with self._ctx.write() as conn:
            channel_ids = conn.execute(
                select(s.notify_channels.c.id).where(
                    s.notify_channels.c.owner_id == self._ctx.owner_id,
                    s.notify_channels.c.enabled.is_(True),
                )
            ).scalars()
            rows = [self._row(int(cid), a, now) for cid in channel_ids for a in alerts]
            for row in rows:
                added += _insert_if_absent(conn, row)
        return added

    def deliver_due(self, deliver: Deliver, *, limit: int = 50) -> builtins.list[Delivery]:
        """Send what is due (new, or a retry whose time has come), one lease at a time."""
        claimed = self._claim(limit)
        for delivery_id, url, title, body in claimed:
            self._record(delivery_id, _attempt(deliver, url, title, body), retry=True)
        return [self.delivery(d[0]) for d in claimed]

    # --- the log --------------------------------------------------------------------------

    def deliveries(
        self, *, limit: int = 50, channel: str | int | None = None
    ) -> builtins.list[Delivery]:
        """The newest deliveries first."""
        where = []
        if channel is not None:
            where.append(s.notify_deliveries.c.channel_id == self.channel(channel).id)
        with self._ctx.read() as conn:
            return self._load(conn, where, limit=max(1, min(limit, 1000)))

    def delivery(self, delivery_id: int) -> Delivery:
        with self._ctx.read() as conn:
            found = self._load(conn, [s.notify_deliveries.c.id == delivery_id], limit=1)
        if not found:
            raise NotFound(f"no delivery {delivery_id}")
        return found[0]

    def failing(self) -> builtins.list[Channel]:
        """Channels whose newest delivery failed (shown on Today and in Settings)."""
        return [c for c in self.channels() if c.failing]

    # --- inside ---------------------------------------------------------------------------

    def _seal(self, url: str) -> str:
        from amity.crypto import secret_box

        return secret_box(self._ctx.url).seal(SEAL_PURPOSE, url, context=self._context())

    def _context(self) -> str:
        return f"user:{self._ctx.owner_id}"

    def _url(self, conn: Connection, channel_id: int) -> str:
        from amity.crypto import secret_box

        sealed = conn.execute(
            select(s.notify_channels.c.url_sealed).where(
                s.notify_channels.c.owner_id == self._ctx.owner_id,
                s.notify_channels.c.id == channel_id,
            )
        ).scalar_one()
        return secret_box(self._ctx.url).unseal_text(SEAL_PURPOSE, sealed, context=self._context())

    def _row(self, channel_id: int, alert: Alert, now: datetime) -> dict[str, Any]:
        return {
            "owner_id": self._ctx.owner_id,
            "channel_id": channel_id,
            "item_key": alert.key[:200],
            "day": alert.day,
            "kind": alert.kind,
            "title": alert.title[:300],
            "body": alert.body,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }

    def _insert(
        self, conn: Connection, channel_id: int, alert: Alert, now: datetime, *, leased: bool
    ) -> int:
        row = self._row(channel_id, alert, now)
        if leased:
            row["leased_until"] = now + LEASE
        return insert_id(conn, insert(s.notify_deliveries).values(**row))

    def _claim(self, limit: int) -> builtins.list[tuple[int, str, str, str]]:
        d, c = s.notify_deliveries, s.notify_channels
        now = self._ctx.now()
        with self._ctx.write() as conn:
            rows = conn.execute(
                select(d.c.id, d.c.channel_id, d.c.title, d.c.body)
                .join(c, c.c.id == d.c.channel_id)
                .where(
                    d.c.owner_id == self._ctx.owner_id,
                    d.c.status == "pending",
                    d.c.next_attempt_at <= now,
                    or_(d.c.leased_until.is_(None), d.c.leased_until < now),
                    c.c.enabled.is_(True),
                )
                .order_by(d.c.next_attempt_at, d.c.id)
                .limit(limit)
                .with_for_update(skip_locked=True, of=d)
            ).all()
            claimed = []
            for r in rows:
                taken = conn.execute(
                    update(d)
                    .where(
                        d.c.id == r.id,
                        or_(d.c.leased_until.is_(None), d.c.leased_until < now),
                    )
                    .values(leased_until=now + LEASE)
                )
                if taken.rowcount == 1:
                    url = self._url(conn, int(r.channel_id))
                    claimed.append((int(r.id), url, r.title, r.body))
        return claimed

    def _record(self, delivery_id: int, error: str | None, *, retry: bool) -> None:
        d = s.notify_deliveries
        now = self._ctx.now()
        with self._ctx.write() as conn:
            attempts = 1 + int(
                conn.execute(
                    select(d.c.attempts).where(
                        d.c.owner_id == self._ctx.owner_id, d.c.id == delivery_id
                    )
                ).scalar_one()
            )
            values: dict[str, Any] = {"attempts": attempts, "leased_until": None}
            if error is None:
                values.update(status="sent", sent_at=now, error=None, next_attempt_at=None)
            elif retry and attempts < NOTIFY_RETRIES:
                values.update(error=error, next_attempt_at=now + notify_retry_delay(attempts))
            else:
                values.update(status="failed", error=error, next_attempt_at=None)
            conn.execute(
                update(d)
                .where(d.c.owner_id == self._ctx.owner_id, d.c.id == delivery_id)
                .values(**values)
            )

    def _load(
        self, conn: Connection, where: builtins.list[Any], *, limit: int
    ) -> builtins.list[Delivery]:
        d, c = s.notify_deliveries, s.notify_channels
        rows = conn.execute(
            select(d, c.c.name.label("channel_name"))
            .join(c, c.c.id == d.c.channel_id)
            .where(and_(d.c.owner_id == self._ctx.owner_id, *where))
            .order_by(d.c.id.desc())
            .limit(limit)
        )
        return [
            Delivery(
                int(r.id),
                int(r.channel_id),
                r.channel_name,
                r.kind,
                r.item_key,
                r.day,
                r.title,
                r.status,
                int(r.attempts),
                r.error,
                r.created_at,
                r.sent_at,
                r.next_attempt_at,
            )
            for r in rows
        ]


def _attempt(deliver: Deliver, url: str, title: str, body: str) -> str | None:
    """Run one delivery: None when it went through, else the reason (secrets removed)."""
    from amity.crypto import redact

    try:
        deliver(url, title, body)
    except Exception as exc:
        reason = str(exc) or exc.__class__.__name__
        return redact(reason, url)[:1000]
    return None


def _insert_if_absent(conn: Connection, row: dict[str, Any]) -> int:
    """Insert unless (owner, channel, key, day) is there already: 1 when inserted."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        statement: Any = pg_insert(s.notify_deliveries).values(**row).on_conflict_do_nothing()
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        statement = sqlite_insert(s.notify_deliveries).values(**row).on_conflict_do_nothing()
    inserted = conn.execute(statement.returning(s.notify_deliveries.c.id)).first()
    return 0 if inserted is None else 1


def owners_with_channels(engine: Engine) -> builtins.list[int]:
    """Users with at least one enabled channel (for the server's scheduler)."""
    c = s.notify_channels
    with engine.connect() as conn:
        rows = conn.execute(select(c.c.owner_id).where(c.c.enabled.is_(True)).distinct()).all()
    return sorted(int(r[0]) for r in rows)
