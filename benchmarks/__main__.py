"""`make bench` (python -m benchmarks): Amity's figures on a 10,000-person demo book.

Prints the machine, then a table: demo generation time, `amity --help` and
`amity list --json --limit 50` whole-process medians, in-process search latency (median and
p95 over a fixed query set), and the figures of the other benchmark modules when present
(bench_agenda, bench_import, bench_web, bench_matching, bench_sync, bench_calendar,
bench_backup). Writes the same as JSON to
benchmarks/results/latest.json. See benchmarks/README.md for what each figure means.

Environment: BENCH_LARGE=1 also builds a 100,000-person book for the agenda benchmark and
measures search on PostgreSQL at 100,000 people (BENCH_PG=1: that one alone); BENCH_LOAD=1
runs the 5-minute load test of the server mode (bench_load); BENCH_MAIL=1 the mail sync from
a local Dovecot (bench_mail, 50,000 messages);
BENCH_FRESH=1 rebuilds the cached demo books; BENCH_RUNS=N changes the process runs (15);
BENCH_PEOPLE=N measures a smaller book (a quick smoke run; the targets are for 10,000).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
RESULTS = HERE / "results"
PEOPLE, YEARS, SEED = 10_000, 3, 42
LARGE_PEOPLE = 100_000
MIDDLE_PEOPLE = 30_000
TARGETS = {"demo_s": 60.0, "help_s": 0.25, "list_s": 0.4, "search_p95_ms": 20.0}

# A fixed query set: words the demo's vocabulary always holds (tags, topics, note words,
# cities, channels), three-letter prefixes as a type-ahead sends them, and names, family
# names, organisations, e-mail and phone fragments read from the (deterministic) book.
FIXED_QUERIES = (
    "python",
    "investor",
    "founder",
    "mentor",
    "climate",
    "fintech",
    "open source",
    "hiring",
    "fundraising",
    "kubernetes",
    "roadmap",
    "pricing",
    "observability",
    "marathon training",
    "design systems",
    "board meeting",
    "parental leave",
    "coffee",
    "zoom",
    "lunch",
    "berlin",
    "lisbon",
    "tokyo",
    "gmail.com",
    "linkedin",
    "loves jazz",
    "pyt",
    "inv",
    "fun",
    "kub",
    "mar",
    "des",
    "rec",
)


def main() -> None:
    # Measure Amity as installed: pip compiles bytecode at install time, so child processes
    # may use __pycache__ (the Makefile turns writing it off for the test suite).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    runs = int(os.environ.get("BENCH_RUNS", "15"))
    machine = describe_machine()
    print_machine(machine)
    results: dict[str, Any] = {"machine": machine, "started_at": _now(), "figures": {}}
    figures = results["figures"]
    db, demo = demo_book(int(os.environ.get("BENCH_PEOPLE", PEOPLE)), YEARS)
    figures["demo"] = demo
    step(f"demo book: {db.name} ({demo['people']:,} people, {demo['interactions']:,} interactions)")
    figures["help"] = process_median(["--help"], runs=runs)
    figures["list"] = process_median(
        ["--db", str(db), "list", "--json", "--limit", "50"], runs=runs
    )
    figures["search"] = search_latency(db)
    figures["others"] = other_benchmarks(db)
    results["finished_at"] = _now()
    print_table(figures)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"\nwritten: {(RESULTS / 'latest.json').relative_to(HERE.parent)}")


# --- the machine ----------------------------------------------------------------------------


def describe_machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = None
    return {
        "nproc": os.cpu_count(),
        "cpu": model or "unknown",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "load_1min_at_start": load,
    }


def print_machine(m: dict[str, Any]) -> None:
    print(
        f"machine: {m['nproc']} CPU(s), {m['cpu']}; Python {m['python']}, SQLite {m['sqlite']}; "
        f"load {m['load_1min_at_start']}",
        flush=True,
    )


# --- the demo book --------------------------------------------------------------------------


def demo_book(people: int, years: int) -> tuple[Path, dict[str, Any]]:
    """The cached demo book for this generator version, built (and timed) when missing."""
    DATA.mkdir(parents=True, exist_ok=True)
    key = f"demo-{people}-{years}y-seed{SEED}-{generator_version()}"
    db, meta_file = DATA / f"{key}.db", DATA / f"{key}.json"
    if os.environ.get("BENCH_FRESH") or not (db.exists() and meta_file.exists()):
        for stale in DATA.glob(f"demo-{people}-{years}y-seed{SEED}-*"):  # older generators
            stale.unlink()
        meta = build_demo(db, people, years)
        meta_file.write_text(json.dumps(meta, indent=2) + "\n")
        meta["cached"] = False
    else:
        meta = json.loads(meta_file.read_text())
        meta["cached"] = True
    return db, meta


def generator_version() -> str:
    """A short hash of the demo generator's code: a changed generator makes a new book."""
    import amity.book.fill as filling
    import amity.demo as generator
    import amity.store.bulk as writer

    digest = hashlib.sha256()
    folder = Path(generator.__file__ or "").parent
    for path in [
        *sorted(folder.glob("*.py")),
        Path(filling.__file__ or ""),
        Path(writer.__file__ or ""),
    ]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def build_demo(db: Path, people: int, years: int) -> dict[str, Any]:
    """Generate into a temporary file, then move it in place: no half-built cache."""
    from amity.book import open_book

    partial = db.with_suffix(".part.db")
    for leftover in (partial, *partial.parent.glob(partial.name + "-*"), db):
        leftover.unlink(missing_ok=True)
    step(f"building a {people:,}-person demo book with {years} years of history...")
    book = open_book(str(partial))
    started, cpu = time.perf_counter(), time.process_time()
    counts = book.fill_demo(people=people, years=years, seed=SEED, progress=_stage_printer())
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    book.ctx.engine.dispose()
    with sqlite3.connect(partial) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    partial.replace(db)
    for leftover in partial.parent.glob(partial.name + "-*"):
        leftover.unlink(missing_ok=True)
    return {
        "people": people,
        "years": years,
        "seed": SEED,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "interactions": counts.get("interactions", 0),
        "rows": sum(counts.values()),
        "built_at": _now(),
        "target_s": TARGETS["demo_s"],
    }


