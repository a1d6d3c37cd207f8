"""What the parsers emit: plain records, errors and skips, all as values.

A reader yields them one by one (``Iterator[Item]``) so that huge files stay flat in memory;
`collect` gathers a stream into a `ParseResult` for callers that want lists.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO, Literal, TypeAlias

from amity.model import ContactPoint, ImportantDate, PartialDate

Source: TypeAlias = str | os.PathLike[str] | bytes | BinaryIO


@dataclass(frozen=True)
class Relation:
    """A related person known only by name (or URI): ``kind`` is spouse, child, friend..."""

    kind: str
    name: str


@dataclass
class PersonRecord:
    """One person (or group, or organisation) as read from a file, normalised but not yet
    matched."""

    name: str
    given_name: str | None = None
    family_name: str | None = None
    nickname: str | None = None
    org: str | None = None
    title: str | None = None
    department: str | None = None
    emails: list[ContactPoint] = field(default_factory=list)
    phones: list[ContactPoint] = field(default_factory=list)
    urls: list[ContactPoint] = field(default_factory=list)
    socials: list[ContactPoint] = field(default_factory=list)
    impps: list[ContactPoint] = field(default_factory=list)
    addresses: list[ContactPoint] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    notes: str | None = None
    photo: str | None = None
    uid: str | None = None
    birthday: PartialDate | None = None
    anniversary: PartialDate | None = None
    dates: list[ImportantDate] = field(default_factory=list)
    related: list[Relation] = field(default_factory=list)
    met_on: date | None = None
    how_met: str | None = None
    is_group: bool = False
    members: list[str] = field(default_factory=list)
    is_org: bool = False  # a company card (KIND:org, X-ABShowAs:COMPANY): an organisation
    #: a country code given beside the addresses (Apple's X-ABADR), used when theirs is not one
    country_code: str | None = field(default=None, compare=False)
    source: str = ""
    source_ref: str = ""
    line: int | None = field(default=None, compare=False)
    #: values read as e-mail addresses that are not (value, why): kept in the notes instead
    unrecognised: list[tuple[str, str]] = field(default_factory=list, compare=False)

    @property
    def country(self) -> str | None:
        """ISO 3166 alpha-2 from the addresses' country (the preferred address first), else
        from ``country_code``; None when neither names a country."""
        from amity.rules.normalize import NormalizeError, normalize_country

        ordered = sorted(self.addresses, key=lambda point: not point.is_primary)
        candidates = [_address_country(point) for point in ordered] + [self.country_code]
        for value in candidates:
            if value:
                try:
                    return normalize_country(value)
                except NormalizeError:
                    continue
        return None

    @property
    def contact_points(self) -> list[ContactPoint]:
        return [
            *self.emails,
            *self.phones,
            *self.urls,
            *self.socials,
            *self.impps,
            *self.addresses,
        ]


@dataclass
class InteractionRecord:
    """One meeting or message as read from a file; people are referred to by e-mail."""

    kind: str
    direction: str
    occurred_at: datetime
    ends_at: datetime | None = None
    subject: str | None = None
    notes: str | None = None
    location: str | None = None
    thread_key: str | None = None
    message_id: str | None = None
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    needs_reply: bool = False
    participant_emails: list[str] = field(default_factory=list)
    names_by_email: dict[str, str] = field(default_factory=dict)
    organiser_email: str | None = None
    sender_email: str | None = None
    all_day: bool = False
    status: Literal["done", "planned"] = "done"
    source: str = ""
    source_ref: str = ""
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class RecordError:
    """A record that could not be read: ``line`` is its first line (or message number)."""

    line: int | None
    record: str
    reason: str


@dataclass(frozen=True)
class SkippedRecord:
    """A record left out on purpose (a broadcast meeting, a mailing-list message)."""

    line: int | None
    record: str
    reason: str


@dataclass(frozen=True)
class RecordWarning:
    """A record read only in part (a recurring event cut at its cap): what was kept goes in,
    and the user is told what was left out."""

    line: int | None
    record: str
    reason: str


Record: TypeAlias = PersonRecord | InteractionRecord
Item: TypeAlias = PersonRecord | InteractionRecord | RecordError | SkippedRecord | RecordWarning


@dataclass
class ParseResult:
    records: list[Record] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    skipped: list[SkippedRecord] = field(default_factory=list)
    warnings: list[RecordWarning] = field(default_factory=list)

    @property
    def people(self) -> list[PersonRecord]:
        return [r for r in self.records if isinstance(r, PersonRecord)]

    @property
    def interactions(self) -> list[InteractionRecord]:
        return [r for r in self.records if isinstance(r, InteractionRecord)]


def collect(items: Iterable[Item]) -> ParseResult:
    """Gather a stream of items into lists of records, errors and skips."""
    result = ParseResult()
    for item in items:
        if isinstance(item, RecordError):
            result.errors.append(item)
        elif isinstance(item, SkippedRecord):
            result.skipped.append(item)
        elif isinstance(item, RecordWarning):
            result.warnings.append(item)
        else:
            result.records.append(item)
    return result


UNRECOGNISED_EMAIL = "Unrecognised e-mail value: "


def set_aside_bad_emails(record: PersonRecord) -> PersonRecord:
    """Move the e-mail values that are not addresses (an Exchange X.500 path, a bare name)
    out of ``record.emails`` into its notes and ``record.unrecognised``; idempotent."""
    from amity.rules.normalize import email_problem

    kept: list[ContactPoint] = []
    for point in record.emails:
        why = email_problem(point.value)
        if why is None:
            kept.append(point)
            continue
        record.unrecognised.append((point.value, why))
        record.notes = with_note_line(record.notes, UNRECOGNISED_EMAIL + point.value)
    record.emails = kept
    return record


def unrecognised_lines(record: PersonRecord) -> list[str]:
    return [UNRECOGNISED_EMAIL + value for value, _ in record.unrecognised]


def with_note_line(notes: str | None, line: str) -> str:
    """``notes`` with ``line`` added at the end unless it is already there."""
    text = (notes or "").rstrip()
    if line in text.splitlines():
        return text
    return f"{text}\n{line}" if text else line


def not_an_address(value: str, why: str) -> str:
    """The warning's reason: which field, the value, why, and where it went."""
    return f"e-mail {value!r} is not an e-mail address ({why.rstrip('.')}); kept in the notes"


