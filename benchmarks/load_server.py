"""The server side of the load test (bench_load.py): a fresh PostgreSQL database seeded in bulk,
each user's credentials, `amity serve --workers N` as a subprocess on a free loopback port
(always stopped by its process group id), and its peak memory and CPU read from /proc.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

CACHED_FROM = 10_000  # books of at least this many people in all come from a cached pg_dump


@dataclass
class Owner:
    id: int
    token: str  # a Bearer API token
    cookie: str  # a signed session cookie for the pages
    people: list[int]


def seed(admin: str, name: str, users: int, people: int) -> str:
    """A new database ``name`` on the server of ``admin`` holding ``users`` demo books of
    ``people`` each, written in bulk (the demo generator, never through HTTP). Large seeds are
    restored from a cached pg_dump (benchmarks/books.py: about 95 s to build 20 x 2,000 the
    first time, 9 s to restore); small ones are generated in place."""
    from benchmarks import books

    if users * people >= CACHED_FROM:
        return books.postgres_book(people, owners=users, name=name, admin=admin)
    from amity.book import Book, create_user, open_engine

    url = books.create_database(name, admin)
    engine = open_engine(url)
    for n in range(users):
        owner = create_user(engine, f"user{n}@load.example")
        Book(engine, owner, url).fill_demo(people=people, years=1, seed=books.SEED + n)
    books.analyze(url)
    return url


def drop(url: str, admin: str) -> None:
    from benchmarks import books

    books.drop_postgres(url, admin=admin)


def owners(url: str, secret: str) -> list[Owner]:
    """Every user of the book with a new API token and a signed-in session."""
    from itsdangerous import TimestampSigner

    from amity import accounts
    from amity.book import open_engine
    from amity.security import hash_password

    engine = open_engine(url)
    with engine.connect() as conn:
        ids = [int(r[0]) for r in conn.execute(text("SELECT id FROM users ORDER BY id"))]
        people: dict[int, list[int]] = defaultdict(list)
        rows = conn.execute(text("SELECT owner_id, id FROM people WHERE archived_at IS NULL"))
        for owner_id, person_id in rows:
            people[int(owner_id)].append(int(person_id))
    signer = TimestampSigner(secret)
    found = []
    now = datetime.now(UTC)
    password = hash_password("load-" + secret)  # signed-in users have a password (else: /setup)
    for owner_id in ids:
        accounts.set_password(engine, owner_id, password)
        _, token = accounts.create_api_token(engine, owner_id, "load", now=now)
        sid = accounts.start_session(engine, owner_id, method="password", now=now)
        payload = {"sid": sid, "csrf": uuid.uuid4().hex}
        cookie = signer.sign(base64.b64encode(json.dumps(payload).encode())).decode()
        found.append(Owner(owner_id, token, cookie, sorted(people[owner_id])))
    engine.dispose()
    from amity.book import _ENGINES

    _ENGINES.pop(url, None)
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """`amity serve --workers N` on ``url``, in its own process group; a context manager that
    always stops it (SIGTERM to the group, SIGKILL after 30 s). Its log goes to a file (a pipe
    nobody reads would block the server once full)."""

    def __init__(self, url: str, workers: int, secret: str, home: Path) -> None:
        self.url, self.workers, self.secret, self.home = url, workers, secret, home
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = home / "server.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self.pool_line = ""

    def __enter__(self) -> Server:
        env = {
            **os.environ,
            "AMITY_SECRET_KEY": self.secret,
            "AMITY_HOME": str(self.home),
            "AMITY_SCHEDULER": "1",
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("AMITY_DATABASE_URL", None)
        command = [sys.executable, "-m", "amity", "serve", "--db", self.url]
        command += ["--port", str(self.port), "--workers", str(self.workers)]
        command += ["--log-level", "warning"]
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            command, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            self._wait_until_up()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def log_problems(self) -> int:
        """Tracebacks and error lines the server logged."""
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return 0
        return sum(1 for line in lines if line.startswith(("Traceback", "ERROR")))

    def _wait_until_up(self, timeout: float = 120.0) -> None:
        import httpx

        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"amity serve exited:\n{self.log_tail()}")
            try:
                if httpx.get(self.base + "/login", timeout=2.0).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError(f"amity serve did not start within {timeout:.0f} s")
        # every worker answers: uvicorn starts them one after another
        while len(children(self.pid)) < self.workers and time.monotonic() < deadline:
            time.sleep(0.2)
        for line in self.log_tail(20_000).splitlines():
            if line.startswith("Database connections:"):
                self.pool_line = line.split(":", 1)[1].strip()

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            _signal_group(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                _signal_group(process.pid, signal.SIGKILL)
                process.wait()
        if process is not None:
            _signal_group(process.pid, signal.SIGKILL)  # a worker left behind, if any
        if self._log is not None:
            self._log.close()
            self._log = None


def _signal_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)  # the server was started in a session of its own: group id = pid


def children(pid: int) -> list[int]:
    found = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass
    return found


def tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo += children(current)
    return out


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, ValueError, IndexError):
            pass
    return total


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def database_pids(conn: Any, url: str) -> list[int]:
    """The PostgreSQL backends connected to this database (same machine), but ``conn``'s."""
    pids = conn.execute(
        text("SELECT pid FROM pg_stat_activity WHERE datname = :d AND pid <> pg_backend_pid()"),
        {"d": make_url(url).database},
    ).scalars()
    return [int(p) for p in pids]