def _stage_printer() -> Callable[[str, int, int], None]:
    started, seen = time.perf_counter(), set()

    def report(stage: str, done: int, total: int) -> None:
        if stage not in seen:
            seen.add(stage)
            step(f"  {stage} ({total:,}) at {time.perf_counter() - started:.1f} s")

    return report


# --- whole-process timings ------------------------------------------------------------------


def amity_command() -> list[str]:
    script = Path(sys.executable).with_name("amity")
    return [str(script)] if script.exists() else [sys.executable, "-m", "amity"]


def process_median(args: list[str], *, runs: int, warmup: int = 2) -> dict[str, Any]:
    """Wall time of ``amity ARGS`` in fresh processes (Python start-up included)."""
    command = [*amity_command(), *args]
    env = {k: v for k, v in os.environ.items() if k not in ("AMITY_DATABASE_URL", "AMITY_DB")}
    for _ in range(warmup):
        subprocess.run(command, check=True, capture_output=True, env=env)
    times, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    label = "amity " + " ".join(a for a in args if not a.startswith("/") and a != "--db")
    step(
        f"{label}: median {statistics.median(times):.3f} s (cpu {statistics.median(cpu):.3f} s) "
        f"over {runs} runs"
    )
    return {
        "command": label,
        "runs": runs,
        "median_s": round(statistics.median(times), 4),
        "min_s": round(min(times), 4),
        "max_s": round(max(times), 4),
        "cpu_median_s": round(statistics.median(cpu), 4),
    }


# --- search latency -------------------------------------------------------------------------


