"""The agenda from the command line (click's CliRunner against `amity`), with --json and --date."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from icalendar import Calendar

from amity.cli.main import cli


def amity(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run through `run()` (which maps errors to exit statuses): exit 2 and one line."""
    from amity.cli.main import run

    capsys.readouterr()
    with pytest.raises(SystemExit) as stopped:
        run(list(args))
    captured = capsys.readouterr()
    assert stopped.value.code == 2, captured
    assert "Traceback" not in captured.err
    return captured.err


def as_json(*args: str) -> Any:
    return json.loads(amity(*args, "--json").stdout)


@pytest.fixture
def ana(cli_env: Path) -> int:
    """Ana, in the circle close (30 days), last talked to on 1 January 2026."""
    person = as_json("add", "Ana Lima", "--circle", "close", "--birthday", "--03-02")
    amity("log", "Ana", "--kind", "call", "--at", "2026-01-01")
    return int(person["id"])


def test_today_json_lists_items_with_their_keys_and_reasons(ana: int) -> None:
    items = as_json("today", "--date", "2026-03-01")
    assert [i["kind"] for i in items] == ["date", "keep_in_touch"]  # the birthday is tomorrow
    assert items[0]["score"] > items[1]["score"]
    first = items[1]
    assert set(first) >= {"key", "kind", "people", "due", "reason", "score"}
    assert first["key"] == f"keep_in_touch:p{ana}:2026-01-01"
    assert first["people"] == [{"id": ana, "name": "Ana Lima"}]
    assert first["reason"] == "Ana Lima: 59 days since you last talked, cadence 30 (overdue)"
    assert first["due"] == "2026-01-31"
    assert as_json("today", "--date", "2026-03-01", "--limit", "1") == items[:1]


def test_today_human_output(ana: int) -> None:
    out = amity("today", "--date", "2026-03-01").stdout
    assert "Keep in touch" in out and f"keep_in_touch:p{ana}:2026-01-01" in out
    assert "date:birthday:" in out  # not turned into an emoji


def test_done_keep_in_touch_restarts_the_cadence(ana: int) -> None:
    key = f"keep_in_touch:p{ana}:2026-01-01"
    assert "Done" in amity("done", key, "--date", "2026-03-01").stdout
    assert [i["kind"] for i in as_json("today", "--date", "2026-03-01")] == ["date"]
    later = as_json("today", "--date", "2026-03-31")
    assert [i["key"] for i in later] == [f"keep_in_touch:p{ana}:2026-03-01"]


def test_snooze_and_dismiss(ana: int) -> None:
    key = f"keep_in_touch:p{ana}:2026-01-01"
    amity("snooze", key, "--for", "3d", "--date", "2026-03-01")
    assert key not in [i["key"] for i in as_json("today", "--date", "2026-03-03")]
    assert key in [i["key"] for i in as_json("today", "--date", "2026-03-04")]
    birthday = next(
        i["key"] for i in as_json("today", "--date", "2026-03-01") if i["kind"] == "date"
    )
    said = amity("snooze", birthday, "--until", "2026-03-02", "--date", "2026-03-01").stdout
    assert f"Snoozed until 2 March 2026: {birthday}" in said  # in words, not ISO
    amity("dismiss", key)
    assert as_json("today", "--date", "2026-03-01") == []
    assert [i["key"] for i in as_json("today", "--date", "2026-03-02")] == [birthday]


def test_promises_both_ways_done_and_drop(ana: int) -> None:
    mine = as_json(
        "promise", "Ana", "send", "the", "deck", "--due", "2026-03-02", "--date", "2026-03-01"
    )
    assert (mine["text"], mine["direction"], mine["due_on"]) == (
        "send the deck",
        "mine",
        "2026-03-02",
    )
    theirs = as_json("promise", "Ana", "--theirs", "an intro", "--due", "2026-02-20")
    assert theirs["direction"] == "theirs"
    kinds = {i["kind"]: i["key"] for i in as_json("today", "--date", "2026-03-01")}
    assert kinds["promise_mine"] == f"promise:c{mine['id']}"
    assert kinds["promise_theirs"] == f"promise:c{theirs['id']}"
    overdue = as_json("promises", "--theirs", "--overdue", "--date", "2026-03-01")
    assert [p["ref"] for p in overdue["promises"]] == [theirs["ref"]]
    assert as_json("promises", "--mine")["promises"][0]["id"] == mine["id"]
    assert "Kept: P" in amity("done", mine["ref"], "--date", "2026-03-01").stdout
    amity("drop", str(theirs["id"]))
    listed = as_json("promises", "--all", "--date", "2026-03-05")
    assert {p["status"] for p in listed["promises"]} == {"done", "dropped"}
    assert listed["kept_on_time"]["mine"] == {"kept": 1, "late": 0, "judged": 1, "rate": 1.0}


def test_done_twice_is_refused(ana: int, capsys: pytest.CaptureFixture[str]) -> None:
    mine = as_json("promise", "Ana", "send the deck")
    amity("done", mine["ref"])
    assert "already done" in refused(capsys, "done", mine["ref"])


def test_follow_up_in_and_on(ana: int) -> None:
    made = as_json(
        "follow-up", "Ana", "--in", "3d", "ask", "about", "Lisbon", "--date", "2026-01-02"
    )
    assert (made["due_on"], made["text"]) == ("2026-01-05", "ask about Lisbon")
    amity("follow-up", "Ana", "--on", "2026-01-10", "book dinner")
    items = as_json("today", "--date", "2026-01-05")
    assert [i["reason"] for i in items if i["kind"] == "follow_up"] == [
        "Follow up with Ana Lima: ask about Lisbon, due today"
    ]
    assert len(as_json("follow-ups")) == 2
    amity("done", made["key"])
    assert len(as_json("follow-ups")) == 1


