"""Organisations: the key that makes a name unique per book, and what an imported card adds
to an organisation already in the book (fills what is empty, adds what is missing, never
overwrites). Pure."""

from __future__ import annotations

from typing import Any

#: the fields an organisation holds, in the order they are shown
FIELDS = ("name", "website", "emails", "phones", "address", "notes")


def organisation_key(name: str) -> str:
    """``"  ACME   Corp "`` -> ``"acme corp"``: names differing only in case or spacing are one."""
    return " ".join(name.split()).casefold()


def what_a_card_adds(current: dict[str, Any], card: dict[str, Any]) -> dict[str, Any]:
    """The fields to write so that ``current`` holds what ``card`` knows: empty scalars are
    filled, list values the organisation lacks (compared case-insensitively) are appended.
    Empty when the card adds nothing (a re-import changes nothing)."""
    changes: dict[str, Any] = {}
    for name in ("website", "address", "notes", "uid"):
        value = card.get(name)
        if value and not current.get(name):
            changes[name] = value
    for name in ("emails", "phones"):
        have = list(current.get(name) or [])
        keys = {v.casefold() for v in have}
        extra = [v for v in card.get(name) or [] if v.casefold() not in keys]
        if extra:
            changes[name] = have + list(dict.fromkeys(extra))
    return changes