class Sampler:
    """Samples the server's process tree every ``every`` seconds in a thread: the peak of the
    summed RSS of every process (the master and its workers) and of the largest worker, the
    peak number of connections to the database, and the CPU time the server's processes and
    the database's backends spent meanwhile (per process: backends come and go)."""

    def __init__(self, server: Server, url: str, every: float = 0.5) -> None:
        self.server, self.url, self.every = server, url, every
        self.peak_rss_mb = 0.0
        self.peak_worker_rss_mb = 0.0
        self.peak_connections = 0
        self._cpu: dict[str, dict[int, list[float]]] = {"server": {}, "database": {}}
        self._cpu_pids: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._engine: Any = None

    def __enter__(self) -> Sampler:
        self._engine = create_engine(self.url, pool_size=1, max_overflow=0)
        self._sample_cpu()
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self._sample_cpu()
        self._engine.dispose()

    def cpu_s(self, what: str) -> float:
        """CPU seconds ``what`` ("server" or "database") spent while sampled."""
        return sum(last - first for first, last in self._cpu[what].values())

    def _sample_cpu(self) -> None:
        try:
            with self._engine.connect() as conn:
                backends = database_pids(conn, self.url)
        except Exception:
            backends = []
        self._cpu_pids = backends
        for what, pids in (("server", tree(self.server.pid)), ("database", backends)):
            seen = self._cpu[what]
            for pid in pids:
                now = cpu_seconds([pid])
                if pid in seen:
                    seen[pid][1] = max(seen[pid][1], now)
                else:  # a backend that appeared meanwhile spent all its time in the run
                    seen[pid] = [now if not self._thread.is_alive() else 0.0, now]

    def _loop(self) -> None:
        name = make_url(self.url).database
        while not self._stop.wait(self.every):
            self._sample_cpu()
            pids = tree(self.server.pid)
            sizes = [rss_mb(p) for p in pids]
            self.peak_rss_mb = max(self.peak_rss_mb, sum(sizes))
            self.peak_worker_rss_mb = max(self.peak_worker_rss_mb, max(sizes[1:], default=0.0))
            try:
                with self._engine.connect() as conn:
                    count = conn.execute(
                        text("SELECT count(*) FROM pg_stat_activity WHERE datname = :d"),
                        {"d": name},
                    ).scalar_one()
                self.peak_connections = max(self.peak_connections, int(count) - 1)
            except Exception:  # a sample missed is not a failure of the server
                continue


def scratch_home() -> Path:
    return Path(tempfile.mkdtemp(prefix="amity-load-"))
