"""Load test: the server mode (`amity serve --workers 4` on PostgreSQL) under a steady mix of
reads and writes from 20 users with 2,000 people each, on loopback (issue 14: 200 requests/s
for 5 minutes, 0 errors, p99 under 150 ms).

``run(...) -> dict``:

1. creates a fresh database on the PostgreSQL server of ``$BENCH_PG_URL`` (default: the local
   one as ``postgres``) and seeds ``users`` demo books of ``people`` each in bulk
   (load_server.seed: a cached pg_dump for the full size, the demo generator in place for
   small ones);
2. gives each user an API token and a signed session cookie;
3. starts ``amity serve --workers N`` (scheduler on, as in production) on a free loopback port,
   in its own process group;
4. warms the server up at the same rate for ``warmup`` seconds (not counted), then sends
   requests at a constant arrival rate (open loop: request i is due at start + i / rate,
   whatever happened to the ones before it, so a slow server is not hidden by a waiting
   client), each user over its own HTTP/1.1 keep-alive connections (httpx, async): reads
   (the Today page, People search, a Person page, API lists and a person) and writes (log an
   interaction, add a fact, snooze an agenda item);
5. stops the server (SIGTERM to its process group, SIGKILL after 30 s; always, also on
   Ctrl+C or SIGTERM) and drops the database.

Latency runs from the moment a request was due until its answer was read, so a lagging
client counts against the server. An error is any status other than 2xx/3xx, a timeout (10 s)
or a connection error; requests beyond ``MAX_IN_FLIGHT`` at once are not sent and count as
errors. The server's peak RSS (every process summed, and the largest worker), its CPU and
that of the PostgreSQL backends serving it are reported beside the achieved rate and p50 /
p95 / p99. Bounded: ``rate x seconds`` requests, then it stops; only 127.0.0.1 is contacted.

    python -m benchmarks.bench_load                      # 200/s, 300 s, 20 users x 2,000
    python -m benchmarks.bench_load --rate 50 --seconds 60
    python -m benchmarks.bench_load --quick              # a 20 s smoke run on a small book
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import signal
import statistics
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks import load_server
from benchmarks.load_server import Owner

USERS, PEOPLE, WORKERS = 20, 2_000, 4
RATE = float(os.environ.get("BENCH_LOAD_RATE", "200"))
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "300"))
QUICK = {"seconds": 20.0, "rate": 20.0, "users": 4, "people": 200, "warmup": 5.0}
WARMUP = 15.0  # seconds at the same rate before the clock starts (imports, caches, pools)
TARGET_P99_MS = 150.0
MAX_IN_FLIGHT = 400
TIMEOUT_S = 10.0
SEED = 14
SEARCHES = ("python", "coffee", "berlin", "investor", "roadmap", "mar", "lisbon", "hiring")
FACTS = ("interest", "preference", "goal", "family", "other")
RESULTS = Path(__file__).resolve().parent / "results"

# (what, weight): mostly look-ups, a fifth writes
MIX = (
    ("GET / (Today page)", 12),
    ("GET /people?q= (People search page)", 12),
    ("GET /people/{id} (Person page)", 20),
    ("GET /api/v1/people?limit=50", 14),
    ("GET /api/v1/people/{id}", 12),
    ("GET /api/v1/interactions?limit=20", 10),
    ("POST /api/v1/interactions (log)", 10),
    ("POST /api/v1/people/{id}/facts", 6),
    ("POST /api/v1/agenda/{key}/snooze", 4),
)


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lag: list[float] = field(default_factory=list)  # ms between due and sent (the client's)
    skipped: int = 0
    redirects: int = 0


class Stopped(Exception):
    """SIGTERM: leave through the finally blocks that stop the server and drop the database."""


def run(
    *,
    rate: float = RATE,
    seconds: float = SECONDS,
    users: int = USERS,
    people: int = PEOPLE,
    workers: int = WORKERS,
    warmup: float = WARMUP,
    admin: str | None = None,
) -> dict[str, Any]:
    from benchmarks.books import PG_ADMIN, step

    admin = admin or PG_ADMIN
    name = f"amity_load_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    secret = "bench-" + uuid.uuid4().hex
    previous = signal.signal(signal.SIGTERM, _stopped)
    started = time.perf_counter()
    url = ""
    try:
        step(f"load: seeding {users} x {people:,} people into {name}...")
        url = load_server.seed(admin, name, users, people)
        owners = load_server.owners(url, secret)
        seeded = time.perf_counter() - started
        home = load_server.scratch_home()
        with load_server.Server(url, workers, secret, home) as server:
            step(f"load: amity serve --workers {workers} at {server.base} ({server.pool_line})")
            _preflight(server.base, owners[0])
            load_before = os.getloadavg()
            if warmup > 0:
                step(f"load: warming up for {warmup:g} s...")
                asyncio.run(_drive(server.base, owners, rate, warmup, seed=SEED + 1))
            step(f"load: {rate:g} requests/s for {seconds:g} s...")
            client_before = _client_cpu()
            with load_server.Sampler(server, url) as sampler:
                tally, elapsed = asyncio.run(_drive(server.base, owners, rate, seconds))
            client_cpu = _client_cpu() - client_before
            load_after = os.getloadavg()
            problems = server.log_problems()
            tail = server.log_tail(1500) if problems else ""
            pool_line = server.pool_line
    finally:
        signal.signal(signal.SIGTERM, previous)
        if url:
            load_server.drop(url, admin)
    summary = _summary(tally, elapsed, rate, seconds)
    requests = max(1, summary["requests"])
    return summary | {
        "name": f"load: amity serve --workers {workers}, PostgreSQL, {users} users x {people:,}",
        "users": users,
        "people_each": people,
        "workers": workers,
        "pool": pool_line,
        "seed_s": round(seeded, 1),
        "warmup_s": warmup,
        "server_peak_rss_mb": round(sampler.peak_rss_mb),
        "server_peak_worker_rss_mb": round(sampler.peak_worker_rss_mb),
        "database_connections_peak": sampler.peak_connections,
        "server_cpu_s": round(sampler.cpu_s("server"), 1),
        "database_cpu_s": round(sampler.cpu_s("database"), 1),
        "client_cpu_s": round(client_cpu, 1),
        "cpu_ms_per_request": round(
            (sampler.cpu_s("server") + sampler.cpu_s("database")) * 1000 / requests, 1
        ),
        "server_log_errors": problems,
        "server_log_tail": tail,
        "load_average": [round(v, 2) for v in (*load_before, *load_after)],
        "cores": os.cpu_count(),
    }


def _stopped(_signum: int, _frame: Any) -> None:
    raise Stopped("SIGTERM")


def _client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _request(rng: random.Random, owner: Owner, n: int, today: date) -> tuple[str, str, str, Any]:
    """(what, method, path, JSON body) of the n-th request."""
    what = rng.choices([m for m, _ in MIX], weights=[w for _, w in MIX])[0]
    person = rng.choice(owner.people)
    route = what.split()[1].split("?")[0]
    if route == "/":
        return what, "GET", "/", None
    if route == "/people":
        return what, "GET", f"/people?q={rng.choice(SEARCHES)}", None
    if route == "/people/{id}":
        return what, "GET", f"/people/{person}", None
    if route == "/api/v1/people/{id}":
        return what, "GET", f"/api/v1/people/{person}", None
    if route == "/api/v1/interactions" and what.startswith("POST"):
        kind = rng.choice(["call", "message", "email"])
        return what, "POST", route, {"people": [person], "kind": kind, "notes": f"load {n}"}
    if route == "/api/v1/people/{id}/facts":
        body = {"kind": rng.choice(FACTS), "text": f"load test fact {n}"}
        return what, "POST", f"/api/v1/people/{person}/facts", body
    if route == "/api/v1/agenda/{key}/snooze":
        key = f"keep_in_touch:p{person}:{today.isoformat()}"
        until = today + timedelta(days=rng.randint(1, 14))
        return what, "POST", f"/api/v1/agenda/{key}/snooze", {"until": until.isoformat()}
    return what, "GET", what.split()[1], None


def _clients(base: str, owners: list[Owner]) -> dict[tuple[int, bool], Any]:
    """Each user's own two clients, each keeping its connections alive (HTTP/1.1): the pages
    with the session cookie (as a browser), the API with the Bearer token and no cookie (as a
    script), keyed by (user, is a page). Idle connections are dropped before uvicorn's 5 s
    keep-alive ends, so no request races a connection the server is closing."""
    import httpx

    from amity.web.sessions import COOKIE

    limits = httpx.Limits(max_connections=50, max_keepalive_connections=10, keepalive_expiry=2.0)
    clients = {}
    for o in owners:
        clients[o.id, True] = httpx.AsyncClient(
            base_url=base, timeout=TIMEOUT_S, limits=limits, cookies={COOKIE: o.cookie}
        )
        clients[o.id, False] = httpx.AsyncClient(
            base_url=base,
            timeout=TIMEOUT_S,
            limits=limits,
            headers={"Authorization": f"Bearer {o.token}"},
        )
    return clients


def _is_page(path: str) -> bool:
    return not path.startswith("/api/")


def _preflight(base: str, owner: Owner) -> None:
    """One request of each kind, before the clock starts: each must answer 2xx (a page that
    redirects to the sign-in would count as a success in the run and measure nothing)."""
    import httpx

    from amity.web.sessions import COOKIE

    rng = random.Random(SEED)
    today = datetime.now(UTC).date()
    token = {"Authorization": f"Bearer {owner.token}"}
    pages = httpx.Client(base_url=base, timeout=30, cookies={COOKIE: owner.cookie})
    api = httpx.Client(base_url=base, timeout=30, headers=token)
    with pages, api:
        for what, _ in MIX:
            for n in range(10_000):
                kind, method, path, body = _request(rng, owner, n, today)
                if kind == what:
                    break
            client = pages if _is_page(path) else api
            answer = client.request(method, path, json=body)
            if not 200 <= answer.status_code < 300:
                raise RuntimeError(f"{what}: HTTP {answer.status_code} {answer.text[:300]}")


async def _drive(
    base: str, owners: list[Owner], rate: float, seconds: float, *, seed: int = SEED
) -> tuple[Tally, float]:
    """Send ``rate x seconds`` requests, request n due at start + n / rate."""
    tally = Tally()
    rng = random.Random(seed)
    today = datetime.now(UTC).date()
    clients = _clients(base, owners)
    in_flight: set[asyncio.Task[None]] = set()
    start = time.perf_counter()
    try:
        for n in range(int(rate * seconds)):
            due = start + n / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if len(in_flight) >= MAX_IN_FLIGHT:
                tally.skipped += 1
                continue
            owner = owners[n % len(owners)]
            what, method, path, body = _request(rng, owner, n, today)
            client = clients[owner.id, _is_page(path)]
            send = _send(tally, client, what, method, path, body, due)
            task = asyncio.create_task(send)
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
        if in_flight:
            await asyncio.wait(in_flight, timeout=TIMEOUT_S + 5)
        elapsed = time.perf_counter() - start
    finally:
        for task in in_flight:
            task.cancel()
        for client in clients.values():
            await client.aclose()
    return tally, elapsed


async def _send(
    tally: Tally, client: Any, what: str, method: str, path: str, body: Any, due: float
) -> None:
    import httpx

    tally.lag.append((time.perf_counter() - due) * 1000)
    try:
        answer = await client.request(method, path, json=body)
        await answer.aread()
        code = answer.status_code
        problem = "" if 200 <= code < 400 else f"HTTP {code}"
        tally.redirects += 300 <= code < 400
    except httpx.HTTPError as exc:
        problem = exc.__class__.__name__
    tally.latencies[what].append((time.perf_counter() - due) * 1000)
    if problem:
        tally.errors[what].append(problem)


def _summary(tally: Tally, elapsed: float, rate: float, seconds: float) -> dict[str, Any]:
    every = sorted(v for values in tally.latencies.values() for v in values)
    failed = sum(len(v) for v in tally.errors.values())
    errors = failed + tally.skipped
    p99 = _pct(every, 0.99)
    return {
        "rate_asked": rate,
        "seconds_asked": seconds,
        "requests": len(every),
        "rate_achieved": round((len(every) - failed) / elapsed, 1) if elapsed else 0.0,
        "errors": errors,
        "not_sent_over_in_flight_cap": tally.skipped,
        "error_kinds": {
            k: dict(sorted((p, v.count(p)) for p in set(v))) for k, v in tally.errors.items() if v
        },
        "redirects": tally.redirects,
        "p50_ms": round(_pct(every, 0.5), 1),
        "p95_ms": round(_pct(every, 0.95), 1),
        "p99_ms": round(p99, 1),
        "max_ms": round(every[-1], 1) if every else None,
        "client_lag_p99_ms": round(_pct(sorted(tally.lag), 0.99), 1),
        "by_request": {
            what: {
                "n": len(values),
                "p50_ms": round(statistics.median(values), 1),
                "p99_ms": round(_pct(sorted(values), 0.99), 1),
            }
            for what, values in sorted(tally.latencies.items())
        },
        "target_p99_ms": TARGET_P99_MS,
        "meets_target": errors == 0 and p99 < TARGET_P99_MS,
    }


def _pct(ordered: list[float], q: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def report(result: dict[str, Any]) -> str:
    """A few lines for people; the JSON holds the rest."""
    lines = [
        result["name"],
        f"  pool: {result['pool']}; seeded in {result['seed_s']} s; "
        f"warmed up {result['warmup_s']:g} s at the same rate (not counted)",
        f"  asked {result['rate_asked']:g}/s for {result['seconds_asked']:g} s: "
        f"{result['requests']} requests sent, answered well at {result['rate_achieved']}/s, "
        f"{result['errors']} errors {result['error_kinds'] or ''}",
        f"  latency p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
        f"p99 {result['p99_ms']} ms, max {result['max_ms']} ms "
        f"(client lag p99 {result['client_lag_p99_ms']} ms)",
        f"  server peak RSS {result['server_peak_rss_mb']} MB (largest worker "
        f"{result['server_peak_worker_rss_mb']} MB), CPU {result['server_cpu_s']} s; "
        f"PostgreSQL CPU {result['database_cpu_s']} s; {result['cpu_ms_per_request']} ms CPU "
        f"per request; peak connections {result['database_connections_peak']}",
        f"  client CPU {result['client_cpu_s']} s; load average before/after "
        f"{result['load_average']} on {result['cores']} cores; server log errors "
        f"{result['server_log_errors']}",
    ]
    for what, figures in result["by_request"].items():
        lines.append(
            f"    {what:40} n={figures['n']:6}  p50 {figures['p50_ms']:7} ms  "
            f"p99 {figures['p99_ms']:7} ms"
        )
    verdict = "meets" if result["meets_target"] else "misses"
    lines.append(f"  {verdict} the target (0 errors, p99 < {TARGET_P99_MS:g} ms)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_load", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "--quick", action="store_true", help="a 20 s smoke run: 4 x 200, 20/s, 5 s warm-up"
    )
    parser.add_argument("--rate", type=float, help=f"requests per second (default {RATE:g})")
    parser.add_argument("--seconds", type=float, help=f"duration (default {SECONDS:g})")
    parser.add_argument("--users", type=int, help=f"users (default {USERS})")
    parser.add_argument("--people", type=int, help=f"people per user (default {PEOPLE:,})")
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--warmup", type=float, help=f"seconds not counted (default {WARMUP:g})")
    args = parser.parse_args(argv)
    chosen: dict[str, Any] = {"rate": RATE, "seconds": SECONDS, "users": USERS, "people": PEOPLE}
    chosen["warmup"] = WARMUP
    if args.quick:
        chosen |= QUICK
    chosen |= {k: getattr(args, k) for k in chosen if getattr(args, k) is not None}
    result = run(**chosen, workers=args.workers)
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    out = RESULTS / f"load-{stamp}-{chosen['rate']:g}rps.json"
    out.write_text(json.dumps(result, indent=2))
    print(report(result))
    print(f"  (all figures: {out})")
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
