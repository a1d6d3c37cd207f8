"""`amity serve` / `make run`: the server starts on uvicorn, prints its address and answers;
the other commands never import the web framework."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.web.conftest import free_port


def test_other_commands_do_not_import_fastapi(cli_env: Path) -> None:
    code = ("import sys\nfrom amity.cli.main import run\n"
            "for argv in (['--help'], ['info', '--json'], ['list']):\n"
            "    try:\n        run(argv)\n    except SystemExit:\n        pass\n"
            "print('FASTAPI' if 'fastapi' in sys.modules else 'CLEAN', file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.stderr.strip().endswith("CLEAN"), done.stderr
    assert "serve" in subprocess.run([sys.executable, "-m", "amity", "--help"], capture_output=True,
                                     text=True, timeout=60, check=False).stdout


@pytest.mark.slow
def test_make_run_starts_the_server_and_prints_the_address(cli_env: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "AMITY_SECRET_KEY"}  # made on first run
    server = subprocess.Popen([sys.executable, "-m", "amity.run", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
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