def search_queries(db: Path | str) -> list[str]:
    """FIXED_QUERIES plus names, organisations, e-mails and phones read from the book
    (a SQLite file, or a database URL: its first owner's book)."""
    sql = (
        "SELECT name, family_name, org FROM people WHERE owner_id = {o} ORDER BY id LIMIT 400",
        "SELECT value FROM contact_points WHERE kind = 'email' AND owner_id = {o} "
        "ORDER BY id LIMIT 1",
        "SELECT value FROM contact_points WHERE kind = 'phone' AND owner_id = {o} "
        "ORDER BY id LIMIT 1",
    )
    if isinstance(db, Path):
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            o = conn.execute("SELECT min(id) FROM users").fetchone()[0]
            people = conn.execute(sql[0].format(o=o)).fetchall()
            email = conn.execute(sql[1].format(o=o)).fetchone()
            phone = conn.execute(sql[2].format(o=o)).fetchone()
    else:
        from sqlalchemy import create_engine, text

        engine = create_engine(db)
        with engine.connect() as c:
            o = c.execute(text("SELECT min(id) FROM users")).scalar()
            people = [tuple(r) for r in c.execute(text(sql[0].format(o=o)))]
            email = c.execute(text(sql[1].format(o=o))).first()
            phone = c.execute(text(sql[2].format(o=o))).first()
        engine.dispose()
    picked = people[::40][:8]
    queries = list(FIXED_QUERIES)
    queries += [name for name, _, _ in picked]
    queries += [family for _, family, _ in picked[:4] if family]
    queries += [org.split()[0] for _, _, org in picked[:4] if org]
    queries += [name[:3] for name, _, _ in picked[4:7]]
    if email:
        queries.append(email[0])
    if phone:
        queries.append(phone[0][-7:])
    return queries


def search_latency(db: Path | str, passes: int = 5) -> dict[str, Any]:
    """In-process ``book.search`` latency over the query set, after one warm-up pass
    (``db``: a SQLite file or a database URL; the book of its first owner)."""
    from amity.book import open_book

    book = open_book(str(db))
    queries = search_queries(db)
    for query in queries:
        book.search(query)
    times, cpu, empty = [], [], 0
    for _ in range(passes):
        for query in queries:
            started, cpu_started = time.perf_counter(), time.process_time()
            hits = book.search(query)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            empty += not hits
    slowest = max(queries, key=lambda q: _time_one(book, q))
    step(
        f"search: median {statistics.median(times):.2f} ms, p95 {_p95(times):.2f} ms "
        f"(cpu {statistics.median(cpu):.2f} / {_p95(cpu):.2f} ms) over {len(queries)} queries x {passes}"
    )
    return {
        "queries": len(queries),
        "samples": len(times),
        "backend": book.ctx.dialect,
        "median_ms": round(statistics.median(times), 3),
        "p95_ms": round(_p95(times), 3),
        "max_ms": round(max(times), 3),
        "cpu_median_ms": round(statistics.median(cpu), 3),
        "cpu_p95_ms": round(_p95(cpu), 3),
        "slowest_query": slowest,
        "empty_results": empty // passes,
        "query_set": queries,
    }


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def _time_one(book: Any, query: str) -> float:
    started = time.perf_counter()
    book.search(query)
    return time.perf_counter() - started


# --- the other engineers' benchmarks --------------------------------------------------------


