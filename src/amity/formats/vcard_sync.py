"""vCards for sync: the fields Amity syncs, read from a card, and a card edited in place.

Amity never re-writes a server's card from its own data: it keeps the server's text and
changes only the properties of the fields that changed (FN, N, NICKNAME, ORG, TITLE, BDAY,
EMAIL, TEL, URL, ADR, and NOTE or CATEGORIES when the account shares them). Every other line
(PHOTO, X-*, groups and labels, properties Amity does not know) stays byte for byte, folding
included. Fields are plain JSON values (see ``amity.rules.sync_merge``); list items carry a
key ``k`` (the e-mail lower-cased, the phone in E.164...), a value ``v`` and a label ``l``.

    >>> card = "BEGIN:VCARD\\r\\nVERSION:3.0\\r\\nFN:Ana\\r\\nX-KEEP:1\\r\\nEND:VCARD\\r\\n"
    >>> edit_card(card, {"fn": "Ana Lima", "title": "CTO"}).split("\\r\\n")[2:5]
    ['FN:Ana Lima', 'X-KEEP:1', 'TITLE:CTO']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from amity.formats.fields import APPLE_NO_YEAR
from amity.formats.records import PersonRecord, RecordError, set_aside_bad_emails
from amity.formats.vcard import card_to_person, split_escaped
from amity.formats.vcard_lines import ContentLine, UnusableLine, parse_content_line
from amity.model import ContactPoint, PartialDate

MAX_CARD_BYTES = 1024 * 1024  # a card with a large photo fits; a larger one is refused
#: the vCard properties behind each synced field
PROPERTIES = {
    "fn": "FN", "given": "N", "family": "N", "nickname": "NICKNAME", "org": "ORG",
    "title": "TITLE", "birthday": "BDAY", "note": "NOTE", "tags": "CATEGORIES",
    "emails": "EMAIL", "phones": "TEL", "urls": "URL", "addresses": "ADR",
}  # fmt: skip
_LIST_PROPERTIES = {"emails": "EMAIL", "phones": "TEL", "urls": "URL", "addresses": "ADR"}
_LINE_BREAK = re.compile(r"(\r\n|\n|\r)")
_STANDARD_LABELS = {"home", "work", "other", "mobile", "cell", "fax", "pager", "main", "text",
                    "voice", "video", "iphone"}  # fmt: skip


# --- reading: a card's synced fields -----------------------------------------------------------


def read_card(text: str, *, region: str | None = None) -> PersonRecord | RecordError:
    """The card as a record (for the import pipeline), or why it cannot be used."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_CARD_BYTES:
        return RecordError(None, "card", f"card larger than {MAX_CARD_BYTES // 1024} KB")
    from amity.formats.vcard_lines import read_raw_cards

    raw = next(iter(read_raw_cards(text.encode("utf-8", "surrogatepass"))), None)
    if raw is None:
        return RecordError(None, "card", "not a vCard (no BEGIN:VCARD)")
    item = card_to_person(raw, default_region=region)
    if isinstance(item, PersonRecord):
        item.source = "carddav"
        set_aside_bad_emails(item)  # the same on every pull, so merge bases agree
    return item  # type: ignore[return-value]


def record_fields(
    record: PersonRecord, *, notes: bool = False, tags: bool = False
) -> dict[str, Any]:
    """The synced fields of a card read into a record."""
    fields: dict[str, Any] = {
        "fn": record.name or None,
        "given": record.given_name or None,
        "family": record.family_name or None,
        "nickname": record.nickname or None,
        "org": record.org or None,
        "title": record.title or None,
        "birthday": str(record.birthday) if record.birthday else None,
        "emails": [point_item(p) for p in record.emails],
        "phones": [point_item(p) for p in record.phones],
        "urls": [point_item(p) for p in record.urls],
        "addresses": [point_item(p) for p in record.addresses],
    }
    if notes:
        fields["note"] = record.notes or None
    if tags:
        fields["tags"] = [{"k": t.lower(), "v": t, "l": None} for t in record.tags]
    return fields


def point_item(point: ContactPoint) -> dict[str, Any]:
    """A contact point as a synced list item, keyed as the import pipeline matches it."""
    return {"k": point_key(point.kind, point.value, point.normalized), "v": point.value,
            "l": point.label}  # fmt: skip


def point_key(kind: str, value: str, normalized: str | None) -> str:
    if kind == "email":
        return value.strip().removeprefix("mailto:").strip().lower()
    if kind == "phone":
        known = normalized or ""
        return known if known.startswith("+") and known[1:].isdigit() else " ".join(value.split())
    if kind == "address":
        return normalized or value
    return value.strip().lower().rstrip("/")


