"""REST API: people, contact points, facts, questions, dates; ETag/If-Match; cursor pages.

Every test checks the HTTP answer AND what the Book then holds, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from amity.book import PersonInput
from amity.errors import NotFound

if TYPE_CHECKING:
    from tests.web.conftest_api import ApiUser

pytest_plugins = ["tests.web.conftest_api"]


def add(user: ApiUser, **body: Any) -> dict[str, Any]:
    response = user.client.post(user.url("/people"), json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def error_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    return body["error"]  # type: ignore[no-any-return]


# --- create, read ---------------------------------------------------------------------------


def test_create_person_stores_every_field_and_answers_with_location_and_etag(
    alice: ApiUser,
) -> None:
    response = alice.client.post(
        alice.url("/people"),
        json={
            "name": "Ana Lima",
            "emails": ["Ana@Example.org"],
            "phones": ["+351 912 345 678"],
            "urls": ["https://ana.example"],
            "org": "Acme",
            "title": "CTO",
            "tags": ["PyCon", "lisbon"],
            "circle": "close",
            "cadence": "6w",
            "birthday": "--04-15",
            "met_where": "PyCon",
            "met_on": "2026-05-02",
            "how_met": "conference",
            "notes": "likes climbing",
            "timezone": "Europe/Lisbon",
            "language": "pt",
            "preferred_channel": "signal",
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["Location"] == f"/api/v1/people/{body['id']}"
    assert response.headers["ETag"] == '"v1"'
    stored = alice.book.people.get(body["id"])
    assert stored.name == "Ana Lima" and stored.org == "Acme" and stored.title == "CTO"
    assert stored.emails == ["Ana@example.org"] and stored.phones == ["+351912345678"]
    assert stored.tags == ["lisbon", "pycon"] and stored.circle == "close"
    assert stored.cadence_days == 42 and str(stored.birthday) == "--04-15"
    assert stored.notes == "likes climbing" and stored.timezone == "Europe/Lisbon"
    assert {c.kind for c in stored.contact_points} == {"email", "phone", "url"}
    assert body["emails"] == stored.emails and body["tags"] == stored.tags
    assert body["met_on"] == "2026-05-02" and body["version"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "A", "emails": ["not-an-address"]}, "email"),
        ({"name": "A", "circle": "nope"}, "circle"),
        ({"name": "A", "cadence": "often"}, "cadence"),
        ({"name": "A", "birthday": "31-31"}, "birthday"),
        ({"name": "A", "timezone": "Mars/Olympus"}, "timezone"),
        ({"name": "A\x00B"}, "name"),
        ({"name": "A", "org": "x" * 301}, "org"),
        ({"name": "A", "unknown": 1}, "unknown"),
        ({"emails": []}, "name"),
    ],
)
def test_invalid_person_is_422_with_the_field_and_nothing_stored(
    alice: ApiUser, body: dict[str, Any], field: str
) -> None:
    response = alice.client.post(alice.url("/people"), json=body)
    assert response.status_code == 422, response.text
    error = error_of(response)
    assert error["code"] == "invalid_input"
    assert field in error["fields"], error
    assert alice.book.people.count(include_archived=True) == 0


def test_unparsable_json_is_a_400_in_the_same_shape(alice: ApiUser) -> None:
    response = alice.client.post(
        alice.url("/people"), content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert response.status_code in (400, 422)
    assert error_of(response)["code"] in ("invalid_json", "invalid_input")


def test_get_person_gives_details_and_etag(alice: ApiUser) -> None:
    ana = add(alice, name="Ana", emails=["ana@example.org"])
    alice.book.people.add_fact(ana["id"], "interest", "climbing")
    response = alice.client.get(alice.url(f"/people/{ana['id']}"))
    assert response.status_code == 200
    assert response.headers["ETag"] == '"v1"'
    body = response.json()
    assert [f["text"] for f in body["facts"]] == ["climbing"]
    assert body["contact_points"][0]["value"] == "ana@example.org"


def test_unknown_person_is_404_in_the_error_shape(alice: ApiUser) -> None:
    response = alice.client.get(alice.url("/people/999999"))
    assert response.status_code == 404
    assert error_of(response) == {
        "code": "not_found",
        "message": "no person with id 999999",
        "fields": {},
    }


def test_out_of_range_ids_are_422_not_a_crash(alice: ApiUser) -> None:
    for path in ("/people/0", "/people/99999999999999999999", "/people/abc"):
        response = alice.client.get(alice.url(path))
        assert response.status_code == 422, path
        assert "person_id" in error_of(response)["fields"]


def test_no_token_is_401_and_a_wrong_token_too(anonymous: Any) -> None:
    response = anonymous.get("/api/v1/people")
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"
    response = anonymous.get("/api/v1/people", headers={"Authorization": "Bearer amity_nope"})
    assert response.status_code == 401


# --- update with ETag / If-Match --------------------------------------------------------------


def test_patch_changes_only_the_keys_sent_and_lists_replace(alice: ApiUser) -> None:
    ana = add(
        alice,
        name="Ana",
        emails=["a@example.org", "b@example.org"],
        tags=["x", "y"],
        org="Acme",
        notes="keep",
    )
    response = alice.client.patch(
        alice.url(f"/people/{ana['id']}"),
        json={
            "title": "CEO",
            "emails": ["b@example.org", "c@example.org"],
            "tags": ["y", "z"],
            "cadence": None,
        },
    )
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"v2"'
    stored = alice.book.people.get(ana["id"])
    assert stored.title == "CEO" and stored.org == "Acme" and stored.notes == "keep"
    assert sorted(stored.emails) == ["b@example.org", "c@example.org"]
    assert stored.tags == ["y", "z"]
    assert stored.version == 2
    assert response.json()["tags"] == ["y", "z"]


def test_patch_with_a_stale_if_match_is_412_and_changes_nothing(alice: ApiUser) -> None:
    ana = add(alice, name="Ana", org="Acme")
    etag = alice.client.get(alice.url(f"/people/{ana['id']}")).headers["ETag"]
    alice.book.people.edit(ana["id"], PersonInput(title="CTO"))  # someone else writes first
    response = alice.client.patch(
        alice.url(f"/people/{ana['id']}"), json={"org": "Other"}, headers={"If-Match": etag}
    )
    assert response.status_code == 412
    assert error_of(response)["code"] == "precondition_failed"
    stored = alice.book.people.get(ana["id"])
    assert stored.org == "Acme" and stored.title == "CTO" and stored.version == 2


def test_patch_with_the_current_if_match_succeeds(alice: ApiUser) -> None:
    ana = add(alice, name="Ana")
    etag = alice.client.get(alice.url(f"/people/{ana['id']}")).headers["ETag"]
    response = alice.client.patch(
        alice.url(f"/people/{ana['id']}"), json={"name": "Ana Lima"}, headers={"If-Match": etag}
    )
    assert response.status_code == 200
    assert alice.book.people.get(ana["id"]).name == "Ana Lima"
    again = alice.client.patch(
        alice.url(f"/people/{ana['id']}"), json={"name": "Ana L."}, headers={"If-Match": etag}
    )
    assert again.status_code == 412
    assert alice.book.people.get(ana["id"]).name == "Ana Lima"


def test_a_malformed_if_match_is_412(alice: ApiUser) -> None:
    ana = add(alice, name="Ana")
    response = alice.client.patch(
        alice.url(f"/people/{ana['id']}"), json={"org": "X"}, headers={"If-Match": '"garbage"'}
    )
    assert response.status_code == 412
    assert alice.book.people.get(ana["id"]).org is None


def test_patch_refuses_clearing_the_name(alice: ApiUser) -> None:
    ana = add(alice, name="Ana")
    response = alice.client.patch(alice.url(f"/people/{ana['id']}"), json={"name": None})
    assert response.status_code == 422
    assert alice.book.people.get(ana["id"]).name == "Ana"


# --- archive, restore, delete -----------------------------------------------------------------


def test_archive_restore_and_delete(alice: ApiUser) -> None:
    ana = add(alice, name="Ana")
    response = alice.client.post(alice.url(f"/people/{ana['id']}/archive"))
    assert response.status_code == 200 and response.json()["archived"] is True
    assert alice.book.people.get(ana["id"]).archived_at is not None
    assert alice.client.get(alice.url("/people")).json()["items"] == []
    archived = alice.client.get(alice.url("/people?archived=true")).json()["items"]
    assert [p["id"] for p in archived] == [ana["id"]]
    response = alice.client.post(alice.url(f"/people/{ana['id']}/restore"))
    assert response.status_code == 200 and response.json()["archived"] is False
    assert alice.book.people.get(ana["id"]).archived_at is None
    response = alice.client.delete(alice.url(f"/people/{ana['id']}"))
    assert response.status_code == 204
    with pytest.raises(NotFound):
        alice.book.people.get(ana["id"])
    assert alice.client.delete(alice.url(f"/people/{ana['id']}")).status_code == 404


# --- lists: filters and cursor pages ----------------------------------------------------------


def test_list_filters_match_the_cli(alice: ApiUser) -> None:
    ana = add(alice, name="Ana", tags=["pycon"], circle="inner", org="Acme Corp")
    ben = add(
        alice, name="Ben", tags=["pycon"], circle="network", org="Globex", notes="plays the cello"
    )
    cy = add(alice, name="Cy", circle="inner")

    def names(query: str) -> list[str]:
        response = alice.client.get(alice.url("/people" + query))
        assert response.status_code == 200, response.text
        return [p["name"] for p in response.json()["items"]]

    assert names("") == ["Ana", "Ben", "Cy"]
    assert names("?tag=PyCon") == ["Ana", "Ben"]
    assert names("?circle=inner") == ["Ana", "Cy"]
    assert names("?org=acme") == ["Ana"]
    assert names("?q=cello") == ["Ben"]
    from amity.book import InteractionInput

    alice.book.interactions.log(InteractionInput(people=[cy["id"]], subject="kayak trip"))
    assert names("?q=kayak") == ["Cy"]  # matched through a conversation, as the People page
    assert names("?tag=pycon&circle=inner") == ["Ana"]
    assert names("?sort=name&reverse=true") == ["Cy", "Ben", "Ana"]
    assert names("?sort=added") == ["Cy", "Ben", "Ana"]
    alice.book.interactions.log(_input([ben["id"]]))
    assert names("?sort=last-contact")[0] == "Ben"
    response = alice.client.get(alice.url("/people?sort=shoe-size"))
    assert response.status_code == 422 and "sort" in error_of(response)["fields"]
    assert ana["id"] != ben["id"]


def _input(people: list[int]) -> Any:
    from amity.book import InteractionInput

    return InteractionInput(people=people, kind="call")


def test_cursor_pages_cover_the_list_once_without_gaps(alice: ApiUser) -> None:
    for n in range(23):
        alice.book.people.add(PersonInput(name=f"Person {n:02d}", tags=["t"] if n % 2 else []))
    expected = [p.id for p in alice.book.people.list()]
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        query = "/people?limit=5" + (f"&cursor={cursor}" if cursor else "")
        body = alice.client.get(alice.url(query)).json()
        seen.extend(p["id"] for p in body["items"])
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == expected and len(set(seen)) == 23 and pages == 5
    first = alice.client.get(alice.url("/people?limit=5&tag=t")).json()
    assert len(first["items"]) == 5 and first["next_cursor"]
    mixed = alice.client.get(alice.url(f"/people?limit=5&cursor={first['next_cursor']}"))
    assert mixed.status_code == 422 and "cursor" in error_of(mixed)["fields"]
    garbage = alice.client.get(alice.url("/people?cursor=%%%not-base64"))
    assert garbage.status_code == 422


def test_cursor_pages_absorb_people_added_and_removed_before_the_page(alice: ApiUser) -> None:
    ids = [alice.book.people.add(PersonInput(name=f"Person {n:02d}")).id for n in range(20)]
    first = alice.client.get(alice.url("/people?limit=5")).json()
    seen = [p["id"] for p in first["items"]]
    alice.book.people.add(PersonInput(name="Aaron"))  # sorts before everyone seen
    alice.book.people.add(PersonInput(name="Abby"))
    alice.book.people.purge(ids[1])  # one of the first page goes
    cursor = first["next_cursor"]
    while cursor:
        body = alice.client.get(alice.url(f"/people?limit=5&cursor={cursor}")).json()
        seen.extend(p["id"] for p in body["items"])
        cursor = body["next_cursor"]
    assert seen == ids  # nothing repeated, nothing skipped


# --- contact points, facts, questions, dates --------------------------------------------------


def test_contact_points_add_list_remove(alice: ApiUser) -> None:
    ana = add(alice, name="Ana", emails=["a@example.org"])
    url = alice.url(f"/people/{ana['id']}/contact-points")
    response = alice.client.post(url, json={"kind": "phone", "value": "+1 415 555 0123"})
    assert response.status_code == 201, response.text
    phone = response.json()
    assert phone["kind"] == "phone" and phone["value"] == "+14155550123"
    assert alice.book.people.get(ana["id"]).phones == ["+14155550123"]
    again = alice.client.post(url, json={"kind": "phone", "value": "+14155550123"})
    assert again.status_code == 409
    listed = alice.client.get(url).json()
    assert {c["kind"] for c in listed} == {"email", "phone"}
    assert alice.client.delete(f"{url}/{phone['id']}").status_code == 204
    assert alice.book.people.get(ana["id"]).phones == []
    assert alice.client.delete(f"{url}/{phone['id']}").status_code == 404
    site = alice.client.post(url, json={"kind": "url", "value": "https://ana.example"}).json()
    refused = alice.client.delete(f"{url}/{site['id']}")
    assert refused.status_code == 422
    assert "https://ana.example" in [
        c.value for c in alice.book.people.get(ana["id"]).contact_points
    ]


def test_facts_questions_and_dates(alice: ApiUser) -> None:
    ana = add(alice, name="Ana")
    base = f"/people/{ana['id']}"
    fact = alice.client.post(
        alice.url(base + "/facts"), json={"kind": "interest", "text": "climbing"}
    )
    assert fact.status_code == 201 and fact.json()["person_id"] == ana["id"]
    bad = alice.client.post(alice.url(base + "/facts"), json={"kind": "mood", "text": "x"})
    assert bad.status_code == 422 and "kind" in error_of(bad)["fields"]
    question = alice.client.post(alice.url(base + "/questions"), json={"text": "How was Porto?"})
    assert question.status_code == 201
    day = alice.client.post(
        alice.url(base + "/dates"),
        json={"kind": "anniversary", "date": "2015-06-01", "label": "wedding"},
    )
    assert day.status_code == 201 and day.json()["year"] == 2015
    bad_day = alice.client.post(
        alice.url(base + "/dates"), json={"kind": "custom", "date": "02-30"}
    )
    assert bad_day.status_code == 422
    stored = alice.book.people.get(ana["id"])
    assert [f.text for f in stored.facts] == ["climbing"]
    assert [q.text for q in stored.questions] == ["How was Porto?"]
    assert [(d.kind, d.label) for d in stored.dates] == [("anniversary", "wedding")]
    assert [f["text"] for f in alice.client.get(alice.url(base + "/facts")).json()] == ["climbing"]
    assert len(alice.client.get(alice.url(base + "/questions")).json()) == 1
    assert alice.client.get(alice.url(base + "/dates")).json()[0]["label"] == "wedding"


@pytest.mark.parametrize(
    "query",
    [
        "/people?tag=a%00b",
        "/people?org=%00",
        "/people?q=%00",
        "/search?q=a%00",
        "/people?limit=0",
        "/people?limit=100000",
        "/people?cursor=" + "A" * 600,
    ],
)
def test_hostile_queries_are_422_on_both_backends(alice: ApiUser, query: str) -> None:
    response = alice.client.get("/api/v1" + query)
    assert response.status_code == 422, response.text
    assert error_of(response)["code"] == "invalid_input"


@pytest.mark.parametrize(
    "body",
    [
        '{"name": "\\ud800"}',  # an unpaired surrogate
        '{"name": "' + "\ufdfa" * 100 + '"}',  # folds to more than 300 characters
        '{"name": "x", "urls": ["' + "\u0130" * 300 + '"]}',  # lower-cases past the column
        '{"name": "x", "org": "' + "o" * 301 + '"}',
        '{"name": "x", "phones": ["+1' + "9" * 60 + '"]}',
    ],
)
def test_hostile_bodies_are_422_and_store_nothing(alice: ApiUser, body: str) -> None:
    response = alice.client.post(
        alice.url("/people"), content=body.encode(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert alice.book.people.count(include_archived=True) == 0


def test_a_browser_session_works_with_its_csrf_token_and_is_403_without(ann: Any) -> None:
    """The pages' signed-in session (tests/web/conftest.py) may call the API too."""
    listed = ann.client.get("/api/v1/people")
    assert listed.status_code == 200 and listed.json()["items"] == []
    refused = ann.client.post("/api/v1/people", json={"name": "Ana"})
    assert refused.status_code == 403
    assert error_of(refused)["code"] == "csrf"
    assert ann.book.people.count() == 0
    made = ann.client.post(
        "/api/v1/people", json={"name": "Ana"}, headers={"X-CSRF-Token": ann.csrf}
    )
    assert made.status_code == 201
    assert [p.name for p in ann.book.people.list()] == ["Ana"]