def test_replies_with_ages_and_statistics(ana: int) -> None:
    amity(
        "log", "Ana", "--kind", "email", "--needs-reply", "--at", "2026-02-01 09:00", "-s", "Lunch?"
    )
    waiting = as_json("replies", "--date", "2026-02-04")
    assert [(w["subject"], w["waiting_days"]) for w in waiting] == [("Lunch?", 3)]
    table = amity("replies", "--date", "2026-02-04").stdout
    assert "1 February 2026" in table and "2026-02-01" not in table  # received, in words
    amity("log", "Ana", "--kind", "email", "--outbound", "--at", "2026-02-01 15:00")
    assert as_json("replies", "--date", "2026-02-04") == []
    stats = as_json("stats", "replies")
    assert stats["overall"]["count"] == 1
    assert stats["overall"]["median_hours"] == 6.0
    assert stats["people"][0]["person"]["name"] == "Ana Lima"


def test_health_and_drifting(ana: int) -> None:
    one = as_json("health", "Ana", "--date", "2026-03-01")
    assert 0 <= one["score"] <= 100
    assert [f["name"] for f in one["factors"]] == [
        "recency",
        "frequency",
        "reciprocity",
        "promises",
        "replies",
    ]
    everyone = as_json("health", "--date", "2026-03-01")
    assert [h["person"]["id"] for h in everyone] == [ana]
    drifting = as_json("health", "--drifting", "--date", "2026-03-01")
    assert drifting[0]["person"]["id"] == ana and drifting[0]["change"] < 0
    assert "Ana Lima" in amity("health", "--drifting", "--date", "2026-03-01").stdout


def test_circles_list_and_set(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    names = [c["name"] for c in as_json("circles")]
    assert names == ["inner", "close", "network", "acquaintance"]
    changed = as_json("circle", "set", "close", "--every", "6w")
    assert changed["cadence_days"] == 42
    assert "no circle 'nope'" in refused(capsys, "circle", "set", "nope", "--every", "3d")


def test_digest_text_html_and_json(ana: int, capsys: pytest.CaptureFixture[str]) -> None:
    text = amity("digest", "--date", "2026-03-01").stdout
    assert text.startswith("Your agenda for Sunday 1 March 2026")
    assert f"keep_in_touch:p{ana}:2026-01-01" in text
    assert amity("digest", "--html", "--date", "2026-03-01").stdout.startswith("<!DOCTYPE html>")
    data = as_json("digest", "--date", "2026-03-01")
    assert data["subject"] == "Amity: 2 things for Sunday 1 March 2026"
    assert len(data["items"]) == 2
    assert "smtp.host" in refused(capsys, "digest", "--send")


def test_calendar_to_a_file(ana: int, tmp_path: Path) -> None:
    amity("promise", "Ana", "call back", "--due", "2026-03-05")
    target = tmp_path / "amity.ics"
    amity("calendar", "-o", str(target))
    calendar = Calendar.from_ical(target.read_bytes())
    summaries = sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))
    assert summaries == ["Ana Lima's birthday", "Promise to Ana Lima: call back"]
    printed = Calendar.from_ical(amity("calendar").stdout_bytes)
    assert {str(e["UID"]) for e in printed.walk("VEVENT")} == {
        str(e["UID"]) for e in calendar.walk("VEVENT")
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("done", "nonsense"), "neither an agenda key"),
        (("done", "keep_in_touch:p999:2026-01-01"), "does not exist"),
        (("done", "P999"), "no promise P999"),
        (("done", "P99999999999"), "no promise P99999999999"),
        (("drop", "99999999999"), "no promise P99999999999"),
        (("done", "keep_in_touch:p99999999999:2026-01-01"), "no agenda item"),
        (("done", "keep_in_touch:p1:2026-13-45"), "is not a date"),
        (("snooze", "promise:c1"), "--until DATE or --for DURATION"),
        (("snooze", "promise:c1", "--for", "soon"), "not a duration"),
        (("dismiss", "what:ever"), "not an agenda key"),
        (("today", "--limit", "0"), "0"),
        (("today", "--date", "not a date at all"), "not a date"),
        (("promise", "Ana", " "), "needs some text"),
        (("follow-up", "Ana", "x"), "--in DURATION or --on DATE"),
        (("health", "Nobody Here"), "no person matches"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    ana: int, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    assert message in refused(capsys, *args)


def test_today_shows_the_50_most_important_unless_all(cli_env: Path) -> None:
    from amity.book import open_book
    from tests.agenda.helpers import NOW, bulk_people

    book = open_book(clock=lambda: NOW)
    bulk_people(book, 11)  # 5 items each
    day = NOW.date().isoformat()
    shown = as_json("today", "--date", day)
    every = as_json("today", "--date", day, "--all")
    assert (len(shown), len(every)) == (50, 55)
    assert shown == every[:50]
    assert [i["score"] for i in every] == sorted((i["score"] for i in every), reverse=True)


def test_a_far_away_date_is_refused(ana: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert "out of range" in refused(capsys, "today", "--date", "9999-12-31")
    assert "out of range" in refused(capsys, "promise", "Ana", "x", "--due", "9999-12-30")
