"""Webhook subscriptions (signed per Standard Webhooks) and their delivery log.

Events are put in the outbox by the Book's writes (:mod:`amity.book.events`); this part keeps
the subscriptions (URL, events, the signing secret sealed with the installation's key) and
hands due deliveries to the deliverer (``amity.notify.webhooks``), which signs and posts them
and reports back with :meth:`Webhooks.record`. A delivery is leased while it is being sent, so
several workers never send it at the same time; failures are retried with exponential back-off
(:data:`WEBHOOK_RETRIES` attempts), and a subscription that failed
:data:`WEBHOOK_DISABLE_AFTER` times in a row is disabled, with the reason kept for the user.
"""

from __future__ import annotations

import base64
import builtins
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, or_, select, update

from amity.book.context import BookContext, insert_id
from amity.book.events import EVENT_TYPES
from amity.errors import InvalidInput, NotFound
from amity.rules.outbound import (
    MAX_URL,
    WEBHOOK_DISABLE_AFTER,
    WEBHOOK_RETRIES,
    webhook_retry_delay,
)
from amity.store import schema as s

SEAL_PURPOSE = "webhooks"
LEASE = timedelta(minutes=2)


@dataclass(frozen=True)
class Subscription:
    id: int
    url: str
    events: tuple[str, ...]
    enabled: bool
    failures: int  # failed attempts in a row
    disabled_reason: str | None
    created_at: datetime


@dataclass(frozen=True)
class WebhookDelivery:
    id: int
    subscription_id: int
    url: str
    event_type: str
    msg_id: str
    status: str  # pending, sent, failed
    attempts: int
    status_code: int | None
    error: str | None
    created_at: datetime
    delivered_at: datetime | None
    next_attempt_at: datetime | None


@dataclass(frozen=True)
class DueWebhook:
    """What the deliverer needs to sign and post one delivery."""

    delivery_id: int
    url: str
    secret: str  # whsec_...
    msg_id: str
    payload: str  # the JSON body, exactly as signed (with the time of the attempt)


def parse_events(events: Sequence[str] | str) -> tuple[str, ...]:
    """Event types from a list or ``a,b``; ``all`` or ``*`` means every event."""
    items = events.split(",") if isinstance(events, str) else list(events)
    names = [e.strip().lower() for e in items if e and e.strip()]
    if not names:
        raise InvalidInput(
            f"name the events to send: {', '.join(EVENT_TYPES)} (or all)", field="events"
        )
    if any(n in ("all", "*") for n in names):
        return EVENT_TYPES
    unknown = [n for n in names if n not in EVENT_TYPES]
    if unknown:
        raise InvalidInput(
            f"unknown event {unknown[0]!r}; events are {', '.join(EVENT_TYPES)}", field="events"
        )
    return tuple(dict.fromkeys(names))


def new_signing_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode("ascii")


