"""The CLI for people and interactions, through Click's runner, on a private SQLite book."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from amity.cli.main import COMMANDS, cli


def amity(*args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, (result.output, result.stderr)
    return result


def run_main(*args: str) -> int:
    """Through `run()`, which maps Amity's errors to exit statuses."""
    from amity.cli.main import run

    try:
        run([*args])
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_add_show_list_as_json(cli_env: Path) -> None:
    amity(
        "add",
        "Ana Lima",
        "--email",
        "ana@example.com",
        "--phone",
        "+351 912 345 678",
        "--org",
        "Acme",
        "--title",
        "CTO",
        "--tag",
        "python",
        "--circle",
        "close",
        "--birthday",
        "--04-15",
        "--met-at",
        "PyCon",
        "--met-on",
        "2026-04-20",
        "--note",
        "Likes jazz",
    )
    person = json.loads(amity("show", "ana", "--json").output)
    for key in (
        "id",
        "name",
        "emails",
        "phones",
        "org",
        "title",
        "tags",
        "circle",
        "birthday",
        "last_interaction_at",
    ):
        assert key in person
    assert person["emails"] == ["ana@example.com"]
    assert person["phones"] == ["+351912345678"]
    assert person["birthday"] == "--04-15"
    assert person["met_on"] == "2026-04-20"
    listed = json.loads(amity("list", "--json", "--limit", "50").output)
    assert [p["name"] for p in listed] == ["Ana Lima"]
    assert "Ana Lima" in amity("list").output
    assert "Likes jazz" in amity("show", "Ana Lima").output


@pytest.mark.parametrize("birthday", ["1990-04-15", "--04-15", "04-15"])
def test_birthday_forms(cli_env: Path, birthday: str) -> None:
    amity("add", "Ana", "--birthday", birthday)
    expected = "1990-04-15" if birthday.startswith("1990") else "--04-15"
    assert json.loads(amity("show", "Ana", "--json").output)["birthday"] == expected


def test_log_resolves_people_and_takes_notes(cli_env: Path) -> None:
    amity("add", "Ana Lima")
    amity("add", "Ben Ode")
    out = json.loads(
        amity(
            "log",
            "Ana",
            "ben",
            "--kind",
            "call",
            "--at",
            "2026-11-02 15:00",
            "talked about the move",
            "--json",
        ).output
    )
    assert {p["name"] for p in out["people"]} == {"Ana Lima", "Ben Ode"}
    assert out["notes"] == "talked about the move"
    assert out["kind"] == "call" and out["direction"] == "mutual"
    assert out["occurred_at"].startswith("2026-11-02T15:00")
    waiting = json.loads(amity("log", "Ana", "--kind", "email", "--needs-reply", "--json").output)
    assert waiting["direction"] == "inbound" and waiting["needs_reply"] is True
    timeline = json.loads(amity("timeline", "Ben", "--json").output)
    assert [i["id"] for i in timeline] == [out["id"]]


def test_ambiguous_reference_lists_candidates_and_exits_2(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    amity("add", "Ana Lima")
    amity("add", "Ana Costa")
    assert run_main("show", "Ana") == 2
    err = capsys.readouterr().err
    assert "Ana Lima" in err and "Ana Costa" in err


@pytest.mark.parametrize(
    "args",
    [
        ["add", "X", "--email", "nope"],
        ["add", "X", "--phone", "12"],
        ["add", "X", "--birthday", "1990-13-01"],
        ["add", "X", "--circle", "galaxy"],
        ["add", "X", "--every", "sometimes"],
        ["log", "Nobody", "--kind", "call"],
        ["fact", "Nobody", "interest", "x"],
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    cli_env: Path, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_main(*args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("amity:") and "\n" not in err
    assert json.loads(amity("list", "--json").output) == []


def test_click_usage_errors_exit_2(cli_env: Path) -> None:
    amity("log", "Ana", "--kind", "telepathy", code=2)
    amity("log", "Ana", "--at", "not a time at all", code=2)


def test_tag_fact_ask_rm(cli_env: Path) -> None:
    amity("add", "Ana")
    assert "climate, python" in amity("tag", "Ana", "python", "Climate").output
    amity("fact", "Ana", "interest", "sailing", "and", "jazz")
    amity("ask", "Ana", "How", "was", "Lisbon?")
    person = json.loads(amity("show", "Ana", "--json").output)
    assert person["facts"][0]["text"] == "sailing and jazz"
    assert person["questions"][0]["text"] == "How was Lisbon?"
    amity("rm", "Ana")
    assert json.loads(amity("list", "--json").output) == []
    assert len(json.loads(amity("list", "--archived", "--json").output)) == 1
    amity("rm", "Ana", "--purge", "--yes")
    assert json.loads(amity("list", "--archived", "--json").output) == []


def test_search_json(cli_env: Path) -> None:
    amity("add", "Ana Lima", "--org", "Acme Robotics")
    hits = json.loads(amity("search", "robot", "--json").output)
    assert hits[0]["kind"] == "person" and hits[0]["title"] == "Ana Lima"


def test_json_backup_round_trip_through_files(cli_env: Path, tmp_path: Path) -> None:
    amity("add", "Ana", "--email", "ana@example.com", "--tag", "x")
    amity("log", "Ana", "--kind", "call", "hello there friend")
    first = tmp_path / "b1.json"
    amity("export", "--format", "json", "-o", str(first))
    other_db = str(tmp_path / "other.db")
    amity("--db", other_db, "import", str(first))
    second = tmp_path / "b2.json"
    amity("--db", other_db, "export", "-o", str(second))
    assert json.loads(first.read_text()) == json.loads(second.read_text())
    # restoring twice is refused: the book is no longer empty
    assert run_main("--db", other_db, "import", str(first)) == 2


def test_info_and_config(cli_env: Path) -> None:
    info = json.loads(amity("info", "--json").output)
    assert info["schema_version"] == info["schema_head"]
    assert info["backend"] == "sqlite"
    assert str(cli_env) in info["database"]
    amity("config", "set", "timezone", "Europe/Lisbon")
    assert amity("config", "get", "timezone").output.strip() == "Europe/Lisbon"
    assert run_main("config", "set", "timezone", "Mars/Base") == 2


def test_user_option_opens_separate_books(cli_env: Path) -> None:
    amity("add", "Ana")
    amity("--user", "bob@example.org", "add", "Bob's friend")
    assert [p["name"] for p in json.loads(amity("list", "--json").output)] == ["Ana"]
    names = [
        p["name"] for p in json.loads(amity("--user", "bob@example.org", "list", "--json").output)
    ]
    assert names == ["Bob's friend"]


def test_every_registered_command_loads() -> None:
    for name in COMMANDS:
        assert cli.get_command(None, name) is not None, name  # type: ignore[arg-type]


def test_database_url_environment_variable(cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = cli_env / "elsewhere.db"
    monkeypatch.setenv("AMITY_DATABASE_URL", f"sqlite:///{target}")
    amity("add", "Ana")
    assert target.exists()
    info = json.loads(amity("info", "--json").output)
    assert "elsewhere.db" in info["database"]
