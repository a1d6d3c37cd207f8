"""The recurrence storm through every door: the CLI's dry run, the REST API's preview and the
web Import page's preview all show the same bounded count and the same warning.

A 300-byte `.ics` with ``RRULE:FREQ=SECONDLY`` and no end, starting in 2020, once made the web
preview run past 180 s while the server grew to 1 GB. (How fast it is now is measured in
benchmarks/bench_calendar.py, not here.)
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from click.testing import CliRunner
from fastapi import FastAPI

from amity.book import open_book
from amity.web.app import create_app
from tests.conftest import Clock, new_book
from tests.formats.test_ical_storm import STORM
from tests.web.conftest import sign_in

CAP = 5000
WARNING = "recurrence cut (FREQ=SECONDLY): more than 5000 instances in the window"


def test_the_cli_dry_run_reports_the_cap_and_the_warning(sqlite_url: str, clock: Clock,
                                                        tmp_path: Path) -> None:  # fmt: skip
    from amity.cli.main import cli

    email = f"storm-{uuid.uuid4().hex[:8]}@example.org"
    book = open_book(sqlite_url, email, clock=clock)
    path = tmp_path / "storm.ics"
    path.write_bytes(STORM)
    base = ["--db", sqlite_url, "--user", email, "import", str(path), "--create-people"]
    result = CliRunner().invoke(cli, [*base, "--dry-run", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["counts"]["interactions_new"] == CAP and report["counts"]["warnings"] == 1
    (warning,) = report["warnings"]
    assert warning["record"] == "Storm" and warning["line"] == 4
    assert WARNING in warning["reason"]
    table = CliRunner().invoke(cli, [*base, "--dry-run"], catch_exceptions=False).output
    assert "Warnings (kept in part)" in table and "warning at line 4: Storm:" in table
    assert book.counts()["interactions"] == 0  # a dry run writes nothing


def test_the_api_preview_reports_the_cap_and_the_warning(sqlite_url: str, clock: Clock) -> None:
    from tests.web.conftest_api import api_user

    app = create_app(sqlite_url, clock=clock, scheduler=False)
    user = api_user(app, sqlite_url, clock)
    query = "?format=auto&filename=storm.ics&create_people=true"
    response = user.client.post(user.url("/import/preview" + query), content=STORM)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["counts"]["interactions_new"] == CAP and report["counts"]["warnings"] == 1
    assert WARNING in report["warnings"][0]["reason"]
    applied = user.client.post(user.url("/import" + query), content=STORM).json()
    assert applied["counts"]["interactions_new"] == CAP and applied["warnings"]
    again = user.client.post(user.url("/import" + query), content=STORM).json()
    assert again["counts"]["interactions_new"] == 0
    assert again["counts"]["interactions_skipped"] == CAP  # nothing twice


def test_the_web_preview_shows_the_cap_and_the_warning(sqlite_url: str, clock: Clock) -> None:
    app: FastAPI = create_app(sqlite_url, clock=clock, scheduler=False)
    user = sign_in(app, new_book(sqlite_url, clock))
    files = {"file": ("storm.ics", STORM, "text/calendar")}
    shown = user.post("/import", {"format": "auto", "create_people": "1"}, files=files)
    assert shown.status_code == 200, shown.text
    assert "Preview:" in shown.text and f"{CAP} new interactions" in shown.text
    assert "Warnings (kept in part)" in shown.text and WARNING in shown.text