def test_unknown_api_paths_and_methods_answer_in_the_error_shape(alice: ApiUser) -> None:
    missing = alice.client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and error_of(missing)["code"] == "not_found"
    wrong = alice.client.put("/api/v1/people")
    assert wrong.status_code == 405 and error_of(wrong)["code"] == "method_not_allowed"
    page = alice.client.get("/no-such-page")  # outside /api/ the pages keep their own errors
    assert page.status_code == 404
    assert (
        not page.headers["content-type"].startswith("application/json")
        or "error" not in page.json()
    )


def test_the_openapi_document_lists_every_route_with_its_error_codes(alice: ApiUser) -> None:
    doc = alice.client.get("/api/v1/openapi.json").json()
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    for path, item in doc["paths"].items():
        assert path.startswith("/api/v1/")
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert "401" in codes and "422" in codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)


def test_mark_a_question_asked_keeps_the_answer_as_a_fact(alice: ApiUser) -> None:
    ana = add(alice, name="Ana")
    question = alice.client.post(
        alice.url(f"/people/{ana['id']}/questions"), json={"text": "How was Porto?"}
    ).json()
    url = alice.url(f"/people/{ana['id']}/questions/{question['id']}/asked")
    response = alice.client.post(url, json={"answer": "loved the tiles"})
    assert response.status_code == 200, response.text
    assert response.json()["answer"] == "loved the tiles" and response.json()["asked_at"]
    stored = alice.book.people.get(ana["id"])
    assert stored.questions[0].asked_at is not None
    assert any("loved the tiles" in f.text for f in stored.facts)
    assert alice.client.post(url, json={}).status_code == 422
    other = add(alice, name="Ben")
    wrong = alice.client.post(
        alice.url(f"/people/{other['id']}/questions/{question['id']}/asked"), json={}
    )
    assert wrong.status_code == 404


