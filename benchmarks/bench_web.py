"""Web latency and throughput: `amity serve` on a copy of a demo book, driven over loopback.

``run(book_path) -> dict`` (called by ``python -m benchmarks``, or standalone:
``python -m benchmarks.bench_web PATH.db``) copies the SQLite book (the POSTs write to it),
gives its owner a password, an API token and a signed session, starts ``amity serve`` with
one worker in a subprocess, and measures, one request at a time on a keep-alive connection:

- p50 / p95 / max latency of the pages Today (``/``), People (page 1 and a search), Person,
  and of ``POST /api/v1/interactions`` and ``GET /api/v1/people?limit=50``;
- requests per second for ``GET /api/v1/people?limit=50`` from several client threads.

Latency is the loopback round trip seen by the client, which on loopback is the server's
time plus well under a millisecond. Target (issue 5): p95 under 100 ms on SQLite, one worker.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

TARGET_P95_MS = 100.0
# issue 14, one worker on SQLite at 10,000 people (p95, ms); the ratios are printed
ISSUE_14_TARGETS = {"today": 50.0, "today_after_write": 50.0, "person": 50.0,
                    "people_search": 30.0, "review": 150.0,
                    "review_after_write": 150.0}  # fmt: skip
REQUESTS = int(os.environ.get("BENCH_WEB_REQUESTS", "60"))
WARMUP = 5
RPS_SECONDS = float(os.environ.get("BENCH_WEB_RPS_SECONDS", "5"))
RPS_THREADS = 4
SEARCH = "python"


def run(book_path: str, *, requests: int = REQUESTS) -> dict[str, Any]:
    source = Path(book_path)
    if not source.exists():
        raise FileNotFoundError(book_path)
    with tempfile.TemporaryDirectory(prefix="amity-bench-web-") as tmp:
        db = Path(tmp) / "book.db"
        _copy_sqlite(source, db)
        secret = "bench-" + uuid.uuid4().hex
        auth = _prepare_owner(db, secret)
        port = _free_port()
        env = {
            **os.environ,
            "AMITY_SECRET_KEY": secret,
            "AMITY_SCHEDULER": "0",
            "AMITY_HOME": tmp,
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("AMITY_DATABASE_URL", None)
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "amity",
                "serve",
                "--db",
                str(db),
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(base, server)
            return _measure(base, auth, requests)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


def _copy_sqlite(source: Path, target: Path) -> None:
    """The backup API: a consistent copy even if the demo book is in WAL mode."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _prepare_owner(db: Path, secret: str) -> dict[str, Any]:
    import base64
    import json
    from datetime import UTC, datetime

    from itsdangerous import TimestampSigner

    from amity import accounts
    from amity.book import Book, find_user, open_engine
    from amity.security import hash_password

    url = f"sqlite:///{db}"
    engine = open_engine(url)
    owner = find_user(engine, None)
    if owner is None:
        raise RuntimeError(f"{db} has no user")
    accounts.set_password(engine, owner, hash_password("bench-password-" + secret))
    user = accounts.user_by_id(engine, owner)
    assert user is not None
    _, token = accounts.create_api_token(engine, owner, "bench", now=datetime.now(UTC))
    csrf = uuid.uuid4().hex
    sid = accounts.start_session(engine, owner, method="password", now=datetime.now(UTC))
    payload = base64.b64encode(json.dumps({"sid": sid, "csrf": csrf}).encode())
    cookie = TimestampSigner(secret).sign(payload).decode()
    book = Book(engine, owner, url)
    busiest = book.people.list(sort="last-contact", limit=1)
    person_id = busiest[0].id if busiest else 1
    people = book.people.count()
    engine.dispose()
    return {
        "token": token,
        "cookie": cookie,
        "csrf": csrf,
        "person_id": person_id,
        "people": people,
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(base: str, server: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            error = server.stderr.read().decode(errors="replace") if server.stderr else ""
            raise RuntimeError(f"amity serve exited: {error[-2000:]}")
        try:
            httpx.get(base + "/login", timeout=1.0)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("amity serve did not start within a minute")


def _measure(base: str, auth: dict[str, Any], requests: int) -> dict[str, Any]:
    import httpx

    from amity.web.sessions import COOKIE

    pages = httpx.Client(base_url=base, cookies={COOKIE: auth["cookie"]}, timeout=30.0)
    api = httpx.Client(
        base_url=base, timeout=30.0, headers={"Authorization": f"Bearer {auth['token']}"}
    )
    person = auth["person_id"]
    scenarios: dict[str, Callable[[], httpx.Response]] = {
        "today": lambda: pages.get("/"),
        "people_page_1": lambda: pages.get("/people"),
        "people_search": lambda: pages.get(f"/people?q={SEARCH}"),
        "person": lambda: pages.get(f"/people/{person}"),
        "review": lambda: pages.get("/review"),
        "api_post_interaction": lambda: api.post(
            "/api/v1/interactions",
            json={"people": [person], "kind": "call", "notes": "benchmark call"},
        ),
        "api_people_limit_50": lambda: api.get("/api/v1/people?limit=50"),
    }
    out: dict[str, Any] = {
        "name": "web (amity serve, 1 worker, SQLite, loopback)",
        "people": auth["people"],
        "requests_per_scenario": requests,
        "target_p95_ms": TARGET_P95_MS,
        "latency_ms": {},
    }
    for name, call in scenarios.items():
        out["latency_ms"][name] = _latencies(call, requests)
    # Today right after a write (the agenda's caches moved on): each request follows a POST
    out["latency_ms"]["today_after_write"] = _latencies(
        lambda: pages.get("/"), requests, before=scenarios["api_post_interaction"]
    )
    # the Review built afresh (its cache moved on): the first visit after any change
    out["latency_ms"]["review_after_write"] = _latencies(
        lambda: pages.get("/review"), max(10, requests // 3),
        before=scenarios["api_post_interaction"],
    )  # fmt: skip
    out["issue_14_targets_p95_ms"] = ISSUE_14_TARGETS
    out["issue_14_ratios"] = {
        name: round(out["latency_ms"][name]["p95"] / target, 2)
        for name, target in ISSUE_14_TARGETS.items()
    }
    out["api_people_limit_50_rps"] = _throughput(base, auth["token"])
    worst = max(v["p95"] for v in out["latency_ms"].values())
    out["worst_p95_ms"] = worst
    out["meets_target"] = worst < TARGET_P95_MS and all(
        v["errors"] == 0 for v in out["latency_ms"].values()
    )
    pages.close()
    api.close()
    return out


def _latencies(call: Callable[[], Any], requests: int,
               before: Callable[[], Any] | None = None) -> dict[str, float]:  # fmt: skip
    for _ in range(WARMUP):
        call()
    times, errors = [], 0
    for _ in range(requests):
        if before is not None:
            before()  # not timed
        start = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code >= 400:
            errors += 1
    times.sort()
    return {
        "p50": round(statistics.median(times), 2),
        "p95": round(times[max(0, int(len(times) * 0.95) - 1)], 2),
        "max": round(times[-1], 2),
        "errors": errors,
    }


def _throughput(base: str, token: str) -> dict[str, Any]:
    import httpx

    done = [0] * RPS_THREADS
    failed = [0] * RPS_THREADS
    stop = time.monotonic() + RPS_SECONDS

    def worker(slot: int) -> None:
        with httpx.Client(
            base_url=base, timeout=30.0, headers={"Authorization": f"Bearer {token}"}
        ) as client:
            while time.monotonic() < stop:
                response = client.get("/api/v1/people?limit=50")
                if response.status_code == 200:
                    done[slot] += 1
                else:
                    failed[slot] += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(RPS_THREADS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return {
        "requests_per_s": round(sum(done) / elapsed, 1),
        "client_threads": RPS_THREADS,
        "seconds": round(elapsed, 2),
        "errors": sum(failed),
    }


if __name__ == "__main__":
    import json

    if len(sys.argv) != 2:
        sys.exit("usage: python -m benchmarks.bench_web BOOK.db")
    print(json.dumps(run(sys.argv[1]), indent=2))
