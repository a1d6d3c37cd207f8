"""Tenancy through the API: user B walks every API endpoint with user A's ids.

Every operation of the OpenAPI document that takes an id is called as B with A's ids: each
answers 404 (never 403, so ids cannot be probed), and A's book is unchanged afterwards. A new
endpoint with an id fails this test until a sample body for it is added below.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from amity.book import InteractionInput, PersonInput
from amity.book.organisations import OrganisationInput
from tests.web.network_samples import API_BODIES, network_ids
from tests.web.record_samples import RECORD_API_BODIES, record_ids
from tests.web.sync_samples import SYNC_API_BODIES, sync_ids

if TYPE_CHECKING:
    from tests.web.conftest_api import ApiUser

pytest_plugins = ["tests.web.conftest_api"]

# a valid body for every operation that needs one (keyed by "METHOD /path template")
BODIES: dict[str, Any] = {
    "PATCH /api/v1/people/{person_id}": {"org": "Hijacked"},
    "POST /api/v1/people/{person_id}/contact-points": {"kind": "email", "value": "x@example.org"},
    "POST /api/v1/people/{person_id}/facts": {"kind": "interest", "text": "hijacking"},
    "POST /api/v1/people/{person_id}/questions": {"text": "hijacked?"},
    "POST /api/v1/people/{person_id}/dates": {"kind": "custom", "date": "--01-01"},
    "POST /api/v1/agenda/{key}/snooze": {"until": "2030-01-01"},
    **API_BODIES,  # issue 6
    **SYNC_API_BODIES,  # issue 10
    **RECORD_API_BODIES,  # issue 12
    "PATCH /api/v1/organisations/{organisation_id}": {"name": "Hijacked", "notes": "x"},
    "POST /api/v1/people/{person_id}/merge": {"other": 1, "take": ["name"]},
}
WRITE_METHODS = ("post", "put", "patch", "delete")


def alices_ids(alice: ApiUser) -> dict[str, int]:
    ana = alice.book.people.add(
        PersonInput(
            name="Ana Secret", emails=["ana@example.org"], phones=["+14155550123"], tags=["secret"]
        )
    )
    alice.book.people.add_fact(ana.id, "interest", "sailing")
    alice.book.people.add_question(ana.id, "How was the regatta?")
    talk = alice.book.interactions.log(InteractionInput(people=[ana.id], subject="Secret plan"))
    point = alice.book.people.get(ana.id).contact_points[0]
    promise = alice.book.commitments.add(ana.id, "send the slides", due_on=alice.book.today())
    follow_up = alice.book.follow_ups.add(ana.id, "ask about the regatta", alice.book.today())
    key = f"promise:c{promise.id}"
    alice.book.agenda.dismiss(f"follow_up:f{follow_up.id}")  # a stored state B must not reopen
    assert point.id is not None and talk.id is not None and promise.id and follow_up.id
    question = alice.book.people.get(ana.id).questions[0]
    gone = alice.book.people.add(PersonInput(name="Secret Gone")).id
    alice.book.people.purge(gone)  # a trash entry (issue 15)
    trash_id = alice.book.history.trash()[0].id
    org = alice.book.organisations.add(OrganisationInput(name="Secret Org", notes="secret"))
    alice.book.transfer.run(b"BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:g-1\r\nKIND:group\r\n"
                            b"FN:Secret Group\r\nEND:VCARD\r\n", filename="group.vcf")  # fmt: skip
    return {
        "organisation_id": org.id,
        "contact_group_id": alice.book.groups.list()[0].id,
        "group_id": trash_id,
        "trash_id": trash_id,
        "person_id": ana.id,
        "interaction_id": talk.id,
        "point_id": point.id,
        "question_id": question.id,
        "promise_id": promise.id,
        "follow_up_id": follow_up.id,
        "key": key,
        "dismissed_key": f"follow_up:f{follow_up.id}",
        **network_ids(alice.book),
        **sync_ids(alice.book),
        **record_ids(alice.book),
    }


def operations(user: ApiUser) -> list[tuple[str, str]]:
    doc = user.client.get("/api/v1/openapi.json").json()
    return [
        (method, path)
        for path, item in doc["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    ]


def fill(path: str, ids: dict[str, int]) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in ids, f"no sample id for path parameter {name!r}: add it to this test"
        return str(ids[name])

    return re.sub(r"\{(\w+)\}", one, path)


def test_user_b_gets_404_for_every_endpoint_with_user_a_ids(alice: ApiUser, bob: ApiUser) -> None:
    ids = alices_ids(alice)
    before = alice.book.export_json()
    walked = 0
    for method, path in operations(bob):
        if "{" not in path:
            continue
        body = BODIES.get(f"{method.upper()} {path}")
        response = bob.client.request(method.upper(), fill(path, ids), json=body)
        assert response.status_code == 404, (method, path, response.status_code, response.text)
        assert response.json()["error"]["code"] == "not_found"
        walked += 1
    assert walked >= 15
    assert alice.book.export_json() == before


def test_user_b_cannot_reach_a_through_ids_in_bodies_or_own_records(
    alice: ApiUser, bob: ApiUser
) -> None:
    ids = alices_ids(alice)
    before = alice.book.export_json()
    bens = bob.book.people.add(PersonInput(name="Ben")).id
    response = bob.client.post("/api/v1/interactions", json={"people": [bens, ids["person_id"]]})
    assert response.status_code == 404
    response = bob.client.post(
        "/api/v1/people", json={"name": "X", "introduced_by": ids["person_id"]}
    )
    assert response.status_code == 404
    response = bob.client.delete(f"/api/v1/people/{bens}/contact-points/{ids['point_id']}")
    assert response.status_code == 404
    response = bob.client.patch(f"/api/v1/people/{bens}", json={"introduced_by": ids["person_id"]})
    assert response.status_code == 404
    response = bob.client.post("/api/v1/promises", json={"person": ids["person_id"], "text": "x"})
    assert response.status_code == 404
    response = bob.client.post(
        "/api/v1/follow-ups", json={"person": ids["person_id"], "text": "x", "due_on": "2030-01-01"}
    )
    assert response.status_code == 404
    response = bob.client.delete(f"/api/v1/agenda/{ids['dismissed_key']}/state")
    assert response.status_code == 404
    assert bob.client.get(f"/api/v1/promises?person={ids['person_id']}").status_code == 404
    assert bob.client.get("/api/v1/agenda").json()["items"] == []
    assert bob.client.get("/api/v1/promises?status=all").json() == []
    assert bob.client.get("/api/v1/follow-ups?include_done=true").json() == []
    assert bob.client.get("/api/v1/organisations").json() == []
    assert bob.client.get("/api/v1/organisations?q=secret").json() == []
    assert bob.client.get("/api/v1/groups").json() == []
    assert bob.client.get("/api/v1/people/duplicates").json() == []
    response = bob.client.post(f"/api/v1/people/{bens}/merge", json={"other": ids["person_id"]})
    assert response.status_code == 404  # another book's person cannot be merged into yours
    assert bob.book.interactions.count() == 0
    assert [p.name for p in bob.book.people.list()] == ["Ben"]
    assert alice.book.export_json() == before


def test_user_b_lists_search_and_export_show_nothing_of_a(alice: ApiUser, bob: ApiUser) -> None:
    alices_ids(alice)
    before = alice.book.export_json()
    for query in (
        "/people",
        "/people?tag=secret",
        "/people?q=secret",
        "/people?archived=true",
        "/interactions",
        "/interactions/awaiting-reply",
    ):
        body = bob.client.get("/api/v1" + query).json()
        items = body["items"] if isinstance(body, dict) else body
        assert items == [], query
    assert bob.client.get("/api/v1/search?q=secret").json()["hits"] == []
    exported = bob.client.get("/api/v1/export").text
    assert "Secret" not in exported and "sailing" not in exported
    for method, path in operations(bob):
        if "{" in path or method not in WRITE_METHODS:
            continue
        bob.client.request(method.upper(), path, json={})  # whatever it does, only to B's book
    assert alice.book.export_json() == before
