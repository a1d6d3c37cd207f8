"""What a parsed record means for matching: its UID, tags, dates, related names, matching keys
(lower-cased e-mails, E.164 phones, profile URLs) and problems; and small shared helpers."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from amity.book.groups import CardGroup
from amity.book.organisations import CardOrganisation
from amity.formats.records import (
    InteractionRecord,
    PersonRecord,
    unrecognised_lines,
    with_note_line,
)
from amity.model import DIRECTIONS, INTERACTION_KINDS, PartialDate
from amity.rules.normalize import NormalizeError, normalize_phone, normalize_tag
from amity.rules.text import clean_text

BATCH = 500
MIN_PHONE_KEY = 6  # shorter E.164 numbers ("+112") never identify a person
SCALARS = ("given_name", "family_name", "nickname", "org", "title", "notes", "photo",
           "met_on", "how_met", "country")  # fmt: skip
LIMITS = {"name": 300, "given_name": 200, "family_name": 200, "nickname": 200, "org": 300,
          "title": 300, "how_met": 200, "uid": 300}  # fmt: skip


def record_uid(record: PersonRecord) -> str:
    """The UID kept for a person: the card's own, else one derived from the record's source
    reference (so re-importing a file without UIDs finds the same people again)."""
    if record.uid:
        return fit(record.uid.strip(), 300) or ""
    ref = record.source_ref or f"{record.name}|{record.org or ''}"
    digest = hashlib.sha256(f"{record.source}|{ref}".encode("utf-8", "surrogatepass")).hexdigest()
    return f"amity-{digest[:32]}"


_DERIVED_UID = re.compile(r"amity-[0-9a-f]{32}")


def own_uid(uid: str | None) -> str | None:
    """A card's own UID as kept, or None for none (or one Amity derived, see `record_uid`)."""
    value = fit((uid or "").strip(), 300)
    if not value or _DERIVED_UID.fullmatch(value):
        return None
    return value


def record_tags(record: PersonRecord) -> list[str]:
    tags = []
    for raw in record.tags:
        try:
            tag = normalize_tag(raw.replace("\x00", ""))
        except NormalizeError:
            continue
        if tag not in tags:
            tags.append(tag)
    return tags


def record_dates(record: PersonRecord) -> list[tuple[str, str | None, int, int, int | None]]:
    out: list[tuple[str, str | None, int, int, int | None]] = []

    def add(kind: str, when: PartialDate, label: str | None) -> None:
        entry = (kind, fit(label, 200), when.month, when.day, when.year)
        if entry not in out:
            out.append(entry)

    if record.birthday:
        add("birthday", record.birthday, None)
    if record.anniversary:
        add("anniversary", record.anniversary, None)
    for important in record.dates:
        kind = (
            important.kind if important.kind in ("birthday", "anniversary", "custom") else "custom"
        )
        add(kind, important.when, important.label)
    return out


def record_relations(record: PersonRecord) -> list[tuple[str, str]]:
    """Related names (kind, name); a group's members are the group's (`book.groups`)."""
    found: list[tuple[str, str]] = []
    for kind, name in [(r.kind, r.name) for r in record.related]:
        key = (fit(clean_text(kind), 50) or "related", fit(clean_text(name), 300) or "")
        if key[1] and key not in found:
            found.append(key)
    return found


def job_news(known: dict[str, Any], record: PersonRecord) -> bool:
    """Whether ``record`` says the person moved to another organisation or title (an import
    is taken as news: the old job closes, the new one opens, the agenda congratulates)."""
    from amity.rules.milestones import job_change

    return job_change(known.get("org"), known.get("title"), record_value(record, "org"),
                      record_value(record, "title")) is not None  # fmt: skip


def person_problem(record: PersonRecord) -> str | None:
    if not clean_text(record.name) and not record.emails and not record.org:
        return "no name, e-mail or organisation"
    return None


def interaction_problem(record: InteractionRecord) -> str | None:
    if record.kind not in INTERACTION_KINDS:
        return f"unknown interaction kind {record.kind!r}"
    if record.direction not in DIRECTIONS:
        return f"unknown direction {record.direction!r}"
    if record.occurred_at.tzinfo is None:
        return "a time without a time zone"
    if not record.source_ref:
        return "no stable reference (Message-ID or UID) to import it once"
    return None


def normalize_points(record: PersonRecord, region: str) -> None:
    """E-mails lower-cased and phones in E.164 for the book's region: the matching keys."""
    for point in record.emails:
        point.normalized = fit((point.normalized or point.value).strip().lower(), 400) or ""
    for point in record.phones:
        known = point.normalized  # the reader's E.164 for the same region, when it parsed
        e164 = known.startswith("+") and known[1:].isdigit()
        point.normalized = fit(known if e164 else phone_match_key(point.value, region), 400) or ""
    for point in record.socials:
        point.normalized = fit(profile_key(point.value), 400) or ""


def profile_key(url: str) -> str:
    """``https://www.LinkedIn.com/in/ana/`` -> ``linkedin.com/in/ana``: one profile, one key."""
    text = url.strip().lower()
    for prefix in ("https://", "http://", "www."):
        text = text.removeprefix(prefix)
    return text.rstrip("/")


def phone_match_key(value: str, region: str) -> str:
    """E.164 when the number parses for ``region``; else the text itself ("BusinessPhone"),
    so that two different unreadable numbers stay two, and never match anyone."""
    try:
        return normalize_phone(value, region)
    except NormalizeError:
        return " ".join(value.split())


def record_value(record: PersonRecord, name: str) -> Any:
    value = getattr(record, name)
    if isinstance(value, str):
        return fit(clean_text(value), LIMITS.get(name, 1_000_000))
    return value


def identifies_person(phone: str) -> bool:
    return phone.startswith("+") and len(phone) >= MIN_PHONE_KEY


def addresses_of(record: InteractionRecord) -> list[str]:
    found = list(record.participant_emails)
    if record.organiser_email and record.organiser_email not in found:
        found.append(record.organiser_email)
    return [a for a in found if a and "@" in a]


def interaction_label(record: InteractionRecord) -> str:
    return (record.subject or f"{record.kind} on {record.occurred_at:%Y-%m-%d}")[:80]


def fit(value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    return value if len(value) <= limit else value[:limit]


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def notes_with_unrecognised(notes: str | None, record: PersonRecord) -> str | None:
    """A person's notes with the values ``record`` set aside as not e-mail addresses added,
    when notes are there already and lack them (empty notes take the record's as they are);
    None when nothing is to be added."""
    if not notes:
        return None
    new = notes
    for line in unrecognised_lines(record):
        new = with_note_line(new, line)
    return new if new != notes else None


def group_card(record: PersonRecord) -> CardGroup:
    """A group card (``record.is_group``): its name, the UID kept for re-imports, and its
    members as the card lists them."""
    return CardGroup(clean_text(record.name) or "group", record_uid(record), list(record.members))


def organisation_card(record: PersonRecord) -> CardOrganisation:
    """A company card or CSV row (``record.is_org``) as an organisation: its name, first
    website and address, every e-mail and phone as the card has them, notes, and the UID kept
    for re-imports (the card's own, else one derived from the file's record)."""
    return CardOrganisation(
        name=clean_text(record.org or record.name) or "",
        website=record.urls[0].value if record.urls else None,
        emails=[p.value for p in record.emails],
        phones=[p.value for p in record.phones],
        address=record.addresses[0].value if record.addresses else None,
        notes=record.notes,
        uid=record_uid(record),
    )