# --- writing: the server's card with only Amity's changes -------------------------------------


@dataclass
class Entry:
    """One logical line: its exact text (folding and line ending included) and, when it
    parses, its content line."""

    raw: str
    line: ContentLine | None

    @property
    def name(self) -> str | None:
        return self.line.name if self.line else None


class CardText:
    """A card's text as entries, to change some lines and keep every other byte."""

    def __init__(self, text: str) -> None:
        self.newline = "\r\n" if "\r\n" in text or "\n" not in text else "\n"
        self.entries: list[Entry] = []
        parts = _LINE_BREAK.split(text)
        physical = ["".join(parts[i : i + 2]) for i in range(0, len(parts), 2)]
        for piece in physical:
            if not piece:
                continue
            if piece[:1] in (" ", "\t") and self.entries:
                self.entries[-1].raw += piece
            else:
                self.entries.append(Entry(piece, None))
        for entry in self.entries:
            entry.line = _parse(entry.raw)

    @property
    def version(self) -> str:
        for entry in self.entries:
            if entry.name == "VERSION" and entry.line:
                return entry.line.value.strip()
        return "3.0"

    def named(self, name: str) -> list[Entry]:
        return [e for e in self.entries if e.name == name]

    def text(self) -> str:
        out = "".join(e.raw for e in self.entries)
        return out if out.endswith(("\n", "\r")) else out + self.newline

    def render(self, line: ContentLine) -> str:
        return fold(line.serialize()).replace("\r\n", self.newline) + self.newline

    def replace(self, entry: Entry, line: ContentLine) -> None:
        entry.raw, entry.line = self.render(line), line

    def insert(self, line: ContentLine) -> None:
        end = next((i for i in range(len(self.entries) - 1, -1, -1)
                    if self.entries[i].name == "END"), len(self.entries))  # fmt: skip
        self.entries.insert(end, Entry(self.render(line), line))

    def remove(self, entry: Entry) -> None:
        self.entries.remove(entry)
        group = entry.line.group if entry.line else None
        if group and not any(e.line and e.line.group == group and e.name != "X-ABLABEL"
                             for e in self.entries):  # fmt: skip
            self.entries = [e for e in self.entries if not (e.line and e.line.group == group)]


def _parse(raw: str) -> ContentLine | None:
    logical = re.sub(r"(\r\n|\n|\r)[ \t]", "", raw).rstrip("\r\n")
    try:
        return parse_content_line(logical.encode("utf-8", "surrogatepass"))
    except (UnusableLine, ValueError):
        return None


def fold(line: str, limit: int = 75) -> str:
    """RFC 6350 3.2 folding at 75 octets, never inside a UTF-8 character."""
    data = line.encode("utf-8")
    if len(data) <= limit:
        return line
    pieces: list[str] = []
    current: list[str] = []
    size, first = 0, True
    for char in line:
        width = len(char.encode("utf-8"))
        room = limit if first else limit - 1
        if size + width > room:
            pieces.append("".join(current))
            current, size, first = [], 0, False
        current.append(char)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def edit_card(text: str, changes: dict[str, Any], *, region: str | None = None) -> str:
    """``text`` with the properties of the changed fields rewritten, nothing else touched."""
    card = CardText(text)
    v4 = card.version.startswith("4")
    for field in ("fn", "nickname", "title", "note"):
        if field in changes:
            _set_text(card, PROPERTIES[field], changes[field])
    if "given" in changes or "family" in changes:
        _set_name(card, changes)
    if "org" in changes:
        _set_org(card, changes["org"])
    if "birthday" in changes:
        _set_birthday(card, changes["birthday"], v4=v4)
    if "tags" in changes:
        tags = [str(item.get("v") or item["k"]) for item in changes["tags"] or []]
        _set_text(card, "CATEGORIES", ",".join(escape(t) for t in tags) or None, raw=True)
    for field, name in _LIST_PROPERTIES.items():
        if field in changes:
            _set_items(card, field, name, changes[field] or [], v4=v4, region=region)
    return card.text()


def new_card(fields: dict[str, Any], uid: str, *, region: str | None = None) -> str:
    """A fresh vCard 3.0 for someone the server does not have yet."""
    card = CardText("BEGIN:VCARD\r\nVERSION:3.0\r\n"
                    f"UID:{escape(uid)}\r\nFN:{escape(fields.get('fn') or '?')}\r\nEND:VCARD\r\n")  # fmt: skip
    changes = {k: v for k, v in fields.items() if k != "fn" and v}
    return edit_card(card.text(), changes, region=region)