def other_benchmarks(db: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    out["agenda"] = _optional("bench_agenda", lambda m: m.run(str(db)))
    out["agenda_in_process"] = _optional("bench_agenda_inproc", lambda m: m.run(str(db)))
    if os.environ.get("BENCH_LARGE"):  # the agenda's curve: 10,000, 30,000, 100,000 people
        middle, _ = demo_book(MIDDLE_PEOPLE, YEARS)
        out["agenda_in_process_middle"] = _optional(
            "bench_agenda_inproc", lambda m: m.run(str(middle))
        )
        large, meta = demo_book(LARGE_PEOPLE, YEARS)
        out["agenda_large_demo"] = meta
        out["agenda_large"] = _optional("bench_agenda", lambda m: m.run(str(large)))
        out["agenda_in_process_large"] = _optional(
            "bench_agenda_inproc", lambda m: m.run(str(large))
        )
    if os.environ.get("BENCH_LARGE") or os.environ.get("BENCH_PG"):
        out["search_postgresql"] = _optional("bench_search_pg", lambda m: m.run())
    if os.environ.get("BENCH_LOAD"):
        out["load"] = _optional("bench_load", lambda m: m.run())
    work = DATA / "import-work"
    out["import"] = _optional("bench_import", lambda m: m.run(str(work)))
    out["web"] = _optional("bench_web", lambda m: m.run(str(db)))
    out["matching"] = _optional("bench_matching", lambda m: m.run())
    out["sync"] = _optional("bench_sync", lambda m: m.run(str(DATA / "sync-work")))
    out["calendar"] = _optional("bench_calendar", lambda m: m.run(str(DATA / "calendar-work")))
    out["backup"] = _optional("bench_backup", lambda m: m.run(str(db)))
    if os.environ.get("BENCH_MAIL"):  # 50,000 messages from a local Dovecot: about 2 minutes
        out["mail"] = _optional("bench_mail", lambda m: m.run(str(DATA / "mail-work")))
    return out


def _optional(name: str, call: Callable[[Any], Any]) -> Any:
    try:
        module = importlib.import_module(f"benchmarks.{name}")
    except ImportError as exc:
        if exc.name not in (f"benchmarks.{name}", name):
            return {"error": f"import failed: {exc}"}
        step(f"{name}: not available")
        return "not available"
    step(f"{name}: running...")
    try:
        return call(module)
    except Exception as exc:  # one failing benchmark must not hide the others
        traceback.print_exc()
        return {"error": f"{exc.__class__.__name__}: {exc}"}


# --- output ---------------------------------------------------------------------------------


def print_table(f: dict[str, Any]) -> None:
    demo = f["demo"]
    cached = (
        " (cached: measured " + str(demo.get("built_at", "?"))[:10] + ")"
        if demo.get("cached")
        else ""
    )
    rows = [
        (
            f"demo generation, {demo['people']:,} people x {demo['years']} years",
            f"{demo['seconds']:.1f} s (cpu {demo.get('cpu_seconds', 0):.1f} s){cached}",
            demo["seconds"],
            TARGETS["demo_s"],
            "s",
        ),
        (
            "amity --help, whole process, median",
            _process_shown(f["help"]),
            f["help"]["median_s"],
            TARGETS["help_s"],
            "s",
        ),
        (
            "amity list --json --limit 50, whole process, median",
            _process_shown(f["list"]),
            f["list"]["median_s"],
            TARGETS["list_s"],
            "s",
        ),
        (
            f"search median ({f['search']['queries']} queries, in process)",
            f"{f['search']['median_ms']:.2f} ms (cpu {f['search']['cpu_median_ms']:.2f} ms)",
            None,
            None,
            "",
        ),
        (
            "search p95",
            f"{f['search']['p95_ms']:.2f} ms (cpu {f['search']['cpu_p95_ms']:.2f} ms)",
            f["search"]["p95_ms"],
            TARGETS["search_p95_ms"],
            "ms",
        ),
    ]
    for name, value in f["others"].items():
        rows += _other_rows(name, value)
    width = max(len(r[0]) for r in rows) + 2
    print()
    print(f"{'figure':<{width}}{'measured':<44}target")
    print("-" * (width + 60))
    for label, shown, number, target, unit in rows:
        verdict = ""
        if target is not None and number is not None:
            verdict = f"< {target:g} {unit}  " + ("ok" if number < target else "MISSED")
            cpu = _cpu_in(shown)
            if number >= target and cpu is not None and cpu < target:
                verdict += " on the wall clock; CPU time within (see the load average)"
        print(f"{label:<{width}}{shown:<44}{verdict}")


def _cpu_in(shown: str) -> float | None:
    """The CPU figure printed beside a wall-clock one ("0.75 s (cpu 0.35 s)")."""
    if "(cpu " not in shown:
        return None
    return float(shown.split("(cpu ", 1)[1].split(maxsplit=1)[0])


def _process_shown(figure: dict[str, Any]) -> str:
    return f"{figure['median_s']:.3f} s (cpu {figure['cpu_median_s']:.3f} s)"


def _other_rows(name: str, value: Any) -> list[tuple[str, str, Any, Any, str]]:
    if not isinstance(value, dict):
        return [(name, str(value), None, None, "")]
    rows = []
    for key, item in _flatten(value).items():
        rows.append((f"{name}.{key}", str(item), None, None, ""))
    return rows


def _flatten(value: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in value.items():
        if isinstance(item, dict):
            out.update(_flatten(item, f"{prefix}{key}."))
        elif key not in ("db", "name"):
            out[f"{prefix}{key}"] = item
    return out


def step(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


if __name__ == "__main__":
    main()
