"""One scheduler across workers: the lease decides which process runs the jobs (both
backends), and `amity serve --workers 4` on PostgreSQL has exactly one leader, replaced when
it dies."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from amity import leases
from amity.book import open_engine
from amity.store.engine import pool_per_worker
from amity.web.leader import Leadership
from tests.web.conftest import free_port
from tests.web.test_serve import empty_pg_url, wait_until_up  # noqa: F401 - fixture

T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
TTL = timedelta(seconds=30)


def test_one_holder_at_a_time_and_takeover_after_expiry(db_url: str) -> None:
    engine = open_engine(db_url)
    name = f"duty-{os.getpid()}-{time.monotonic_ns()}"
    assert leases.hold(engine, name, "a", now=T0, ttl=TTL)
    assert not leases.hold(engine, name, "b", now=T0 + timedelta(seconds=1), ttl=TTL)
    assert leases.hold(engine, name, "a", now=T0 + timedelta(seconds=20), ttl=TTL)  # renewed
    assert not leases.hold(engine, name, "b", now=T0 + timedelta(seconds=45), ttl=TTL)
    assert leases.holder_of(engine, name, now=T0 + timedelta(seconds=45)) == "a"
    later = T0 + timedelta(seconds=51)  # a's renewal ran out at 50 s
    assert leases.holder_of(engine, name, now=later) is None
    assert leases.hold(engine, name, "b", now=later, ttl=TTL)
    assert not leases.hold(engine, name, "a", now=later, ttl=TTL)
    leases.release(engine, name, "a", now=later)  # not the holder: changes nothing
    assert leases.holder_of(engine, name, now=later) == "b"
    leases.release(engine, name, "b", now=later)
    assert leases.hold(engine, name, "a", now=later, ttl=TTL)


def test_racing_first_claims_elect_one(db_url: str) -> None:
    engine = open_engine(db_url)
    name = f"race-{os.getpid()}-{time.monotonic_ns()}"
    won: list[str] = []
    barrier = threading.Barrier(4)

    def claim(who: str) -> None:
        barrier.wait()
        if leases.hold(engine, name, who, now=T0, ttl=TTL):
            won.append(who)

    threads = [threading.Thread(target=claim, args=(f"p{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1
    assert leases.holder_of(engine, name, now=T0) == won[0]


def test_only_the_leader_runs_the_job(db_url: str) -> None:
    engine = open_engine(db_url)
    name = f"jobs-{os.getpid()}-{time.monotonic_ns()}"
    now = [T0]
    workers = [Leadership(engine, interval=10, clock=lambda: now[0], name=name) for _ in range(3)]
    ran: list[int] = []
    jobs = [w.gate(lambda n=n: ran.append(n)) for n, w in enumerate(workers)]
    for _ in range(3):
        for job in jobs:
            job()
        now[0] += timedelta(seconds=10)
    assert ran == [0, 0, 0]  # the first to ask leads and keeps leading while it renews
    workers[0].release()  # a clean shutdown hands over at once
    for job in jobs[1:]:
        job()
    assert ran == [0, 0, 0, 1]
    now[0] += timedelta(seconds=31)  # worker 1 stopped renewing: its lease ran out
    jobs[2]()
    assert ran == [0, 0, 0, 1, 2]


@pytest.mark.pg
def test_worker_pools_fit_the_servers_connections(pg_url: str) -> None:
    engine = open_engine(pg_url)
    with engine.connect() as conn:
        allowed = int(conn.execute(text("SHOW max_connections")).scalar_one())
    for workers in (1, 4, 8):
        pool, budget = pool_per_worker(engine, workers)
        assert 1 <= pool <= 5 and budget < allowed
        if budget >= 2 * workers:
            assert workers * 2 * pool <= budget


AMITY = [sys.executable, "-m", "amity"]
LEADS = re.compile(r"scheduler: this process leads \(([^)]*)\)")


@pytest.mark.slow
@pytest.mark.pg
def test_four_workers_on_postgresql_elect_one_scheduler(
    empty_pg_url: str,  # noqa: F811 - the fixture imported above
    cli_env: Path,
) -> None:
    port = free_port()
    env = {**os.environ, "AMITY_SCHEDULER": "1", "AMITY_SCHEDULER_INTERVAL": "1"}
    log = cli_env / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [*AMITY, "serve", "--db", empty_pg_url, "--port", str(port), "--workers", "4"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    engine = create_engine(empty_pg_url)
    try:
        wait_until_up(f"http://127.0.0.1:{port}", server)
        first = _holder_after(engine, time.monotonic() + 30)
        time.sleep(3)  # three more rounds in every worker
        assert _holder_after(engine, time.monotonic() + 5) == first  # renewed, never taken
        assert LEADS.findall(log.read_text()) == [first]
        assert "Database connections: 4 worker(s)" in log.read_text()
        os.kill(int(first.split(":")[1]), signal.SIGKILL)  # the leader dies without a word
        deadline = time.monotonic() + 30
        second = first
        while second == first and time.monotonic() < deadline:
            time.sleep(0.5)
            second = _holder_after(engine, deadline)
        assert second != first
        assert LEADS.findall(log.read_text())[-1] == second
    finally:
        server.terminate()
        server.wait(timeout=30)
        engine.dispose()


def _holder_after(engine: object, deadline: float) -> str:
    while time.monotonic() < deadline:
        holder = leases.holder_of(engine, "scheduler", now=datetime.now(UTC))  # type: ignore[arg-type]
        if holder is not None:
            return holder
        time.sleep(0.2)
    raise AssertionError("no process took the scheduler lease")
