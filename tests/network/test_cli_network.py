"""Issue 6 from the command line (CliRunner): every read command with --json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from amity.cli.main import cli


def amity(*args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, (result.output, result.stderr)
    return result


def as_json(*args: str) -> Any:
    return json.loads(amity(*args, "--json").stdout)


def run_main(*args: str) -> int:
    """Through `run()`, which maps Amity's errors to exit status 2."""
    from amity.cli.main import run

    try:
        run([*args])
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


@pytest.fixture
def book(cli_env: Path) -> Path:
    amity("add", "Ana Lima", "--circle", "inner", "--org", "Volta", "--tag", "energy")
    amity("add", "Ben Ode", "--org", "Acme")
    amity("add", "Cleo Park", "--org", "Acme")
    amity("log", "Ana", "--kind", "call", "--at", "2026-11-20")
    return cli_env


def test_events_met_and_show(book: Path) -> None:
    event = as_json(
        "event",
        "add",
        "PyCon 2026",
        "--kind",
        "conference",
        "--from",
        "2026-10-01",
        "--to",
        "2026-10-03",
        "--where",
        "Lisbon",
        "--url",
        "https://pycon.org",
    )
    assert (event["kind"], event["starts_on"], event["ends_on"]) == (
        "conference",
        "2026-10-01",
        "2026-10-03",
    )
    met = as_json("met", "Ana", "Ben", "--at", "PyCon", "--note", "rust")
    assert [p["name"] for p in met["people"]] == ["Ana Lima", "Ben Ode"]
    shown = as_json("event", "show", "pycon")
    assert [(a["person"]["name"], a["followed_up"]) for a in shown["attendees"]] == [
        ("Ana Lima", True),
        ("Ben Ode", False),
    ]
    assert as_json("events")[0]["people"] == 2
    assert "not yet followed up" in amity("event", "show", str(event["id"])).output
    assert (
        run_main(
            "event",
            "add",
            "X",
            "--kind",
            "conference",
            "--from",
            "2026-02-02",
            "--to",
            "2026-02-01",
        )
        == 2
    )


def test_relate_intro_and_warm_paths(book: Path) -> None:
    assert as_json("relate", "Ana", "Ben", "--as", "colleague")["kind"] == "colleague"
    intro = as_json("intro", "Ben", "Cleo", "--by", "Ana", "--note", "both at Acme")
    assert intro["by"]["name"] == "Ana Lima"
    paths = as_json("path", "Ben", "--date", "2026-11-25")
    assert paths["target"]["kind"] == "person"
    best = paths["paths"][0]
    assert [h["to"]["name"] for h in best["hops"]] == ["Ana Lima", "Ben Ode"]
    assert best["hops"][0]["from"] is None and best["hops"][1]["reason"] == "colleagues"
    org = as_json("path", "org:acme", "--limit", "2")
    assert org["target"]["kind"] == "org" and len(org["paths"]) == 2
    assert "Paths to person Ben Ode" in amity("path", "Ben").output
    assert run_main("path", "Nobody Known") == 2


def test_the_ledger_and_balance(book: Path) -> None:
    assert as_json("gave", "Ben", "advice", "pricing", "model")["text"] == "pricing model"
    as_json("got", "Ben", "intro", "to", "Zed", "--on", "2026-10-01")
    rows = as_json("balance")
    assert [(r["person"]["name"], r["given"], r["received"]) for r in rows] == [("Ben Ode", 1, 1)]
    one = as_json("balance", "Ben")
    assert [x["kind"] for x in one["exchanges"]] == ["advice", "intro"]
    assert amity("gave", "Ben", "money", "x", code=2).exit_code == 2  # a click choice


def test_coverage_targets(book: Path) -> None:
    as_json("coverage", "add", "Acme", "--org", "acme", "--want", "3")
    as_json("coverage", "add", "Energy", "--tag", "energy")
    rows = as_json("coverage")
    assert [(r["name"], r["have"], r["gap"]) for r in rows] == [("Acme", 2, 1), ("Energy", 1, 0)]
    assert "1 to go" in amity("coverage").output
    amity("coverage", "add", "Both", "--org", "a", "--tag", "b", code=2)
    amity("coverage", "rm", str(rows[0]["id"]))
    assert len(as_json("coverage")) == 1


