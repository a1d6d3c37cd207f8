"""`amity backup now|list|verify|restore|config|passphrase` on a private SQLite book."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from amity.cli.main import cli


def amity(*args: str, code: int = 0, stdin: str | None = None) -> Result:
    result = CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)
    assert result.exit_code == code, (result.output, result.stderr)
    return result


def run_main(*args: str) -> int:
    from amity.cli.main import run

    try:
        run([*args])
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


@pytest.fixture
def home(cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("AMITY_BACKUP_DIR", "AMITY_BACKUP_PASSPHRASE", "AMITY_BACKUP_KEEP",
                 "AMITY_BACKUP_EVERY"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    amity("add", "Ana Lima", "--email", "ana@example.com")
    amity("add", "Bo Chen")
    amity("log", "Ana Lima", "--kind", "call", "talked about sailing")
    return cli_env


def test_backup_now_list_verify_restore(home: Path) -> None:
    taken = json.loads(amity("backup", "now", "--json").output)
    assert taken["status"] == "ok" and taken["kind"] == "sqlite" and not taken["encrypted"]
    assert (home / "backups" / f"{taken['name']}.sqlite").is_file()
    listed = json.loads(amity("backup", "list", "--json").output)
    assert [b["name"] for b in listed] == [taken["name"]] and listed[0]["checked"] == "ok"
    assert "verified" in amity("backup", "verify").output
    out = amity("backup", "restore", taken["name"], "--into", str(home / "copy.db")).output
    assert "identical to the backup" in out
    people = json.loads(amity("--db", str(home / "copy.db"), "list", "--json").output)
    assert sorted(p["name"] for p in people) == ["Ana Lima", "Bo Chen"]
    # the per-user JSON document is still `amity export`
    doc = json.loads(amity("export", "--format", "json").output)
    assert doc["format"] == "amity-backup"


def test_json_kind_and_encryption_from_the_cli(home: Path) -> None:
    amity("backup", "passphrase", stdin="a long passphrase\na long passphrase\n")
    settings = json.loads(amity("backup", "config", "--json").output)
    assert settings["encrypted"] and settings["passphrase_from"] == "stored"
    taken = json.loads(amity("backup", "now", "--kind", "json", "--json").output)
    assert taken["status"] == "ok" and taken["encrypted"]
    wrong = home / "wrong.txt"
    wrong.write_text("not it\n")
    assert run_main("backup", "verify", "--passphrase-file", str(wrong)) == 1
    assert run_main("backup", "restore", taken["name"], "--into", str(home / "r.db"),
                    "--passphrase-file", str(wrong)) == 2  # fmt: skip
    assert not (home / "r.db").exists()
    amity("backup", "passphrase", "--clear")
    assert run_main("backup", "verify") == 1  # encrypted, and no passphrase any more
    right = home / "right.txt"
    right.write_text("a long passphrase\n")
    amity("backup", "restore", taken["name"], "--into", str(home / "r.db"),
          "--passphrase-file", str(right))  # fmt: skip


def test_backup_config(home: Path) -> None:
    out = amity("backup", "config", "--every", "12h", "--keep", "3d,2w").output
    assert "every 12 hours" in out and "3d,2w,0m" in out
    assert run_main("backup", "config", "--keep", "lots") == 2
    assert run_main("backup", "verify", "amity-20200101T000000Z") == 2
