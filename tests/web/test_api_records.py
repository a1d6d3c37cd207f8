"""REST API: PATCH and DELETE on every kind of record, and clearing a birthday (issue 12).

Each test checks the HTTP answer and what the Book then holds, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from amity.book import PersonInput
from amity.errors import NotFound
from tests.book.test_records import one_of_each

if TYPE_CHECKING:
    from tests.web.conftest_api import ApiUser

pytest_plugins = ["tests.web.conftest_api"]

# kind: (path, PATCH body, JSON key read back, expected value)
PATCHES: dict[str, tuple[str, dict[str, Any], str, Any]] = {
    "interaction": ("/interactions", {"notes": "over lunch", "kind": "meeting"}, "kind", "meeting"),
    "fact": ("/facts", {"text": "two kids", "kind": "family"}, "kind", "family"),
    "question": ("/questions", {"answer": "sunny"}, "answer", "sunny"),
    "date": ("/dates", {"date": "--07-04"}, "date", "--07-04"),
    "promise": ("/promises", {"due_on": None, "text": "slides"}, "due_on", None),
    "follow_up": ("/follow-ups", {"due_on": "2026-12-09"}, "due_on", "2026-12-09"),
    "event": ("/events", {"name": "PyCon US", "location": None}, "name", "PyCon US"),
    "relationship": ("/relationships", {"kind": "friend"}, "kind", "friend"),
    "article": ("/articles", {"topics": ["jazz"]}, "topics", ["jazz"]),
    "goal": ("/goals", {"check_in": "monthly"}, "check_in_days", 30),
    "feedback": ("/feedback", {"themes": ["pace"], "on": "2026-11-01"}, "themes", ["pace"]),
}


@pytest.mark.parametrize("kind", sorted(PATCHES))
def test_patch_then_delete_every_kind(alice: ApiUser, kind: str) -> None:
    ids = one_of_each(alice.book)
    path, body, key, expected = PATCHES[kind]
    response = alice.client.patch(alice.url(f"{path}/{ids[kind]}"), json=body)
    assert response.status_code == 200, response.text
    assert response.json()[key] == expected
    assert response.json()["id"] == ids[kind]
    stored = alice.book.records.get(kind, ids[kind])
    assert stored.id == ids[kind]
    response = alice.client.delete(alice.url(f"{path}/{ids[kind]}"))
    assert response.status_code == 204, response.text
    with pytest.raises(NotFound):
        alice.book.records.get(kind, ids[kind])
    assert alice.client.delete(alice.url(f"{path}/{ids[kind]}")).status_code == 404


@pytest.mark.parametrize("kind", sorted(PATCHES))
def test_another_users_record_is_404_and_unchanged(alice: ApiUser, bob: ApiUser, kind: str) -> None:
    ids = one_of_each(alice.book)
    path, body, _key, _expected = PATCHES[kind]
    before = alice.book.records.get(kind, ids[kind])
    assert bob.client.patch(bob.url(f"{path}/{ids[kind]}"), json=body).status_code == 404
    assert bob.client.delete(bob.url(f"{path}/{ids[kind]}")).status_code == 404
    assert alice.book.records.get(kind, ids[kind]) == before


def test_bad_patch_is_422_naming_the_field(alice: ApiUser) -> None:
    ids = one_of_each(alice.book)
    response = alice.client.patch(alice.url(f"/dates/{ids['date']}"), json={"date": "02-30"})
    assert response.status_code == 422
    assert "when" in response.json()["error"]["fields"]
    response = alice.client.patch(alice.url(f"/facts/{ids['fact']}"), json={"colour": "red"})
    assert response.status_code == 422
    response = alice.client.patch(
        alice.url(f"/interactions/{ids['interaction']}"), json={"people": []}
    )
    assert response.status_code == 422
    assert alice.book.records.get("fact", ids["fact"]).text == "jazz"


def test_clear_birthday(alice: ApiUser) -> None:
    ana = alice.book.people.add(PersonInput(name="Ana", birthday="1990-04-15"))
    response = alice.client.delete(alice.url(f"/people/{ana.id}/birthday"))
    assert response.status_code == 200, response.text
    assert response.json()["birthday"] is None
    assert response.headers["ETag"] == f'"v{ana.version + 1}"'
    assert alice.book.people.get(ana.id).birthday is None


def test_interaction_people_replaced(alice: ApiUser) -> None:
    ids = one_of_each(alice.book)
    response = alice.client.patch(
        alice.url(f"/interactions/{ids['interaction']}"), json={"people": [ids["bo"]]}
    )
    assert response.status_code == 200
    assert [p["id"] for p in response.json()["people"]] == [ids["bo"]]
    assert alice.book.people.get(ids["ana"]).last_interaction_at is None
