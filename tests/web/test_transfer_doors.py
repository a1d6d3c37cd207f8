"""One file, three doors, one result: every format of the registry imports to the same counts
and the same people through the CLI (Click's runner), the REST API and the web Import page
(upload, preview, apply), with the same settings (region, own addresses, the broadcast
threshold) read by the Book for all three.

Each door imports into its own new book in one SQLite database; the books must then agree.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi import FastAPI

from amity.book import Book, PersonInput, open_book
from amity.book.transfer import import_format_names
from amity.web.app import create_app
from tests.conftest import FIXTURES, Clock, new_book
from tests.web.conftest import sign_in


@dataclass(frozen=True)
class Sample:
    format: str  # what the registry must detect (every door sends "auto" and the file name)
    name: str
    make: Callable[[Path], bytes]
    settings: tuple[tuple[str, Any], ...] = ()
    seed: tuple[tuple[str, str], ...] = ()  # people in the book before the import: name, e-mail
    expect: tuple[tuple[str, int], ...] = ()  # counts the import must report


def fixture(folder: str, name: str) -> Callable[[Path], bytes]:
    return lambda _tmp: (FIXTURES / folder / name).read_bytes()


def linkedin(tmp: Path) -> bytes:
    from tests.imports.generate import write_linkedin

    return write_linkedin(tmp / "Connections.csv", 7).read_bytes()


def backup(tmp: Path) -> bytes:
    source = new_book("sqlite:///" + str(tmp / "source.db"), Clock())
    source.people.add(PersonInput(name="Rita Ora", emails=["rita@example.org"], tags=["music"]))
    source.people.add(PersonInput(name="Sam Oduya", phones=["+44 20 7946 0958"]))
    return source.transfer.export("json").text.encode()


ME = ("me.emails", ["unittest@gmailo.com"])
OLIVER = (("Oliver Roth", "oliver@example.org"),)
MEETING = "tine20__google_invite_two_attendees.ics"  # two attendees, one of them the owner
SAMPLES = {
    "vcard": Sample("vcard", "contacts.vcf",
                    fixture("vcard", "ezvcard__android_21_qp_softbreaks_multi_photo.vcf"),
                    expect=(("people_new", 6),)),
    "csv": Sample("csv", "address-book.csv",
                  fixture("csv", "roundcube__thunderbird_address_book.csv"),
                  expect=(("people_new", 1),)),
    "linkedin": Sample("linkedin", "Connections.csv", linkedin, expect=(("people_new", 7),)),
    "google": Sample("google", "google.csv",
                     fixture("csv", "roundcube__google_contacts_legacy_format.csv"),
                     expect=(("people_new", 1),)),
    "outlook": Sample("outlook", "outlook.csv",
                      fixture("csv", "tine20__outlook2013_german_headers_cp1252.csv"),
                      settings=(("phone.region", "DE"),), expect=(("people_new", 2),)),
    "ics": Sample("ics", "invite.ics", fixture("ical", MEETING), settings=(ME,), seed=OLIVER,
                  expect=(("interactions_new", 1), ("skipped", 0))),
    "ics-broadcast": Sample("ics", "invite.ics", fixture("ical", MEETING),
                            settings=(ME, ("import.broadcast_attendees", 1)), seed=OLIVER,
                            expect=(("interactions_new", 0), ("skipped", 1))),
    "mbox": Sample("mbox", "list.mbox",
                   fixture("mail", "perceval__pipermail_three_message_thread.mbox"),
                   expect=(("people_new", 2), ("interactions_new", 3))),
    "eml": Sample("eml", "reply.eml",
                  fixture("mail", "mail__reply_with_references_in_reply_to.eml"), settings=(ME,),
                  expect=(("people_new", 2), ("interactions_new", 1))),
    "json": Sample("json", "backup.json", backup, expect=(("people", 2), ("contact_points", 2))),
}  # fmt: skip


def test_every_format_of_the_registry_has_a_sample() -> None:
    assert {s.format for s in SAMPLES.values()} == set(import_format_names())


@dataclass
class Door:
    """One way in: imports a file into its own new book and reports the counts it showed."""

    name: str
    book: Book
    run: Callable[[Path, bool], dict[str, int]]  # (file, preview only) -> the door's counts


@pytest.fixture
def app(sqlite_url: str, clock: Clock) -> FastAPI:
    return create_app(sqlite_url, clock=clock, scheduler=False)


def cli_door(sqlite_url: str, clock: Clock) -> Door:
    email = f"cli-{uuid.uuid4().hex[:8]}@example.org"
    book = open_book(sqlite_url, email, clock=clock)  # the CLI below opens this same book

    def run(path: Path, preview: bool) -> dict[str, int]:
        from amity.cli.main import cli

        args = ["--db", sqlite_url, "--user", email, "import", str(path), "--json"]
        args += ["--create-people"] + (["--dry-run"] if preview else [])
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        report = json.loads(result.output)
        if "restored" in report or "would_restore" in report:  # a backup
            return dict(report.get("restored") or report["would_restore"])
        return {k: v for k, v in report["counts"].items() if k != "awaiting_reply"}

    return Door("cli", book, run)


def api_door(app: FastAPI, sqlite_url: str, clock: Clock) -> Door:
    from tests.web.conftest_api import api_user

    user = api_user(app, sqlite_url, clock)

    def run(path: Path, preview: bool) -> dict[str, int]:
        route = "/import/preview" if preview else "/import"
        query = f"?format=auto&filename={path.name}&create_people=true"
        response = user.client.post(user.url(route + query), content=path.read_bytes())
        assert response.status_code == 200, response.text
        return {k: v for k, v in response.json()["counts"].items() if k != "awaiting_reply"}

    return Door("api", user.book, run)


def web_door(app: FastAPI, sqlite_url: str, clock: Clock) -> Door:
    user = sign_in(app, new_book(sqlite_url, clock))

    def run(path: Path, preview: bool) -> dict[str, int]:
        files = {"file": (path.name, path.read_bytes(), "application/octet-stream")}
        shown = user.post("/import", {"format": "auto", "create_people": "1"}, files=files)
        assert shown.status_code == 200, shown.text
        assert "Preview:" in shown.text
        upload_id = shown.text.split('name="upload_id" value="')[1].split('"')[0]
        if preview:
            assert user.post("/import/cancel", {"upload_id": upload_id}).status_code == 303
            return {}
        done = user.post("/import/apply", {"upload_id": upload_id})
        assert done.status_code == 200, done.text
        return {}  # the page shows the counts as text; the book's history holds them

    return Door("web", user.book, run)


def people_of(book: Book) -> list[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]]:
    return sorted((p.name, tuple(p.emails), tuple(p.phones), tuple(p.tags))
                  for p in book.people.list())  # fmt: skip


def contents(book: Book) -> dict[str, int]:
    return {
        k: v for k, v in book.counts().items() if k not in ("imports", "settings", "api_tokens")
    }


@pytest.mark.parametrize("case", list(SAMPLES), ids=list(SAMPLES))
def test_a_file_imports_the_same_through_the_cli_the_api_and_the_web_page(
    case: str, app: FastAPI, sqlite_url: str, clock: Clock, tmp_path: Path
) -> None:
    sample = SAMPLES[case]
    path = tmp_path / sample.name
    path.write_bytes(sample.make(tmp_path))
    doors = [cli_door(sqlite_url, clock), api_door(app, sqlite_url, clock),
             web_door(app, sqlite_url, clock)]  # fmt: skip
    outcomes = {}
    for door in doors:
        for key, value in sample.settings:
            door.book.settings.set(key, value)
        for name, email in sample.seed:
            door.book.people.add(PersonInput(name=name, emails=[email]))
        before = contents(door.book)
        previewed = door.run(path, True)
        assert contents(door.book) == before, f"{door.name}: a preview wrote"
        reported = door.run(path, False)
        history = door.book.transfer.history()
        if sample.format == "json":
            assert history == [] and len(people_of(door.book)) == 2
            counts = contents(door.book)
            assert all(counts[k] == v for k, v in sample.expect), (door.name, counts)
        else:
            assert [h["format"] for h in history] == [sample.format], door.name
            summary = {k: v for k, v in history[0]["summary"].items() if k != "awaiting_reply"}
            assert reported in ({}, summary), door.name
            assert previewed in ({}, summary), door.name
            assert all(summary[k] == v for k, v in sample.expect), (door.name, summary)
        outcomes[door.name] = (contents(door.book), people_of(door.book),
                               history[0]["summary"] if history else None)  # fmt: skip
    assert outcomes["cli"] == outcomes["api"] == outcomes["web"]


def test_the_broadcast_threshold_skips_the_meeting_in_every_door(
    app: FastAPI, sqlite_url: str, clock: Clock, tmp_path: Path
) -> None:
    """The bug that started it: with import.broadcast_attendees 1 the web page imported a
    two-attendee meeting that the CLI and the API skipped."""
    path = tmp_path / "invite.ics"
    path.write_bytes((FIXTURES / "ical" / MEETING).read_bytes())
    for door in (cli_door(sqlite_url, clock), api_door(app, sqlite_url, clock),
                 web_door(app, sqlite_url, clock)):  # fmt: skip
        door.book.settings.set("import.broadcast_attendees", 1)
        door.book.people.add(PersonInput(name="Oliver Roth", emails=["oliver@example.org"]))
        door.run(path, False)
        summary = door.book.transfer.history()[0]["summary"]
        assert (summary["interactions_new"], summary["skipped"]) == (0, 1), door.name
        assert door.book.interactions.timeline("Oliver Roth") == [], door.name
        assert door.book.people.count() == 1, door.name
