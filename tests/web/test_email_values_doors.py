"""A value that is not an e-mail address, through every door: the import report warns in the
CLI, the API and the web preview and result; adding or editing a person with one is refused
with a message that says why (issue 12 section 4)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from click.testing import CliRunner
from fastapi import FastAPI

from amity.book import Book, PersonInput, open_book
from tests.conftest import Clock, new_book
from tests.imports.test_email_values import X500, outlook_with_exchange_address
from tests.web.conftest import WebUser, sign_in

if TYPE_CHECKING:
    from tests.web.conftest_api import ApiUser

pytest_plugins = ["tests.web.conftest_api"]


def outlook_file(tmp_path: Path) -> Path:
    path = tmp_path / "outlook.csv"
    path.write_bytes(outlook_with_exchange_address())
    return path


def test_cli_import_prints_the_warning(sqlite_url: str, clock: Clock, tmp_path: Path) -> None:
    from amity.cli.main import cli

    open_book(sqlite_url, "cli-x500@example.org", clock=clock)
    base = ["--db", sqlite_url, "--user", "cli-x500@example.org", "import",
            str(outlook_file(tmp_path))]  # fmt: skip
    shown = CliRunner().invoke(cli, base, catch_exceptions=False)
    assert shown.exit_code == 0, shown.output
    text = " ".join(shown.output.split())  # Rich wraps at the terminal's width
    assert "warning at line 2: Christian Baumann: e-mail '/o=ExchangeLabs/" in text
    assert "not an e-mail address (An email address must have an @-sign); kept in the notes" in text
    again = CliRunner().invoke(cli, [*base, "--json"], catch_exceptions=False)
    report = json.loads(again.output)
    assert report["counts"]["people_unchanged"] == 2 and report["counts"]["people_new"] == 0
    assert [w["record"] for w in report["warnings"]] == ["Christian Baumann"]


def test_api_import_lists_the_warning(alice: ApiUser, tmp_path: Path) -> None:
    body = outlook_file(tmp_path).read_bytes()
    response = alice.client.post(alice.url("/import?format=auto&filename=outlook.csv"),
                                 content=body)  # fmt: skip
    assert response.status_code == 200, response.text
    (warning,) = response.json()["warnings"]
    assert warning["line"] == 2 and warning["record"] == "Christian Baumann"
    assert X500 in warning["reason"]
    person = alice.client.get(alice.url("/people"), params={"q": "Christian"}).json()
    (found,) = person["items"]
    assert found["emails"] == [] and X500 in alice.book.people.get(found["id"]).notes


def test_web_preview_and_result_show_the_warning(sqlite_app: FastAPI, sqlite_url: str,
                                                 clock: Clock, tmp_path: Path) -> None:  # fmt: skip
    user = sign_in(sqlite_app, new_book(sqlite_url, clock))
    files = {"file": ("outlook.csv", outlook_with_exchange_address(), "text/csv")}
    shown = user.post("/import", {"format": "auto"}, files=files)
    assert shown.status_code == 200, shown.text
    assert "Warnings" in shown.text and "line 2: Christian Baumann: e-mail" in shown.text
    upload_id = shown.text.split('name="upload_id" value="')[1].split('"')[0]
    done = user.post("/import/apply", {"upload_id": upload_id})
    assert done.status_code == 200
    result = done.text.split("<h2>Imported</h2>")[1].split("</section>")[0]
    assert "Christian Baumann: e-mail" in result and "kept in the notes" in result


def test_forms_refuse_an_invalid_address(sqlite_app: FastAPI, sqlite_url: str,
                                         clock: Clock) -> None:  # fmt: skip
    user: WebUser = sign_in(sqlite_app, new_book(sqlite_url, clock))
    refused = user.post("/people", {"name": "Dana", "emails": X500})
    assert refused.status_code == 422
    assert "is not a valid e-mail address: An email address must have an @-sign." in refused.text
    assert user.book.people.count() == 0
    book: Book = user.book
    dana = book.people.add(PersonInput(name="Dana", emails=["dana@example.org"]))
    edit = user.post(f"/people/{dana.id}/edit", {"name": "Dana", "emails": "Dana <d@x"},
                     htmx=True)  # fmt: skip
    assert edit.status_code == 422 and "is not a valid e-mail address" in edit.text
    assert book.people.get(dana.id).emails == ["dana@example.org"]


def test_api_refuses_an_invalid_address(alice: ApiUser) -> None:
    response = alice.client.post(alice.url("/people"), json={"name": "Dana", "emails": [X500]})
    assert response.status_code == 422
    error = response.json()["error"]
    assert "not a valid e-mail address" in error["message"]
    created = alice.client.post(alice.url("/people"), json={"name": "Dana"}).json()
    patched = alice.client.patch(alice.url(f"/people/{created['id']}"), json={"emails": ["nope"]})
    assert patched.status_code == 422
    assert "not a valid e-mail address" in patched.json()["error"]["message"]


def test_cli_restore_of_a_backup_warns(sqlite_url: str, clock: Clock, tmp_path: Path) -> None:
    from amity.cli.main import cli
    from tests.imports.test_email_values import backup_with_an_exchange_address

    path = tmp_path / "backup.json"
    path.write_bytes(backup_with_an_exchange_address(new_book(sqlite_url, clock)))
    open_book(sqlite_url, "cli-restore@example.org", clock=clock)
    base = ["--db", sqlite_url, "--user", "cli-restore@example.org", "import", str(path)]
    shown = CliRunner().invoke(cli, [*base, "--dry-run"], catch_exceptions=False)
    assert "warning at row 2 of contact_points: Dana Ortiz: e-mail '/o=ExchangeLabs" in shown.output
    report = json.loads(CliRunner().invoke(cli, [*base, "--json"], catch_exceptions=False).output)
    assert report["restored"]["contact_points"] == 1
    assert [w["record"] for w in report["warnings"]] == ["Dana Ortiz"]
