"""First run (issue 12 §8): an empty Today offers a demo network that fills the web owner's
own book; `amity demo` finds that same book; `make run` installs the app only and takes PORT
and HOST."""

from __future__ import annotations

import subprocess
from pathlib import Path

from click.testing import CliRunner

from amity import accounts
from amity.book import open_book
from amity.security import hash_password
from tests.web.conftest import WebUser

REPO = Path(__file__).resolve().parents[2]


def test_an_empty_today_offers_the_demo_and_fills_the_owners_book(ann: WebUser) -> None:
    page = ann.get("/").text
    assert "Your book is empty" in page and "Load a demo network" in page
    filled = ann.post("/today/demo")
    assert filled.status_code == 303 and filled.headers["location"] == "/"
    assert ann.book.people.count() == 200
    today = ann.get("/").text
    assert "Load a demo network" not in today and 'class="agenda-item"' in today
    again = ann.post("/today/demo")
    assert again.status_code == 409 and "only fills an empty book" in again.text
    assert ann.book.people.count() == 200


def test_amity_demo_fills_the_web_owners_book(tmp_path: Path) -> None:
    from amity.cli.main import cli

    db = str(tmp_path / "amity.db")
    engine_book = open_book(db, "stub@example.org")  # any first row: a CLI user, no password
    accounts.create_owner(
        engine_book.ctx.engine,
        name="Olga Owner",
        email="olga@example.com",
        password_hash=hash_password("correct horse battery"),
        now=engine_book.now(),
    )
    result = CliRunner().invoke(cli, ["--db", db, "demo", "--people", "12"])
    assert result.exit_code == 0, result.output
    assert "Filled the book of Olga Owner <olga@example.com> with 12 people" in result.output
    assert open_book(db, "olga@example.com").people.count() == 12
    assert open_book(db, "stub@example.org").people.count() == 0


def test_make_run_installs_the_app_only_and_passes_port_and_host() -> None:
    def dry(*args: str) -> str:
        return subprocess.run(
            ["make", "-n", "-B", *args], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout

    run = dry("run", "PORT=8901", "HOST=0.0.0.0")
    assert "pip install --quiet -e .\n" in run and "[dev" not in run
    assert "amity.run --port 8901 --host 0.0.0.0" in run
    assert "amity.run  \n" in dry("run") or dry("run").rstrip().endswith("amity.run")
    assert "-e '.[dev,semantic]'" in dry("install")
