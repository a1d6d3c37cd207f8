"""vCard 2.1, 3.0 and 4.0: read cards into `PersonRecord`s and write them back.

Reading goes card by card: `vcard_lines` splits, decodes and sanitises each card into content
lines, and this module maps the properties to the record. A card that fails becomes a
`RecordError` with its line; the other cards still come through.

vobject is used for writing only. Its 0.9.9 reader silently truncates text values at an
unescaped comma (``NOTE:a, b`` reads as ``a``; vCard 2.1 never escapes commas) and its
content-line regex is exponential on some inputs, so values are unescaped here instead.

    >>> text = b"BEGIN:VCARD\\r\\nVERSION:3.0\\r\\nFN:Ana Lima\\r\\nBDAY:--04-15\\r\\nEND:VCARD\\r\\n"
    >>> [p.birthday for p in iter_vcards(text)]
    [PartialDate(month=4, day=15, year=None)]
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from typing import Any

import vobject

from amity.formats.fields import (
    APPLE_NO_YEAR,
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
)
from amity.formats.vcard_lines import ContentLine, RawCard, read_raw_cards
from amity.model import ContactPoint, ImportantDate, PartialDate

vobject.vcard.wacky_apple_photo_serialize = False

#: Properties handed to vobject; everything else (KEY, SOUND, X-MS-OL-DESIGN...) is ignored.
_IM_SERVICES = {
    "X-AIM": "aim", "X-GTALK": "gtalk", "X-GOOGLE-TALK": "gtalk", "X-SKYPE": "skype",
    "X-SKYPE-USERNAME": "skype", "X-JABBER": "xmpp", "X-MSN": "msn", "X-YAHOO": "yahoo",
    "X-ICQ": "icq", "X-QQ": "qq", "X-MS-IMADDRESS": "msn", "X-GADUGADU": "gadugadu",
}  # fmt: skip
_RELATION_PROPERTIES = {
    "X-EVOLUTION-SPOUSE": "spouse", "X-SPOUSE": "spouse", "X-MS-SPOUSE": "spouse",
    "X-EVOLUTION-MANAGER": "manager", "X-MANAGER": "manager",
    "X-EVOLUTION-ASSISTANT": "assistant", "X-ASSISTANT": "assistant",
}  # fmt: skip
_ANNIVERSARY_PROPERTIES = (
    "ANNIVERSARY", "X-ANNIVERSARY", "X-MS-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY",
)  # fmt: skip
_POINT_PROPERTIES = {"EMAIL", "TEL", "URL", "ADR", "X-SOCIALPROFILE", "IMPP", *_IM_SERVICES}

_IGNORED_TYPES = {
    "email": {"internet", "pref", "x400"},
    "phone": {"voice", "pref", "msg"},
    "url": {"pref", "internet"},
    "address": {"pref", "postal", "parcel", "dom", "intl"},
    "social": {"pref"},
    "impp": {"pref"},
}
_TYPE_WORDS = {"cell": "mobile", "iphone": "iphone"}
_STANDARD_TYPES = {
    "email": {"home", "work", "other"},
    "phone": {"home", "work", "mobile", "fax", "pager", "main", "other", "text", "video"},
    "url": {"home", "work", "other"},
    "address": {"home", "work", "other"},
    "social": set(),
    "impp": {"home", "work", "other"},
}
_URN_UUID = "urn:uuid:"


def iter_vcards(source: Source, *, default_region: str | None = None) -> Iterator[Item]:
    """Yield a `PersonRecord` per good card and a `RecordError` per bad one, card by card."""
    for raw in read_raw_cards(source):
        yield card_to_person(raw, default_region=default_region)


def parse_vcards(source: Source, *, default_region: str | None = None) -> ParseResult:
    return collect(iter_vcards(source, default_region=default_region))


def card_to_person(raw: RawCard, *, default_region: str | None = None) -> Item:
    label = _card_label(raw)
    try:
        person = _person_from_card(_Card(raw.lines), raw, default_region)
    except Exception as exc:  # one bad card must never stop the file
        return RecordError(raw.line, label, f"unreadable card: {exc}")
    if person is None:
        return RecordError(raw.line, label, "card has no name, e-mail or organisation")
    person.line = raw.line
    return assign_source_ref(person)


def _card_label(raw: RawCard) -> str:
    for name in ("FN", "N", "EMAIL", "UID"):
        line = raw.first(name)
        if line and line.value.strip(" ;"):
            return unescape(line.value)[:80]
    return f"card at line {raw.line}"


# --- from content lines to a record -------------------------------------------------------


def unescape(value: str) -> str:
    r"""RFC 6350 text: ``\n`` is a newline; ``\,`` ``\;`` ``\:`` ``\\`` are themselves."""
    if "\\" not in value:
        return value.strip()
    return _ESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value).strip()


def split_escaped(value: str, separator: str) -> list[str]:
    """Split at separators not escaped by a backslash, then unescape each part."""
    if "\\" not in value:
        return [part.strip() for part in value.split(separator)]
    parts, current, chars = [], [], iter(value)
    for char in chars:
        if char == "\\":
            current.append(char + next(chars, ""))
        elif char == separator:
            parts.append(unescape("".join(current)))
            current = []
        else:
            current.append(char)
    parts.append(unescape("".join(current)))
    return parts


_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


class _Card:
    """The content lines of one card, with Apple's item-group labels resolved."""

    def __init__(self, lines: list[ContentLine]) -> None:
        self.lines = lines
        self.labels = {
            (cl.group or "").lower(): unescape(cl.value)
            for cl in lines
            if cl.name == "X-ABLABEL" and cl.group
        }

    def named(self, *names: str) -> list[ContentLine]:
        return [cl for cl in self.lines if cl.name in names]

    def first_text(self, name: str) -> str | None:
        for line in self.named(name):
            text = unescape(line.value)
            if text:
                return text
        return None

    def first_parts(self, name: str) -> list[str]:
        for line in self.named(name):
            parts = split_escaped(line.value, ";")
            if any(parts):
                return parts
        return []

    def label_of(self, line: ContentLine) -> str | None:
        return clean_label(self.labels.get((line.group or "").lower()))


