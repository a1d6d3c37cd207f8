"""`amity <thing> edit|delete` for every kind of record (issue 12), on a private SQLite book."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from amity.book import open_book
from amity.cli.main import cli
from tests.book.test_records import one_of_each


def amity(*args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, (result.output, result.stderr)
    return result


def run_main(*args: str) -> int:
    from amity.cli.main import run

    try:
        run([*args])
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


@pytest.fixture
def ids(cli_env: Path) -> dict[str, int]:
    book = open_book(None)
    return one_of_each(book)


# (command words, options, JSON key, expected)
EDITS = {
    "interaction": (["interaction"], ["--notes", "lunch", "--kind", "meeting"], "kind", "meeting"),
    "fact": (["fact"], ["--text", "two kids", "--kind", "family"], "text", "two kids"),
    "question": (["question"], ["--answer", "sunny"], "answer", "sunny"),
    "date": (["date"], ["--when", "--07-04"], "date", "--07-04"),
    "promise": (["promise"], ["--clear", "due", "--text", "slides"], "due_on", None),
    "follow_up": (["follow-up"], ["--due", "2026-12-09"], "due_on", "2026-12-09"),
    "event": (["event"], ["--name", "PyCon US", "--from", "2026-05-01"], "name", "PyCon US"),
    "relationship": (["relationship"], ["--kind", "friend"], "kind", "friend"),
    "article": (["article"], ["--topic", "jazz", "--topic", "music"], "topics", ["jazz", "music"]),
    "goal": (["goal"], ["--check-in", "weekly"], "check_in_days", 7),
    "feedback": (["feedback"], ["--theme", "pace", "--clear", "person"], "person", None),
}


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_edit_then_delete(ids: dict[str, int], kind: str) -> None:
    words, options, key, expected = EDITS[kind]
    out = amity(*words, "edit", str(ids[kind]), *options, "--json")
    assert json.loads(out.output)[key] == expected
    assert json.loads(out.output)["id"] == ids[kind]
    out = amity(*words, "delete", str(ids[kind]))
    assert out.output.startswith("Deleted ")
    assert run_main(*words, "delete", str(ids[kind])) == 2  # not found


def test_bad_edit_exits_2_and_changes_nothing(ids: dict[str, int]) -> None:
    assert run_main("fact", "edit", str(ids["fact"]), "--kind", "hobby") == 2
    assert run_main("date", "edit", str(ids["date"]), "--when", "1990-02-30") == 2
    assert run_main("fact", "edit", str(ids["fact"])) == 2  # nothing to change
    book = open_book(None)
    assert book.records.get("fact", ids["fact"]).kind == "interest"


def test_the_nouns_still_add(ids: dict[str, int]) -> None:
    amity("fact", "Ana Lima", "interest", "sailing")
    amity("promise", "Ana Lima", "call back")
    book = open_book(None)
    assert sorted(f.text for f in book.people.get(ids["ana"]).facts) == ["jazz", "sailing"]


def test_promise_ids_with_their_letter(ids: dict[str, int]) -> None:
    amity("promise", "edit", f"P{ids['promise']}", "--status", "done")
    assert open_book(None).records.get("promise", ids["promise"]).status == "done"


def test_interaction_people_and_time(ids: dict[str, int]) -> None:
    out = amity(
        "interaction", "edit", str(ids["interaction"]), "--with", "Bo Chen", "--at", "2026-11-20"
    )
    assert "Changed interaction" in out.output
    moved = open_book(None).records.get("interaction", ids["interaction"])
    assert [p.name for p in moved.people] == ["Bo Chen"]
    assert moved.occurred_at.date().isoformat() == "2026-11-20"


def test_purge_asks_unless_yes(ids: dict[str, int]) -> None:
    result = CliRunner().invoke(cli, ["rm", "Bo Chen", "--purge"], input="n\n")
    assert result.exit_code != 0
    assert open_book(None).people.resolve("Bo Chen").id == ids["bo"]
    amity("rm", "Bo Chen", "--purge", "--yes")
    assert [p.name for p in open_book(None).people.list()] == ["Ana Lima"]
