"""Issue 6 pages (SQLite and PostgreSQL): Brief panel, Prepare, Events, Network, Articles,
Feedback & Goals, Review with SVG charts. Every route answers, every form writes its rows,
every post needs the CSRF token, user text is escaped, and another user's ids are 404."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from amity.book import Book, InteractionInput, PersonInput
from tests.conftest import Clock
from tests.web.conftest import WebUser
from tests.web.network_samples import PAGE_FORMS

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def person(user: WebUser, name: str, **kw: Any) -> int:
    return user.book.people.add(PersonInput(name=name, **kw)).id


def filled_book(book: Book, clock: Clock) -> dict[str, int]:
    """A book with something on every issue-6 page."""
    ana = book.people.add(
        PersonInput(name="Ana Lima", circle="close", org="Acme", tags=["climate-tech"])
    ).id
    ben = book.people.add(PersonInput(name="Ben Ode", org="Acme")).id
    book.people.add_fact(ana, "interest", "sailing and climate tech")
    book.interactions.log(
        InteractionInput(
            people=[ana, ben],
            kind="call",
            subject="Kick-off",
            occurred_at=clock() - timedelta(days=2),
        )
    )
    book.interactions.log(
        InteractionInput(
            people=[ana], kind="meeting", subject="Lunch", occurred_at=clock() + timedelta(hours=3)
        )
    )
    event = book.network.events.add("PyCon 2026", "conference", starts_on=date(2026, 10, 1))
    book.network.events.met([ana, ben], event.id or 0)
    book.network.ledger.got(ana, "advice", "pricing", on=date(2026, 9, 1))
    book.network.relationships.relate(ana, ben, "colleague")
    intro = book.network.introductions.add(ana, ben)
    book.network.coverage.add("Climate", "tag", "climate-tech", 3)
    article = book.articles.add(
        "https://x.org/grid", title="Grid batteries", topics=["climate tech"]
    )
    book.feedback.add("clear slides", kind="positive", person=ana, themes=["speaking"])
    goal = book.feedback.add_goal("Speak slower", theme="speaking", check_in="weekly")
    book.feedback.check_in(goal.id or 0, 30)
    request = book.feedback.ask(ben, "my talk")
    return {
        "ana": ana,
        "ben": ben,
        "event": event.id or 0,
        "article": article.id or 0,
        "goal": goal.id or 0,
        "request": request.id,
        "intro": intro.id or 0,
    }


def test_every_page_answers_with_its_content(ann: WebUser, clock: Clock) -> None:
    ids = filled_book(ann.book, clock)
    pages = {
        f"/people/{ids['ana']}/brief": [
            "How you met",
            "PyCon 2026",
            "People you both know",
            "Ben Ode",
        ],
        "/prepare": ["Lunch", "Ana Lima", "sailing and climate tech"],
        "/events": ["PyCon 2026"],
        f"/events/{ids['event']}": ["Whom you met there", "Ana Lima", "followed up"],
        "/network": ["Warm paths", "Give and receive", "Climate", "colleague", "Introductions"],
        "/network?target=org:Acme": ["Ana Lima", "You →"],
        "/network/paths?target=Ben": ["Ben Ode"],
        "/articles": ["Grid batteries"],
        f"/articles/{ids['article']}": ["Who would care", "Ana Lima", "strong match"],
        "/feedback": ["Speak slower", "clear slides", "speaking", "my talk", "30%"],
        "/feedback?theme=speaking": ["clear slides"],
        "/review": ["<svg", "Interactions by kind", "People reached by circle", "Goal progress"],
        "/review?period=month&date=2026-11-20": ["<svg", "Median reply time"],
    }
    for url, wanted in pages.items():
        page = ann.get(url)
        assert page.status_code == 200, (url, page.text[:300])
        for text in wanted:
            assert text in page.text, (url, text)
    person_page = ann.get(f"/people/{ids['ana']}").text
    assert (
        f'hx-get="/people/{ids["ana"]}/brief"' in person_page and 'hx-trigger="load"' in person_page
    )
    nav = ann.get("/").text
    for link in ("/prepare", "/events", "/network", "/articles", "/feedback", "/review"):
        assert f'href="{link}"' in nav


def test_bad_query_values_are_422_not_500(ann: WebUser) -> None:
    for url in (
        "/review?period=year",
        "/review?date=0001-01-01",
        "/review?date=nonsense",
        "/prepare?date=9999-12-31",
    ):
        assert ann.get(url).status_code == 422, url
    assert ann.get("/network/paths?target=nobody-here").status_code == 200  # reason shown
    assert "no person, organisation or tag" in ann.get("/network/paths?target=nobody-here").text


def test_the_review_page_draws_bars_for_both_periods(ann: WebUser, clock: Clock) -> None:
    ana = person(ann, "Ana Lima", circle="close")
    for days in (1, 2, 9):
        ann.book.interactions.log(
            InteractionInput(people=[ana], kind="call", occurred_at=clock() - timedelta(days=days))
        )
    page = ann.get("/review").text
    chart = page[page.index('id="chart-interactions"') :]
    chart = chart[: chart.index("</svg>")]
    widths = [
        float(w)
        for w in re.findall(r'class="bar-(?:current|previous)"[^>]*width="([\d.]+)"', chart)
    ]
    assert len(widths) >= 2 and widths[0] == 2 * widths[1] > 0  # 2 calls this week, 1 before
    assert "call, this period: 2" in chart and "call, previous period: 1" in chart
    assert "https://" not in page.split("<main", 1)[1].split("</main>")[0].replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )


def test_event_forms_write_rows(ann: WebUser, clock: Clock) -> None:
    person(ann, "Ana Lima")
    made = ann.post(
        "/events",
        {"name": "RustConf", "kind": "conference", "starts_on": "2026-11-20", "location": "Berlin"},
    )
    assert made.status_code == 303
    [summary] = ann.book.network.events.list()
    assert made.headers["location"] == f"/events/{summary.event.id}"
    assert (summary.event.name, summary.event.location) == ("RustConf", "Berlin")
    met = ann.post(
        f"/events/{summary.event.id}/met", {"people": "Ana Lima", "note": "rust"}, htmx=True
    )
    assert met.status_code == 200 and "Ana Lima" in met.text
    assert [a.person.name for a in ann.book.network.events.get(summary.event.id).attendees] == [
        "Ana Lima"
    ]
    unknown = ann.post(f"/events/{summary.event.id}/met", {"people": "Nobody Known"}, htmx=True)
    assert unknown.status_code == 422 and "Nobody Known" in unknown.text
    logged = ann.post(
        f"/events/{summary.event.id}/participation",
        {"text": "gave a lightning talk", "on": "2026-11-21"},
        htmx=True,
    )
    assert logged.status_code == 200 and "gave a lightning talk" in logged.text
    assert ann.book.network.events.get(summary.event.id).event.notes is None
    assert [
        (p.day, p.text) for p in ann.book.network.events.participations(summary.event.id or 0)
    ] == [(date(2026, 11, 21), "gave a lightning talk")]
    two_lines = ann.post(f"/events/{summary.event.id}/participation", {"text": "a\nb"}, htmx=True)
    assert two_lines.status_code == 422
    bad = ann.post("/events", {"name": "X", "kind": "party"}, htmx=True)
    assert bad.status_code == 422 and "event is one of" in bad.text
    assert len(ann.book.network.events.list()) == 1


def test_network_forms_write_rows(ann: WebUser) -> None:
    person(ann, "Ana Lima", tags=["climate-tech"])
    person(ann, "Ben Ode")
    assert (
        ann.post(
            "/network/exchanges",
            {"person": "Ana Lima", "direction": "received", "kind": "advice", "text": "pricing"},
        ).status_code
        == 303
    )
    assert [(x.direction, x.kind) for x in ann.book.network.ledger.exchanges()] == [
        ("received", "advice")
    ]
    assert (
        ann.post(
            "/network/relationships", {"a": "Ana Lima", "b": "Ben Ode", "kind": "friend"}, htmx=True
        ).status_code
        == 200
    )
    assert [r.kind for r in ann.book.network.relationships.list()] == ["friend"]
    assert ann.post("/network/introductions", {"a": "Ana Lima", "b": "Ben Ode"}).status_code == 303
    [intro] = ann.book.network.introductions.list()
    assert (
        ann.post(
            f"/network/introductions/{intro.id}/outcome", {"outcome": "they hired"}
        ).status_code
        == 303
    )
    assert ann.book.network.introductions.list()[0].outcome == "they hired"
    assert (
        ann.post(
            "/network/coverage",
            {"name": "Climate", "selector_kind": "tag", "selector": "climate-tech", "wanted": "2"},
        ).status_code
        == 303
    )
    [target] = ann.book.network.coverage.list()
    assert (target.have, target.gap) == (1, 1)
    bad = ann.post(
        "/network/coverage",
        {"name": "X", "selector_kind": "tag", "selector": "x", "wanted": "lots"},
        htmx=True,
    )
    assert bad.status_code == 422 and "whole number" in bad.text
    assert ann.post(f"/network/coverage/{target.id}/remove", {}).status_code == 303
    assert ann.book.network.coverage.list() == []
    wrong = ann.post(
        "/network/exchanges", {"person": "Ana Lima", "kind": "money", "text": "x"}, htmx=True
    )
    assert wrong.status_code == 422
    assert len(ann.book.network.ledger.exchanges()) == 3  # 1 received + the intro you made, to each


def test_article_forms_write_rows(ann: WebUser) -> None:
    ana = person(ann, "Ana Lima", tags=["climate-tech"])
    person(ann, "Ben Ode")
    made = ann.post(
        "/articles",
        {
            "url": "https://x.org/grid",
            "title": "Grid batteries",
            "topics": "climate tech",
            "text": "Storage.",
        },
    )
    assert made.status_code == 303
    [summary] = ann.book.articles.list()
    article_id = summary.article.id
    assert made.headers["location"] == f"/articles/{article_id}"
    assert summary.article.topics == ["climate tech"]
    again = ann.post("/articles", {"url": "https://x.org/grid"}, htmx=True)
    assert again.status_code == 422 and "already in your library" in again.text
    shared = ann.post(
        f"/articles/{article_id}/share",
        {"person_id": [str(ana)], "names": "Ben Ode", "note": "for you"},
        htmx=True,
    )
    assert shared.status_code == 200 and "Shared with" in shared.text
    assert {p.name for p, _ in ann.book.articles.shares(article_id)} == {"Ana Lima", "Ben Ode"}
    assert ann.book.interactions.count() == 1
    nobody = ann.post(f"/articles/{article_id}/share", {}, htmx=True)
    assert nobody.status_code == 422 and "at least one person" in nobody.text


def test_feedback_and_goal_forms_write_rows(ann: WebUser) -> None:
    person(ann, "Ana Lima")
    assert (
        ann.post(
            "/feedback",
            {
                "text": "clear slides",
                "kind": "positive",
                "person": "Ana Lima",
                "themes": "speaking, slides",
            },
        ).status_code
        == 303
    )
    [given] = ann.book.feedback.list()
    assert given.themes == ["slides", "speaking"] and given.person is not None
    assert (
        ann.post("/feedback/requests", {"person": "Ana Lima", "about": "my talk"}).status_code
        == 303
    )
    [request] = ann.book.feedback.requests()
    assert (
        ann.post(f"/feedback/requests/{request.id}", {"action": "asked"}, htmx=True).status_code
        == 200
    )
    assert ann.book.feedback.requests()[0].asked_on is not None
    assert ann.post(f"/feedback/requests/{request.id}", {"action": "drop"}).status_code == 303
    assert ann.book.feedback.requests() == []
    assert (
        ann.post(
            "/goals", {"title": "Speak slower", "theme": "speaking", "check_in": "weekly"}
        ).status_code
        == 303
    )
    [goal] = ann.book.feedback.goals()
    assert goal.goal.check_in_days == 7 and goal.feedback == 1
    assert (
        ann.post(
            f"/goals/{goal.goal.id}/check-in", {"progress": "60", "note": "timer"}, htmx=True
        ).status_code
        == 200
    )
    assert ann.book.feedback.goals()[0].progress == 60
    bad = ann.post(f"/goals/{goal.goal.id}/check-in", {"progress": "150"}, htmx=True)
    assert bad.status_code == 422 and "between 0 and 100" in bad.text
    wrong = ann.post(f"/goals/{goal.goal.id}/status", {"status": "someday"}, htmx=True)
    assert wrong.status_code == 422
    assert ann.post(f"/goals/{goal.goal.id}/status", {"status": "dropped"}).status_code == 303
    assert ann.book.feedback.goals() == []
    assert ann.book.feedback.goals(include_closed=True)[0].goal.status == "dropped"
    empty = ann.post("/feedback", {"text": " ", "kind": "positive"}, htmx=True)
    assert empty.status_code == 422
    assert len(ann.book.feedback.list()) == 1
    assert len(ann.book.feedback.goals(include_closed=True)[0].check_ins) == 1


def post_routes(ids: dict[str, int]) -> dict[str, dict[str, Any]]:
    return {
        "/events": {"name": "Sneaky"},
        f"/events/{ids['event']}/met": {"people": "Ben Ode"},
        f"/events/{ids['event']}/participation": {"text": "sneaky"},
        "/network/exchanges": {"person": "Ana Lima", "kind": "help", "text": "sneaky"},
        "/network/coverage": {
            "name": "Sneaky",
            "selector_kind": "tag",
            "selector": "x",
            "wanted": "1",
        },
        "/network/relationships": {"a": "Ana Lima", "b": "Ben Ode", "kind": "friend"},
        "/network/introductions": {"a": "Ana Lima", "b": "Ben Ode"},
        f"/network/introductions/{ids['intro']}/outcome": {"outcome": "sneaky"},
        "/articles": {"url": "https://sneaky.org"},
        f"/articles/{ids['article']}/share": {"names": "Ben Ode"},
        "/feedback": {"text": "sneaky", "kind": "positive"},
        "/feedback/requests": {"person": "Ana Lima", "about": "sneaky"},
        f"/feedback/requests/{ids['request']}": {"action": "drop"},
        "/goals": {"title": "Sneaky"},
        f"/goals/{ids['goal']}/check-in": {"progress": "99"},
        f"/goals/{ids['goal']}/status": {"status": "dropped"},
    }


def test_every_post_needs_the_csrf_token(ann: WebUser, clock: Clock) -> None:
    ids = filled_book(ann.book, clock)
    before = ann.book.export_json()
    for url, form in post_routes(ids).items():
        answer = ann.client.post(url, data=form)
        assert answer.status_code == 403, (url, answer.status_code)
        with_wrong = ann.client.post(
            url, data={**form, "csrf_token": "forged"}, headers={"HX-Request": "true"}
        )
        assert with_wrong.status_code == 403, url
    assert ann.book.export_json() == before


def test_another_users_ids_are_404_and_change_nothing(
    ann: WebUser, ben: WebUser, clock: Clock
) -> None:
    ids = filled_book(ann.book, clock)
    before = ann.book.export_json()
    for url in (
        f"/people/{ids['ana']}/brief",
        f"/events/{ids['event']}",
        f"/articles/{ids['article']}",
        f"/people/{2**40}/brief",
        f"/events/{2**40}",
    ):
        answer = ben.get(url)
        assert answer.status_code == 404, url
        assert "Ana Lima" not in answer.text and "PyCon" not in answer.text
    with_ids = [url for url in post_routes(ids) if any(ch.isdigit() for ch in url)]
    assert len(with_ids) == 7
    for url in with_ids:
        assert ben.post(url, post_routes(ids)[url], htmx=True).status_code == 404, url
    for url in (
        "/network?target=Ana",
        "/network/paths?target=org:Acme",
        "/events",
        "/articles",
        "/feedback",
        "/review",
        "/prepare",
    ):
        page = ben.get(url)
        assert page.status_code == 200 and "Ana Lima" not in page.text, url
    assert ann.book.export_json() == before


def test_user_text_is_escaped_everywhere(ann: WebUser, clock: Clock) -> None:
    ana = person(ann, XSS)
    event = ann.book.network.events.add(
        XSS, "meetup", starts_on=date(2026, 11, 20), url="javascript:alert(1)"
    )
    ann.book.network.events.met([ana], event.id or 0, note=XSS)
    ann.book.network.ledger.got(ana, "advice", XSS)
    ann.book.network.coverage.add(XSS, "tag", XSS, 2)
    article = ann.book.articles.add("javascript:alert(2)", title=XSS, topics=[XSS[:90]])
    ann.book.feedback.add(XSS, kind="positive", themes=[XSS[:90]], context=XSS)
    goal = ann.book.feedback.add_goal(XSS, check_in="weekly")
    ann.book.feedback.check_in(goal.id or 0, 50)
    ann.book.interactions.log(
        InteractionInput(
            people=[ana], kind="call", subject=XSS, occurred_at=datetime(2026, 11, 24, tzinfo=UTC)
        )
    )
    for url in (
        f"/people/{ana}/brief",
        "/events",
        f"/events/{event.id}",
        "/network",
        f"/network?target={ana}",
        "/articles",
        f"/articles/{article.id}",
        "/feedback",
        "/review",
    ):
        page = ann.get(url)
        assert page.status_code == 200, url
        assert "<script>alert" not in page.text and "<img src=x" not in page.text, url
        assert 'href="javascript:' not in page.text, url
    assert "&lt;script&gt;" in ann.get("/review").text  # the goal's title, escaped in the SVG


def test_isolation_samples_cover_every_new_page_route_with_an_id(web_app: Any) -> None:
    from tests.web.test_isolation_pages import id_routes

    mine = {
        path
        for _, path in id_routes(web_app)
        if path.startswith(("/events/", "/articles/", "/goals/", "/feedback/", "/network/"))
    }
    posted = {path for method, path in id_routes(web_app) if method == "POST" and path in mine}
    assert posted <= set(PAGE_FORMS), posted - set(PAGE_FORMS)
    assert len(posted) == 8


def test_the_today_page_shows_later_kinds_and_acts_on_them(ann: WebUser) -> None:
    ana = person(ann, "Ana Lima")
    for day in (date(2026, 9, 1), date(2026, 9, 20)):
        ann.book.network.ledger.got(ana, "advice", "useful", on=day)
    ann.book.feedback.add_goal("Speak slower", check_in="weekly")
    ann.book.feedback.ask(ana, "my talk")
    ann.book.articles.add("https://x.org/a", title="Sailing")
    page = ann.get("/").text
    give = f"give:p{ana}:2026-09-20"
    assert f'data-key="{give}"' in page and "has given you 2" in page
    assert 'data-kind="goal_checkin"' not in page  # its first check-in is due in a week
    assert 'data-kind="feedback_request"' in page and "ask Ana Lima for feedback" in page
    assert ann.post("/today/act", {"key": give, "action": "done"}, htmx=True).status_code == 200
    assert f'data-key="{give}"' not in ann.get("/").text


def test_coverage_of_several_organisations_shows_each(ann: WebUser) -> None:
    person(ann, "Ana Lima", org="Acme")
    page = ann.post(
        "/network/coverage",
        {
            "name": "Key customers",
            "selector_kind": "org",
            "selector": "Acme, Globex",
            "wanted": "2",
        },
        htmx=True,
    )
    assert page.status_code == 200
    assert "✓ Acme" in page.text and "✗ Globex" in page.text and "1 to go" in page.text
