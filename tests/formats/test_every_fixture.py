"""Every real-world file in ../shared/fixtures imports without an exception."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from amity.formats.csv_import import parse_csv
from amity.formats.ical import parse_calendar
from amity.formats.mail import parse_mail
from amity.formats.records import InteractionRecord, PersonRecord
from amity.formats.vcard import parse_vcards
from tests.formats.test_detect import detect_format

FIXTURES = Path(__file__).parents[2].parent / "shared" / "fixtures"
NOW = datetime(2026, 11, 25, tzinfo=UTC)
WIDE = {"window_start": datetime(1990, 1, 1, tzinfo=UTC), "window_end": NOW}


def files(folder: str) -> list[Path]:
    return sorted(p for p in (FIXTURES / folder).iterdir() if p.is_file())


@pytest.mark.parametrize("path", files("vcard"), ids=lambda p: p.name)
def test_every_vcard_imports(path: Path) -> None:
    result = parse_vcards(path)
    assert result.records, result.errors
    assert all(isinstance(p, PersonRecord) and p.name and p.source_ref for p in result.records)
    assert detect_format(path) == "vcard"


@pytest.mark.parametrize("path", files("csv"), ids=lambda p: p.name)
def test_every_csv_imports(path: Path) -> None:
    result = parse_csv(path)
    assert result.records
    assert not result.errors
    assert detect_format(path) in {"csv", "google", "outlook", "linkedin"}


@pytest.mark.parametrize("path", files("ical"), ids=lambda p: p.name)
def test_every_calendar_imports(path: Path) -> None:
    result = parse_calendar(path, now=NOW, **WIDE)
    assert all(isinstance(r, InteractionRecord) for r in result.records)
    assert all(r.occurred_at.tzinfo is not None for r in result.records)
    if path.name != "icalendar__utf8_bom_empty_calendar.ics":
        assert result.records
    assert detect_format(path) == "ics"


@pytest.mark.parametrize("path", files("mail"), ids=lambda p: p.name)
def test_every_mail_file_imports(path: Path) -> None:
    result = parse_mail(path, include_bulk=True)
    assert result.records or result.errors
    assert all(r.occurred_at.tzinfo is UTC for r in result.records)
    assert detect_format(path) in {"mbox", "eml"}


def test_reimporting_gives_the_same_source_refs() -> None:
    for path in files("vcard"):
        first = [p.source_ref for p in parse_vcards(path).people]
        assert first == [p.source_ref for p in parse_vcards(path).people]
