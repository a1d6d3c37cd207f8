"""Load test: the server mode (`amity serve --workers 4` on PostgreSQL) under a steady mix of
reads and writes from 20 users with 2,000 people each, on loopback.

``run() -> dict`` restores the cached PostgreSQL book of 20 demo owners (benchmarks/books.py;
built the first time), gives each owner an API token and a signed session, starts
``amity serve --workers 4`` (scheduler on, as in production) and sends requests at a fixed rate
(open loop: request i leaves at start + i / rate whatever the answers before it, so a slow
server is not hidden by a waiting client), then stops the server and drops the database.

Latency is measured from the moment a request was due to leave until its answer is read, so
any lag of the client counts against the server. An answer other than the expected status,
a timeout or a refused connection is an error.

Targets (issue 14): 200 requests/s for 5 minutes, 0 errors, p99 under 150 ms.

Bounded: ``rate x seconds`` requests, at most ``MAX_IN_FLIGHT`` at once (beyond: counted as
errors, not sent), a 10 s timeout each; the run stops by itself. Only 127.0.0.1 is contacted.

    python -m benchmarks.bench_load              # BENCH_LOAD_SECONDS=300 BENCH_LOAD_RATE=200
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

USERS, PEOPLE, WORKERS = 20, 2_000, 4
RATE = float(os.environ.get("BENCH_LOAD_RATE", "200"))
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "300"))
TARGET_P99_MS = 150.0
MAX_IN_FLIGHT = 400
TIMEOUT_S = 10.0
SEED = 14
SEARCHES = ("python", "coffee", "berlin", "investor", "roadmap", "mar", "lisbon", "hiring")

# (what, share of requests): what people do most is look things up; about a fifth are writes
MIX = (
    ("GET / (Today page)", 8),
    ("GET /people/{id} (Person page)", 10),
    ("GET /people?q= (People search)", 7),
    ("GET /api/v1/agenda?limit=50", 5),
    ("GET /api/v1/people?limit=50", 15),
    ("GET /api/v1/people/{id}", 15),
    ("GET /api/v1/search?q=", 10),
    ("GET /api/v1/interactions?limit=20", 10),
    ("POST /api/v1/interactions", 12),
    ("PATCH /api/v1/people/{id}", 4),
    ("POST /api/v1/people", 4),
)


@dataclass
class Owner:
    id: int
    token: str
    cookie: str
    csrf: str
    people: list[int]


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    skipped: int = 0


def run(*, rate: float = RATE, seconds: float = SECONDS) -> dict[str, Any]:
    from benchmarks.books import drop_postgres, postgres_book

    url = postgres_book(PEOPLE, owners=USERS, name="amity_bench_load")
    secret = "bench-" + uuid.uuid4().hex
    try:
        owners = _prepare_owners(url, secret)
        port = _free_port()
        server = _start_server(url, port, secret)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(base, server)
            load_before = os.getloadavg()[0]
            cpu_before = _cpu()
            server_before = _tree_cpu(server.pid) + _database_cpu(url)
            tally, elapsed = asyncio.run(_drive(base, owners, rate, seconds))
            client_cpu = _cpu() - cpu_before
            server_cpu = _tree_cpu(server.pid) + _database_cpu(url) - server_before
            load_after = os.getloadavg()[0]
            connections = _connections(url)
        finally:
            _stop(server)
        summary = _summary(tally, elapsed, rate, seconds, client_cpu, load_before, load_after)
        return summary | {
            "server_and_database_cpu_s": round(server_cpu, 1),
            "server_and_database_cpu_ms_per_request": round(
                server_cpu * 1000 / max(1, summary["requests"]), 1
            ),
            "database_connections_at_end": connections,
        }
    finally:
        drop_postgres(url)


def _prepare_owners(url: str, secret: str) -> list[Owner]:
    from itsdangerous import TimestampSigner
    from sqlalchemy import text

    from amity import accounts
    from amity.book import open_engine
    from amity.security import hash_password

    engine = open_engine(url)
    owners = []
    with engine.connect() as conn:
        ids = [int(r[0]) for r in conn.execute(text("SELECT id FROM users ORDER BY id"))]
        people = defaultdict(list)
        for owner_id, person_id in conn.execute(
            text("SELECT owner_id, id FROM people WHERE archived_at IS NULL ORDER BY id")
        ):
            people[int(owner_id)].append(int(person_id))
    signer = TimestampSigner(secret)
    password = hash_password("load-" + secret)  # a session needs a user with a password
    for owner_id in ids:
        accounts.set_password(engine, owner_id, password)
        _, token = accounts.create_api_token(engine, owner_id, "load", now=datetime.now(UTC))
        user = accounts.user_by_id(engine, owner_id)
        assert user is not None
        csrf = uuid.uuid4().hex
        sid = accounts.start_session(engine, owner_id, method="password", now=datetime.now(UTC))
        payload = {"sid": sid, "csrf": csrf}
        cookie = signer.sign(base64.b64encode(json.dumps(payload).encode())).decode()
        owners.append(Owner(owner_id, token, cookie, csrf, people[owner_id]))
    return owners


def _start_server(url: str, port: int, secret: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "AMITY_SECRET_KEY": secret,
        "AMITY_SCHEDULER": "1",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("AMITY_DATABASE_URL", "AMITY_DB_POOL_SIZE"):
        env.pop(name, None)
    command = [sys.executable, "-m", "amity", "serve", "--db", url, "--port", str(port)]
    command += ["--workers", str(WORKERS), "--log-level", "warning"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _request(rng: random.Random, owner: Owner, n: int) -> tuple[str, str, str, Any, bool]:
    """(what, method, path, json body, as a page) for the n-th request."""
    what = rng.choices([m for m, _ in MIX], weights=[w for _, w in MIX])[0]
    person = rng.choice(owner.people)
    word = rng.choice(SEARCHES)
    if what.startswith("GET / "):
        return what, "GET", "/", None, True
    if what.startswith("GET /people/{id}"):
        return what, "GET", f"/people/{person}", None, True
    if what.startswith("GET /people?q="):
        return what, "GET", f"/people?q={word}", None, True
    if what.startswith("GET /api/v1/people/{id}"):
        return what, "GET", f"/api/v1/people/{person}", None, False
    if what.startswith("GET /api/v1/search"):
        return what, "GET", f"/api/v1/search?q={word}", None, False
    if what.startswith("POST /api/v1/interactions"):
        body = {"people": [person], "kind": rng.choice(["call", "message", "email"])}
        return what, "POST", "/api/v1/interactions", body | {"notes": f"load test {n}"}, False
    if what.startswith("PATCH"):
        return what, "PATCH", f"/api/v1/people/{person}", {"title": f"Title {n % 97}"}, False
    if what.startswith("POST /api/v1/people"):
        return what, "POST", "/api/v1/people", {"name": f"Load Person {n}"}, False
    return what, "GET", what.split()[1], None, False


async def _drive(
    base: str, owners: list[Owner], rate: float, seconds: float
) -> tuple[Tally, float]:
    """Send ``rate x seconds`` requests, request n due at start + n / rate."""
    tally = Tally()
    rng = random.Random(SEED)
    pages, apis = _clients(base, owners)
    in_flight: set[asyncio.Task[None]] = set()
    start = time.perf_counter()
    for n in range(int(rate * seconds)):
        due = start + n / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if len(in_flight) >= MAX_IN_FLIGHT:
            tally.skipped += 1
            continue
        owner = owners[n % len(owners)]
        what, method, path, body, page = _request(rng, owner, n)
        client = pages[owner.id] if page else apis[owner.id]
        task = asyncio.create_task(_send(tally, client, what, method, path, body, due))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
    if in_flight:
        await asyncio.wait(in_flight, timeout=TIMEOUT_S + 5)
    elapsed = time.perf_counter() - start
    for client in [*pages.values(), *apis.values()]:
        await client.aclose()
    return tally, elapsed


def _clients(base: str, owners: list[Owner]) -> tuple[dict[int, Any], dict[int, Any]]:
    """Each user's own connections: one client for pages (its cookie jar holds the session)
    and one for the API (Bearer token, no cookies). Idle connections are dropped before
    uvicorn's 5 s keep-alive ends, so no request races a connection being closed."""
    import httpx

    from amity.web.sessions import COOKIE

    limits = httpx.Limits(max_connections=50, max_keepalive_connections=10, keepalive_expiry=2.0)
    pages = {
        o.id: httpx.AsyncClient(
            base_url=base, timeout=TIMEOUT_S, limits=limits, cookies={COOKIE: o.cookie}
        )
        for o in owners
    }
    apis = {
        o.id: httpx.AsyncClient(
            base_url=base,
            timeout=TIMEOUT_S,
            limits=limits,
            headers={"Authorization": f"Bearer {o.token}"},
        )
        for o in owners
    }
    return pages, apis


