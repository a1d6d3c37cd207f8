"""One scheduler across workers: only the process holding the ``scheduler`` lease runs jobs.

Every worker of `amity serve --workers N` (and every server on the same database) starts the
scheduler; each job is wrapped by :meth:`Leadership.gate`, which runs it only in the process
that holds the lease (amity/leases.py). The holder renews the lease at each round; a lease
lasts three rounds, so when the leader stops another worker takes over within about three
rounds (at once when the leader shut down cleanly: it gives the lease up).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from amity import leases

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger("amity.scheduler")
LEASE = "scheduler"
ROUNDS_PER_LEASE = 3


def real_now() -> datetime:
    return datetime.now(UTC)


class Leadership:
    """Whether this process leads, asked once per round of the scheduler."""

    def __init__(
        self,
        engine: Engine,
        *,
        interval: float,
        clock: Callable[[], datetime] = real_now,
        name: str = LEASE,
    ) -> None:
        self.engine = engine
        self.name = name
        self.holder = leases.process_name()
        self.ttl = timedelta(seconds=interval * ROUNDS_PER_LEASE)
        self.clock = clock
        self.leading = False

    def check(self) -> bool:
        """Take or renew the lease; logs when this process starts or stops leading."""
        try:
            leading = leases.hold(
                self.engine, self.name, self.holder, now=self.clock(), ttl=self.ttl
            )
        except Exception:
            log.exception("scheduler: cannot reach the lease")
            leading = False
        if leading != self.leading:
            log.info(
                "scheduler: %s (%s)",
                "this process leads" if leading else "no longer leading",
                self.holder,
            )
        self.leading = leading
        return leading

    def gate(self, job: Callable[[], Any]) -> Callable[[], Any]:
        """``job`` run only when this process holds the lease."""

        def run_if_leading() -> Any:
            return job() if self.check() else None

        return run_if_leading

    def release(self) -> None:
        if self.leading:
            try:
                leases.release(self.engine, self.name, self.holder, now=self.clock())
            except Exception:
                log.exception("scheduler: cannot give the lease up")
            self.leading = False