def _person_from_card(c: _Card, raw: RawCard, region: str | None) -> PersonRecord | None:
    n = [*c.first_parts("N"), "", "", "", "", ""][:5]
    org = c.first_parts("ORG")
    person = PersonRecord(
        name="",
        given_name=n[1] or None,
        family_name=n[0] or None,
        nickname=c.first_text("NICKNAME"),
        org=(org[0] or None) if org else None,
        title=c.first_text("TITLE"),
        department=" / ".join(p for p in org[1:] if p) or None,
        uid=c.first_text("UID"),
        source="vcard",
    )
    _read_contact_points(c, person, region)
    person.tags = split_tags(
        [t for cl in c.named("CATEGORIES") for t in split_escaped(cl.value, ",")]
    )
    notes = [n for n in (unescape(cl.value) for cl in c.named("NOTE")) if n]
    _read_dates(c, person, notes)
    _read_relations(c, person)
    _read_group(c, person)
    # Apple's item1.X-ABADR:ch beside an address: its country's code, whatever the ADR says
    person.country_code = next(
        (v for v in (unescape(x.value).strip() for x in c.named("X-ABADR")) if v), None
    )
    person.is_org = is_company_card(c.first_text("KIND"), c.first_text("X-ABSHOWAS"))
    _read_meeting(c, person)
    person.photo = photo_data_uri(raw)
    person.notes = "\n\n".join(notes) or None
    person.name = (person.is_org and person.org) or _display_name(c, person, n)
    return person if person.name else None


def is_company_card(kind: str | None, show_as: str | None) -> bool:
    """A vCard 4.0 ``KIND:org`` card, or Apple's company card (``X-ABShowAs:COMPANY``)."""
    return (kind or "").strip().lower() == "org" or (show_as or "").strip().upper() == "COMPANY"


def _display_name(c: _Card, person: PersonRecord, n: list[str]) -> str:
    full = c.first_text("FN")
    if full:
        return full
    prefix_given_additional_family_suffix = (n[3], n[1], n[2], n[0], n[4])
    built = joined_name(*prefix_given_additional_family_suffix)
    if built:
        return built
    for fallback in (person.nickname, person.org):
        if fallback:
            return fallback
    return person.emails[0].value if person.emails else ""


