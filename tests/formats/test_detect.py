"""Format detection (the registry's sniffing half): by content, then by extension."""

from __future__ import annotations

from pathlib import Path

import pytest

from amity.formats.registry import HEAD_BYTES, detect

FIXTURES = Path(__file__).parents[2].parent / "shared" / "fixtures"


def detect_format(path: Path) -> str:
    with path.open("rb") as stream:
        return detect(stream.read(HEAD_BYTES), path.name)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("a.txt", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nEND:VCARD\r\n", "vcard"),
        ("a.txt", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "ics"),
        ("a.json", '{"version": 1}', "json"),
        (
            "a",
            "From a@b Mon May  2 16:07:05 2005\nFrom: a@b\n\nx\nFrom c@d Mon May  2 16:07:05 2005\n",
            "mbox",
        ),
        ("a", "From: a@b.c\nTo: d@e.f\nSubject: hi\n\nbody\n", "eml"),
        (
            "c.csv",
            "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n",
            "linkedin",
        ),
        ("c.csv", "Name,Given Name,Group Membership,E-mail 1 - Type,E-mail 1 - Value\n", "google"),
        ("c.csv", "Vorname;Nachname;E-Mail-Adresse\n", "outlook"),
        ("c.csv", "a;b;c\n1;2;3\n", "csv"),
    ],
)
def test_detect_format(tmp_path: Path, name: str, text: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert detect_format(path) == expected


def test_single_message_mbox_keeps_its_extension_meaning() -> None:
    assert detect_format(FIXTURES / "mail" / "perceval__raw_latin1_in_headers.mbox") == "mbox"
    assert detect_format(FIXTURES / "vcard" / "roundcube__30_utf16be_no_bom.vcf") == "vcard"
