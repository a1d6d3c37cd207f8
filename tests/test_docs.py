"""Docs kept honest: the CLI reference is generated from --help and up to date."""

from __future__ import annotations

from pathlib import Path

from amity.cli.reference import all_command_paths, render, render_agenda_doc

DOCS = Path(__file__).resolve().parents[1] / "docs"
README = Path(__file__).resolve().parents[1] / "README.md"


def test_cli_reference_is_up_to_date() -> None:
    assert (DOCS / "cli.md").read_text(encoding="utf-8") == render(), (
        "docs/cli.md is stale: run `make docs`"
    )


def test_every_command_is_in_the_reference() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    missing = [path for path in all_command_paths() if f"## {path}\n" not in text]
    assert missing == []
    assert len(all_command_paths()) >= 15


def test_readme_names_the_two_commands_and_links_the_reference() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text
    assert "docs/cli.md" in text


def test_agenda_ranking_doc_is_the_engine_docstring() -> None:
    text = (DOCS / "agenda.md").read_text(encoding="utf-8")
    assert text == render_agenda_doc(), "docs/agenda.md is stale: run `make docs`"
    for kind in (
        "reply",
        "promise_mine",
        "promise_theirs",
        "follow_up",
        "event_follow_up",
        "keep_in_touch",
        "date",
        "give",
        "share",
        "goal_checkin",
        "feedback_request",
    ):
        assert f"`{kind}`" in text
