"""A real CardDAV client against /dav/: vdirsyncer (a subprocess) in a two-way sync with a
folder of .vcf files, on a live server on loopback; and Amity's own client against it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from amity import accounts
from amity.book import Book, PersonInput, open_engine
from tests.conftest import skip_or_fail
from tests.web.conftest import LiveServer

pytestmark = pytest.mark.slow  # a live server and vdirsyncer subprocesses
VDIRSYNCER = Path(sys.executable).parent / "vdirsyncer"
CONFIG = """[general]
status_path = "{status}"

[pair amity]
a = "amity_dav"
b = "phone"
collections = ["from a"]
conflict_resolution = "a wins"

[storage amity_dav]
type = "carddav"
url = "{url}/dav/"
username = "{user}"
password = "{password}"

[storage phone]
type = "filesystem"
path = "{folder}"
fileext = ".vcf"
"""


def amity_book(live: LiveServer) -> tuple[Book, str, str]:
    from amity.book import create_user

    engine = open_engine(live.db_url)
    owner = create_user(engine, "ivy@example.org")
    book = Book(engine, owner, live.db_url)
    _, password = accounts.create_api_token(engine, owner, "laptop", now=book.ctx.now(),
                                            scope="dav")  # fmt: skip
    return book, "ivy@example.org", password


def vdirsyncer(config: Path, *args: str) -> str:
    result = subprocess.run([str(VDIRSYNCER), "-c", str(config), *args], capture_output=True,
                            check=False, text=True, timeout=120, input="y\n" * 5,
                            env={**os.environ, "LC_ALL": "C.UTF-8"})  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_vdirsyncer_syncs_both_ways(live_server: LiveServer, tmp_path: Path) -> None:
    if not VDIRSYNCER.exists():
        skip_or_fail("vdirsyncer is not installed (pip install vdirsyncer)")
    book, user, password = amity_book(live_server)
    book.people.add(PersonInput(name="Ana Lima", emails=["ana@acme.example"], org="Acme"))
    folder = tmp_path / "phone"
    config = tmp_path / "config"
    config.write_text(CONFIG.format(status=tmp_path / "status", url=live_server.url, user=user,
                                    password=password, folder=folder))  # fmt: skip
    vdirsyncer(config, "discover", "amity")
    vdirsyncer(config, "sync")
    files = list((folder / "contacts").glob("*.vcf"))
    assert len(files) == 1 and "FN:Ana Lima" in files[0].read_text()
    # the phone adds a card and edits Ana; Amity edits nothing
    (folder / "contacts" / "new-1.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:new-1\r\nFN:Joe Park\r\nEMAIL:joe@x.example\r\n"
        "X-VDIR-ONLY:yes\r\nEND:VCARD\r\n")  # fmt: skip
    text = files[0].read_text().replace("ORG:Acme", "ORG:Globex")
    files[0].write_text(text)
    vdirsyncer(config, "sync")
    assert book.people.get("joe@x.example").name == "Joe Park"
    assert book.people.get("ana@acme.example").org == "Globex"
    assert [a.kind for a in book.agenda.items()].count("congratulate") == 1
    # Amity edits Joe; the phone gets it, with its own property kept
    book.people.edit("Joe Park", PersonInput(title="Designer"))
    vdirsyncer(config, "sync")
    joe = (folder / "contacts" / "new-1.vcf").read_text()
    assert "TITLE:Designer" in joe and "X-VDIR-ONLY:yes" in joe
    # the phone deletes Joe: archived in Amity, not purged
    (folder / "contacts" / "new-1.vcf").unlink()
    vdirsyncer(config, "sync")
    assert book.people.get("joe@x.example").archived_at is not None


def test_amity_syncs_with_another_amity(live_server: LiveServer, sqlite_book: Book,
                                        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from amity.sync.runner import add_account, run_account

    monkeypatch.setenv("AMITY_SYNC_ALLOW_PRIVATE", "1")
    server_book, user, password = amity_book(live_server)
    server_book.people.add(PersonInput(name="Ana Lima", emails=["ana@acme.example"]))
    account = add_account(sqlite_book, "carddav", live_server.url + "/", username=user,
                          password=password)  # fmt: skip
    run = run_account(sqlite_book, account.id)
    assert run is not None and run.counts == {"created": 1}, run and (run.counts, run.error)
    sqlite_book.people.edit("ana@acme.example", PersonInput(title="CTO"))
    run = run_account(sqlite_book, account.id)
    assert run is not None and run.counts == {"updated": 1}, run and (run.counts, run.error)
    assert server_book.people.get("ana@acme.example").title == "CTO"
    quiet = run_account(sqlite_book, account.id)
    assert quiet is not None and quiet.counts == {} and quiet.details["requests"] <= 2