def _read_contact_points(c: _Card, person: PersonRecord, region: str | None) -> None:
    for line in c.lines:
        name = line.name
        if name not in _POINT_PROPERTIES:
            continue
        label, primary = c.label_of(line), _is_preferred(line)
        text = unescape(line.value)
        if name == "EMAIL":
            point = email_point(text, label or _type_label(line, "email"), is_primary=primary)
            _append(person.emails, point)
        elif name == "TEL":
            point = phone_point(text, label or _type_label(line, "phone"),
                                default_region=region, is_primary=primary)  # fmt: skip
            _append(person.phones, point)
        elif name == "URL":
            point = simple_point("url", text, label or _type_label(line, "url"), is_primary=primary)
            _append(person.urls, point)
        elif name == "ADR":
            point = address_from_parts(split_escaped(line.value, ";"),
                                       label or _type_label(line, "address"), is_primary=primary)  # fmt: skip
            _append(person.addresses, point)
        elif name == "X-SOCIALPROFILE":
            types = _types(line)
            service = types[0] if types else None
            point = simple_point("social", text, label, service=service, is_primary=primary)
            _append(person.socials, point)
        else:
            _append(person.impps, _impp_point(line, text, label, primary))


def _append(points: list[ContactPoint], point: ContactPoint | None) -> None:
    if point is not None and all(p.normalized != point.normalized for p in points):
        points.append(point)


def _impp_point(
    line: ContentLine, text: str, label: str | None, primary: bool
) -> ContactPoint | None:
    service = _IM_SERVICES.get(line.name)
    if service is None:
        declared = line.param_values("X-SERVICE-TYPE")
        scheme = text.split(":", 1)[0] if ":" in text else None
        service = (declared[0].lower() if declared else scheme) or None
    return simple_point("impp", text, label or _type_label(line, "impp"), service=service,
                        is_primary=primary)  # fmt: skip


def address_from_parts(
    parts: list[str], label: str | None, *, is_primary: bool = False
) -> ContactPoint | None:
    """An address point: ``value`` is readable, ``normalized`` keeps the 7 ADR components."""
    parts = [p.strip() for p in [*parts, "", "", "", "", "", "", ""][:7]]
    readable = ", ".join(p.replace("\n", ", ") for p in parts if p)
    if not readable:
        return None
    structured = ";".join(p.replace("\\", "\\\\").replace(";", "\\;") for p in parts)
    return ContactPoint("address", readable, label, structured, is_primary=is_primary)


def _types(line: ContentLine) -> list[str]:
    return [t.lower() for t in line.param_values("TYPE")]


def _is_preferred(line: ContentLine) -> bool:
    return "pref" in _types(line) or "PREF" in line.params


def _type_label(line: ContentLine, kind: str) -> str | None:
    words: list[str] = []
    for t in _types(line):
        word = _TYPE_WORDS.get(t, t)
        if t not in _IGNORED_TYPES[kind] and word not in words:
            words.append(word)
    return " ".join(words) or None


def _read_dates(c: _Card, person: PersonRecord, notes: list[str]) -> None:
    for line in c.named("BDAY"):
        when = _line_date(line)
        if when is None:
            text = unescape(line.value)
            if text and person.birthday is None:
                notes.append(f"Birthday: {text}")
        elif person.birthday is None:
            person.birthday = when
    for line in c.named(*_ANNIVERSARY_PROPERTIES):
        when = _line_date(line)
        if when is not None and person.anniversary is None:
            person.anniversary = when
    for line in c.named("X-ABDATE"):
        when, label = _line_date(line), c.label_of(line)
        if when is None:
            continue
        if label == "anniversary":
            person.anniversary = person.anniversary or when
        elif not any(d.when == when and d.label == label for d in person.dates):
            person.dates.append(ImportantDate("custom", when, label))


def _line_date(line: ContentLine) -> PartialDate | None:
    omit = line.param_values("X-APPLE-OMIT-YEAR")
    omit_year = int(omit[0]) if omit and omit[0].isdigit() else None
    return partial_date(unescape(line.value), omit_year=omit_year)


def _read_relations(c: _Card, person: PersonRecord) -> None:
    for line in c.lines:
        name = line.name
        if name == "RELATED":
            kind = (_types(line) or ["related"])[0]
        elif name == "X-ABRELATEDNAMES":
            kind = c.label_of(line) or "related"
        elif name in _RELATION_PROPERTIES:
            kind = _RELATION_PROPERTIES[name]
        else:
            continue
        value = unescape(line.value)
        relation = Relation(kind.lower(), value)
        if value and relation not in person.related:
            person.related.append(relation)