def unrecognised_warnings(record: PersonRecord) -> list[RecordWarning]:
    """One warning per value set aside: which record, which field, why."""
    label = record.name[:80] or "card"
    return [
        RecordWarning(
            record.line,
            label,
            not_an_address(value, why),
        )
        for value, why in record.unrecognised
    ]


def open_binary(source: Source) -> BinaryIO:
    """A binary stream over a path, bytes or an already open binary stream."""
    if isinstance(source, bytes):
        return io.BytesIO(source)
    if isinstance(source, str | os.PathLike):
        return Path(source).open("rb")
    return source


def read_all_bytes(source: Source) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | os.PathLike):
        return Path(source).read_bytes()
    return source.read()


def content_ref(*parts: object) -> str:
    """A stable reference made from normalised content, for records without a UID."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def person_content_ref(person: PersonRecord) -> str:
    return content_ref(
        person.name.casefold(),
        ",".join(sorted(cp.normalized or cp.value for cp in person.emails)),
        ",".join(sorted(cp.normalized or cp.value for cp in person.phones)),
        (person.org or "").casefold(),
    )


def assign_source_ref(person: PersonRecord) -> PersonRecord:
    """Set ``source_ref`` from the UID, else from a hash of the normalised content."""
    person.source_ref = f"uid:{person.uid}" if person.uid else person_content_ref(person)
    return person


def _address_country(point: ContactPoint) -> str | None:
    """The country component (the 7th) of an address point's structured form."""
    structured = point.normalized or ""
    parts = re.split(r"(?<!\\);", structured)
    return parts[6].replace("\\;", ";").strip() if len(parts) >= 7 else None