def test_articles_suggest_and_share(book: Path, tmp_path: Path) -> None:
    amity("fact", "Cleo", "interest", "climate tech")
    page = tmp_path / "page.html"
    page.write_text(
        "<html><title>Grid batteries</title><body><p>Cheap storage for the grid</p></body></html>",
        encoding="utf-8",
    )
    article = as_json(
        "article",
        "add",
        "https://x.org/grid",
        "--text-file",
        str(page),
        "--topics",
        "climate tech,energy",
    )
    assert (article["title"], article["topics"]) == ("Grid batteries", ["climate tech", "energy"])
    suggestions = as_json("share", "suggest", str(article["id"]))
    assert [s["person"]["name"] for s in suggestions] == ["Cleo Park", "Ana Lima"]
    assert all(s["strong"] for s in suggestions)
    shared = as_json("share", str(article["id"]), "Cleo", "--note", "for you")
    assert shared["interaction"]["direction"] == "outbound"
    assert [p["person"]["name"] for p in as_json("share", "suggest", "grid")] == ["Ana Lima"]
    listed = as_json("articles")
    assert listed[0]["shared_with"] == 1
    shown = as_json("article", "show", "grid")
    assert shown["text"] == "Cheap storage for the grid"
    assert [x["kind"] for x in as_json("balance", "Cleo")["exchanges"]] == ["article"]
    assert run_main("share", str(article["id"]), "Cleo") == 2
    assert run_main("article", "add", "https://x.org/grid") == 2
    assert run_main("share", "suggest", "grid", "--ranker", "semantic") in (0, 2)


def test_questions_ticked_when_logging(book: Path) -> None:
    question = as_json("ask", "Ana", "How was Porto?")
    amity("log", "Ana", "--kind", "call", "--asked", f"Q{question['id']}=Loved it")
    person = as_json("show", "Ana")
    assert person["questions"][0]["asked_at"] is not None
    assert person["questions"][0]["answer"] == "Loved it"
    assert any(f["text"].endswith("Loved it") for f in person["facts"])
    assert run_main("log", "Ana", "--asked", f"Q{question['id']}") == 2  # already asked
    assert run_main("log", "Ben", "--asked", "Qx") == 2


def test_brief_and_prepare(book: Path) -> None:
    amity("fact", "Ana", "interest", "sailing")
    brief = as_json("brief", "Ana", "--date", "2026-11-25")
    assert brief["person"]["name"] == "Ana Lima" and brief["circle"] == "inner"
    assert [f["text"] for f in brief["interests"]] == ["sailing"]
    assert brief["recent_interactions"][0]["kind"] == "call"
    assert brief["health"]["score"] >= 0
    assert "What they care about" in amity("brief", "Ana").output
    amity("log", "Ana", "Ben", "--kind", "meeting", "--at", "2099-01-02 10:00")
    day = as_json("prepare", "--date", "2099-01-02")
    assert day["date"] == "2099-01-02"
    assert [b["person"]["name"] for b in day["meetings"][0]["briefs"]] == ["Ana Lima", "Ben Ode"]
    assert as_json("prepare", "--date", "2099-01-03")["meetings"] == []


def test_feedback_requests_goals_and_themes(book: Path) -> None:
    fb = as_json(
        "feedback",
        "add",
        "--from",
        "Ana",
        "--kind",
        "constructive",
        "--theme",
        "pacing",
        "--context",
        "demo",
        "too",
        "fast",
    )
    assert (fb["text"], fb["themes"], fb["context"]) == ("too fast", ["pacing"], "demo")
    as_json("feedback", "add", "--kind", "positive", "--theme", "slides", "clear")
    assert [f["text"] for f in as_json("feedback", "--theme", "pacing")] == ["too fast"]
    assert len(as_json("feedback", "--since", "2000-01-01")) == 2
    request = as_json("feedback", "ask", "Ben", "--about", "my talk", "--by", "2099-01-01")
    assert request["asked_on"] is None
    assert as_json("feedback", "asked", f"R{request['id']}")["asked_on"] is not None
    assert [r["id"] for r in as_json("feedback", "requests")] == [request["id"]]
    goal = as_json(
        "goal",
        "add",
        "Speak",
        "slower",
        "--theme",
        "pacing",
        "--check-in",
        "weekly",
        "--until",
        "2099-06-01",
    )
    assert (goal["title"], goal["check_in_days"]) == ("Speak slower", 7)
    check = as_json("goal", "check-in", f"G{goal['id']}", "--progress", "40", "used", "a", "timer")
    assert (check["progress"], check["note"]) == (40, "used a timer")
    goals = as_json("goals")
    assert goals[0]["progress"] == 40 and goals[0]["feedback_on_theme"] == 1
    themes = as_json("feedback", "themes")
    assert {t["theme"] for t in themes} == {"pacing", "slides"}
    amity("goal", "check-in", "Speak", "--progress", "101", code=2)
    amity("goal", "done", "Speak")
    assert as_json("goals") == []


