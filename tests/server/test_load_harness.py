"""The load test of the server mode (benchmarks/bench_load.py) runs end to end, so the harness
cannot rot: its quick version at a low rate seeds a small PostgreSQL book, starts
`amity serve --workers 4`, drives the whole mix of reads and writes, gets no error, and
leaves neither the server nor the database behind."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import PG_ADMIN_URL, skip_or_fail


@pytest.mark.slow
@pytest.mark.pg
def test_quick_load_run_has_no_errors_and_cleans_up() -> None:
    from benchmarks import bench_load

    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        skip_or_fail(f"PostgreSQL is not reachable: {exc.__class__.__name__}")

    quick = bench_load.QUICK | {"users": 2, "people": 60, "rate": 5.0, "warmup": 2.0}
    result = bench_load.run(**quick, admin=PG_ADMIN_URL)

    assert result["errors"] == 0, result["error_kinds"]
    assert result["server_log_errors"] == 0, result["server_log_tail"]
    assert result["requests"] == 100  # 5/s for 20 s, every one answered
    assert set(result["by_request"]) == {what for what, _ in bench_load.MIX}
    assert result["server_peak_rss_mb"] > 0 and result["server_cpu_s"] > 0
    assert result["p99_ms"] >= result["p50_ms"] > 0
    with admin.connect() as conn:
        left = conn.execute(
            text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
            {"p": f"amity_load_{os.getpid()}_%"},
        ).all()
    admin.dispose()
    assert left == []
    assert not [p for p in os.listdir("/proc") if p.isdigit() and _serves_our_database(p)]


def _serves_our_database(pid: str) -> bool:
    """A process (the server or one of its workers) whose command or environment names our
    database."""
    ours = f"amity_load_{os.getpid()}_".encode()
    try:
        with (
            open(f"/proc/{pid}/cmdline", "rb") as cmdline,
            open(f"/proc/{pid}/environ", "rb") as env,
        ):
            return ours in cmdline.read() or ours in env.read()
    except OSError:
        return False