def _set_text(card: CardText, name: str, value: str | None, *, raw: bool = False) -> None:
    existing = card.named(name)
    if not value:
        for entry in existing:
            card.remove(entry)
        return
    text = value if raw else escape(value)
    if existing and existing[0].line:
        line = existing[0].line
        card.replace(existing[0], ContentLine(name, text, line.group, _kept_params(line)))
    else:
        card.insert(ContentLine(name, text))


def _set_name(card: CardText, changes: dict[str, Any]) -> None:
    existing = card.named("N")
    parts = ["", "", "", "", ""]
    line = existing[0].line if existing else None
    if line is not None:
        parts = [*split_escaped(line.value, ";"), "", "", "", "", ""][:5]
    if "family" in changes:
        parts[0] = changes["family"] or ""
    if "given" in changes:
        parts[1] = changes["given"] or ""
    value = ";".join(escape(p) for p in parts)
    if existing and line is not None:
        card.replace(existing[0], ContentLine("N", value, line.group, _kept_params(line)))
    else:
        card.insert(ContentLine("N", value))


def _set_org(card: CardText, org: str | None) -> None:
    existing = card.named("ORG")
    line = existing[0].line if existing else None
    if not org:
        for entry in existing:
            card.remove(entry)
        return
    parts = split_escaped(line.value, ";") if line is not None else [""]
    parts[0] = org
    value = ";".join(escape(p) for p in parts)
    if existing and line is not None:
        card.replace(existing[0], ContentLine("ORG", value, line.group, _kept_params(line)))
    else:
        card.insert(ContentLine("ORG", value))


def _set_birthday(card: CardText, value: str | None, *, v4: bool) -> None:
    for entry in card.named("BDAY"):
        card.remove(entry)
    if not value:
        return
    when = PartialDate.parse(value)
    if when.year is not None:
        card.insert(ContentLine("BDAY", str(when)))
    elif v4:
        card.insert(ContentLine("BDAY", f"--{when.month:02d}{when.day:02d}"))
    else:
        card.insert(ContentLine("BDAY", f"{APPLE_NO_YEAR}-{when.month:02d}-{when.day:02d}",
                                params={"X-APPLE-OMIT-YEAR": [str(APPLE_NO_YEAR)]}))  # fmt: skip


def _set_items(card: CardText, field: str, name: str, items: list[dict[str, Any]], *,
               v4: bool, region: str | None) -> None:  # fmt: skip
    """Keep lines whose item stays (bytes untouched), drop the others, add the new ones."""
    kind = {"emails": "email", "phones": "phone", "urls": "url", "addresses": "address"}[field]
    wanted = {str(item["k"]): item for item in items}
    present: set[str] = set()
    for entry in card.named(name):
        key = _entry_key(entry, kind, region)
        if key is None or key not in wanted or key in present:
            card.remove(entry)
        else:
            present.add(key)
    for key, item in wanted.items():
        if key not in present:
            card.insert(_item_line(name, kind, item, v4=v4))


def _entry_key(entry: Entry, kind: str, region: str | None) -> str | None:
    if entry.line is None:
        return None
    from amity.formats.fields import phone_point
    from amity.formats.vcard import address_from_parts, unescape

    value = unescape(entry.line.value)
    if kind == "address":
        point = address_from_parts(split_escaped(entry.line.value, ";"), None)
        return point.normalized if point else None
    if kind == "phone":
        point = phone_point(value, default_region=region)
        return point_key("phone", point.value, point.normalized) if point else None
    return point_key(kind, value, None)


def _item_line(name: str, kind: str, item: dict[str, Any], *, v4: bool) -> ContentLine:
    label = (item.get("l") or "").strip()
    params: dict[str, list[str]] = {}
    if label and label.lower() in _STANDARD_LABELS:
        params["TYPE"] = [label.lower() if v4 else label.upper()]
    if kind == "address":
        parts = split_escaped(str(item["k"]), ";") if ";" in str(item["k"]) else [
            "", "", str(item.get("v") or ""), "", "", "", ""]  # fmt: skip
        value = ";".join(escape(p) for p in parts)
    else:
        value = _single_line(str(item.get("v") or item["k"]))
    return ContentLine(name, value, None, params)


def _kept_params(line: ContentLine) -> dict[str, list[str]]:
    return {k: v for k, v in line.params.items() if k not in ("ENCODING", "CHARSET", "VALUE")}


def escape(text: str) -> str:
    """RFC 6350 text escaping: backslash, comma, semicolon, newline."""
    return (text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))  # fmt: skip


def _single_line(text: str) -> str:
    return " ".join(text.replace("\r", " ").replace("\n", " ").split())
