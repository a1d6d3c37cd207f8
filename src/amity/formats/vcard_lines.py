"""Reading vCard files into cards of clean content lines, before vobject sees them.

vobject alone chokes on real files: vCard 2.1 QUOTED-PRINTABLE soft line breaks, raw 8-bit
bytes in any charset, UTF-16 files without a BOM, missing ``END:VCARD``, and its content-line
regex is exponential on long parameter lists without a ``:``. So this module:

- decodes the file (BOM, UTF-16 without BOM, else each line as UTF-8, its CHARSET, or cp1252),
- splits it into cards itself (each with the line it starts on),
- unfolds lines and joins QUOTED-PRINTABLE soft breaks, decoding QP values,
- splits each content line at the first unquoted ``:`` (RFC 6350 3.3) and rebuilds it in a
  canonical form, dropping lines that have no ``:``, a malformed name or an absurd parameter
  list, so vobject only ever gets well-formed lines.
"""

from __future__ import annotations

import binascii
import codecs
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from amity.formats.records import Source, open_binary

#: More parameters (or parameter values) than this on one line is not a real vCard.
MAX_PARAMETERS = 64
MAX_PARAMETER_BYTES = 4096

_NAME = re.compile(r"^(?:([A-Za-z0-9-]+)\.)?([A-Za-z0-9-]+)$")
#: A line that starts a new property, even right after a QP value that wrongly ends in "=".
_PROPERTY_START = re.compile(
    rb"^(?:[A-Za-z0-9-]+\.)?(?:X-[A-Za-z0-9-]+|BEGIN|END|VERSION|N|FN|NICKNAME|PHOTO|BDAY|ADR"
    rb"|LABEL|TEL|EMAIL|MAILER|TZ|GEO|TITLE|ROLE|LOGO|AGENT|ORG|NOTE|REV|SOUND|URL|UID|KEY"
    rb"|CATEGORIES|CLASS|PRODID|SORT-STRING|IMPP|KIND|MEMBER|RELATED|ANNIVERSARY)[;:]",
    re.IGNORECASE,
)
_PARAM_KEY = re.compile(r"^[A-Za-z0-9-]+$")
_UNSAFE_PARAM = re.compile(r'[\x00-\x1f\x7f"]')
_NEEDS_QUOTES = re.compile(r"[;:,]")


@dataclass
class ContentLine:
    """One unfolded, decoded property: ``group.NAME;KEY=v1,v2:value``."""

    name: str
    value: str
    group: str | None = None
    params: dict[str, list[str]] = field(default_factory=dict)

    def param_values(self, key: str) -> list[str]:
        return self.params.get(key, [])

    def serialize(self) -> str:
        head = f"{self.group}.{self.name}" if self.group else self.name
        parts = [head]
        for key, values in self.params.items():
            cleaned = [_UNSAFE_PARAM.sub("", v) for v in values]
            quoted = [f'"{v}"' if _NEEDS_QUOTES.search(v) else v for v in cleaned]
            parts.append(f"{key}={','.join(quoted)}" if quoted else key)
        return ";".join(parts) + ":" + self.value


@dataclass
class RawCard:
    """The content lines of one card and the 1-based line where its BEGIN:VCARD is."""

    line: int
    lines: list[ContentLine] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    complete: bool = True

    def first(self, name: str) -> ContentLine | None:
        return next((cl for cl in self.lines if cl.name == name), None)


class UnusableLine(ValueError):
    """A content line that cannot be handed to vobject safely."""


def read_raw_cards(source: Source) -> Iterator[RawCard]:
    """Split a vCard file into cards of decoded content lines, one card at a time."""
    with _closing(source) as stream:
        yield from _cards_from_lines(_physical_lines(stream))


def _closing(source: Source):  # type: ignore[no-untyped-def]
    import contextlib

    stream = open_binary(source)
    if stream is source:
        return contextlib.nullcontext(stream)
    return contextlib.closing(stream)


