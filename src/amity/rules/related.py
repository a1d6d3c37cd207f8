"""Matching a related name from a card (vCard ``RELATED``, Apple ``X-ABRELATEDNAMES``, a CSV
"Relation" column) to a person: by UID (``urn:uuid:``), by e-mail (``mailto:`` or a bare
address) or by exact name (case and accents ignored). Pure: keys only, no store."""

from __future__ import annotations

import re
from collections.abc import Iterable

from amity.rules.text import fold

_URN_UUID = "urn:uuid:"
_MAILTO = "mailto:"
_ADDRESS = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")

# kinds that read the same from both ends: "Ana and Ben, married" whichever card said it
SYMMETRIC_KINDS = frozenset(
    {"colleague", "friend", "family", "spouse", "partner", "sibling", "related", "other"}
)


def related_key(value: str | None) -> str | None:
    """The key a related value is matched on: ``uid:...``, ``email:...`` or ``name:...``;
    None for an empty value."""
    text = (value or "").strip()
    if not text:
        return None
    low = text.lower()
    if low.startswith(_URN_UUID):
        rest = low[len(_URN_UUID) :].strip()
        return f"uid:{rest}"[:300] if rest else None
    if low.startswith(_MAILTO):
        rest = low[len(_MAILTO) :].strip()
        return f"email:{rest}"[:300] if rest else None
    if _ADDRESS.fullmatch(text):
        return f"email:{low}"[:300]
    folded = fold(text)
    return f"name:{folded}"[:300] if folded else None


def person_keys(name: str | None, uid: str | None, emails: Iterable[str]) -> list[str]:
    """Every key a person answers to (their UID, each address, their folded name)."""
    keys: list[str] = []
    if uid and uid.strip():
        bare = uid.strip().lower().removeprefix(_URN_UUID)
        keys.append(f"uid:{bare}"[:300])
    keys.extend(f"email:{e.strip().lower()}"[:300] for e in emails if e and e.strip())
    if name and fold(name):
        keys.append(f"name:{fold(name)}"[:300])
    return keys


def shown_name(value: str) -> str:
    """How a related value not (yet) in the book reads: the address of a ``mailto:``, the
    value otherwise (a ``urn:uuid:`` that matches no one reads "someone not in your book")."""
    text = value.strip()
    low = text.lower()
    if low.startswith(_MAILTO):
        return text[len(_MAILTO) :].strip()
    if low.startswith(_URN_UUID):
        return "someone not in your book"
    return text


def pair_key(a: int, b: int | None, kind: str, name: str) -> tuple[object, ...]:
    """Two rows saying the same thing share this key: a symmetric kind is one relationship
    whichever end recorded it."""
    if b is None:
        return (a, None, kind, fold(name))
    if kind in SYMMETRIC_KINDS:
        return (min(a, b), max(a, b), kind)
    return (a, b, kind)


__all__ = ["SYMMETRIC_KINDS", "pair_key", "person_keys", "related_key", "shown_name"]
