"""`amity import`, `export`, `dupes` and `merge` through Click's runner, on a private book."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner, Result

from amity.cli.main import cli
from tests.conftest import FIXTURES

CARDS = FIXTURES / "vcard" / "ezvcard__android_21_qp_softbreaks_multi_photo.vcf"
BROKEN = FIXTURES / "vcard" / "radicale__sogo_30_cards_missing_n_and_fn.vcf"


def amity(*args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, (result.output, result.stderr)
    return result


def counts(*args: str) -> dict[str, int]:
    return json.loads(amity("import", *args, "--json").output)["counts"]


def people() -> list[dict]:  # type: ignore[type-arg]
    return json.loads(amity("list", "--json").output)


def test_dry_run_then_import_then_reimport(cli_env: Path) -> None:
    planned = counts(str(CARDS), "--dry-run")
    assert planned["people_new"] == 6 and people() == []
    done = counts(str(CARDS))
    assert done == planned
    assert len(people()) == 6
    again = counts(str(CARDS))
    assert again["people_new"] == 0 and again["people_unchanged"] == 6
    table = amity("import", str(CARDS)).output
    assert "People already up to date" in table and "6" in table


def test_errors_file_lists_bad_records_with_their_line(cli_env: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.vcf"
    bad.write_bytes(
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Good One\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:;;;;\r\nEND:VCARD\r\n"
    )
    report = tmp_path / "errors.txt"
    found = counts(str(bad), "--errors", str(report))
    assert found["people_new"] == 1 and found["errors"] == 1
    line, _record, reason = report.read_text().rstrip("\n").split("\t")
    assert line == "line 5" and reason


def test_generic_csv_with_a_column_mapping(cli_env: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "people.csv"
    sheet.write_text("Given;Family;Mail;Firm\nAna;Lima;ana@acme.example;Acme\n", encoding="cp1252")
    found = counts(
        str(sheet),
        "--format",
        "csv",
        "--map",
        "Given=first_name,Family=last_name,Mail=email,Firm=org",
    )
    assert found["people_new"] == 1
    assert people()[0]["name"] == "Ana Lima" and people()[0]["emails"] == ["ana@acme.example"]


def test_a_bad_mapping_is_refused_in_one_line(cli_env: Path, tmp_path: Path) -> None:
    from tests.cli.test_cli_core import run_main

    sheet = tmp_path / "people.csv"
    sheet.write_text("A,B\n1,2\n")
    assert run_main("import", str(sheet), "--map", "A=favourite_colour") == 2


def test_export_vcard_folder_one_file_per_person_and_back(cli_env: Path, tmp_path: Path) -> None:
    counts(str(CARDS))
    folder = tmp_path / "contacts"
    amity("export", "--format", "vcard", "--version", "4.0", "-o", str(folder) + "/")
    files = sorted(folder.glob("*.vcf"))
    assert len(files) == 6
    for path in files:
        text = path.read_text()
        assert text.count("BEGIN:VCARD") == 1 and "VERSION:4.0" in text
        assert f"UID:{path.stem}" in text
    single = amity("export", "--format", "vcard").output
    assert single.count("BEGIN:VCARD") == 6


def test_export_csv_neutralises_formulas(cli_env: Path) -> None:
    amity("add", '=HYPERLINK("http://x")', "--note", "+1 call me", "--email", "a@b.example")
    text = amity("export", "--format", "csv").output
    header, row = list(csv.reader(io.StringIO(text)))[:2]
    assert header[0] == "Name"
    assert row[0] == '\'=HYPERLINK("http://x")' and "'+1 call me" in row


def test_json_backup_still_round_trips_through_import(cli_env: Path, tmp_path: Path) -> None:
    counts(str(CARDS))
    backup = tmp_path / "book.json"
    amity("export", "-o", str(backup))
    assert json.loads(backup.read_text())["format"] == "amity-backup"
    other = tmp_path / "other.db"
    result = json.loads(amity("--db", str(other), "import", str(backup), "--json").output)
    assert result["restored"]["people"] == 6


def test_dupes_and_merge(cli_env: Path) -> None:
    amity("add", "Ana Lima", "--email", "ana@acme.example")
    amity("add", "Ana Lima", "--email", "ANA@acme.example", "--phone", "+1 415 555 0101")
    pairs = json.loads(amity("dupes", "--json").output)
    assert len(pairs) == 1 and pairs[0]["score"] == 100
    keep, other = pairs[0]["a"]["id"], pairs[0]["b"]["id"]
    line = amity("merge", str(keep), str(other)).output
    assert line.count("\n") == 1 and line.startswith("Merged Ana Lima")
    assert "undo from" in line and (cli_env / "backups").is_dir()
    assert len(people()) == 1 and people()[0]["phones"] == ["+14155550101"]
    assert "No likely duplicates" in amity("dupes").output


def test_dry_run_says_what_each_person_gets_or_gains(cli_env: Path, tmp_path: Path) -> None:
    card = tmp_path / "bruno.vcf"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bruno Costa\r\nEMAIL:bruno@example.org\r\n"
                    "TITLE:CTO\r\nEND:VCARD\r\n")  # fmt: skip
    out = amity("import", str(card), "--dry-run").output
    assert "Bruno Costa (new): title CTO, e-mail bruno@example.org" in out
    amity("import", str(card))
    card.write_text(card.read_text().replace("END:VCARD", "CATEGORIES:board\r\nEND:VCARD"))
    assert "Bruno Costa (gains): tag board" in amity("import", str(card), "--dry-run").output
