"""Pages: edit and delete every kind of record, archive and restore, delete a person for good,
the Promises form, the Archived filter and people autocomplete (issue 12), on both backends."""

from __future__ import annotations

from typing import Any

import pytest

from amity.book import PersonInput
from amity.errors import NotFound
from tests.book.test_records import one_of_each
from tests.web.conftest import WebUser

# kind: (form fields, what the Book then holds: attribute, value)
FORMS: dict[str, tuple[dict[str, str], str, Any]] = {
    "fact": ({"text": "two kids", "kind": "family"}, "text", "two kids"),
    "question": ({"answer": "sunny"}, "answer", "sunny"),
    "date": ({"when": "4 July"}, "when", "--07-04"),
    "interaction": ({"notes": "over lunch", "people": "Bo Chen"}, "notes", "over lunch"),
    "promise": ({"due_on": "", "text": "slides"}, "due_on", None),
    "follow_up": ({"due_on": "2026-12-09"}, "due_on", "2026-12-09"),
    "event": ({"name": "PyCon US"}, "name", "PyCon US"),
    "relationship": ({"kind": "friend"}, "kind", "friend"),
    "article": ({"topics": "jazz, music"}, "topics", ["jazz", "music"]),
    "goal": ({"check_in_days": "30"}, "check_in_days", 30),
    "feedback": ({"themes": "pace", "person": ""}, "person", None),
}


def plain(value: Any) -> Any:
    return value if value is None or isinstance(value, (list, int)) else str(value)


@pytest.mark.parametrize("kind", sorted(FORMS))
def test_edit_form_saves_only_what_changed_then_delete(ann: WebUser, kind: str) -> None:
    ids = one_of_each(ann.book)
    record_id = ids[kind]
    form = ann.get(f"/records/{kind}/{record_id}/edit?back=/people/{ids['ana']}")
    assert form.status_code == 200
    assert 'name="back" value="/people/' in form.text
    fields, attribute, expected = FORMS[kind]
    saved = ann.post(
        f"/records/{kind}/{record_id}/edit",
        {**fields, "back": f"/people/{ids['ana']}"},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == f"/people/{ids['ana']}"
    assert plain(getattr(ann.book.records.get(kind, record_id), attribute)) == expected
    gone = ann.post(f"/records/{kind}/{record_id}/delete", {"back": "/"}, htmx=True)
    assert gone.status_code == 200 and gone.text == ""
    with pytest.raises(NotFound):
        ann.book.records.get(kind, record_id)


def test_htmx_edit_refreshes_and_bad_input_shows_the_form(ann: WebUser) -> None:
    ids = one_of_each(ann.book)
    inline = ann.get(f"/records/fact/{ids['fact']}/edit", headers={"HX-Request": "true"})
    assert inline.text.lstrip().startswith("<form")
    saved = ann.post(f"/records/fact/{ids['fact']}/edit", {"text": "sailing"}, htmx=True)
    assert saved.headers["HX-Refresh"] == "true"
    bad = ann.post(f"/records/date/{ids['date']}/edit", {"when": "31 April"}, htmx=True)
    assert bad.status_code == 422
    assert 'role="alert"' in bad.text and "31 April" in bad.text
    assert str(ann.book.records.get("date", ids["date"]).when) == "2015-06-01"


def test_back_is_never_another_site(ann: WebUser) -> None:
    ids = one_of_each(ann.book)
    for back in ("https://evil.example/", "//evil.example/x", "/\\evil", "javascript:alert(1)"):
        saved = ann.post(
            f"/records/fact/{ids['fact']}/edit", {"text": "x", "back": back}, follow_redirects=False
        )
        assert saved.headers["location"] == "/"


def test_unknown_kind_is_not_found(ann: WebUser) -> None:
    assert ann.get("/records/tweet/1/edit").status_code == 404


def test_person_page_lists_edit_and_delete_for_each_record(ann: WebUser) -> None:
    ids = one_of_each(ann.book)
    page = ann.get(f"/people/{ids['ana']}").text
    for kind in ("fact", "question", "date", "promise", "interaction"):
        assert f"/records/{kind}/{ids[kind]}/edit" in page, kind
        assert f"/records/{kind}/{ids[kind]}/delete" in page, kind
    assert 'aria-label="Delete fact: jazz"' in page


def test_lists_carry_edit_and_delete(ann: WebUser) -> None:
    ids = one_of_each(ann.book)
    pages = {
        "/promises": ("promise", "follow_up"),
        "/events": ("event",),
        "/articles": ("article",),
        "/network": ("relationship",),
        "/feedback": ("goal", "feedback"),
    }
    for url, kinds in pages.items():
        text = ann.get(url).text
        for kind in kinds:
            assert f"/records/{kind}/{ids[kind]}/edit" in text, (url, kind)


def test_archive_then_restore_never_ends_on_not_found(ann: WebUser) -> None:
    ana = ann.book.people.add(PersonInput(name="Ana Lima"))
    archived = ann.post(f"/people/{ana.id}/archive", follow_redirects=True)
    assert archived.status_code == 200, archived.text
    assert "Ana Lima is archived" in archived.text and ">Restore<" in archived.text
    listed = ann.get("/people?archived=1")
    assert "Ana Lima" in listed.text and "Restore Ana Lima" in listed.text
    assert "Ana Lima" not in ann.get("/people").text
    restored = ann.post(f"/people/{ana.id}/restore", {"back": "/people?archived=1"}, htmx=True)
    assert restored.headers["HX-Trigger"] == "people-changed"
    assert ann.book.people.get(ana.id).archived_at is None


def test_delete_for_good_asks_first(ann: WebUser) -> None:
    ana = ann.book.people.add(PersonInput(name="Ana Lima"))
    confirm = ann.get(f"/people/{ana.id}/delete")
    assert "Delete Ana Lima for good?" in confirm.text
    assert ann.post(f"/people/{ana.id}/delete", {}).status_code == 422
    assert ann.book.people.get(ana.id).name == "Ana Lima"
    done = ann.post(f"/people/{ana.id}/delete", {"confirm": "yes"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/people"
    with pytest.raises(NotFound):
        ann.book.people.get(ana.id)


def test_add_a_promise_on_the_promises_page(ann: WebUser) -> None:
    ann.book.people.add(PersonInput(name="Ana Lima"))
    made = ann.post(
        "/promises",
        {"person": "Ana", "text": "send the deck", "direction": "theirs", "due_on": "2026-12-01"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    (promise,) = ann.book.commitments.list(status="all")
    assert (promise.person.name, promise.text, promise.direction) == (
        "Ana Lima",
        "send the deck",
        "theirs",
    )
    refused = ann.post("/promises", {"person": "Nobody", "text": "x"})
    assert refused.status_code == 422 and "Nobody" in refused.text
    assert len(ann.book.commitments.list(status="all")) == 1


def test_people_autocomplete(ann: WebUser, ben: WebUser) -> None:
    for name in ("Ana Lima", "Anabel Ode", "Bo Chen", "Lia Anand"):
        ann.book.people.add(PersonInput(name=name))
    archived = ann.book.people.add(PersonInput(name="Anatole Gone"))
    ann.book.people.archive(archived.id)
    names = [p["name"] for p in ann.get("/autocomplete/people?q=Bo, an").json()]
    assert names == ["Ana Lima", "Anabel Ode", "Lia Anand"]
    assert ben.get("/autocomplete/people?q=an").json() == []
    assert ann.get("/autocomplete/people?q=%25").json() == []
