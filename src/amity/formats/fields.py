"""Record fields from file values, shared by every reader: contact points, labels, dates,
tags, names. (The canonical forms of what people type, and the keys that match them, are
``amity.rules.normalize``; the import re-keys contact points with those.)"""

from __future__ import annotations

import re

from amity.model import ContactPoint, PartialDate

#: Apple's placeholder year for "year unknown" (``1604-04-15``, ``BDAY:16040101``).
APPLE_NO_YEAR = 1604

_APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_DATE_PREFIX = re.compile(r"^\s*(\d{4}-?\d{2}-?\d{2}|--\d{2}-?\d{2})")
_SYSTEM_TAGS = {"mycontacts", "my contacts"}


def clean_label(label: str | None) -> str | None:
    """``_$!<AssistantPhone>!$_`` -> ``assistant phone``; custom labels are kept as written."""
    if label is None:
        return None
    text = label.strip()
    apple = _APPLE_LABEL.match(text)
    if apple:
        text = _CAMEL.sub(" ", apple.group(1)).lower()
    return text or None


def email_point(
    value: str, label: str | None = None, *, is_primary: bool = False
) -> ContactPoint | None:
    text = value.strip().removeprefix("mailto:").removeprefix("MAILTO:").strip()
    if not text:
        return None
    return ContactPoint("email", text, label, text.lower(), is_primary=is_primary)


def _phone_point_key(text: str, default_region: str | None) -> str:
    """E.164 when the number parses for ``default_region``, else the original text."""
    import phonenumbers

    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_possible_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return text.strip()


def phone_point(
    value: str,
    label: str | None = None,
    *,
    default_region: str | None = None,
    is_primary: bool = False,
) -> ContactPoint | None:
    text = value.strip().removeprefix("tel:").strip()
    if not text:
        return None
    return ContactPoint(
        "phone", text, label, _phone_point_key(text, default_region), is_primary=is_primary
    )


def simple_point(
    kind: str,
    value: str,
    label: str | None = None,
    *,
    service: str | None = None,
    is_primary: bool = False,
) -> ContactPoint | None:
    text = value.strip()
    if not text:
        return None
    return ContactPoint(
        kind,
        text,
        label,
        text.lower() if kind != "address" else text,
        service=service,
        is_primary=is_primary,
    )


def partial_date(text: str, *, omit_year: int | None = None) -> PartialDate | None:
    """A birthday-like date from ``1990-04-15``, ``19900415``, ``--0415``, ``--04-15``,
    ``2019-02-10T00:00:33`` or Apple's ``1604-04-15``; None when it is not a date."""
    match = _DATE_PREFIX.match(text)
    if not match:
        return None
    try:
        value = PartialDate.parse(match.group(1))
    except ValueError:
        return None
    if value.year is not None and value.year in {APPLE_NO_YEAR, omit_year}:
        return PartialDate(value.month, value.day, None)
    return value


def split_tags(values: list[str]) -> list[str]:
    """Tags without blanks, duplicates or address-book system groups (``* myContacts``).

    Commas always separate tags (Thunderbird escapes the commas between its categories).
    """
    tags: list[str] = []
    for value in (part for v in values for part in v.split(",")):
        tag = " ".join(value.split()).removeprefix("* ")
        if tag and tag.casefold() not in _SYSTEM_TAGS and tag not in tags:
            tags.append(tag)
    return tags


def joined_name(*parts: str | None) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())
