"""Import uploads awaiting their preview's confirmation (book.transfer.uploads): a quota per
user, removed after apply, after cancel and after an hour; and bad backups answered with a
clear 422 through the web page and the API, never a 500 (issue 15)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from amity.book import Book, PersonInput
from amity.book.transfer import ImportOptions
from amity.book.transfer.uploads import LIFETIME, MAX_BYTES, MAX_PENDING
from amity.config import data_folder
from amity.errors import InvalidInput, NotFound
from tests.conftest import Clock, new_book
from tests.web.conftest import WebUser

if TYPE_CHECKING:
    from tests.web.conftest_api import ApiUser

pytest_plugins = ["tests.web.conftest_api"]
CARD = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Pia Weber\r\nEMAIL:pia@example.com\r\nEND:VCARD\r\n"


def folder_of(book: Book) -> Path:
    return data_folder(book.ctx.url) / "uploads" / str(book.owner_id)


def files_of(book: Book) -> list[str]:
    folder = folder_of(book)
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def keep(book: Book, data: bytes = CARD, name: str = "c.vcf") -> str:
    return book.transfer.uploads.keep(io.BytesIO(data), name).id


def test_an_upload_is_kept_with_its_format_and_options_then_removed_once_applied(
    sqlite_book: Book,
) -> None:
    options = ImportOptions(create_people=True)
    pending = sqlite_book.transfer.uploads.keep(io.BytesIO(CARD), "c.txt", options=options)
    assert (pending.format, pending.filename, pending.options) == ("vcard", "c.txt", options)
    assert files_of(sqlite_book) == [pending.id, pending.id + ".json"]
    preview = sqlite_book.transfer.uploads.preview(pending.id)
    assert preview.summary()["people_new"] == 1 and sqlite_book.people.count() == 0
    done = sqlite_book.transfer.uploads.apply(pending.id)
    assert done.applied and sqlite_book.people.count() == 1
    assert files_of(sqlite_book) == []
    with pytest.raises(NotFound):
        sqlite_book.transfer.uploads.apply(pending.id)


def test_cancel_removes_the_upload(sqlite_book: Book) -> None:
    upload_id = keep(sqlite_book)
    sqlite_book.transfer.uploads.cancel(upload_id)
    assert files_of(sqlite_book) == []
    with pytest.raises(NotFound):
        sqlite_book.transfer.uploads.preview(upload_id)


def test_at_most_five_pending_uploads_per_user_the_oldest_removed(
    sqlite_url: str, clock: Clock
) -> None:
    book, other = new_book(sqlite_url, clock), new_book(sqlite_url, clock)
    theirs = keep(other)
    ids = []
    for _ in range(MAX_PENDING + 2):
        ids.append(keep(book))
        clock.advance(seconds=1)
    assert [u.id for u in book.transfer.uploads.pending()] == ids[-MAX_PENDING:]
    with pytest.raises(NotFound):
        book.transfer.uploads.preview(ids[0])
    assert [u.id for u in other.transfer.uploads.pending()] == [theirs]  # never another's


def test_at_most_100_mb_per_user_the_oldest_removed(
    sqlite_book: Book, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from amity.book.transfer import uploads

    monkeypatch.setattr(uploads, "MAX_BYTES", 3 * len(CARD))  # 100 MB, scaled down
    ids = []
    for _ in range(4):
        ids.append(keep(sqlite_book))
        clock.advance(seconds=1)
    assert [u.id for u in sqlite_book.transfer.uploads.pending()] == ids[1:]
    assert MAX_BYTES == 100 * 1024 * 1024


def test_an_upload_larger_than_allowed_is_refused_and_not_kept(sqlite_book: Book) -> None:
    with pytest.raises(InvalidInput, match="larger than"):
        sqlite_book.transfer.uploads.keep(io.BytesIO(CARD * 1000), "c.vcf", max_bytes=len(CARD))
    assert files_of(sqlite_book) == []


def test_an_upload_of_no_known_format_or_empty_is_refused_and_not_kept(sqlite_book: Book) -> None:
    with pytest.raises(InvalidInput, match="empty"):
        sqlite_book.transfer.uploads.keep(io.BytesIO(b"  \n"), "c.vcf")
    with pytest.raises(InvalidInput, match="unknown format"):
        sqlite_book.transfer.uploads.keep(io.BytesIO(CARD), "c.vcf", fmt="tarot")
    assert files_of(sqlite_book) == []


def test_uploads_are_gone_after_an_hour_and_removed_on_the_next_upload_by_anyone(
    sqlite_url: str, clock: Clock
) -> None:
    book, other = new_book(sqlite_url, clock), new_book(sqlite_url, clock)
    old = keep(book)
    clock.advance(seconds=LIFETIME.total_seconds() - 60)
    assert book.transfer.uploads.preview(old).summary()["people_new"] == 1  # 59 minutes: kept
    clock.advance(seconds=120)
    assert old in files_of(book)  # nobody has looked yet
    keep(other)
    assert files_of(book) == []  # the next upload, by anyone, removed it
    fresh = keep(book)
    clock.advance(hours=2)
    with pytest.raises(NotFound):
        book.transfer.uploads.apply(fresh)  # expired even before any sweep
    assert files_of(book) == []


def test_a_preview_that_cannot_be_read_removes_its_upload(sqlite_book: Book) -> None:
    pending = sqlite_book.transfer.uploads.keep(io.BytesIO(b"{not json"), "b.json")
    with pytest.raises(InvalidInput, match="not a valid JSON backup"):
        sqlite_book.transfer.uploads.preview(pending.id)
    assert files_of(sqlite_book) == []


# --- through the web page ---------------------------------------------------------------------


def upload(user: WebUser, data: bytes, name: str, **form: str):  # type: ignore[no-untyped-def]
    return user.post("/import", {"format": "auto", **form}, files={"file": (name, data, "x/y")})


def upload_id_of(html: str) -> str:
    return html.split('name="upload_id" value="')[1].split('"', maxsplit=1)[0]


def test_the_page_cancels_an_upload_and_never_applies_another_users(
    ann: WebUser, ben: WebUser
) -> None:
    shown = upload(ann, CARD, "c.vcf")
    assert shown.status_code == 200 and "Pia Weber" in shown.text
    upload_id = upload_id_of(shown.text)
    assert ben.post("/import/apply", {"upload_id": upload_id}).status_code == 404
    assert ben.post("/import/cancel", {"upload_id": upload_id}).status_code == 303
    assert files_of(ann.book) == [upload_id, upload_id + ".json"]  # ben's cancel: not his
    assert ann.post("/import/cancel", {"upload_id": upload_id}).status_code == 303
    assert files_of(ann.book) == []
    assert ann.post("/import/apply", {"upload_id": upload_id}).status_code == 404
    assert ann.book.people.count() == 0


def test_the_page_applies_the_format_it_previewed_whatever_the_form_says(ann: WebUser) -> None:
    upload_id = upload_id_of(upload(ann, CARD, "c.vcf").text)
    done = ann.post("/import/apply", {"upload_id": upload_id, "format": "json"})
    assert done.status_code == 200, done.text
    assert [p.name for p in ann.book.people.list()] == ["Pia Weber"]
    assert ann.book.transfer.history()[0]["format"] == "vcard"


def test_a_deeply_nested_json_upload_is_a_clear_422_on_the_page(ann: WebUser) -> None:
    for data in (b"[" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000):
        page = upload(ann, data, "backup.json")
        assert page.status_code == 422, page.text[:200]
        assert "not a valid JSON backup" in page.text
    assert files_of(ann.book) == []


def test_a_backup_into_a_book_with_data_is_refused_on_apply_with_409(ann: WebUser) -> None:
    source = new_book(ann.book.ctx.url, Clock())
    source.people.add(PersonInput(name="Omar"))
    backup = source.transfer.export("json").text.encode()
    ann.book.people.add(PersonInput(name="Already here"))
    shown = upload(ann, backup, "backup.json")
    assert shown.status_code == 200 and "restores into an empty book only" in shown.text
    refused = ann.post("/import/apply", {"upload_id": upload_id_of(shown.text)})
    assert refused.status_code == 409
    assert [p.name for p in ann.book.people.list()] == ["Already here"]
    assert files_of(ann.book) == []


# --- bad backups through the API --------------------------------------------------------------


def backup_with(alice: ApiUser, change: dict[str, object]) -> bytes:
    alice.book.people.add(PersonInput(name="Ana", emails=["ana@example.org"]))
    doc = alice.book.export_json()
    doc["tables"]["people"][0].update(change)
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    "change",
    [
        {"id": 10**30},
        {"version": 10**30},
        {"introduced_by_id": 10**30},
        {"circle_id": 10**30},
        {"name": ["a", "list"]},
        {"name": 5},
        {"created_at": "yesterday"},
        {"name": None},
    ],
    ids=lambda c: next(iter(c)),
)
def test_a_backup_with_bad_values_is_a_clear_422_and_writes_nothing(
    alice: ApiUser, bob: ApiUser, change: dict[str, object]
) -> None:
    backup = backup_with(alice, change)
    for route in ("/import?format=json", "/import"):
        response = bob.client.post(bob.url(route), content=backup)
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["code"] == "invalid_input" and error["message"].startswith("people")
    assert bob.book.export_json()["tables"]["people"] == []
    assert bob.book.counts()["circles"] == 4  # the new book's own circles are still there


def test_the_preview_says_what_each_person_gets_or_gains(ann: WebUser) -> None:
    """Issue 12 §5: each person's row lists the values a new person gets and, for someone in
    the book, only what they gain; the CLI's --dry-run prints the same."""
    ann.book.people.add(PersonInput(name="Ana Lima", emails=["ana@example.org"], title="Engineer",
                                    org="Acme"))  # fmt: skip
    cards = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nEMAIL:ana@example.org\r\n"
             "TEL:+44 20 7946 0018\r\nCATEGORIES:climbing\r\nEND:VCARD\r\n"
             "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bruno Costa\r\nEMAIL:bruno@example.org\r\n"
             "TITLE:CTO\r\nBDAY:1990-04-15\r\nEND:VCARD\r\n")  # fmt: skip
    shown = upload(ann, cards.encode(), "cards.vcf")
    assert shown.status_code == 200, shown.text
    page = shown.text
    assert "<td>Ana Lima</td><td>Gains: phone +442079460018, tag climbing</td>" in page
    assert "e-mail ana@example.org" not in page  # she has it already
    bruno = page[page.index("<td>Bruno Costa</td>") :]
    bruno = bruno[: bruno.index("</tr>")]
    assert "New: " in bruno and "title CTO" in bruno and "e-mail bruno@example.org" in bruno
    assert "birthday 15 April 1990" in bruno
    assert ann.book.people.count() == 1  # a preview writes nothing
