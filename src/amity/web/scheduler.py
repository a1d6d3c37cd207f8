"""The server's own scheduler for the daily digest (and notifications, webhooks, syncs and
backups): no cron needed.

Every minute it looks for users whose digest is due (`digest.enabled`, past `digest.time` in
their time zone) and asks their Book to send it. Sending is claimed per owner and day in the
database (`digests_sent`, in the same transaction as the delivery), so several workers or
servers running this scheduler never send one twice.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from amity import accounts
from amity.book import Book
from amity.web.deps import WebConfig

log = logging.getLogger("amity.scheduler")
INTERVAL_SECONDS = 60
INTERVAL_ENV = "AMITY_SCHEDULER_INTERVAL"


class DigestRound:
    """One pass over the users; remembers who is settled for the day (sent, already sent,
    nothing to send) so later passes do not rebuild their agenda."""

    def __init__(self, cfg: WebConfig) -> None:
        self.cfg = cfg
        self.settled: set[tuple[int, date]] = set()

    def __call__(self) -> dict[int, str]:
        outcomes: dict[int, str] = {}
        try:
            owners = accounts.owners_with_digest(self.cfg.engine)
        except Exception:
            log.exception("digest scheduler: cannot list users")
            return outcomes
        for owner_id in owners:
            outcome = self.send_for(owner_id)
            if outcome is not None:
                outcomes[owner_id] = outcome
        return outcomes

    def send_for(self, owner_id: int) -> str | None:
        from amity.notify.digest import digest_due, send_digest

        book = Book(self.cfg.engine, owner_id, self.cfg.url, self.cfg.clock, door="scheduler")
        try:
            day = digest_due(book.settings.all(reveal_secrets=True), book.now())
            if day is None or (owner_id, day) in self.settled:
                return None
            outcome, _ = send_digest(book, today=day)
        except Exception:
            log.exception("digest for user %s failed", owner_id)
            return "error"
        self.settled.add((owner_id, day))
        return outcome


class SyncRound:
    """Connected accounts that are due (each every 15 minutes by default, sooner after a
    failure's back-off ends): each run claims its account's lease in the database, so with
    several workers an account still runs once at a time."""

    def __init__(self, cfg: WebConfig) -> None:
        self.cfg = cfg

    def __call__(self) -> dict[int, str]:
        from amity.sync.runner import run_due

        try:
            return run_due(self.cfg.engine, self.cfg.url, self.cfg.clock)
        except Exception:
            log.exception("sync scheduler: cannot list due accounts")
            return {}


class BackupRound:
    """The installation's scheduled backup (daily by default, `amity backup config`): when
    one is due it is taken, checked in a scratch database and kept, or recorded as failed
    (Today and Settings show it). Runs only in the worker holding the scheduler lease."""

    def __init__(self, cfg: WebConfig) -> None:
        self.cfg = cfg

    def __call__(self) -> str | None:
        from amity.backups import Backups

        try:
            run = Backups(self.cfg.engine, self.cfg.url, self.cfg.clock).run_due()
        except Exception:
            log.exception("backup scheduler: the backup round failed")
            return "error"
        if run is not None and run.status != "ok":
            log.error("scheduled backup %s failed: %s", run.name, run.error)
        return None if run is None else run.status


class TrashRound:
    """Forget what has been in the trash past its 30 days, for every user (issue 15): one
    indexed query when nothing is due."""

    def __init__(self, cfg: WebConfig) -> None:
        self.cfg = cfg

    def __call__(self) -> int:
        from amity.book.history import purge_trash

        try:
            return purge_trash(self.cfg.engine, self.cfg.clock())
        except Exception:
            log.exception("trash purge failed")
            return 0


def start_digest_scheduler(cfg: WebConfig, *, interval: float | None = None) -> Callable[[], None]:
    """Start the background scheduler; returns the function that stops it.

    Every worker starts one, but jobs run only in the worker holding the scheduler lease
    (web/leader.py). ``AMITY_SCHEDULER_INTERVAL`` (seconds, default 60) sets the round.
    """
    from apscheduler.schedulers.background import BackgroundScheduler

    from amity.web.leader import Leadership

    seconds = interval or float(os.environ.get(INTERVAL_ENV) or INTERVAL_SECONDS)
    leadership = Leadership(cfg.engine, interval=seconds)
    scheduler = BackgroundScheduler(daemon=True, timezone="UTC")
    scheduler.add_job(
        leadership.gate(DigestRound(cfg)),
        "interval",
        seconds=seconds,
        id="digest",
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),  # claim the lease at start, not a round later
    )
    add_outbound_jobs(scheduler, cfg, interval=seconds, gate=leadership.gate)
    scheduler.add_job(  # issue 10: connected accounts (each run also leases its account)
        leadership.gate(SyncRound(cfg)),
        "interval",
        seconds=seconds,
        id="sync",
        max_instances=1,
        coalesce=True,
    )
    scheduler.add_job(  # issue 15: the installation's backups, checked before they are kept
        leadership.gate(BackupRound(cfg)),
        "interval",
        seconds=seconds,
        id="backup",
        max_instances=1,
        coalesce=True,
    )
    scheduler.add_job(  # issue 15: the trash keeps deleted records 30 days
        leadership.gate(TrashRound(cfg)),
        "interval",
        seconds=max(seconds, 300.0),
        id="trash",
        max_instances=1,
        coalesce=True,
    )
    scheduler.start()

    def stop() -> None:
        scheduler.shutdown(wait=False)
        leadership.release()

    return stop


def add_outbound_jobs(
    scheduler: Any,
    cfg: WebConfig,
    *,
    interval: float,
    gate: Callable[[Callable[[], Any]], Callable[[], Any]],
) -> None:
    """Notifications on the users' channels (every ``interval``) and webhook deliveries
    (three times as often): amity.notify.rounds, run by the worker holding the lease."""
    from amity.notify.rounds import NotifyRound, WebhookRound

    scheduler.add_job(
        gate(NotifyRound(cfg.engine, cfg.url, cfg.clock)),
        "interval",
        seconds=interval,
        id="notify",
        max_instances=1,
        coalesce=True,
    )
    scheduler.add_job(
        gate(WebhookRound(cfg.engine, cfg.url, cfg.clock)),
        "interval",
        seconds=max(1.0, interval / 3),
        id="webhooks",
        max_instances=1,
        coalesce=True,
    )
