"""REST API: the agenda (list by date; done / snooze / dismiss / reopen by key), promises
both ways and follow-ups; answers checked against what the Book stores."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from amity.book import PersonInput

if TYPE_CHECKING:
    from tests.web.conftest_api import ApiUser

pytest_plugins = ["tests.web.conftest_api"]
TODAY = date(2026, 11, 25)  # the test clock's day


def keys(user: ApiUser, day: date = TODAY) -> list[str]:
    response = user.client.get(user.url(f"/agenda?date={day.isoformat()}"))
    assert response.status_code == 200, response.text
    assert response.json()["date"] == day.isoformat()
    return [item["key"] for item in response.json()["items"]]


def promise(user: ApiUser, person: int, text: str, **kw: Any) -> dict[str, Any]:
    response = user.client.post(user.url("/promises"), json={"person": person, "text": text, **kw})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_promises_both_ways(alice: ApiUser) -> None:
    ana = alice.book.people.add(PersonInput(name="Ana")).id
    mine = promise(alice, ana, "send the slides", due_on="2026-11-27")
    theirs = promise(alice, ana, "intro to Bea", direction="theirs")
    assert mine["ref"] == f"P{mine['id']}" and mine["person"] == {"id": ana, "name": "Ana"}
    stored = alice.book.commitments.get(mine["id"])
    assert stored.text == "send the slides" and stored.due_on == date(2026, 11, 27)
    listed = alice.client.get(alice.url("/promises?direction=theirs")).json()
    assert [p["id"] for p in listed] == [theirs["id"]]
    by_person = alice.client.get(alice.url(f"/promises?person={ana}&status=all")).json()
    assert {p["id"] for p in by_person} == {mine["id"], theirs["id"]}
    kept = alice.client.post(alice.url(f"/promises/{mine['id']}/done"))
    assert kept.status_code == 200 and kept.json()["status"] == "done"
    assert alice.book.commitments.get(mine["id"]).status == "done"
    again = alice.client.post(alice.url(f"/promises/{mine['id']}/done"))
    assert again.status_code == 422
    dropped = alice.client.post(alice.url(f"/promises/{theirs['id']}/drop"))
    assert dropped.json()["status"] == "dropped"
    assert alice.client.get(alice.url("/promises")).json() == []
    assert alice.client.get(alice.url(f"/promises/{theirs['id']}")).json()["status"] == "dropped"
    bad = alice.client.post(alice.url("/promises"), json={"person": ana, "text": "  "})
    assert bad.status_code == 422 and alice.book.commitments.list(status="all")[0].id == mine["id"]
    assert (
        alice.client.post(alice.url("/promises"), json={"person": 999999, "text": "x"}).status_code
        == 404
    )


def test_agenda_done_snooze_dismiss_and_reopen(alice: ApiUser) -> None:
    ana = alice.book.people.add(PersonInput(name="Ana")).id
    slides = promise(alice, ana, "send the slides", due_on=TODAY.isoformat())
    call = promise(alice, ana, "call back", due_on=TODAY.isoformat())
    intro = promise(alice, ana, "intro to Bea", due_on=TODAY.isoformat())
    slides_key, call_key, intro_key = (f"promise:c{p['id']}" for p in (slides, call, intro))
    assert {slides_key, call_key, intro_key} <= set(keys(alice))

    done = alice.client.post(alice.url(f"/agenda/{slides_key}/done"))
    assert done.status_code == 200 and done.json() == {
        "key": slides_key,
        "state": "done",
        "until": None,
    }
    assert alice.book.commitments.get(slides["id"]).status == "done"
    assert slides_key not in keys(alice)

    later = TODAY + timedelta(days=3)
    snoozed = alice.client.post(
        alice.url(f"/agenda/{call_key}/snooze"), json={"until": later.isoformat()}
    )
    assert snoozed.status_code == 200 and snoozed.json()["until"] == later.isoformat()
    assert call_key not in keys(alice) and call_key in keys(alice, later)
    past = alice.client.post(alice.url(f"/agenda/{call_key}/snooze"), json={"until": "2026-01-01"})
    assert past.status_code == 422 and "until" in past.json()["error"]["fields"]

    assert alice.client.post(alice.url(f"/agenda/{intro_key}/dismiss")).status_code == 200
    assert intro_key not in keys(alice)
    assert {s.key: s.state for s in alice.book.agenda.states()}[intro_key] == "dismissed"
    reopened = alice.client.delete(alice.url(f"/agenda/{intro_key}/state"))
    assert reopened.status_code == 200 and intro_key in keys(alice)
    assert alice.client.delete(alice.url(f"/agenda/{intro_key}/state")).status_code == 404
    undone = alice.client.delete(alice.url(f"/agenda/{slides_key}/state"))  # Undo of done
    assert undone.status_code == 200 and slides_key in keys(alice)
    assert alice.book.commitments.get(slides["id"]).status == "open"  # the promise reopened


def test_agenda_refuses_bad_keys_and_dates(alice: ApiUser) -> None:
    for key in ("nonsense", "promise:c999999", "promise:c99999999999999"):
        response = alice.client.post(alice.url(f"/agenda/{key}/done"))
        assert response.status_code in (404, 422), (key, response.text)
    assert alice.client.get(alice.url("/agenda?date=2026-02-30")).status_code == 422
    for far in ("0001-01-01", "9999-12-31"):  # the agenda's date arithmetic stays in range
        assert alice.client.get(alice.url(f"/agenda?date={far}")).status_code == 422
        ana = alice.book.people.add(PersonInput(name=f"Ana {far}")).id
        refused = alice.client.patch(alice.url(f"/people/{ana}"), json={"met_on": far})
        assert refused.status_code == 422 and "met_on" in refused.json()["error"]["fields"]
        assert (
            alice.client.post(
                alice.url("/promises"), json={"person": ana, "text": "x", "due_on": far}
            ).status_code
            == 422
        )
    assert alice.client.get(alice.url("/agenda")).status_code == 200
    assert alice.book.agenda.states() == []


def test_follow_ups(alice: ApiUser) -> None:
    ana = alice.book.people.add(PersonInput(name="Ana")).id
    made = alice.client.post(
        alice.url("/follow-ups"),
        json={"person": ana, "text": "ask about the offer", "due_on": TODAY.isoformat()},
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["key"] == f"follow_up:f{body['id']}"
    assert body["key"] in keys(alice)
    assert [f.text for f in alice.book.follow_ups.list()] == ["ask about the offer"]
    assert alice.client.post(alice.url(f"/follow-ups/{body['id']}/done")).status_code == 204
    assert alice.book.follow_ups.list() == []
    assert alice.client.get(alice.url("/follow-ups?include_done=true")).json()[0]["done_at"]
    assert alice.client.post(alice.url(f"/follow-ups/{body['id']}/done")).status_code == 404