def _physical_lines(stream) -> Iterator[tuple[int, bytes]]:  # type: ignore[no-untyped-def]
    """Numbered lines as bytes without their line ending; UTF-16 files are made UTF-8."""
    head = stream.read(4096)
    encoding = _wide_encoding(head)
    if encoding:
        text = (head + stream.read()).decode(encoding, errors="replace").lstrip("\ufeff")
        lines: Iterable[bytes] = (t.encode("utf-8") for t in text.splitlines())
    else:
        if head.startswith(codecs.BOM_UTF8):
            head = head[len(codecs.BOM_UTF8) :]
        lines = _split_stream(head, stream)
    for number, raw in enumerate(lines, start=1):
        yield number, raw.rstrip(b"\r\n")


def _split_stream(head: bytes, stream) -> Iterator[bytes]:  # type: ignore[no-untyped-def]
    *complete, rest = head.split(b"\n")
    yield from complete
    for chunk in iter(lambda: stream.read(1 << 16), b""):
        *complete, rest = (rest + chunk).split(b"\n")
        yield from complete
    if rest:
        yield rest


def _wide_encoding(head: bytes) -> str | None:
    """UTF-16/32 by BOM, or UTF-16 without a BOM by where the NUL bytes are."""
    for bom, name in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if head.startswith(bom):
            return name
    sample = head[:512]
    if len(sample) >= 4 and sample.count(0) * 3 >= len(sample):
        even_nuls = sample[0::2].count(0)
        odd_nuls = sample[1::2].count(0)
        return "utf-16-be" if even_nuls > odd_nuls else "utf-16-le"
    return None


class _Logical:
    """One logical line being unfolded: its pieces are joined once, at the end (appending to
    a bytes object per continuation line made unfolding quadratic)."""

    __slots__ = ("head_bytes", "number", "pieces", "qp")

    def __init__(self, number: int, raw: bytes) -> None:
        self.number = number
        self.pieces = [raw]
        self.qp: bool | None = None  # decided once the head (up to the first ':') is known
        self.head_bytes = 0
        self._see(raw)

    def add(self, raw: bytes) -> None:
        if not raw:
            return
        self.pieces.append(raw)
        self._see(raw)

    def _see(self, piece: bytes) -> None:
        """Find the head's end in the new piece only, so each byte is looked at once."""
        if self.qp is not None:
            return
        colon = piece.find(b":")
        self.head_bytes += len(piece) if colon < 0 else colon
        if colon >= 0:
            self.qp = _is_quoted_printable(b"".join(self.pieces))
        elif self.head_bytes > MAX_PARAMETER_BYTES:
            self.qp = False  # an absurd head: the line is dropped later anyway

    def soft_break(self) -> bool:
        """A QUOTED-PRINTABLE value ending in ``=`` continues on the next physical line."""
        return bool(self.qp) and self.pieces[-1].endswith(b"=")

    def join_soft_break(self, raw: bytes) -> None:
        self.pieces[-1] = self.pieces[-1][:-1]
        self.add(raw)

    def text(self) -> bytes:
        return b"".join(self.pieces)


def _cards_from_lines(lines: Iterable[tuple[int, bytes]]) -> Iterator[RawCard]:
    card: RawCard | None = None
    logical: list[_Logical] = []
    for number, raw in lines:
        upper = raw.strip().upper()
        if upper == b"BEGIN:VCARD":
            if card is not None:
                card.complete = False
                yield _finish(card, logical)
            card, logical = RawCard(number), []
        elif card is None:
            continue
        elif upper == b"END:VCARD":
            yield _finish(card, logical)
            card, logical = None, []
        else:
            _add_physical_line(logical, number, raw)
    if card is not None:
        card.complete = False
        yield _finish(card, logical)


def _add_physical_line(logical: list[_Logical], number: int, raw: bytes) -> None:
    """Unfold continuation lines and join QUOTED-PRINTABLE soft line breaks (linear time:
    every physical line is looked at once, and pieces are joined once per logical line)."""
    if not raw.strip():
        return
    if logical:
        previous = logical[-1]
        if raw[:1] in (b" ", b"\t"):
            previous.add(raw[1:])
            return
        if previous.soft_break() and not _PROPERTY_START.match(raw):
            previous.join_soft_break(raw)
            return
    logical.append(_Logical(number, raw))


