"""Guessing a file's format from its name and first bytes."""

from __future__ import annotations

import os
from pathlib import Path

FORMATS = ("vcard", "csv", "linkedin", "google", "outlook", "ics", "mbox", "eml", "json")
_EXTENSIONS = {
    ".vcf": "vcard", ".vcard": "vcard", ".ics": "ics", ".ical": "ics", ".ifb": "ics",
    ".vcs": "ics", ".mbox": "mbox", ".mbx": "mbox", ".eml": "eml", ".json": "json",
}  # fmt: skip
_CSV_FLAVOURS = {"linkedin": "linkedin", "google": "google", "outlook": "outlook"}


def detect_format(path: str | os.PathLike[str]) -> str:
    """One of `FORMATS`: by content first (a .txt export still works), then by extension."""
    head = _head(Path(path))
    suffix = Path(path).suffix.lower()
    by_content = format_of_text(head)
    if by_content in {"eml", "mbox"} and suffix in {".mbox", ".mbx"}:
        return "mbox"  # an mbox holding a single message is still an mbox
    if by_content:
        return by_content
    if suffix in {".csv", ".tsv"}:
        return csv_format(head)
    return _EXTENSIONS.get(suffix, "csv")


def _head(path: Path, size: int = 65536) -> str:
    with path.open("rb") as stream:
        data = stream.read(size)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:200].count(0) > 50:
        for encoding in ("utf-16", "utf-16-be", "utf-16-le"):
            try:
                return data.decode(encoding, errors="replace").lstrip("\ufeff")
            except UnicodeError:
                continue
    return data.decode("utf-8", errors="replace").lstrip("\ufeff")


def format_of_text(head: str) -> str | None:
    stripped = head.lstrip()
    upper = stripped[:200].upper()
    if upper.startswith("BEGIN:VCARD"):
        return "vcard"
    if upper.startswith(("BEGIN:VCALENDAR", "BEGIN:VEVENT")):
        return "ics"
    if stripped.startswith(("{", "[")):
        return "json"
    if stripped.startswith("From "):
        second = stripped.find("\nFrom ")
        return "mbox" if second >= 0 else "eml"
    first_line = stripped.split("\n", 1)[0]
    if _looks_like_header_block(stripped) and ":" in first_line and "," not in first_line:
        return "eml"
    return None


def _looks_like_header_block(text: str) -> bool:
    names = {line.split(":", 1)[0].strip().lower() for line in text.split("\n")[:60] if ":" in line}
    return len(names & {"from", "to", "subject", "date", "message-id", "received"}) >= 2


def csv_format(head: str) -> str:
    import csv
    import io

    from amity.formats.csv_import import _detect_delimiter, detect_csv_flavour

    delimiter = _detect_delimiter(head)
    for row in csv.reader(io.StringIO(head, newline=""), delimiter=delimiter):
        if sum(1 for c in row if c.strip()) >= 2:
            return _CSV_FLAVOURS.get(detect_csv_flavour(row), "csv")
    return "csv"
