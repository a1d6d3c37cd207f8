"""The push after a first pull does not compare the people that pull just created (issue 10's
speed), but only while nothing else wrote: a person edited between the pull and the push of
the same run is still sent to the server."""

from __future__ import annotations

from typing import Any

import pytest

from amity.book import Book, PersonInput
from amity.sync import carddav
from amity.sync.runner import run_account
from tests.sync.servers import DavServer
from tests.sync.test_carddav_client import ANA, BRUNO, connect

pytestmark = pytest.mark.slow  # real servers as subprocesses (left out of make test-fast)


def test_an_edit_between_pull_and_push_is_still_pushed(
    sqlite_book: Book, radicale_server: DavServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    book, dav = sqlite_book, radicale_server
    dav.put("ana-1.vcf", ANA)
    dav.put("bruno-2.vcf", BRUNO)
    original = carddav.pull

    def pull_then_edit(*args: Any, **kwargs: Any) -> None:
        original(*args, **kwargs)
        book.people.edit("Bruno Costa", PersonInput(title="Chief Cook"))  # another door

    monkeypatch.setattr(carddav, "pull", pull_then_edit)
    run = run_account(book, connect(book, dav))
    assert run is not None and run.status == "ok", run and run.error
    assert run.counts == {"created": 2, "updated": 1}  # two pulled; Bruno's edit pushed
    assert "TITLE:Chief Cook" in dav.get("bruno-2.vcf")[0]
    assert "Chief Cook" not in dav.get("ana-1.vcf")[0]


def test_fresh_people_are_not_compared_when_nothing_else_wrote(
    sqlite_book: Book, radicale_server: DavServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    book, dav = sqlite_book, radicale_server
    dav.put("ana-1.vcf", ANA)
    dav.put("bruno-2.vcf", BRUNO)
    compared: list[int] = []
    original = book.contact_sync._changed  # type: ignore[attr-defined]

    def spy(claim: Any, rows: list[Any], region: Any) -> Any:
        compared.extend(r.person_id for r in rows)
        return original(claim, rows, region)

    monkeypatch.setattr(book.contact_sync, "_changed", spy)
    run = run_account(book, connect(book, dav))
    assert run is not None and run.counts == {"created": 2}
    assert compared == []  # both were just created from the cards: nothing to compare
    book.people.edit("Ana Lima", PersonInput(title="CTO"))
    again = run_account(book, run.account_id)
    assert again is not None and again.counts == {"updated": 1}
    assert sorted(compared) == sorted(p.id for p in book.people.list())  # a later run compares