class Webhooks:
    """``book.webhooks``: subscriptions, due deliveries and the delivery log."""

    def __init__(self, ctx: BookContext) -> None:
        self._ctx = ctx

    def subscribe(self, url: str, events: Sequence[str] | str) -> tuple[Subscription, str]:
        """A new subscription; returns it and its signing secret (shown once). Only http(s)
        URLs whose host is public, unless ``AMITY_WEBHOOKS_ALLOW_PRIVATE=1``."""
        from amity.netguard import check_url

        clean = url.strip()
        if len(clean) > MAX_URL:
            raise InvalidInput(f"the URL is longer than {MAX_URL} characters", field="url")
        if any(c in clean for c in "\x00\r\n\t "):
            raise InvalidInput("the URL cannot contain spaces or control characters", field="url")
        check_url(clean, purpose="webhooks")
        kinds = parse_events(events)
        secret = new_signing_secret()
        now = self._ctx.now()
        with self._ctx.write() as conn:
            sub_id = insert_id(
                conn,
                s.webhook_subscriptions.insert().values(
                    owner_id=self._ctx.owner_id,
                    url=clean,
                    events=json.dumps(list(kinds)),
                    secret_sealed=self._seal(secret),
                    enabled=True,
                    failures=0,
                    created_at=now,
                ),
            )
        return Subscription(sub_id, clean, kinds, True, 0, None, now), secret

    def subscriptions(self) -> builtins.list[Subscription]:
        w = s.webhook_subscriptions
        with self._ctx.read() as conn:
            rows = conn.execute(
                select(w).where(w.c.owner_id == self._ctx.owner_id).order_by(w.c.id)
            ).all()
        return [_subscription(r) for r in rows]

    def subscription(self, subscription_id: int) -> Subscription:
        w = s.webhook_subscriptions
        with self._ctx.read() as conn:
            row = conn.execute(
                select(w).where(w.c.owner_id == self._ctx.owner_id, w.c.id == subscription_id)
            ).first()
        if row is None:
            raise NotFound(f"no webhook {subscription_id}")
        return _subscription(row)

    def unsubscribe(self, subscription_id: int) -> Subscription:
        """Forget a subscription, its pending deliveries and its log."""
        found = self.subscription(subscription_id)
        w = s.webhook_subscriptions
        with self._ctx.write() as conn:
            conn.execute(delete(w).where(w.c.owner_id == self._ctx.owner_id, w.c.id == found.id))
        return found

    def enable(self, subscription_id: int) -> Subscription:
        """Turn a (disabled) subscription back on: its waiting deliveries are tried again."""
        found = self.subscription(subscription_id)
        w, d = s.webhook_subscriptions, s.webhook_deliveries
        now = self._ctx.now()
        with self._ctx.write() as conn:
            conn.execute(
                update(w)
                .where(w.c.owner_id == self._ctx.owner_id, w.c.id == found.id)
                .values(enabled=True, failures=0, disabled_reason=None)
            )
            conn.execute(
                update(d)
                .where(
                    d.c.owner_id == self._ctx.owner_id,
                    d.c.subscription_id == found.id,
                    d.c.status == "pending",
                )
                .values(next_attempt_at=now)
            )
        return self.subscription(found.id)

    def disabled(self) -> builtins.list[Subscription]:
        """Subscriptions turned off after repeated failures (shown on Today and Settings)."""
        return [x for x in self.subscriptions() if not x.enabled and x.disabled_reason]

    # --- delivering -------------------------------------------------------------------------

    def claim_due(self, *, limit: int = 50) -> builtins.list[DueWebhook]:
        """Lease the deliveries whose time has come (of enabled subscriptions)."""
        d, w, e = s.webhook_deliveries, s.webhook_subscriptions, s.webhook_events
        now = self._ctx.now()
        with self._ctx.write() as conn:
            rows = conn.execute(
                select(d.c.id, w.c.url, w.c.secret_sealed, e.c.msg_id, e.c.payload)
                .join(w, w.c.id == d.c.subscription_id)
                .join(e, e.c.id == d.c.event_id)
                .where(
                    d.c.owner_id == self._ctx.owner_id,
                    d.c.status == "pending",
                    d.c.next_attempt_at <= now,
                    or_(d.c.leased_until.is_(None), d.c.leased_until < now),
                    w.c.enabled.is_(True),
                )
                .order_by(d.c.next_attempt_at, d.c.id)
                .limit(max(1, limit))
                .with_for_update(skip_locked=True, of=d)
            ).all()
            due = []
            for r in rows:
                taken = conn.execute(
                    update(d)
                    .where(d.c.id == r.id, or_(d.c.leased_until.is_(None), d.c.leased_until < now))
                    .values(leased_until=now + LEASE)
                )
                if taken.rowcount == 1:
                    secret = self._unseal(r.secret_sealed)
                    due.append(DueWebhook(int(r.id), r.url, secret, r.msg_id, r.payload))
        return due

    def record(
        self, delivery_id: int, *, status_code: int | None = None, error: str | None = None
    ) -> WebhookDelivery:
        """The outcome of one attempt: delivered (``error`` None), or failed with the reason
        (retried with back-off; the subscription is disabled after too many in a row)."""
        d, w = s.webhook_deliveries, s.webhook_subscriptions
        now = self._ctx.now()
        with self._ctx.write() as conn:
            row = conn.execute(
                select(d.c.attempts, d.c.subscription_id).where(
                    d.c.owner_id == self._ctx.owner_id, d.c.id == delivery_id
                )
            ).first()
            if row is None:
                raise NotFound(f"no webhook delivery {delivery_id}")
            attempts = int(row.attempts) + 1
            values: dict[str, Any] = {
                "attempts": attempts,
                "leased_until": None,
                "status_code": status_code,
            }
            mine = and_(w.c.owner_id == self._ctx.owner_id, w.c.id == row.subscription_id)
            if error is None:
                values.update(status="sent", delivered_at=now, error=None, next_attempt_at=None)
                conn.execute(update(w).where(mine).values(failures=0))
            else:
                values["error"] = error[:1000]
                if attempts < WEBHOOK_RETRIES:
                    values["next_attempt_at"] = now + webhook_retry_delay(attempts)
                else:
                    values.update(status="failed", next_attempt_at=None)
                self._count_failure(conn, mine, error)
            conn.execute(
                update(d)
                .where(d.c.owner_id == self._ctx.owner_id, d.c.id == delivery_id)
                .values(**values)
            )
            return self._load(conn, [d.c.id == delivery_id], limit=1)[0]

    def _count_failure(self, conn: Connection, mine: Any, error: str) -> None:
        w = s.webhook_subscriptions
        conn.execute(update(w).where(mine).values(failures=w.c.failures + 1))
        failures = int(conn.execute(select(w.c.failures).where(mine)).scalar_one())
        if failures >= WEBHOOK_DISABLE_AFTER:
            reason = f"disabled after {failures} failed deliveries in a row; last: {error}"
            conn.execute(
                update(w)
                .where(mine, w.c.enabled.is_(True))
                .values(enabled=False, disabled_reason=reason[:1000])
            )

    def deliveries(
        self, *, limit: int = 50, subscription: int | None = None
    ) -> builtins.list[WebhookDelivery]:
        """The delivery log, newest first."""
        where = []
        if subscription is not None:
            where.append(
                s.webhook_deliveries.c.subscription_id == self.subscription(subscription).id
            )
        with self._ctx.read() as conn:
            return self._load(conn, where, limit=max(1, min(limit, 1000)))

    # --- inside -----------------------------------------------------------------------------

    def _seal(self, secret: str) -> str:
        from amity.crypto import secret_box

        return secret_box(self._ctx.url).seal(
            SEAL_PURPOSE, secret, context=f"user:{self._ctx.owner_id}"
        )

    def _unseal(self, sealed: str) -> str:
        from amity.crypto import secret_box

        return secret_box(self._ctx.url).unseal_text(
            SEAL_PURPOSE, sealed, context=f"user:{self._ctx.owner_id}"
        )

    def _load(
        self, conn: Connection, where: builtins.list[Any], *, limit: int
    ) -> builtins.list[WebhookDelivery]:
        d, w, e = s.webhook_deliveries, s.webhook_subscriptions, s.webhook_events
        rows = conn.execute(
            select(d, w.c.url, e.c.event_type, e.c.msg_id)
            .join(w, w.c.id == d.c.subscription_id)
            .join(e, e.c.id == d.c.event_id)
            .where(and_(d.c.owner_id == self._ctx.owner_id, *where))
            .order_by(d.c.id.desc())
            .limit(limit)
        )
        return [
            WebhookDelivery(
                int(r.id),
                int(r.subscription_id),
                r.url,
                r.event_type,
                r.msg_id,
                r.status,
                int(r.attempts),
                r.status_code,
                r.error,
                r.created_at,
                r.delivered_at,
                r.next_attempt_at,
            )
            for r in rows
        ]


def _subscription(row: Any) -> Subscription:
    return Subscription(
        int(row.id),
        row.url,
        tuple(json.loads(row.events)),
        bool(row.enabled),
        int(row.failures),
        row.disabled_reason,
        row.created_at,
    )


def owners_with_due_webhooks(engine: Engine, now: datetime) -> builtins.list[int]:
    """Users with a webhook delivery whose time has come (for the server's scheduler)."""
    d = s.webhook_deliveries
    with engine.connect() as conn:
        rows = conn.execute(
            select(d.c.owner_id)
            .where(d.c.status == "pending", d.c.next_attempt_at <= now)
            .distinct()
        ).all()
    return sorted(int(r[0]) for r in rows)
