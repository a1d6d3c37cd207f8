"""Leases: which one of several server processes runs a background duty.

``amity serve --workers 4`` starts four processes, and several servers may share one
database; each starts the scheduler, but only the process holding the ``scheduler`` lease
runs its jobs. The holder renews the lease every round; when it stops (or dies), the lease
expires and the next process to ask takes it over. A lease is one row of
``scheduler_leases``, claimed with a single conditional UPDATE (or the first INSERT), so two
processes never both hold it, on SQLite or PostgreSQL.

Like accounts.py, this is a door to installation-level rows, used by the web app's
scheduler. Times come from the caller (the real clock: a lease is about live processes).
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import datetime, timedelta

from sqlalchemy import Engine, case, insert, literal, select, update
from sqlalchemy.exc import IntegrityError

from amity.store import engine as store_engine
from amity.store import schema as s


def process_name() -> str:
    """Who holds a lease: this host and process (and a random part: pids are reused)."""
    return f"{socket.gethostname()[:120]}:{os.getpid()}:{secrets.token_hex(4)}"


def hold(engine: Engine, name: str, holder: str, *, now: datetime, ttl: timedelta) -> bool:
    """Take or renew lease ``name`` for ``holder`` until ``now + ttl``; False when another
    process holds it and it has not expired."""
    t = s.scheduler_leases
    until = now + ttl
    with store_engine.write_transaction(engine) as conn:
        renewed = conn.execute(
            update(t)
            .where(t.c.name == name, (t.c.holder == holder) | (t.c.expires_at <= now))
            .values(
                holder=holder,
                expires_at=until,
                acquired_at=case(
                    (t.c.holder == holder, t.c.acquired_at), else_=literal(now, s.UTCDateTime())
                ),
            )
        )
        if renewed.rowcount == 1:
            return True
        if conn.execute(select(t.c.name).where(t.c.name == name)).first() is not None:
            return False
    try:  # the first claim ever: of two processes inserting at once, one wins
        with store_engine.write_transaction(engine) as conn:
            conn.execute(
                insert(t).values(name=name, holder=holder, acquired_at=now, expires_at=until)
            )
    except IntegrityError:
        return False
    return True


def release(engine: Engine, name: str, holder: str, *, now: datetime) -> None:
    """Give the lease up (on shutdown), so that another process takes it at once."""
    t = s.scheduler_leases
    with store_engine.write_transaction(engine) as conn:
        conn.execute(update(t).where(t.c.name == name, t.c.holder == holder).values(expires_at=now))


def holder_of(engine: Engine, name: str, *, now: datetime) -> str | None:
    """The process holding lease ``name`` now, if any."""
    t = s.scheduler_leases
    with engine.connect() as conn:
        row = conn.execute(select(t.c.holder, t.c.expires_at).where(t.c.name == name)).first()
    return row.holder if row is not None and row.expires_at > now else None
