"""The one table of file formats: name, extensions, sniffing, reader, writer and options.

Every door reaches it through the Book (``book.transfer``); the sync sources hand parsed records
to the same pipeline. Adding a format is one entry in `FORMATS`:

- ``read(source, options)`` yields records (`records.Item`) for a record format;
- ``load(source)`` returns the document of a whole-book format (the JSON backup), raising
  `UnreadableDocument` when it cannot be read;
- ``write(people, options)`` writes people records (an export); ``dump(document)`` writes a
  whole-book document.

`detect` guesses a format from a file's first bytes and, failing that, its name. Readers are
imported on first use, so reading this table costs nothing at start-up.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import Any

from amity.formats.records import Item, PersonRecord, Source, read_all_bytes

HEAD_BYTES = 65536  # what detection reads of a file
DEFAULT_BROADCAST_ATTENDEES = 15  # a meeting with more attendees is a broadcast


@dataclass(frozen=True)
class ReadOptions:
    """What a reader may use: the Book fills it from the owner's settings and the door's
    choices, so every door reads a file the same way."""

    now: datetime  # what is past (done) and future (planned) in a calendar
    region: str | None = None  # phone numbers without a country code (``phone.region``)
    own_addresses: frozenset[str] = frozenset()  # the owner's addresses (``me.emails``)
    broadcast_attendees: int = DEFAULT_BROADCAST_ATTENDEES  # ``import.broadcast_attendees``
    include_broadcasts: bool = False  # keep big meetings and bulk or list mail
    mapping: Mapping[str, str] | None = None  # CSV: header -> field


@dataclass(frozen=True)
class WriteOptions:
    vcard_version: str = "3.0"


class UnknownFormat(ValueError):
    """A format name that is not in the table, or that cannot do what was asked."""


class UnreadableDocument(ValueError):
    """A whole-book document (the JSON backup) that is not valid, with the reason."""


Reader = Callable[[Source, ReadOptions], Iterator[Item]]
Writer = Callable[[Iterable[PersonRecord], WriteOptions], str]


@dataclass(frozen=True)
class Format:
    """One entry of the table. A record format has ``read``; a whole-book one ``load``."""

    name: str
    label: str  # for people choosing a format
    extensions: tuple[str, ...] = ()
    family: str = ""  # formats of one family: a file's extension picks among them
    sniff: Callable[[str], bool] | None = None  # the start of a file -> is it this format
    csv_flavour: str | None = None  # a CSV dialect recognised by its header row
    read: Reader | None = None
    load: Callable[[Source], dict[str, Any]] | None = None
    write: Writer | None = None
    dump: Callable[[dict[str, Any]], str] | None = None
    media_type: str = "application/octet-stream"
    suffix: str = ""  # of an exported file

    @property
    def imports(self) -> bool:
        return self.read is not None or self.load is not None

    @property
    def exports(self) -> bool:
        return self.write is not None or self.dump is not None

    @property
    def is_document(self) -> bool:
        return self.load is not None


# --- readers and writers (parsers are imported on first use) ------------------------------


def _read_vcard(source: Source, o: ReadOptions) -> Iterator[Item]:
    from amity.formats.vcard import iter_vcards

    return iter_vcards(source, default_region=o.region)


def _csv_reader(flavour: str | None) -> Reader:
    def read(source: Source, o: ReadOptions) -> Iterator[Item]:
        from amity.formats.csv_import import iter_csv

        return iter_csv(source, mapping=o.mapping, flavour=flavour, default_region=o.region)

    return read


def _read_calendar(source: Source, o: ReadOptions) -> Iterator[Item]:
    from amity.formats.ical import iter_calendar

    return iter_calendar(source, now=o.now, own_addresses=o.own_addresses,  # type: ignore[return-value]
                         max_attendees=o.broadcast_attendees,
                         include_broadcasts=o.include_broadcasts)  # fmt: skip


def _read_mail(source: Source, o: ReadOptions) -> Iterator[Item]:
    from amity.formats.mail import iter_mail

    return iter_mail(source, own_addresses=o.own_addresses, include_bulk=o.include_broadcasts)


def _write_vcard(people: Iterable[PersonRecord], o: WriteOptions) -> str:
    from amity.formats.vcard import write_vcards

    try:
        return write_vcards(list(people), o.vcard_version)
    except ValueError as exc:  # a version other than 3.0 or 4.0
        raise UnknownFormat(str(exc)) from None


def _write_csv(people: Iterable[PersonRecord], o: WriteOptions) -> str:
    from amity.formats.csv_import import write_csv

    return write_csv(list(people))


def load_json_document(source: Source) -> dict[str, Any]:
    """A JSON object, or `UnreadableDocument` when it is not UTF-8 JSON or not an object
    (nesting too deep for the parser is refused the same way, never a crash)."""
    raw = read_all_bytes(source)
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise UnreadableDocument(f"not UTF-8 text ({exc.reason})") from None
    except RecursionError:
        raise UnreadableDocument("nested too deeply") from None
    except ValueError as exc:
        raise UnreadableDocument(str(exc)) from None
    if not isinstance(doc, dict):
        raise UnreadableDocument("not a JSON object")
    return doc


def dump_json_document(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# --- sniffing -----------------------------------------------------------------------------


def _starts(*prefixes: str) -> Callable[[str], bool]:
    return lambda head: head.lstrip()[:200].upper().startswith(prefixes)


def _is_json(head: str) -> bool:
    return head.lstrip().startswith(("{", "["))


def _is_mbox(head: str) -> bool:
    text = head.lstrip()
    return text.startswith("From ") and text.find("\nFrom ") >= 0


def _is_message(head: str) -> bool:
    text = head.lstrip()
    if text.startswith("From "):
        return True
    first_line = text.split("\n", 1)[0]
    return _looks_like_header_block(text) and ":" in first_line and "," not in first_line


def _looks_like_header_block(text: str) -> bool:
    names = {line.split(":", 1)[0].strip().lower() for line in text.split("\n")[:60] if ":" in line}
    return len(names & {"from", "to", "subject", "date", "message-id", "received"}) >= 2


# --- the table ----------------------------------------------------------------------------

_VCARD = "text/vcard; charset=utf-8"
_CSV = "text/csv; charset=utf-8"

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("vcard", "vCard", (".vcf", ".vcard"), sniff=_starts("BEGIN:VCARD"),
               read=_read_vcard, write=_write_vcard, media_type=_VCARD, suffix="vcf"),
        Format("csv", "CSV", (".csv", ".tsv"), family="csv", read=_csv_reader(None),
               write=_write_csv, media_type=_CSV, suffix="csv"),
        Format("linkedin", "LinkedIn Connections.csv", family="csv", csv_flavour="linkedin",
               read=_csv_reader("linkedin")),
        Format("google", "Google Contacts CSV", family="csv", csv_flavour="google",
               read=_csv_reader("google")),
        Format("outlook", "Outlook CSV", family="csv", csv_flavour="outlook",
               read=_csv_reader("outlook")),
        Format("ics", "iCalendar (.ics)", (".ics", ".ical", ".ifb", ".vcs"),
               sniff=_starts("BEGIN:VCALENDAR", "BEGIN:VEVENT"), read=_read_calendar),
        Format("mbox", "Mailbox (.mbox)", (".mbox", ".mbx"), family="mail", sniff=_is_mbox,
               read=_read_mail),
        Format("eml", "E-mail (.eml)", (".eml",), family="mail", sniff=_is_message,
               read=_read_mail),
        Format("json", "Amity JSON backup", (".json",), sniff=_is_json, load=load_json_document,
               dump=dump_json_document, media_type="application/json", suffix="json"),
    )
}  # fmt: skip


def get(name: str) -> Format:
    found = FORMATS.get(name)
    if found is None:
        raise UnknownFormat(f"unknown format {name!r}; formats: {', '.join(FORMATS)}")
    return found


def import_names() -> list[str]:
    return [f.name for f in FORMATS.values() if f.imports]


def export_names() -> list[str]:
    return [f.name for f in FORMATS.values() if f.exports]


# --- detection ----------------------------------------------------------------------------


def detect(head: bytes, filename: str | None = None) -> str:
    """A format name from a file's first bytes (`HEAD_BYTES`), then its name's extension, then
    its CSV header row; a CSV file whose header no flavour claims is plain ``csv``."""
    text = decode_head(head)
    suffix = PurePath(filename).suffix.lower() if filename else ""
    by_name = next((f for f in FORMATS.values() if suffix and suffix in f.extensions), None)
    by_content = next((f for f in FORMATS.values() if f.sniff and f.sniff(text)), None)
    if by_content and by_name and by_name.family and by_name.family == by_content.family:
        return by_name.name  # an mbox holding a single message is still an mbox
    if by_content:
        return by_content.name
    if by_name and by_name.family != "csv":
        return by_name.name
    return csv_format(text)


def decode_head(data: bytes) -> str:
    """The first bytes of a file as text: UTF-16 (with or without a byte-order mark) or UTF-8."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:200].count(0) > 50:
        for encoding in ("utf-16", "utf-16-be", "utf-16-le"):
            try:
                return data.decode(encoding, errors="replace").lstrip("\ufeff")
            except UnicodeError:
                continue
    return data.decode("utf-8", errors="replace").lstrip("\ufeff")


def csv_format(head: str) -> str:
    """The CSV entry whose flavour the header row names, else ``csv``."""
    import csv
    import io

    from amity.formats.csv_import import _detect_delimiter, detect_csv_flavour

    delimiter = _detect_delimiter(head)
    for row in csv.reader(io.StringIO(head, newline=""), delimiter=delimiter):
        if sum(1 for c in row if c.strip()) >= 2:
            flavour = detect_csv_flavour(row)
            match = next((f for f in FORMATS.values() if f.csv_flavour == flavour), None)
            return match.name if match else "csv"
    return "csv"