def _read_group(c: _Card, person: PersonRecord) -> None:
    kind = (c.first_text("KIND") or c.first_text("X-ADDRESSBOOKSERVER-KIND") or "").lower()
    person.is_group = kind == "group"
    if person.is_group:
        members = [unescape(m.value) for m in c.named("MEMBER", "X-ADDRESSBOOKSERVER-MEMBER")]
        person.members = [m for m in members if m]  # as the card has them (urn:uuid:...)


def _read_meeting(c: _Card, person: PersonRecord) -> None:
    met_on = c.first_text("X-AMITY-MET-ON")
    when = partial_date(met_on) if met_on else None
    person.met_on = when.to_date() if when else None
    person.how_met = c.first_text("X-AMITY-HOW-MET")


def photo_data_uri(raw: RawCard) -> str | None:
    """The first PHOTO as a ``data:`` URI (inline base64 becomes one) or as its URL."""
    for line in raw.lines:
        if line.name != "PHOTO":
            continue
        value = unescape(line.value)
        if not value:
            continue
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value) and not _is_inline(line):
            return value
        data = re.sub(r"\s+", "", value)
        try:
            base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            continue
        return f"data:{_photo_mime(line)};base64,{data}"
    return None


def _is_inline(line: ContentLine) -> bool:
    encoding = {v.lower() for v in line.param_values("ENCODING")}
    return bool(encoding & {"b", "base64"}) or "BASE64" in {
        t.upper() for t in line.param_values("TYPE")
    }


def _photo_mime(line: ContentLine) -> str:
    for value in [*line.param_values("TYPE"), *line.param_values("MEDIATYPE")]:
        kind = value.lower()
        if "/" in kind:
            return kind
        if kind not in {"base64", "b"}:
            return f"image/{kind}"
    return "image/jpeg"


# --- writing ---------------------------------------------------------------------------


def write_vcards(people: list[PersonRecord], version: str = "3.0") -> str:
    """One vCard text holding every person, in the given order; RFC-folded, deterministic."""
    return "".join(write_vcard(p, version) for p in people)


def write_vcard(person: PersonRecord, version: str = "3.0") -> str:
    if version not in {"3.0", "4.0"}:
        raise ValueError(f"vCard version {version!r} is not 3.0 or 4.0")
    writer = _CardWriter(version)
    writer.add_identity(person)
    writer.add_points(person)
    writer.add_dates(person)
    writer.add_relations(person)
    writer.add_group(person)
    return writer.serialize()


