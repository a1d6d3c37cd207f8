"""`amity serve` / `make run`: the server starts on uvicorn, prints its address and answers;
the other commands never import the web framework."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import free_port


@pytest.mark.slow
def test_other_commands_do_not_import_fastapi(cli_env: Path) -> None:
    code = (
        "import sys\nfrom amity.cli.main import run\n"
        "for argv in (['--help'], ['info', '--json'], ['list']):\n"
        "    try:\n        run(argv)\n    except SystemExit:\n        pass\n"
        "print('FASTAPI' if 'fastapi' in sys.modules else 'CLEAN', file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stderr.strip().endswith("CLEAN"), done.stderr
    assert (
        "serve"
        in subprocess.run(
            [sys.executable, "-m", "amity", "--help"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        ).stdout
    )


@pytest.mark.slow
def test_make_run_starts_the_server_and_prints_the_address(cli_env: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "AMITY_SECRET_KEY"}  # made on first run
    server = subprocess.Popen(
        [sys.executable, "-m", "amity.run", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        first_line = server.stdout.readline() if server.stdout else ""
        assert f"Amity is running at http://127.0.0.1:{port}" in first_line
        status = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/setup", timeout=2) as answer:
                    status = answer.status
                    body = answer.read().decode()
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        assert status == 200 and "Create the owner account" in body
        assert (cli_env / "amity.db").exists() and (cli_env / "secret.key").exists()
    finally:
        server.terminate()
        server.wait(timeout=15)


def wait_until_up(base: str, server: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server stopped"
        try:
            with urllib.request.urlopen(base + "/login", timeout=2):  # noqa: S310 - loopback
                return
        except OSError:  # refused, reset, or a worker still starting (a read timeout)
            time.sleep(0.2)
    raise AssertionError("the server did not start")


@pytest.fixture
def empty_pg_url(pg_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database (a first install), dropped afterwards."""
    from sqlalchemy import create_engine, text

    from tests.conftest import PG_ADMIN_URL

    name = f"amity_serve_{os.getpid()}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield pg_url.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.slow
@pytest.mark.pg
def test_two_workers_on_postgresql_share_sessions(empty_pg_url: str, cli_env: Path) -> None:
    import httpx

    from tests.web.conftest import CSRF_META, PASSWORD

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k != "AMITY_SECRET_KEY"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "amity",
            "serve",
            "--db",
            empty_pg_url,
            "--port",
            str(port),
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        wait_until_up(base, server)
        with httpx.Client(base_url=base, follow_redirects=False, timeout=10) as client:
            form = client.get("/setup")
            assert form.status_code == 200
            token = CSRF_META.search(form.text).group(1)  # type: ignore[union-attr]
            created = client.post(
                "/setup",
                data={
                    "name": "Pat",
                    "email": "pat@example.com",
                    "password": PASSWORD,
                    "csrf_token": token,
                },
            )
            assert created.status_code == 303
            pages = [client.get("/people").status_code for _ in range(12)]  # both workers answer
            assert pages == [200] * 12
    finally:
        server.terminate()
        server.wait(timeout=20)