def _is_quoted_printable(raw: bytes) -> bool:
    colon = raw.find(b":")
    return colon >= 0 and b"QUOTED-PRINTABLE" in raw[:colon].upper()


def _finish(card: RawCard, logical: list[_Logical]) -> RawCard:
    for line in logical:
        try:
            card.lines.append(parse_content_line(line.text()))
        except UnusableLine as exc:
            card.dropped.append(str(exc))
    return card


def parse_content_line(raw: bytes) -> ContentLine:
    """Split ``group.NAME;params:value`` at the first unquoted colon; decode QP and charsets."""
    colon = _first_unquoted_colon(raw)
    if colon < 0:
        raise UnusableLine(f"no ':' in {raw[:40]!r}")
    head, value_bytes = raw[:colon], raw[colon + 1 :]
    if len(head) > MAX_PARAMETER_BYTES or head.count(b";") + head.count(b",") > MAX_PARAMETERS:
        raise UnusableLine(f"absurd parameter list in {head[:40]!r}")
    head_text = _decode(head, None)
    name_part, *param_parts = _split_unquoted(head_text, ";")
    name_match = _NAME.match(name_part.strip())
    if not name_match:
        raise UnusableLine(f"malformed property name {name_part[:40]!r}")
    params = _parse_params(param_parts)
    encoding = [v.upper() for v in params.pop("ENCODING", [])]
    charsets = params.pop("CHARSET", [])
    charset = charsets[0] if charsets else None
    if "QUOTED-PRINTABLE" in encoding or _pop_bare(params, "QUOTED-PRINTABLE"):
        decoded = _decode(binascii.a2b_qp(value_bytes), charset)
        value = decoded.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    else:
        value = _decode(value_bytes, charset)
        if encoding:
            params["ENCODING"] = encoding
    group, name = name_match.groups()
    return ContentLine(name.upper(), value, group, params)


def _first_unquoted_colon(raw: bytes) -> int:
    """The first ':' outside double quotes, in one pass (counting the quotes before each
    candidate from the start again was quadratic on lines full of quoted colons)."""
    quotes = 0
    start = 0
    while True:
        colon = raw.find(b":", start)
        if colon < 0:
            return -1
        quotes += raw.count(b'"', start, colon)
        if quotes % 2 == 0:
            return colon
        start = colon + 1


def _split_unquoted(text: str, separator: str) -> list[str]:
    if '"' not in text:
        return text.split(separator)
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == separator and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _parse_params(parts: list[str]) -> dict[str, list[str]]:
    """``TYPE=a,b`` / ``TYPE="a,b"`` / bare 2.1 ``WORK`` (a TYPE) into upper-case keys."""
    params: dict[str, list[str]] = {}
    for part in parts:
        key, equals, raw_value = part.partition("=")
        key = key.strip().upper()
        if not equals:
            key, raw_value = "TYPE", key
        if not _PARAM_KEY.match(key):
            continue
        values = [v.strip().strip('"').strip() for v in _split_unquoted(raw_value, ",")]
        if key == "TYPE":  # vCard 4.0 writes TYPE="voice,cell"
            values = [t.strip() for v in values for t in v.split(",")]
        params.setdefault(key, []).extend(v for v in values if v)
    return params


def _pop_bare(params: dict[str, list[str]], word: str) -> bool:
    types = params.get("TYPE", [])
    hits = [t for t in types if t.upper() == word]
    if hits:
        params["TYPE"] = [t for t in types if t.upper() != word]
    return bool(hits)


def _decode(data: bytes, charset: str | None) -> str:
    """The declared charset if it fits, else UTF-8 if valid, else Windows-1252."""
    if data.isascii():
        return data.decode("ascii")
    for encoding in (charset, "utf-8"):
        if not encoding:
            continue
        try:
            return data.decode(codecs.lookup(encoding).name)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", errors="replace")
