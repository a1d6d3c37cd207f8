"""Connected accounts: the plain records of accounts, runs, per-item outcomes and conflicts.

One mechanism serves every source kind (CardDAV address books, CalDAV calendars, ICS addresses,
IMAP mailboxes): an account belongs to one owner, keeps its own cursor, and each run records an
outcome per item. Stdlib only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

#: Source kinds a connected account can be (a new kind is one entry here and one in
#: ``amity.sync.sources``).
SOURCE_KINDS = ("carddav", "caldav", "ics", "imap")
#: What happened to one item in a run.
OUTCOMES = ("created", "updated", "unchanged", "conflict", "error", "skipped", "deleted",
            "cancelled")  # fmt: skip
DIRECTIONS = ("pull", "push")
#: Which side a conflict's value came from.
SIDES = ("amity", "server")


@dataclass
class SyncAccount:
    """A connected account (never carries its secret: ``has_secret`` says whether one is kept)."""

    id: int
    kind: str
    name: str
    url: str
    username: str | None
    has_secret: bool
    options: dict[str, Any]
    enabled: bool
    interval_minutes: int
    next_run_at: datetime | None
    failures: int
    last_error: str | None
    last_run_at: datetime | None
    last_success_at: datetime | None
    created_at: datetime
    running: bool = False
    last_run: SyncRun | None = None

    @property
    def status(self) -> str:
        """``new`` (never ran), ``ok``, ``failing`` (the last run failed) or ``paused``."""
        if not self.enabled:
            return "paused"
        if self.failures:
            return "failing"
        return "ok" if self.last_success_at else "new"


@dataclass
class SyncRun:
    id: int
    account_id: int
    trigger: str
    status: str  # running, ok, failed
    started_at: datetime
    finished_at: datetime | None
    counts: dict[str, int]
    details: dict[str, Any]
    error: str | None


@dataclass
class ItemOutcome:
    """What one run did to one remote item (a card, a message, an event)."""

    outcome: str
    direction: str = "pull"
    remote_ref: str | None = None
    uid: str | None = None
    record_kind: str | None = None
    record_id: int | None = None
    label: str | None = None
    reason: str | None = None


@dataclass
class SyncConflict:
    """Both sides changed ``field`` since the last sync; ``kept`` is what the rule applied."""

    id: int
    account_id: int
    person_id: int | None
    person_name: str | None
    remote_ref: str | None
    field: str
    base_value: Any
    amity_value: Any
    server_value: Any
    kept: str
    created_at: datetime
    resolved_at: datetime | None = None
    resolution: str | None = None


@dataclass
class RunClaim:
    """A run that holds its account's lease: only its holder may record into it and finish it."""

    account: SyncAccount
    run_id: int
    lease_token: str
    counts: Counter[str] = field(default_factory=Counter)
    details: dict[str, Any] = field(default_factory=dict)

    def count(self, outcome: str, n: int = 1) -> None:
        self.counts[outcome] += n


def backoff_minutes(failures: int, interval_minutes: int) -> int:
    """Minutes until the next try: the interval when healthy; after failures 5, 10, 20...
    minutes, never more than 6 hours (nor less often than the interval when that is longer)."""
    if failures <= 0:
        return max(1, interval_minutes)
    delay: int = min(5 * 2 ** min(failures - 1, 10), max(360, interval_minutes))
    return delay
