"""The text of a message's body part, as far as the mail sync reads it: a snippet (the first
characters of the text body) and, for capture by mail, the original sender and recipients of
a forwarded message. Bytes in, text out; the part was chosen and cut by the IMAP source.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re

from amity.formats.mail import Headers, addresses

SNIPPET_CHARS = 500
_TAG = re.compile(r"<[^>]{0,2000}>")
_FORWARD_MARK = re.compile(
    r"^\s*(?:-{2,}\s*(?:forwarded message|original message|weitergeleitete nachricht|"
    r"message transféré|mensaje reenviado)\s*-{2,}|begin forwarded message:)\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_ENTITIES = {"&nbsp;": " ", "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'"}


def body_text(data: bytes, encoding: str | None = None, charset: str | None = None, *,
              html: bool = False) -> str:  # fmt: skip
    """A body part's bytes decoded (transfer encoding, then charset); a part cut short in
    the middle of a base64 group or a multi-byte character loses only that tail."""
    raw = _transfer_decoded(data, (encoding or "7bit").strip().lower())
    text = _charset_decoded(raw, (charset or "utf-8").strip().strip('"').lower())
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    if html:
        text = _TAG.sub(" ", text)
        for entity, char in _ENTITIES.items():
            text = text.replace(entity, char)
    return text


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str | None:
    """The first ``limit`` characters of the body, quoted replies and signatures left out and
    white space folded."""
    kept = []
    for line in text.split("\n"):
        if line.strip() == "--" or line.startswith("-- "):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    folded = " ".join(" ".join(kept).split())
    return folded[:limit] or None


def forwarded_people(text: str) -> list[tuple[str, str]]:
    """``(name, address)`` of the From, To and Cc of the message forwarded in ``text`` (the
    header block after a "Forwarded message" or "Original Message" line); empty when the
    text forwards nothing."""
    match = _FORWARD_MARK.search(text)
    if match is None:
        return []
    block: list[str] = []
    for line in text[match.end() :].lstrip("\n").split("\n")[:40]:
        clean = line.strip().lstrip(">").strip().replace("*", "")
        if not clean:
            if block:
                break
            continue
        block.append(clean)
    headers = Headers.parse("\n".join(block))
    found: list[tuple[str, str]] = []
    for name in ("From", "To", "Cc"):
        for pair in addresses(headers, name):
            if pair[1] not in {a for _, a in found}:
                found.append(pair)
    return found


def _transfer_decoded(data: bytes, encoding: str) -> bytes:
    if encoding == "base64":
        compact = re.sub(rb"[^A-Za-z0-9+/=]", b"", data)
        compact = compact[: len(compact) - len(compact) % 4]
        try:
            return base64.b64decode(compact)
        except (binascii.Error, ValueError):
            return b""
    if encoding == "quoted-printable":
        return quopri.decodestring(data)
    return data


def _charset_decoded(raw: bytes, charset: str) -> str:
    for name in (charset, "utf-8"):
        try:
            return raw.decode(name, errors="strict")
        except LookupError:
            continue
        except UnicodeDecodeError as exc:
            if exc.start >= len(raw) - 4:  # cut in the middle of a character
                return raw[: exc.start].decode(name, errors="replace")
            continue
    return raw.decode("cp1252", errors="replace")