def test_tags_and_circles_for_the_filters(alice: ApiUser) -> None:
    add(alice, name="Ana", tags=["pycon", "lisbon"], circle="inner")
    add(alice, name="Ben", tags=["pycon"])
    tags = alice.client.get(alice.url("/tags")).json()
    assert tags == [{"name": "lisbon", "people": 1}, {"name": "pycon", "people": 2}]
    circles = {c["name"]: c for c in alice.client.get(alice.url("/circles")).json()}
    assert circles["inner"]["people"] == 1 and circles["inner"]["cadence_days"] == 14
    assert set(circles) == {c["name"] for c in alice.book.circles()}


def test_adding_someone_with_an_e_mail_another_person_has_warns(alice: ApiUser) -> None:
    """Issue 12 §3 in the API, as the web and the CLI do: a shared address (any case) is no
    silent duplicate; the answer names who has it and how to merge."""
    ana = alice.client.post(alice.url("/people"), json={"name": "Ana Lima",
                                                        "emails": ["ana@example.org"]})  # fmt: skip
    assert ana.status_code == 201 and ana.json()["warnings"] == []
    twin = alice.client.post(alice.url("/people"), json={"name": "A. Lima",
                                                         "emails": ["ANA@Example.org"]})  # fmt: skip
    assert twin.status_code == 201, twin.text
    (warning,) = twin.json()["warnings"]
    assert warning["person"] == {"id": ana.json()["id"], "name": "Ana Lima"}
    assert warning["email"].lower() == "ana@example.org"
    assert f"amity merge {ana.json()['id']} {twin.json()['id']}" in warning["message"]
