"""The agenda's later kinds (give, share, goal_checkin, feedback_request) in `book.agenda`:
ranked with the other kinds, obeying done / snooze / dismiss, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from amity.book import Book, InteractionInput, PersonInput
from amity.rules.agenda import DEFAULT_KIND_WEIGHTS
from tests.conftest import Clock

TODAY = date(2026, 11, 25)  # the clock's day


def a_book_with_every_later_kind(book: Book) -> dict[str, int]:
    ana = book.people.add(PersonInput(name="Ana Lima", circle="close", tags=["climate-tech"])).id
    ben = book.people.add(PersonInput(name="Ben Ode")).id
    book.people.add_fact(ana, "interest", "sailing")
    for day, kind in (
        (date(2026, 9, 1), "intro"),
        (date(2026, 9, 20), "advice"),
        (date(2026, 10, 1), "referral"),
    ):
        book.network.ledger.got(ana, kind, "something useful", on=day)
    article = book.articles.add(
        "https://x.org/grid", title="Grid batteries", topics=["climate tech"]
    )
    goal = book.feedback.add_goal("Speak slower", check_in="weekly")
    request = book.feedback.ask(ben, "my talk")
    return {
        "ana": ana,
        "ben": ben,
        "article": article.id or 0,
        "goal": goal.id or 0,
        "request": request.id,
    }


def kinds(items: list) -> list[str]:  # type: ignore[type-arg]
    return sorted({a.kind for a in items})


def test_the_agenda_holds_every_later_kind_ranked_with_the_rest(book: Book, clock: Clock) -> None:
    ids = a_book_with_every_later_kind(book)
    day = TODAY + timedelta(days=8)  # the weekly goal check-in is a day late
    items = book.agenda.items(today=day)
    assert {"give", "share", "goal_checkin", "feedback_request"} <= set(kinds(items))
    keys = [a.key for a in items]
    assert f"give:p{ids['ana']}:2026-10-01" in keys
    assert f"share:a{ids['article']}:p{ids['ana']}" in keys
    assert f"goal_checkin:g{ids['goal']}:{TODAY + timedelta(days=7)}" in keys
    assert f"feedback_request:ask:r{ids['request']}" in keys
    scores = [a.score for a in items]
    assert scores == sorted(scores, reverse=True), "one ranking for every kind"
    assert items == book.agenda.items(today=day, limit=len(items))
    assert len(book.agenda.items(today=day, limit=2)) == 2


def test_done_snooze_and_dismiss_apply_to_later_kinds(book: Book, clock: Clock) -> None:
    ids = a_book_with_every_later_kind(book)
    give = f"give:p{ids['ana']}:2026-10-01"
    share = f"share:a{ids['article']}:p{ids['ana']}"
    book.agenda.dismiss(give)
    book.agenda.snooze(share, TODAY + timedelta(days=3), today=TODAY)
    keys = [a.key for a in book.agenda.items(today=TODAY)]
    assert give not in keys and share not in keys
    assert share in [a.key for a in book.agenda.items(today=TODAY + timedelta(days=3))]
    book.agenda.restore(give)
    assert give in [a.key for a in book.agenda.items(today=TODAY)]


def test_done_on_asking_for_feedback_marks_the_request_asked(book: Book, clock: Clock) -> None:
    ids = a_book_with_every_later_kind(book)
    ask = f"feedback_request:ask:r{ids['request']}"
    assert ask in [a.key for a in book.agenda.items(today=TODAY)]
    book.agenda.done(ask)
    [request] = book.feedback.requests()
    assert request.asked_on == TODAY
    assert not [a for a in book.agenda.items(today=TODAY) if a.kind == "feedback_request"]
    later = [
        a
        for a in book.agenda.items(today=TODAY + timedelta(days=14))
        if a.kind == "feedback_request"
    ]
    assert [a.details["stage"] for a in later] == ["follow_up"]


def test_the_users_kind_weights_score_later_kinds(book: Book, clock: Clock) -> None:
    ids = a_book_with_every_later_kind(book)
    give = f"give:p{ids['ana']}:2026-10-01"

    def score() -> float:
        return next(a.score for a in book.agenda.items(today=TODAY) if a.key == give)

    before = score()
    book.settings.set("agenda.weight.give", DEFAULT_KIND_WEIGHTS["give"] * 3)
    after = score()
    assert round(after / before, 3) == 3.0
    item = next(a for a in book.agenda.items(today=TODAY) if a.key == give)
    assert "give 3 x timing" in str(item.details["explain"])
    assert "(circle close)" in str(item.details["explain"])


def test_other_users_and_an_empty_book_have_no_later_items(
    book: Book, db_url: str, clock: Clock
) -> None:
    from tests.conftest import new_book

    a_book_with_every_later_kind(book)
    other = new_book(db_url, clock)
    other.people.add(PersonInput(name="Zed"))
    other.interactions.log(
        InteractionInput(
            people=[other.people.get("Zed").id], occurred_at=datetime(2026, 11, 1, tzinfo=UTC)
        )
    )
    assert not set(kinds(other.agenda.items(today=TODAY))) & {
        "give",
        "share",
        "goal_checkin",
        "feedback_request",
    }


def test_amity_today_lists_later_kinds_and_dismiss_hides_them(cli_env: object) -> None:
    """`amity today` (CLI, SQLite in the private data folder) shows and hides them too."""
    import json

    from click.testing import CliRunner

    from amity.book import open_book
    from amity.cli.main import cli

    book = open_book()
    ana = book.people.add(PersonInput(name="Ana Lima")).id
    for day in (date(2026, 9, 1), date(2026, 9, 20)):
        book.network.ledger.got(ana, "advice", "useful", on=day)

    def today() -> list[dict[str, object]]:
        result = CliRunner().invoke(
            cli, ["today", "--json", "--date", "2026-11-25"], catch_exceptions=False
        )
        assert result.exit_code == 0, result.output
        return list(json.loads(result.stdout))

    key = f"give:p{ana}:2026-09-20"
    assert key in [item["key"] for item in today()]
    result = CliRunner().invoke(cli, ["dismiss", key], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert key not in [item["key"] for item in today()]
