"""Bad input on the pages never crashes: ids out of range are not found, NUL characters are
refused with a reason, absurd page numbers are empty pages (on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from amity.book import PersonInput
from tests.web.conftest import WebUser


@pytest.mark.parametrize(
    "path",
    [
        "/people/99999999999999999999",
        "/people/0",
        "/people/2147483648",
        "/people/99999999999999999999/edit",
    ],
)
def test_ids_out_of_range_are_not_found(ann: WebUser, path: str) -> None:
    assert ann.get(path).status_code == 404


def test_posting_to_an_out_of_range_id_is_not_found(ann: WebUser) -> None:
    answer = ann.post(
        "/people/99999999999999999999/facts", {"kind": "interest", "text": "x"}, htmx=True
    )
    assert answer.status_code == 404


@pytest.mark.parametrize("path", ["/people?q=a%00b", "/capture/names?names=%00", "/people?tag=%00"])
def test_nul_in_a_query_is_refused(ann: WebUser, path: str) -> None:
    answer = ann.get(path)
    assert answer.status_code == 422 and "NUL" in answer.text


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/people", {"name": "a\x00b"}),
        ("/capture", {"names": "a\x00b"}),
        ("/settings/general", {"my_name": "a\x00b"}),
    ],
)
def test_nul_in_a_form_is_refused_and_nothing_is_written(
    ann: WebUser, path: str, form: dict[str, str]
) -> None:
    answer = ann.post(path, form, htmx=True)
    assert answer.status_code == 422 and "NUL" in answer.text
    assert ann.book.people.count() == 0 and ann.book.settings.get("me.name") == ""


def test_a_page_far_beyond_the_end_is_empty(ann: WebUser) -> None:
    ann.book.people.add(PersonInput(name="Only One"))
    page = ann.get("/people?page=99999")
    assert page.status_code == 200 and "No one matches" in page.text