def test_review_json_and_text(book: Path) -> None:
    review = as_json("review", "--date", "2026-11-25")
    assert review["kind"] == "week"
    assert review["period"] == {"start": "2026-11-19", "end": "2026-11-25"}
    assert review["people_reached"]["current"] == 1
    assert review["interactions_by_kind"]["call"] == {"current": 1, "previous": 0, "change": 1}
    month = as_json("review", "--month", "--date", "2026-11-25")
    assert month["kind"] == "month" and month["previous_period"]["end"] == "2026-10-26"
    text = amity("review", "--date", "2026-11-25").output
    assert "people reached" in text
    assert "19 November 2026 – 25 November 2026" in " ".join(text.split())  # in words
    assert "2026-11-19" not in text


def test_participation_log_and_introductions_with_outcomes(book: Path) -> None:
    as_json("event", "add", "Climate Slack", "--kind", "community")
    logged = as_json("event", "log", "climate", "answered", "a", "question", "--on", "2026-11-02")
    assert logged["notes"] is None
    assert [(p["on"], p["text"]) for p in logged["participation"]] == [
        ("2026-11-02", "answered a question")
    ]
    as_json("event", "log", "climate", "shared our report", "--on", "2026-11-09")
    shown = amity("event", "show", "climate").output
    assert "Your participation" in shown
    assert shown.index("2026-11-09  shared our report") < shown.index(
        "2026-11-02  answered a question"
    )
    listed = as_json("event", "show", "climate")["participation"]
    assert [p["text"] for p in listed] == ["shared our report", "answered a question"]
    intro = as_json("intro", "Ana", "Ben")
    done = as_json("intro-outcome", str(intro["id"]), "they", "hired", "each", "other")
    assert done["outcome"] == "they hired each other"
    assert [i["outcome"] for i in as_json("intros", "Ben")] == ["they hired each other"]
    assert as_json("intros", "Cleo") == []
    assert run_main("intro-outcome", "99999", "x") == 2
    assert run_main("event", "log", "climate", "") == 2


def test_the_read_commands_answer_json_on_both_backends(db_url: str, cli_env: Path) -> None:
    """The same commands through --db on SQLite and PostgreSQL, each in its own user's book."""
    import uuid

    base = ("--db", db_url, "--user", f"cli-{uuid.uuid4().hex[:10]}@example.org")

    def j(*args: str) -> Any:
        return json.loads(amity(*base, *args, "--json").stdout)

    j("add", "Ana Lima", "--org", "Acme", "--tag", "energy")
    j("add", "Ben Ode", "--org", "Acme")
    j("relate", "Ana", "Ben", "--as", "friend")
    j("edit", "Ana", "--circle", "inner")
    j("log", "Ana", "--kind", "call", "--at", "2026-11-20")
    j("event", "add", "PyCon", "--kind", "conference", "--from", "2026-10-01")
    j("met", "Ana", "--at", "PyCon")
    j("gave", "Ben", "advice", "pricing")
    article = j(
        "article", "add", "https://x.org/a", "--title", "Energy storage", "--topics", "energy"
    )
    j("feedback", "add", "--kind", "positive", "--theme", "talks", "good talk")
    j("goal", "add", "Talk slower", "--check-in", "weekly")
    best = j("path", "Ben", "--date", "2026-11-25")["paths"][0]
    assert [h["to"]["name"] for h in best["hops"]] == ["Ana Lima", "Ben Ode"]
    assert j("events")[0]["people"] == 1
    assert j("event", "show", "PyCon")["attendees"][0]["person"]["name"] == "Ana Lima"
    assert j("balance")[0]["given"] == 1
    assert j("share", "suggest", str(article["id"]))[0]["person"]["name"] == "Ana Lima"
    assert j("articles")[0]["id"] == article["id"]
    assert j("feedback")[0]["themes"] == ["talks"]
    assert j("goals")[0]["title"] == "Talk slower"
    assert j("brief", "Ana")["mutual"][0]["person"]["name"] == "Ben Ode"
    assert j("review", "--date", "2026-11-25")["kind"] == "week"
    assert j("coverage") == []
    assert j("intros") == []