class _CardWriter:
    def __init__(self, version: str) -> None:
        self.version = version
        self.card = vobject.vCard()
        self.card.add("version").value = version
        self.items = 0

    @property
    def v4(self) -> bool:
        return self.version == "4.0"

    def add(self, name: str, value: Any, params: dict[str, list[str]] | None = None,
            group: str | None = None) -> Any:  # fmt: skip
        child = self.card.add(name)
        child.value = value
        for key, values in (params or {}).items():
            child.params[key] = values
        if group:
            child.group = group
        return child

    def next_group(self) -> str:
        self.items += 1
        return f"item{self.items}"

    def add_identity(self, p: PersonRecord) -> None:
        self.add("fn", p.name)
        self.add("n", vobject.vcard.Name(family=p.family_name or "", given=p.given_name or ""))
        if p.is_org:  # 4.0 says KIND:org; 3.0 readers know Apple's company flag
            self.add(*(("kind", "org") if self.v4 else ("x-abshowas", "COMPANY")))
        if p.uid:
            self.add("uid", p.uid)
        if p.nickname:
            self.add("nickname", p.nickname)
        if p.org:
            self.add("org", [p.org, *([p.department] if p.department else [])])
        if p.title:
            self.add("title", p.title)
        if p.tags:
            self.add("categories", list(p.tags))
        if p.notes:
            self.add("note", p.notes)
        if p.photo:
            self.add_photo(p.photo)
        if p.met_on:
            self.add("x-amity-met-on", p.met_on.isoformat())
        if p.how_met:
            self.add("x-amity-how-met", p.how_met)

    def add_photo(self, photo: str) -> None:
        match = re.match(r"^data:([^;,]+);base64,(.*)$", photo, re.DOTALL)
        if match and not self.v4:
            kind = match.group(1).split("/")[-1].upper()
            child = self.add("photo", "", {"ENCODING": ["b"], "TYPE": [kind]})
            child.value = base64.b64decode(match.group(2))
        elif match or self.v4:
            self.add("photo", photo)
        else:
            self.add("photo", photo, {"VALUE": ["uri"]})

    def add_points(self, p: PersonRecord) -> None:
        for point in p.emails:
            self.add_point("email", "email", point, point.value)
        for point in p.phones:
            self.add_point("tel", "phone", point, point.value)
        for point in p.urls:
            self.add_point("url", "url", point, point.value)
        for point in p.addresses:
            self.add_point("adr", "address", point, _address_value(point))
        for point in p.socials:
            params = {"TYPE": [point.service]} if point.service else {}
            self.add_labelled("x-socialprofile", point.value, params, point.label,
                              point.is_primary)  # fmt: skip
        for point in p.impps:
            params = {"X-SERVICE-TYPE": [point.service]} if point.service else {}
            self.add_point("impp", "impp", point, point.value, params)

    def add_point(self, name: str, kind: str, point: ContactPoint, value: Any,
                  params: dict[str, list[str]] | None = None) -> None:  # fmt: skip
        params = dict(params or {})
        types = _types_for_label(kind, point.label)
        label = point.label if types is None else None
        if types:
            params["TYPE"] = types
        self.add_labelled(name, value, params, label, point.is_primary)

    def add_labelled(self, name: str, value: Any, params: dict[str, list[str]],
                     label: str | None, primary: bool) -> None:  # fmt: skip
        if primary and self.v4:
            params["PREF"] = ["1"]
        elif primary:
            params["TYPE"] = [*params.get("TYPE", []), "pref"]
        group = self.next_group() if label else None
        self.add(name, value, params, group)
        if group:
            self.add("x-ablabel", label, group=group)

    def add_dates(self, p: PersonRecord) -> None:
        if p.birthday:
            self.add_date("bday", p.birthday)
        if p.anniversary:
            self.add_date("anniversary" if self.v4 else "x-anniversary", p.anniversary)
        for important in p.dates:
            group = self.next_group()
            self.add_date("x-abdate", important.when, group)
            if important.label:
                self.add("x-ablabel", important.label, group=group)

    def add_date(self, name: str, when: PartialDate, group: str | None = None) -> None:
        if when.year is not None:
            self.add(name, str(when), group=group)
        elif self.v4:
            self.add(name, f"--{when.month:02d}{when.day:02d}", group=group)
        else:
            text = f"{APPLE_NO_YEAR}-{when.month:02d}-{when.day:02d}"
            self.add(name, text, {"X-APPLE-OMIT-YEAR": [str(APPLE_NO_YEAR)]}, group)

    def add_relations(self, p: PersonRecord) -> None:
        for relation in p.related:
            if self.v4:
                params = {"VALUE": ["text"]}
                if relation.kind != "related":
                    params["TYPE"] = [relation.kind]
                self.add("related", relation.name, params)
            else:
                group = self.next_group()
                self.add("x-abrelatednames", relation.name, group=group)
                if relation.kind != "related":
                    self.add("x-ablabel", relation.kind, group=group)

    def add_group(self, p: PersonRecord) -> None:
        if not p.is_group:
            return
        kind_name, member_name = (
            ("kind", "member") if self.v4
            else ("x-addressbookserver-kind", "x-addressbookserver-member")
        )  # fmt: skip
        self.add(kind_name, "group")
        for member in p.members:
            self.add(member_name, member if ":" in member else _URN_UUID + member)

    def serialize(self) -> str:
        return str(self.card.serialize())


def _address_value(point: ContactPoint) -> Any:
    parts = _split_escaped(point.normalized) if point.normalized else []
    if len(parts) != 7:
        parts = ["", "", point.value, "", "", "", ""]
    box, extended, street, city, region, code, country = parts
    return vobject.vcard.Address(street=street, city=city, region=region, code=code,
                                 country=country, box=box, extended=extended)  # fmt: skip


def _split_escaped(text: str) -> list[str]:
    parts, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ";":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _types_for_label(kind: str, label: str | None) -> list[str] | None:
    """TYPE values that read back as ``label``; None when it needs an X-ABLabel instead."""
    if label is None:
        return []
    words = label.split(" ")
    if not words or any(w not in _STANDARD_TYPES[kind] for w in words):
        return None
    if len(set(words)) != len(words):
        return None
    reverse = {v: k for k, v in _TYPE_WORDS.items() if k != v}
    return [reverse.get(w, w) for w in words]
