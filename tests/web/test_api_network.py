"""Issue 6 through the REST API (SQLite and PostgreSQL): brief and prepare, events, relationships,
introductions, warm paths, the ledger, coverage, articles, feedback, goals, the review; each
answer checked against the stored rows, and another user's ids are 404."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from amity.book import InteractionInput, PersonInput

if TYPE_CHECKING:
    from tests.conftest import Clock
    from tests.web.conftest_api import ApiUser

pytest_plugins = ["tests.web.conftest_api"]
TODAY = date(2026, 11, 25)  # the test clock's day


def person(user: ApiUser, name: str, **kw: Any) -> int:
    return user.book.people.add(PersonInput(name=name, **kw)).id


def ok(response: Any, code: int = 200) -> Any:
    assert response.status_code == code, response.text
    return response.json() if response.content else None


def test_events_record_whom_you_met_and_who_you_followed_up_with(alice: ApiUser) -> None:
    ana, ben = person(alice, "Ana Lima"), person(alice, "Ben Ode")
    made = alice.client.post(
        "/api/v1/events",
        json={
            "name": "PyCon 2026",
            "kind": "conference",
            "starts_on": "2026-10-01",
            "ends_on": "2026-10-03",
            "location": "Lisbon",
        },
    )
    event = ok(made, 201)
    assert made.headers["location"] == f"/api/v1/events/{event['id']}"
    detail = ok(
        alice.client.post(
            f"/api/v1/events/{event['id']}/attendance",
            json={"people": [ana, ben], "note": "rust talk"},
        )
    )
    assert [(a["person"]["name"], a["met"], a["followed_up"]) for a in detail["attendees"]] == [
        ("Ana Lima", True, False),
        ("Ben Ode", True, False),
    ]
    alice.book.interactions.log(
        InteractionInput(
            people=[ben],
            kind="email",
            direction="outbound",
            occurred_at=datetime(2026, 10, 5, tzinfo=UTC),
        )
    )
    shown = ok(alice.client.get(f"/api/v1/events/{event['id']}"))
    assert {a["person"]["name"]: a["followed_up"] for a in shown["attendees"]} == {
        "Ana Lima": False,
        "Ben Ode": True,
    }
    listed = ok(alice.client.get("/api/v1/events"))
    assert [(e["name"], e["people"], e["met"]) for e in listed] == [("PyCon 2026", 2, 2)]
    assert alice.book.people.get(ana).met_where == "PyCon 2026"
    logged = ok(
        alice.client.post(
            f"/api/v1/events/{event['id']}/participation",
            json={"text": "gave a talk", "on": "2026-10-02"},
        )
    )
    assert logged["notes"] is None and logged["attendees"]
    assert [(p["on"], p["text"]) for p in logged["participation"]] == [
        ("2026-10-02", "gave a talk")
    ]
    shown = ok(alice.client.get(f"/api/v1/events/{event['id']}"))
    assert shown["participation"] == logged["participation"]
    assert (
        alice.client.post(
            f"/api/v1/events/{event['id']}/participation", json={"text": "a\nb"}
        ).status_code
        == 422
    )
    bad = alice.client.post("/api/v1/events", json={"name": "X", "kind": "party"})
    assert bad.status_code == 422 and "kind" in bad.json()["error"]["fields"]
    backwards = alice.client.post(
        "/api/v1/events", json={"name": "Y", "starts_on": "2026-10-03", "ends_on": "2026-10-01"}
    )
    assert backwards.status_code == 422 and backwards.json()["error"]["code"] == "invalid_input"
    assert alice.client.get("/api/v1/events/999999").status_code == 404
    assert len(alice.book.network.events.list()) == 1


def test_brief_and_prepare(alice: ApiUser, clock: Clock) -> None:
    ana = person(alice, "Ana Lima", circle="close", org="Acme")
    alice.book.people.add_fact(ana, "interest", "sailing")
    alice.book.people.add_question(ana, "How was the regatta?")
    alice.book.interactions.log(
        InteractionInput(
            people=[ana], kind="call", subject="catch-up", occurred_at=clock() - timedelta(days=3)
        )
    )
    alice.book.commitments.add(ana, "send the deck")
    alice.book.network.ledger.got(ana, "advice", "pricing")
    brief = ok(alice.client.get(f"/api/v1/people/{ana}/brief"))
    assert brief["person"]["name"] == "Ana Lima" and brief["circle"] == "close"
    assert [f["text"] for f in brief["interests"]] == ["sailing"]
    assert [q["text"] for q in brief["questions"]] == ["How was the regatta?"]
    assert [i["subject"] for i in brief["recent_interactions"]] == ["catch-up"]
    assert [c["text"] for c in brief["promises_mine"]] == ["send the deck"]
    assert brief["balance"]["received"] == 1 and brief["health"]["score"] >= 0
    alice.book.interactions.log(
        InteractionInput(
            people=[ana],
            kind="meeting",
            subject="Lunch",
            occurred_at=clock() + timedelta(days=1, hours=1),
        )
    )
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    prepared = ok(alice.client.get(f"/api/v1/prepare?date={tomorrow}"))
    assert prepared["date"] == tomorrow
    assert [
        (m["interaction"]["subject"], [b["person"]["name"] for b in m["briefs"]])
        for m in prepared["meetings"]
    ] == [("Lunch", ["Ana Lima"])]
    assert ok(alice.client.get("/api/v1/prepare"))["meetings"] == []
    assert alice.client.get("/api/v1/prepare?date=0001-01-01").status_code == 422
    assert alice.client.get("/api/v1/people/999999/brief").status_code == 404


def test_relationships_introductions_and_warm_paths(alice: ApiUser) -> None:
    ana = person(alice, "Ana Lima", circle="inner")
    ben = person(alice, "Ben Ode", org="Acme")
    cleo = person(alice, "Cleo Ray", org="Acme")
    rel = ok(
        alice.client.post("/api/v1/relationships", json={"a": ana, "b": ben, "kind": "colleague"}),
        201,
    )
    assert (rel["a"]["id"], rel["b"]["id"], rel["kind"]) == (ana, ben, "colleague")
    assert [r["id"] for r in ok(alice.client.get(f"/api/v1/relationships?person={ben}"))] == [
        rel["id"]
    ]
    intro = ok(
        alice.client.post("/api/v1/introductions", json={"a": ana, "b": cleo, "note": "both sail"}),
        201,
    )
    assert intro["by"] is None  # you made it: a given intro for each of them
    assert {x.kind for x in alice.book.network.ledger.exchanges(ana)} == {"intro"}
    outcome = ok(
        alice.client.post(
            f"/api/v1/introductions/{intro['id']}/outcome", json={"outcome": "they met"}
        )
    )
    assert outcome["outcome"] == "they met"
    assert len(ok(alice.client.get(f"/api/v1/introductions?person={cleo}"))) == 1
    paths = ok(alice.client.get("/api/v1/paths", params={"target": "org:Acme"}))
    assert paths["target"]["kind"] == "org"
    assert {p["target"]["name"] for p in paths["paths"]} <= {"Ben Ode", "Cleo Ray"}
    hops = paths["paths"][0]["hops"]
    assert hops[0]["from"] is None and all(h["reason"] for h in hops)
    same = alice.client.post("/api/v1/relationships", json={"a": ana, "b": ana, "kind": "friend"})
    assert same.status_code == 422
    assert alice.client.get("/api/v1/paths", params={"target": "nobody-at-all"}).status_code == 404
    assert alice.client.get("/api/v1/paths", params={"target": "  "}).status_code == 422


def test_ledger_balance_and_coverage(alice: ApiUser) -> None:
    ana = person(alice, "Ana Lima", tags=["climate-tech"])
    for kind in ("intro", "advice"):
        ok(
            alice.client.post(
                "/api/v1/exchanges",
                json={
                    "person": ana,
                    "direction": "received",
                    "kind": kind,
                    "text": "useful",
                    "on": "2026-09-01",
                },
            ),
            201,
        )
    gave = ok(
        alice.client.post(
            "/api/v1/exchanges",
            json={"person": ana, "direction": "given", "kind": "article", "text": "a link"},
        ),
        201,
    )
    assert gave["occurred_on"] == TODAY.isoformat()
    [balance] = ok(alice.client.get(f"/api/v1/balance?person={ana}"))
    assert (balance["given"], balance["received"], balance["balance"]) == (1, 2, -1)
    assert len(balance["exchanges"]) == 3
    assert len(ok(alice.client.get("/api/v1/exchanges?since=2026-10-01"))) == 1
    bad = alice.client.post(
        "/api/v1/exchanges",
        json={"person": ana, "direction": "given", "kind": "money", "text": "x"},
    )
    assert bad.status_code == 422
    target = ok(
        alice.client.post(
            "/api/v1/coverage",
            json={
                "name": "Climate",
                "selector_kind": "tag",
                "selector": "climate-tech",
                "wanted": 3,
            },
        ),
        201,
    )
    assert (target["have"], target["gap"]) == (1, 2)
    assert [c["name"] for c in ok(alice.client.get("/api/v1/coverage"))] == ["Climate"]
    assert alice.client.delete(f"/api/v1/coverage/{target['id']}").status_code == 204
    assert alice.client.delete(f"/api/v1/coverage/{target['id']}").status_code == 404
    assert alice.book.network.coverage.list() == []


def test_articles_suggestions_and_shares(alice: ApiUser) -> None:
    ana = person(alice, "Ana Lima", tags=["climate-tech"])
    ben = person(alice, "Ben Ode")
    alice.book.people.add_fact(ana, "interest", "grid batteries and climate tech")
    made = ok(
        alice.client.post(
            "/api/v1/articles",
            json={
                "url": "https://x.org/grid",
                "title": "Grid batteries",
                "text": "Storage for the grid.",
                "topics": ["climate tech"],
            },
        ),
        201,
    )
    assert made["text"] == "Storage for the grid."
    again = alice.client.post("/api/v1/articles", json={"url": "https://x.org/grid"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    assert ok(alice.client.get(f"/api/v1/articles/{made['id']}"))["title"] == "Grid batteries"
    suggestions = ok(alice.client.get(f"/api/v1/articles/{made['id']}/suggestions"))
    assert suggestions[0]["person"]["id"] == ana and suggestions[0]["reason"]
    shared = ok(
        alice.client.post(
            f"/api/v1/articles/{made['id']}/shares",
            json={"people": [ana], "note": "thought of you"},
        ),
        201,
    )
    assert [p["id"] for p in shared["shared"]] == [ana]
    shares = ok(alice.client.get(f"/api/v1/articles/{made['id']}/shares"))
    assert [s["person"]["id"] for s in shares] == [ana] and shares[0]["shared_at"]
    assert shared["interaction"]["direction"] == "outbound"
    assert [x.kind for x in alice.book.network.ledger.exchanges(ana)] == ["article"]
    assert ana not in [
        m["person"]["id"]
        for m in ok(alice.client.get(f"/api/v1/articles/{made['id']}/suggestions"))
    ]
    twice = alice.client.post(f"/api/v1/articles/{made['id']}/shares", json={"people": [ana]})
    assert twice.status_code == 422
    [listed] = ok(alice.client.get("/api/v1/articles"))
    assert listed["shared_with"] == 1
    assert alice.client.post("/api/v1/articles", json={"url": "has space"}).status_code == 422
    assert (
        alice.client.get(f"/api/v1/articles/{made['id']}/suggestions?ranker=nope").status_code
        == 422
    )
    assert ben


def test_feedback_requests_goals_and_themes(alice: ApiUser) -> None:
    ana = person(alice, "Ana Lima")
    request = ok(
        alice.client.post("/api/v1/feedback/requests", json={"person": ana, "about": "my talk"}),
        201,
    )
    assert request["asked_on"] is None and request["status"] == "open"
    asked = ok(alice.client.post(f"/api/v1/feedback/requests/{request['id']}/asked"))
    assert asked["asked_on"] == TODAY.isoformat()
    given = ok(
        alice.client.post(
            "/api/v1/feedback",
            json={
                "text": "clear slides",
                "kind": "positive",
                "person": ana,
                "themes": ["Speaking", "slides"],
                "on": "2026-11-20",
            },
        ),
        201,
    )
    assert given["themes"] == ["speaking", "slides"]
    assert (
        ok(alice.client.get("/api/v1/feedback/requests?status=received"))[0]["id"] == request["id"]
    )
    ok(
        alice.client.post(
            "/api/v1/feedback",
            json={"text": "too fast", "kind": "constructive", "themes": ["pacing"]},
        ),
        201,
    )
    assert [f["text"] for f in ok(alice.client.get("/api/v1/feedback?theme=pacing"))] == [
        "too fast"
    ]
    assert [f["text"] for f in ok(alice.client.get("/api/v1/feedback?since=2026-11-21"))] == [
        "too fast"
    ]
    assert [f["text"] for f in ok(alice.client.get(f"/api/v1/feedback?person={ana}"))] == [
        "clear slides"
    ]
    goal = ok(
        alice.client.post(
            "/api/v1/goals", json={"title": "Speak slower", "theme": "pacing", "check_in": "weekly"}
        ),
        201,
    )
    assert goal["next_check_in"] == (TODAY + timedelta(days=7)).isoformat()
    assert goal["feedback_on_theme"] == 1
    themes = {t["theme"]: t for t in ok(alice.client.get("/api/v1/feedback/themes"))}
    assert (
        themes["pacing"]["constructive"] == 1
        and themes["pacing"]["goals"][0]["title"] == "Speak slower"
    )
    check = ok(
        alice.client.post(
            f"/api/v1/goals/{goal['id']}/check-ins", json={"progress": 40, "note": "used a timer"}
        ),
        201,
    )
    assert check["progress"] == 40
    [listed] = ok(alice.client.get("/api/v1/goals"))
    assert listed["progress"] == 40 and len(listed["check_ins"]) == 1
    ok(alice.client.post(f"/api/v1/goals/{goal['id']}/check-ins", json={"progress": 100}), 201)
    assert ok(alice.client.get("/api/v1/goals")) == []
    assert ok(alice.client.get("/api/v1/goals?include_closed=true"))[0]["status"] == "done"
    assert (
        alice.client.post(
            f"/api/v1/goals/{goal['id']}/check-ins", json={"progress": 101}
        ).status_code
        == 422
    )
    other = ok(alice.client.post("/api/v1/goals", json={"title": "Write weekly"}), 201)
    dropped_goal = ok(
        alice.client.post(f"/api/v1/goals/{other['id']}/status", json={"status": "dropped"})
    )
    assert dropped_goal["status"] == "dropped"
    assert (
        alice.client.post(
            f"/api/v1/goals/{other['id']}/status", json={"status": "someday"}
        ).status_code
        == 422
    )
    second = ok(
        alice.client.post("/api/v1/feedback/requests", json={"person": ana, "about": "the plan"}),
        201,
    )
    dropped = ok(alice.client.post(f"/api/v1/feedback/requests/{second['id']}/drop"))
    assert dropped["status"] == "dropped"
    past = alice.client.post(
        "/api/v1/feedback/requests", json={"person": ana, "about": "x", "by": "2020-01-01"}
    )
    assert past.status_code == 422


def test_the_review_compares_with_the_period_before(alice: ApiUser, clock: Clock) -> None:
    ana = person(alice, "Ana Lima", circle="close")
    ben = person(alice, "Ben Ode")
    for days, who in ((1, ana), (2, ben), (9, ana)):
        alice.book.interactions.log(
            InteractionInput(people=[who], kind="call", occurred_at=clock() - timedelta(days=days))
        )
    alice.book.network.ledger.gave(ana, "advice", "pricing")
    week = ok(alice.client.get("/api/v1/review?period=week"))
    assert week["kind"] == "week" and week["period"]["end"] == TODAY.isoformat()
    assert week["interactions_by_kind"]["call"] == {"current": 2, "previous": 1, "change": 1}
    assert week["people_reached"]["current"] == 2
    assert week["people_reached_by_circle"]["close"]["current"] == 1
    assert week["given"]["current"] == 1
    month = ok(alice.client.get("/api/v1/review?period=month&date=2026-11-25"))
    assert month["interactions"]["current"] == 3
    assert alice.client.get("/api/v1/review?period=year").status_code == 422
    assert alice.client.get("/api/v1/review?date=9999-12-31").status_code == 422


def test_the_api_agenda_holds_the_later_kinds(alice: ApiUser) -> None:
    ana = person(alice, "Ana Lima")
    for day in (date(2026, 9, 1), date(2026, 9, 20)):
        alice.book.network.ledger.got(ana, "advice", "useful", on=day)
    goal = alice.book.feedback.add_goal("Speak slower", check_in="weekly")
    items = ok(alice.client.get("/api/v1/agenda?date=2026-12-03"))["items"]
    keys = {i["key"] for i in items}
    assert f"give:p{ana}:2026-09-20" in keys and f"goal_checkin:g{goal.id}:2026-12-02" in keys
    ok(alice.client.post(f"/api/v1/agenda/give:p{ana}:2026-09-20/dismiss"))
    items = ok(alice.client.get("/api/v1/agenda?date=2026-12-03"))["items"]
    assert f"give:p{ana}:2026-09-20" not in {i["key"] for i in items}


def test_another_users_ids_in_bodies_and_filters_are_not_found(
    alice: ApiUser, bob: ApiUser
) -> None:
    ana = person(alice, "Ana Secret")
    alice.book.network.ledger.got(ana, "advice", "secret advice")
    alice.book.feedback.add("A secret praise", kind="positive", person=ana)
    before = alice.book.export_json()
    mine = person(bob, "Bob's Friend")
    event = ok(bob.client.post("/api/v1/events", json={"name": "Bob's meetup"}), 201)
    article = ok(bob.client.post("/api/v1/articles", json={"url": "https://bob.org/a"}), 201)
    for url, body in (
        (f"/api/v1/events/{event['id']}/attendance", {"people": [ana]}),
        ("/api/v1/relationships", {"a": mine, "b": ana, "kind": "friend"}),
        ("/api/v1/introductions", {"a": mine, "b": ana}),
        ("/api/v1/introductions", {"a": mine, "b": mine + 0, "by": ana}),
        ("/api/v1/exchanges", {"person": ana, "direction": "given", "kind": "help", "text": "x"}),
        (f"/api/v1/articles/{article['id']}/shares", {"people": [ana]}),
        ("/api/v1/feedback", {"text": "x", "kind": "positive", "person": ana}),
        ("/api/v1/feedback/requests", {"person": ana, "about": "x"}),
    ):
        answer = bob.client.post(url, json=body)
        assert answer.status_code in (404, 422), (url, answer.text)
        if body.get("b") != body.get("a"):
            assert answer.status_code == 404, (url, answer.text)
    for url in (
        f"/api/v1/relationships?person={ana}",
        f"/api/v1/introductions?person={ana}",
        f"/api/v1/exchanges?person={ana}",
        f"/api/v1/balance?person={ana}",
        f"/api/v1/feedback?person={ana}",
        f"/api/v1/paths?target={ana}",
    ):
        assert bob.client.get(url).status_code == 404, url
    for url in (
        "/api/v1/balance",
        "/api/v1/exchanges",
        "/api/v1/feedback",
        "/api/v1/feedback/themes",
        "/api/v1/goals",
        "/api/v1/coverage",
    ):
        assert ok(bob.client.get(url)) == [], url
    assert "Secret" not in bob.client.get("/api/v1/review").text
    assert alice.book.export_json() == before


def test_coverage_of_several_organisations_lists_each(alice: ApiUser) -> None:
    person(alice, "Ana Lima", org="Acme")
    made = ok(
        alice.client.post(
            "/api/v1/coverage",
            json={
                "name": "Key customers",
                "selector_kind": "org",
                "selector": "Acme, Globex",
                "wanted": 2,
            },
        ),
        201,
    )
    assert (made["have"], made["gap"]) == (1, 1)
    assert {k: [p["name"] for p in v] for k, v in made["groups"].items()} == {
        "Acme": ["Ana Lima"],
        "Globex": [],
    }
