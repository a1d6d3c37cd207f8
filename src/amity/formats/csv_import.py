"""Contacts CSV: LinkedIn, Google (current and legacy), Outlook (also localised), Thunderbird,
Amity's own export, and any other CSV through a column mapping.

The encoding (UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252) and the delimiter
(``,`` ``;`` or tab) are detected from the start of the file; rows are then streamed. Preamble
lines before the header (LinkedIn's ``Notes:``) are skipped. The flavour is recognised from the
header. Errors carry the CSV line number where the row starts.

A mapping (``{"E-mail": "email", "Given": "first_name"}``) takes a CSV header to one of
`FIELDS`; ``email:work`` / ``phone:mobile`` style targets also set the label.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime

from amity.formats.fields import (
    clean_label,
    email_point,
    joined_name,
    partial_date,
    phone_point,
    simple_point,
    split_tags,
)
from amity.formats.records import (
    Item,
    ParseResult,
    PersonRecord,
    RecordError,
    Relation,
    Source,
    assign_source_ref,
    collect,
    open_binary,
)
from amity.formats.vcard import address_from_parts
from amity.model import ContactPoint, ImportantDate, PartialDate

#: Field names a mapping may target (``email``, ``phone``, ``url``, ``impp`` and ``related``
#: accept a ``:label``; address parts accept ``:label`` too).
FIELDS = (
    "name", "first_name", "middle_name", "last_name", "prefix", "suffix", "nickname", "org",
    "department", "title", "email", "phone", "url", "social", "impp", "street", "street2",
    "city", "region", "postcode", "country", "pobox", "address", "tags", "notes", "birthday",
    "birth_year", "birth_month", "birth_day", "anniversary", "met_on", "how_met", "related",
    "uid", "photo", "ignore",
)  # fmt: skip

#: The header `write_csv` writes, in order; multi-valued cells are joined with `` ::: ``.
CSV_HEADER = (
    "Name", "Given Name", "Family Name", "Nickname", "Organisation", "Department", "Title",
    "E-mails", "Phones", "URLs", "Addresses", "Tags", "Birthday", "Anniversary", "Met On",
    "How Met", "Notes", "UID",
)  # fmt: skip
MULTI = " ::: "
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_KNOWN: dict[str, str] = {
    # names
    "name": "name", "display name": "name", "full name": "name", "anzeigename": "name",
    "first name": "first_name", "given name": "first_name", "vorname": "first_name",
    "middle name": "middle_name", "additional name": "middle_name",
    "weitere vornamen": "middle_name",
    "last name": "last_name", "family name": "last_name", "surname": "last_name",
    "nachname": "last_name",
    "name prefix": "prefix", "anrede": "prefix", "name suffix": "suffix", "suffix": "suffix",
    "nickname": "nickname", "spitzname": "nickname",
    # work
    "company": "org", "organization": "org", "organisation": "org", "organization name": "org",
    "organization 1 - name": "org", "firma": "org",
    "department": "department", "organization department": "department",
    "organization 1 - department": "department", "abteilung": "department",
    "job title": "title", "position": "title", "organization title": "title",
    "organization 1 - title": "title",
    # e-mail
    "email": "email", "e-mail": "email", "email address": "email", "e-mail address": "email",
    "primary email": "email", "e-mail-adresse": "email", "e-mail 2 address": "email",
    "e-mail 3 address": "email", "secondary email": "email", "e-mail 2: adresse": "email",
    "e-mail 3: adresse": "email", "email home": "email:home", "email work": "email:work",
    "email other": "email:other",
    # phones
    "phone": "phone", "mobile phone": "phone:mobile", "mobile number": "phone:mobile",
    "home mobile": "phone:mobile", "mobiltelefon": "phone:mobile",
    "mobiltelefon 2": "phone:mobile", "business phone": "phone:work",
    "business phone 2": "phone:work", "work phone": "phone:work",
    "telefon geschäftlich": "phone:work", "telefon geschäftlich 2": "phone:work",
    "home phone": "phone:home", "home phone 2": "phone:home", "telefon (privat)": "phone:home",
    "telefon (privat 2)": "phone:home", "primary phone": "phone", "haupttelefon": "phone",
    "other phone": "phone:other", "weiteres telefon": "phone:other",
    "business fax": "phone:work fax", "fax geschäftlich": "phone:work fax",
    "home fax": "phone:home fax", "fax privat": "phone:home fax", "fax number": "phone:fax",
    "pager": "phone:pager", "pager number": "phone:pager", "car phone": "phone:car",
    "autotelefon": "phone:car", "assistant's phone": "phone:assistant",
    "telefon assistent": "phone:assistant", "company main phone": "phone:main",
    "telefon firma": "phone:main",
    # web and messaging
    "url": "url", "web page": "url", "webseite": "url", "web page 1": "url",
    "web page 2": "url", "website home page": "url:home", "website work": "url:work",
    "website blog": "url:blog", "website other": "url:other", "website profile": "url:profile",
    "im aim": "impp:aim", "im icq": "impp:icq", "im jabber": "impp:xmpp", "im msn": "impp:msn",
    "im skype": "impp:skype", "im yahoo": "impp:yahoo", "screen name": "impp",
    # addresses
    "business street": "street:work", "straße geschäftlich": "street:work",
    "business city": "city:work", "work city": "city:work", "ort geschäftlich": "city:work",
    "business state": "region:work", "work state": "region:work",
    "region geschäftlich": "region:work", "business postal code": "postcode:work",
    "work zip": "postcode:work", "postleitzahl geschäftlich": "postcode:work",
    "business country/region": "country:work", "work country": "country:work",
    "land/region geschäftlich": "country:work", "work address": "street:work",
    "work address 2": "street2:work", "work zipcode": "postcode:work",
    "home street": "street:home", "straße privat": "street:home", "home address": "street:home",
    "home address 2": "street2:home", "home city": "city:home", "ort privat": "city:home",
    "home state": "region:home", "bundesland/kanton privat": "region:home",
    "home postal code": "postcode:home", "home zip": "postcode:home",
    "home zipcode": "postcode:home", "postleitzahl privat": "postcode:home",
    "home country/region": "country:home", "home country": "country:home",
    "land/region privat": "country:home", "other street": "street:other",
    "other city": "city:other", "other state": "region:other",
    "other postal code": "postcode:other", "other country/region": "country:other",
    # dates, tags, notes, relations
    "birthday": "birthday", "geburtstag": "birthday", "anniversary": "anniversary",
    "jahrestag": "anniversary", "birth year": "birth_year", "birth month": "birth_month",
    "birth day": "birth_day", "categories": "tags", "kategorien": "tags", "labels": "tags",
    "group membership": "tags", "tags": "tags", "notes": "notes", "notizen": "notes",
    "note": "notes", "spouse": "related:spouse", "partner": "related:spouse",
    "manager's name": "related:manager", "name des/r vorgesetzten": "related:manager",
    "assistant's name": "related:assistant", "assistent(in)": "related:assistant",
    "children": "related:child", "kinder": "related:child",
    "connected on": "met_on", "photo": "photo", "uid": "uid",
}  # fmt: skip
_GOOGLE_GROUP = re.compile(
    r"^(e-mail|phone|website|relation|address|im|event) (\d+) - (type|label|value|formatted"
    r"|street|city|po box|region|postal code|country|extended address|service)$"
)
_ADDRESS_PARTS = ("pobox", "street2", "street", "city", "region", "postcode", "country")
_AMITY = {h.lower() for h in CSV_HEADER}


def iter_csv(
    source: Source,
    *,
    mapping: Mapping[str, str] | None = None,
    flavour: str | None = None,
    default_region: str | None = None,
    day_first: bool | None = None,
) -> Iterator[Item]:
    """Yield a `PersonRecord` per good row and a `RecordError` per bad one, streaming rows."""
    stream = open_binary(source)
    try:
        text = _text_stream(stream)
        reader, header, header_line = _reader_at_header(text)
        if header is None:
            yield RecordError(1, "header", "no header row found")
            return
        kind = flavour or detect_csv_flavour(header)
        columns = _columns(header, mapping, kind)
        reader_state = _RowReader(columns, kind, default_region,
                                  day_first if day_first is not None else _day_first(header))  # fmt: skip
        previous_end = header_line
        for row in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            yield reader_state.person(row, start)
    finally:
        if stream is not source:
            stream.close()


def parse_csv(source: Source, **options: object) -> ParseResult:
    return collect(iter_csv(source, **options))  # type: ignore[arg-type]


def detect_csv_flavour(header: list[str]) -> str:
    """linkedin, google, outlook, thunderbird, amity or generic, from the header row."""
    names = {_key(h) for h in header}
    if {"first name", "last name", "connected on"} <= names:
        return "linkedin"
    if names & {"group membership", "e-mail 1 - value", "e-mail 1 - label"} or (
        "labels" in names and "first name" in names
    ):
        return "google"
    if names & {"e-mail address", "e-mail-adresse", "vorname", "e-mail 2 address"}:
        return "outlook"
    if "primary email" in names:
        return "thunderbird"
    if names >= _AMITY:
        return "amity"
    return "generic"


# --- reading the file ------------------------------------------------------------------


def _text_stream(stream) -> io.TextIOBase:  # type: ignore[no-untyped-def]
    head = stream.read(65536)
    encoding = _detect_encoding(head)
    joined = io.BufferedReader(_Prefixed(head, stream))
    return io.TextIOWrapper(joined, encoding=encoding, errors="replace", newline="")


class _Prefixed(io.RawIOBase):
    """A raw stream that first returns ``head`` and then the rest of ``stream``."""

    def __init__(self, head: bytes, stream) -> None:  # type: ignore[no-untyped-def]
        self.head, self.stream = head, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        data = self.head[: len(buffer)] if self.head else self.stream.read(len(buffer))
        self.head = self.head[len(data) :] if self.head else b""
        buffer[: len(data)] = data
        return len(data)


def _detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[: head.rfind(b"\n") + 1] or head
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:
            return "cp1252"
    return "utf-8"


def _reader_at_header(text: io.TextIOBase):  # type: ignore[no-untyped-def]
    """A csv reader positioned after the header row (skipping any preamble), the header and
    the line it ends on."""
    buffered = io.StringIO(text.read(65536))
    head = buffered.getvalue()
    delimiter = _detect_delimiter(head)
    rest = _Chain(head, text)
    reader = csv.reader(rest, delimiter=delimiter)
    for row in reader:
        cells = [c.strip() for c in row]
        if sum(1 for c in cells if c) >= 2 or (len(cells) == 1 and _key(cells[0]) in _KNOWN):
            return reader, [c.lstrip("\ufeff") for c in cells], reader.line_num
    return reader, None, 0


class _Chain:
    """Lines of ``head`` (already read) followed by the rest of ``text``."""

    def __init__(self, head: str, text: io.TextIOBase) -> None:
        self.lines = iter(io.StringIO(head, newline=""))
        self.text = text
        self.pending = ""

    def __iter__(self) -> _Chain:
        return self

    def __next__(self) -> str:
        line = next(self.lines, None)
        if line is not None:
            if line.endswith("\n"):
                return line
            self.pending = line
        rest = self.text.readline()
        joined, self.pending = self.pending + rest, ""
        if not joined:
            raise StopIteration
        return joined


def _detect_delimiter(head: str) -> str:
    best, best_cells = ",", 0
    for delimiter in (",", ";", "\t"):
        for row in csv.reader(io.StringIO(head, newline=""), delimiter=delimiter):
            cells = sum(1 for c in row if c.strip())
            if cells >= 2:
                if cells > best_cells:
                    best, best_cells = delimiter, cells
                break
    return best


def _key(header: str) -> str:
    return " ".join(header.strip().lstrip("\ufeff").lower().split())


def _day_first(header: list[str]) -> bool:
    return any(_key(h) in {"vorname", "geburtstag", "nachname"} for h in header)


# --- columns -------------------------------------------------------------------------------


def _columns(header: list[str], mapping: Mapping[str, str] | None, kind: str) -> list[str]:
    """The target of each column: a field (``email:work``), a Google group key, or ignore."""
    user = {_key(k): v for k, v in (mapping or {}).items()}
    keys = [_key(h) for h in header]
    prefix_title = "job title" in keys or kind == "outlook"
    targets = []
    for key in keys:
        if key in user:
            targets.append(user[key])
        elif kind == "amity" and key in _AMITY:
            targets.append(f"amity:{key}")
        elif _GOOGLE_GROUP.match(key):
            targets.append(f"google:{key}")
        elif key == "title":
            targets.append("prefix" if prefix_title else "title")
        elif key == "url" and kind == "linkedin":
            targets.append("social:linkedin")
        else:
            targets.append(_KNOWN.get(key, "ignore"))
    return targets


class _RowReader:
    def __init__(self, columns: list[str], kind: str, region: str | None, day_first: bool):
        self.columns, self.kind, self.region, self.day_first = columns, kind, region, day_first

    def person(self, row: list[str], line: int) -> Item:
        label = next((c.strip() for c in row if c.strip()), f"row at line {line}")[:80]
        try:
            person = self._person(row)
        except Exception as exc:  # a bad row must not stop the file
            return RecordError(line, label, f"unreadable row: {exc}")
        if person is None:
            return RecordError(line, label, "row has no name, e-mail or organisation")
        person.line = line
        return assign_source_ref(person)

    def _person(self, row: list[str]) -> PersonRecord | None:
        values: dict[str, list[str]] = {}
        google: dict[str, dict[str, str]] = {}
        for target, cell in zip(self.columns, row, strict=False):
            text = cell.strip()
            if self.kind == "amity":
                text = _unneutralised(text)
            if not text or target == "ignore":
                continue
            if target.startswith("google:"):
                match = _GOOGLE_GROUP.match(target.removeprefix("google:"))
                if match:
                    group, number, part = match.groups()
                    google.setdefault(f"{group} {number}", {})[part] = text
                continue
            values.setdefault(target, []).append(text)
        if self.kind == "amity":
            values = _amity_values(values)
        person = PersonRecord(name="", source=f"csv:{self.kind}")
        self._fill(person, values)
        _fill_google_groups(person, google, self.region)
        person.name = _name(values, person)
        person.is_org = _company_only(values, person)
        return person if person.name else None

    def _fill(self, person: PersonRecord, values: dict[str, list[str]]) -> None:
        first = _first(values)
        person.given_name = first("first_name")
        person.family_name = first("last_name")
        person.nickname = first("nickname")
        person.org = first("org")
        person.department = first("department")
        person.title = first("title")
        person.uid = first("uid")
        person.photo = first("photo")
        person.notes = "\n\n".join(values.get("notes", [])) or None
        person.tags = split_tags(_multi(values.get("tags", []), "tags"))
        person.birthday = self._date(first("birthday")) or _birthday_from_parts(values)
        person.anniversary = self._date(first("anniversary"))
        met = first("met_on")
        person.met_on = _met_on(met) if met else None
        person.how_met = first("how_met") or ("LinkedIn" if self.kind == "linkedin" else None)
        for target, cells in values.items():
            field, _, label = target.partition(":")
            for text in _multi(cells, field):
                self._add_point(person, field, text, label or None)
        _add_addresses(person, values)

    def _add_point(self, person: PersonRecord, field: str, text: str, label: str | None) -> None:
        point: ContactPoint | None = None
        if field == "email":
            point = email_point(text, label)
            target = person.emails
        elif field == "phone":
            point = phone_point(text, label, default_region=self.region)
            target = person.phones
        elif field == "url":
            point = simple_point("url", text, label)
            target = person.urls
        elif field == "social":
            point = simple_point("social", text, None, service=label)
            target = person.socials
        elif field == "impp":
            point = simple_point("impp", text, None, service=label)
            target = person.impps
        elif field == "related":
            relation = Relation(label or "related", text)
            if relation not in person.related:
                person.related.append(relation)
            return
        else:
            return
        if point is not None and all(p.normalized != point.normalized for p in target):
            target.append(point)

    def _date(self, text: str | None) -> PartialDate | None:
        return csv_date(text, day_first=self.day_first) if text else None


def _first(values: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def first(field: str) -> str | None:
        cells = values.get(field)
        return cells[0] if cells else None

    return first


def _multi(cells: list[str], field: str) -> list[str]:
    """Google packs several values into one cell with `` ::: ``."""
    out = [part.strip() for cell in cells for part in cell.split(":::")]
    return [p for p in out if p]


def _company_only(values: dict[str, list[str]], person: PersonRecord) -> bool:
    """A row with a company and no person's name (a display name that is the company's own
    counts as none): an organisation, never a person."""
    if not person.org:
        return False
    shown = _first(values)("name")
    if shown and shown.casefold() != person.org.casefold():
        return False
    parts = (person.given_name, _first(values)("middle_name"), person.family_name, person.nickname)
    return not any(parts)


def _name(values: dict[str, list[str]], person: PersonRecord) -> str:
    first = _first(values)
    explicit: str | None = first("name")
    if explicit:
        return explicit
    built = joined_name(first("prefix"), person.given_name, first("middle_name"),
                        person.family_name, first("suffix"))  # fmt: skip
    if built:
        return built
    for fallback in (person.nickname, person.org):
        if fallback:
            return fallback
    return person.emails[0].value if person.emails else ""


def _add_addresses(person: PersonRecord, values: dict[str, list[str]]) -> None:
    labels: dict[str | None, dict[str, str]] = {}
    for target, cells in values.items():
        field, _, label = target.partition(":")
        if field in _ADDRESS_PARTS:
            labels.setdefault(label or None, {})[field] = ", ".join(cells)
    for address_label, parts in labels.items():
        street = joined_lines(parts.get("street"), parts.get("street2"))
        point = address_from_parts(
            [parts.get("pobox", ""), "", street, parts.get("city", ""), parts.get("region", ""),
             parts.get("postcode", ""), parts.get("country", "")], address_label,
        )  # fmt: skip
        if point is not None:
            person.addresses.append(point)
    for text in values.get("address", []):
        point = address_from_parts(["", "", text, "", "", "", ""], None)
        if point is not None:
            person.addresses.append(point)


def joined_lines(*parts: str | None) -> str:
    return "\n".join(p for p in parts if p)


def _fill_google_groups(
    person: PersonRecord, groups: dict[str, dict[str, str]], region: str | None
) -> None:
    """``E-mail 1 - Type``/``- Label`` + ``- Value`` pairs, addresses, relations, events."""
    for key in sorted(groups, key=_group_order):
        group = key.rsplit(" ", 1)[0]
        parts = groups[key]
        label = _google_label(parts.get("type") or parts.get("label"))
        values = [v.strip() for v in parts.get("value", "").split(":::") if v.strip()]
        if group == "e-mail":
            for value in values:
                _add_unique(person.emails, email_point(value, label))
        elif group == "phone":
            for value in values:
                _add_unique(person.phones, phone_point(value, label, default_region=region))
        elif group == "website":
            for value in values:
                _add_unique(person.urls, simple_point("url", value, label))
        elif group == "im":
            service = (parts.get("service") or "").lower() or None
            for value in values:
                _add_unique(person.impps, simple_point("impp", value, label, service=service))
        elif group == "relation":
            person.related.extend(Relation((label or "related").lower(), v) for v in values)
        elif group == "event":
            for value in values:
                when = partial_date(value)
                if when and label == "anniversary":
                    person.anniversary = person.anniversary or when
                elif when:
                    person.dates.append(ImportantDate("custom", when, label))
        elif group == "address":
            _add_google_address(person, parts, label)


def _group_order(key: str) -> tuple[str, int]:
    group, number = key.rsplit(" ", 1)
    return group, int(number)


def _add_google_address(person: PersonRecord, parts: dict[str, str], label: str | None) -> None:
    point = address_from_parts(
        [parts.get("po box", ""), parts.get("extended address", ""), parts.get("street", ""),
         parts.get("city", ""), parts.get("region", ""), parts.get("postal code", ""),
         parts.get("country", "")], label,
    )  # fmt: skip
    if point is None and parts.get("formatted"):
        point = address_from_parts(["", "", parts["formatted"], "", "", "", ""], label)
    _add_unique(person.addresses, point)


def _google_label(text: str | None) -> str | None:
    if not text:
        return None
    return clean_label(text.strip().removeprefix("*").strip().lower())


def _add_unique(points: list[ContactPoint], point: ContactPoint | None) -> None:
    if point is not None and all(p.normalized != point.normalized for p in points):
        points.append(point)


# --- dates -----------------------------------------------------------------------------------

_SLASHED = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})$")


def csv_date(text: str, *, day_first: bool = False) -> PartialDate | None:
    """ISO and year-less forms, ``22.03.1980`` (day first), ``3/22/1980`` or ``20/01/1991``;
    Outlook's empty ``0/0/00`` is None."""
    value = text.strip()
    iso = partial_date(value)
    if iso is not None:
        return iso
    match = _SLASHED.match(value)
    if not match:
        return None
    a, b, year = (int(g) for g in match.groups())
    if "." in value or a > 12:
        day_first = True
    elif b > 12:
        day_first = False
    day, month = (a, b) if day_first else (b, a)
    if len(match.group(3)) == 2:
        year += 1900 if year > 30 else 2000
    try:
        return PartialDate(month, day, year)
    except ValueError:
        return None


