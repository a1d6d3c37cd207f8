"""`amity sync` through Click's runner, the scheduler's round, redaction of credentials, and
work milestones from a file re-import."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from amity.book import Book
from tests.conftest import Clock, new_book
from tests.sync.servers import DavServer
from tests.sync.test_carddav_client import ANA, BRUNO


def cli(*args: str) -> Result:
    from amity.cli.main import cli as group

    return CliRunner().invoke(group, list(args), catch_exceptions=False)


@pytest.mark.slow
def test_the_cli_adds_runs_shows_and_removes_an_account(
    cli_env: Path, radicale_server: DavServer, capsys: pytest.CaptureFixture[str]
) -> None:
    dav = radicale_server
    dav.put("ana-1.vcf", ANA)
    dav.put("bruno-2.vcf", BRUNO)
    secret = cli_env / "pw.txt"
    secret.write_text(dav.password + "\n")
    added = cli("sync", "add", "carddav", dav.base, "--username", dav.user, "--password-file",
                str(secret), "--name", "Phone", "--json")  # fmt: skip
    assert added.exit_code == 0, added.output
    shown = json.loads(added.output)
    assert shown["name"] == "Phone" and shown["has_password"] is True
    assert dav.password not in added.output
    assert shown["options"]["collections"][0]["href"].endswith("/ana/contacts/")
    ran = cli("sync", "run", "Phone")
    assert ran.exit_code == 0 and "Phone: ok (2 created)" in ran.output
    status = cli("sync", "status")
    assert (
        "2 created" in status.output
        and "server 2 cards, Amity 2 linked: reconciled" in status.output
    )
    listed = json.loads(cli("sync", "list", "--json").output)
    assert [a["status"] for a in listed] == ["ok"] and dav.password not in repr(listed)
    assert cli("sync", "conflicts").output.strip() == "No conflicts."
    changed = cli("sync", "set", "Phone", "--tag", "phone", "--pull-only", "--every", "60",
                  "--disable", "--json")  # fmt: skip
    assert changed.exit_code == 0, changed.output
    options = json.loads(changed.output)["options"]
    assert options["tags"] == ["phone"] and options["push"] is False
    assert "scope: tag phone; pull only; keeps cards; paused" in cli("sync", "status").output
    from amity.book import PersonInput, open_book

    before, _ = dav.get("ana-1.vcf")
    open_book().people.edit("Ana Lima", PersonInput(org="Globex"))
    assert cli("sync", "run", "Phone").exit_code == 0
    assert dav.get("ana-1.vcf")[0] == before, "a pull-only account never changes the server"
    back = cli("sync", "set", "Phone", "--everyone", "--push", "--enable")
    assert "scope: everyone; pushes changes; keeps cards; every 60 min" in back.output
    assert "Disconnected Phone." in cli("sync", "remove", "Phone").output
    assert "No connected accounts" in cli("sync", "list").output
    assert "Ana Lima" in cli("list").output  # the people stay


@pytest.mark.slow
def test_a_failed_run_is_redacted_everywhere(sqlite_book: Book, radicale_server: DavServer,
                                             caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
    """The password never reaches the run's error, the account, the log or the API JSON,
    even when the server echoes it back in a path it names."""
    from amity.serialize_sync import sync_account_json
    from amity.sync.runner import add_account, run_account

    password = "pw-Zebra-42-secret"
    dav = radicale_server
    account = add_account(sqlite_book, "carddav", dav.addressbook, username=dav.user,
                          password=password)  # fmt: skip
    # the address book moves to a path that happens to contain the password: a 404 names it
    sqlite_book.connections.configure(account.id, options={"collections": [
        {"href": f"/ana/{password}/", "name": "gone"}]})  # fmt: skip
    with caplog.at_level(logging.DEBUG):
        result = run_account(sqlite_book, account.id)
    assert result is not None and result.status == "failed"
    assert "***" in (result.error or "")
    shown = sync_account_json(sqlite_book.connections.get(account.id))
    everything = repr((shown["last_error"], shown["last_run"], shown["has_password"]))
    everything += caplog.text + repr(sqlite_book.connections.runs(account.id))
    assert password not in everything


@pytest.mark.slow
def test_the_scheduler_round_runs_due_accounts_once(
    tmp_path: Path, migrated_sqlite_file: Path, clock: Clock, radicale_server: DavServer
) -> None:
    """In a database of its own: a round takes at most 20 due accounts installation-wide, and
    the shared test database holds other tests' accounts whose servers are gone."""
    from amity.sync.runner import add_account, run_due

    dav = radicale_server
    dav.put("ana-1.vcf", ANA)
    shutil.copyfile(migrated_sqlite_file, tmp_path / "own.db")
    book = new_book("sqlite:///" + str(tmp_path / "own.db"), clock)
    account = add_account(book, "carddav", dav.base, username=dav.user, password=dav.password)
    outcomes = run_due(book.ctx.engine, book.ctx.url, book.ctx.clock)
    assert outcomes.get(account.id) == "ok"
    assert book.people.get("ana@acme.example").name == "Ana Lima"
    assert account.id not in run_due(book.ctx.engine, book.ctx.url, book.ctx.clock)  # not due
    book.ctx.clock.advance(minutes=16)  # type: ignore[attr-defined]
    assert run_due(book.ctx.engine, book.ctx.url, book.ctx.clock).get(account.id) == "ok"


PROMOTED = ANA.replace("TITLE:Engineer", "TITLE:Staff Engineer").replace("ORG:Acme",
                                                                          "ORG:ACME Inc.")  # fmt: skip


def test_a_re_imported_vcard_with_a_new_title_is_a_promotion(book: Book) -> None:
    book.transfer.run(ANA.encode(), "vcard")
    book.transfer.run(PROMOTED.encode(), "vcard")
    ana = book.people.get("ana@acme.example")
    assert (ana.org, ana.title) == ("ACME Inc.", "Staff Engineer")
    items = [a for a in book.agenda.items() if a.kind == "congratulate"]
    assert [a.reason for a in items] == ["Ana Lima was promoted to Staff Engineer at ACME Inc."]
    assert items[0].details["milestone"] == "promotion"
    book.agenda.done(items[0].key)
    assert [a for a in book.agenda.items() if a.kind == "congratulate"] == []
    book.transfer.run(PROMOTED.encode(), "vcard")  # the same news twice is not news
    assert len(book.people.get("ana@acme.example").jobs) == 2