async def _send(
    tally: Tally, client: Any, what: str, method: str, path: str, body: Any, due: float
) -> None:
    import httpx

    try:
        answer = await client.request(method, path, json=body)
        await answer.aread()
        problem = "" if answer.status_code in (200, 201) else f"HTTP {answer.status_code}"
    except httpx.HTTPError as exc:
        problem = exc.__class__.__name__
    tally.latencies[what].append((time.perf_counter() - due) * 1000)
    if problem:
        tally.errors[what].append(problem)


def _summary(
    tally: Tally,
    elapsed: float,
    rate: float,
    seconds: float,
    client_cpu: float,
    load_before: float,
    load_after: float,
) -> dict[str, Any]:
    every = sorted(v for values in tally.latencies.values() for v in values)
    errors = sum(len(v) for v in tally.errors.values()) + tally.skipped
    p99 = _pct(every, 0.99)
    return {
        "name": f"load: amity serve --workers {WORKERS}, PostgreSQL, {USERS} users x {PEOPLE:,}",
        "rate_asked": rate,
        "seconds_asked": seconds,
        "requests": len(every),
        "rate_achieved": round(len(every) / elapsed, 1),
        "errors": errors,
        "error_kinds": {k: sorted(set(v))[:5] for k, v in tally.errors.items() if v},
        "p50_ms": round(_pct(every, 0.5), 1),
        "p95_ms": round(_pct(every, 0.95), 1),
        "p99_ms": round(p99, 1),
        "max_ms": round(every[-1], 1) if every else None,
        "by_request": {
            what: {
                "n": len(values),
                "p50_ms": round(statistics.median(values), 1),
                "p99_ms": round(_pct(sorted(values), 0.99), 1),
            }
            for what, values in sorted(tally.latencies.items())
        },
        "client_cpu_s": round(client_cpu, 1),
        "load_1min": [round(load_before, 2), round(load_after, 2)],
        "target_p99_ms": TARGET_P99_MS,
        "meets_target": errors == 0 and p99 < TARGET_P99_MS,
    }


def _pct(ordered: list[float], q: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def _connections(url: str) -> int:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(url)
    with engine.connect() as conn:
        count = conn.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE datname = :d"),
            {"d": make_url(url).database},
        ).scalar_one()
    engine.dispose()
    return int(count) - 1


def _tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its children (the uvicorn workers), from /proc."""
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += _tree_cpu(int(child))
    except (OSError, ValueError, IndexError):
        pass
    return total


def _database_cpu(url: str) -> float:
    """CPU seconds of the PostgreSQL backends serving this database (same machine)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(url)
    with engine.connect() as conn:
        pids = conn.execute(
            text("SELECT pid FROM pg_stat_activity WHERE datname = :d AND pid <> pg_backend_pid()"),
            {"d": make_url(url).database},
        ).scalars()
        total = sum(_tree_cpu(int(pid)) for pid in pids)
    engine.dispose()
    return total


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _free_port() -> int:
    from benchmarks.bench_web import _free_port as free

    return free()


def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    from benchmarks.bench_web import _wait_until_up as wait

    wait(base, server, timeout=120)


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