def _birthday_from_parts(values: dict[str, list[str]]) -> PartialDate | None:
    month = (values.get("birth_month") or [""])[0]
    day = (values.get("birth_day") or [""])[0]
    year = (values.get("birth_year") or [""])[0]
    if not (month.isdigit() and day.isdigit()):
        return None
    try:
        return PartialDate(int(month), int(day), int(year) if year.isdigit() else None)
    except ValueError:
        return None


def _met_on(text: str) -> date | None:
    """LinkedIn's ``Connected On``: ``12 Mar 2024`` (older exports: ``03/12/24``)."""
    for pattern in ("%d %b %Y", "%d %B %Y", "%Y-%m-%d", "%m/%d/%y", "%m/%d/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    when = csv_date(text)
    return when.to_date() if when else None


# --- Amity's own CSV -------------------------------------------------------------------------

_AMITY_FIELDS = {
    "name": "name", "given name": "first_name", "family name": "last_name",
    "nickname": "nickname", "organisation": "org", "department": "department",
    "title": "title", "e-mails": "email", "phones": "phone", "urls": "url",
    "addresses": "address", "tags": "tags", "birthday": "birthday",
    "anniversary": "anniversary", "met on": "met_on", "how met": "how_met", "notes": "notes",
    "uid": "uid",
}  # fmt: skip


def _amity_values(values: dict[str, list[str]]) -> dict[str, list[str]]:
    return {_AMITY_FIELDS[k.removeprefix("amity:")]: v for k, v in values.items()}


def _unneutralised(text: str) -> str:
    if text.startswith("'") and text[1:2] in _FORMULA_START:
        return text[1:]
    return text


def neutralised(text: str) -> str:
    """A cell a spreadsheet will not run as a formula: ``=`` ``+`` ``-`` ``@`` get a ``'``."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(people: list[PersonRecord]) -> str:
    """Amity's CSV export with the fixed `CSV_HEADER`; multi-valued cells joined by `` ::: ``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for p in people:
        cells = [
            p.name, p.given_name, p.family_name, p.nickname, p.org, p.department, p.title,
            MULTI.join(e.value for e in p.emails), MULTI.join(t.value for t in p.phones),
            MULTI.join(u.value for u in p.urls),
            MULTI.join(a.value.replace("\n", ", ") for a in p.addresses),
            MULTI.join(p.tags), str(p.birthday) if p.birthday else "",
            str(p.anniversary) if p.anniversary else "",
            p.met_on.isoformat() if p.met_on else "", p.how_met, p.notes, p.uid,
        ]  # fmt: skip
        writer.writerow([neutralised(c or "") for c in cells])
    return out.getvalue()
