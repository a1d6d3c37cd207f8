"""`amity demo` through the CLI runner on a private SQLite book."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from amity.cli.main import cli, run


def amity(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, (result.output, result.stderr)
    return result.stdout


def exit_status(*args: str) -> int:
    try:
        run([*args])
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_demo_fills_the_book_and_reports_counts(cli_env: Path) -> None:
    report = json.loads(
        amity(
            "demo",
            "--people",
            "40",
            "--years",
            "1",
            "--seed",
            "5",
            "--date",
            "2026-11-25",
            "--json",
        )
    )
    assert report["counts"]["people"] == 40 and report["counts"]["interactions"] > 40
    listed = json.loads(amity("list", "--json", "--limit", "50", "--sort", "last-contact"))
    assert len(listed) == 40
    assert listed[0]["last_interaction_at"] <= "2026-11-25T12:00:00+00:00"
    assert "Filled the book" not in report  # --json prints only the document


def test_demo_says_what_it_made_in_words(cli_env: Path) -> None:
    out = amity("demo", "--people", "15", "--years", "1")
    assert out.startswith("Filled the book with 15 people,")


def test_demo_refuses_a_book_with_data_and_bad_sizes(cli_env: Path) -> None:
    amity("add", "Ana Lima")
    assert exit_status("demo", "--people", "10") == 2
    assert json.loads(amity("list", "--json"))[0]["name"] == "Ana Lima"
    amity("demo", "--people", "0", code=2)
    amity("demo", "--years", "many", code=2)
