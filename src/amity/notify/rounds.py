"""The scheduler's passes over every user: notifications and webhooks (run by web/scheduler.py
in the web app, every minute and every 20 seconds).

Each pass lists the users with work (channels; due webhook deliveries), opens their Book and
runs one user at a time; one user's failure is logged (without secrets) and never stops the
others. Composing today's alerts reads the agenda, so it happens at most every
:data:`COMPOSE_EVERY` per user; sending what is due (retries included) happens on every pass.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from amity.book import Book

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger("amity.notify")
COMPOSE_EVERY = timedelta(minutes=10)


class NotifyRound:
    def __init__(self, engine: Engine, url: str, clock: Callable[[], datetime]) -> None:
        self.engine, self.url, self.clock = engine, url, clock
        self.composed: dict[int, datetime] = {}

    def __call__(self) -> dict[int, int]:
        from amity.book.notifications import owners_with_channels

        sent: dict[int, int] = {}
        try:
            owners = owners_with_channels(self.engine)
        except Exception:
            log.exception("notifications: cannot list users")
            return sent
        for owner_id in owners:
            sent[owner_id] = self.run_for(owner_id)
        return sent

    def run_for(self, owner_id: int) -> int:
        from amity.notify.alerts import run_notifications

        now = self.clock()
        last = self.composed.get(owner_id)
        compose = last is None or now - last >= COMPOSE_EVERY
        book = Book(self.engine, owner_id, self.url, self.clock, door="scheduler")
        try:
            outcome = run_notifications(book, compose=compose)
        except Exception as exc:
            log.error("notifications for user %s failed: %s", owner_id, exc.__class__.__name__)
            return 0
        if compose and not outcome.quiet:
            self.composed[owner_id] = now
        return sum(1 for d in outcome.deliveries if d.status == "sent")


class WebhookRound:
    def __init__(self, engine: Engine, url: str, clock: Callable[[], datetime]) -> None:
        self.engine, self.url, self.clock = engine, url, clock

    def __call__(self) -> dict[int, int]:
        from amity.book.webhooks import owners_with_due_webhooks
        from amity.notify.webhooks import deliver_webhooks

        done: dict[int, int] = {}
        try:
            owners = owners_with_due_webhooks(self.engine, self.clock())
        except Exception:
            log.exception("webhooks: cannot list users")
            return done
        for owner_id in owners:
            book = Book(self.engine, owner_id, self.url, self.clock, door="scheduler")
            try:
                done[owner_id] = len(deliver_webhooks(book))
            except Exception as exc:
                log.error("webhooks for user %s failed: %s", owner_id, exc.__class__.__name__)
        return done
