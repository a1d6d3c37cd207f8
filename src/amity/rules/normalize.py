"""Normalising what people type: e-mail addresses, phone numbers, tags, cadences."""

from __future__ import annotations

import re
from functools import lru_cache

_CADENCE = re.compile(r"^\s*(\d+)\s*([dwmy]?)\s*$", re.IGNORECASE)
_UNIT_DAYS = {"": 1, "d": 1, "w": 7, "m": 30, "y": 365}


class NormalizeError(ValueError):
    """A value that cannot be normalised; the message says why, in one line."""


def normalize_email(value: str) -> str:
    """A syntactically valid address, with its domain lower-cased; raises NormalizeError.

    No DNS look-up: Amity works offline.
    """
    from email_validator import EmailNotValidError, validate_email

    text = value.strip()
    try:
        result = validate_email(text, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError as exc:
        raise NormalizeError(f"{text!r} is not a valid e-mail address: {exc}") from None
    return str(result.normalized)


def email_problem(value: str) -> str | None:
    """Why ``value`` is not an e-mail address (one sentence), or None when it is one.

    The same check as `normalize_email`: an Exchange X.500 address (``/o=ExchangeLabs/...``),
    a display name with brackets or a bare name is not an address.
    """
    return _email_problem(value.strip())


@lru_cache(maxsize=65536)  # an import checks each card's addresses twice (read, then planned)
def _email_problem(text: str) -> str | None:
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(text, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError as exc:
        return str(exc)
    return None


def email_key(value: str) -> str:
    """The form used to match addresses: the whole address lower-cased."""
    return value.strip().lower()


def normalize_phone(value: str, region: str | None = "US", *more: str | None) -> str:
    """E.164 (``+14155550123``). A number without its country code is read with each region
    in turn (a person's country, then the book's region): the first where it is a valid
    number wins, else the first where it is at least possible; none: a message naming it."""
    import phonenumbers

    text = value.strip()
    regions = list(dict.fromkeys(r.upper() for r in (region, *more) if r))
    if text.startswith("+") or not regions:
        regions = regions[:1] or [None]  # type: ignore[list-item]
    numbers = []
    for code in regions:
        try:
            numbers.append(phonenumbers.parse(text, code))
        except phonenumbers.NumberParseException as exc:
            if code is None or text.startswith("+"):
                raise NormalizeError(f"{text!r} is not a phone number: {exc}") from None
    chosen = next((n for n in numbers if phonenumbers.is_valid_number(n)), None) or next(
        (n for n in numbers if phonenumbers.is_possible_number(n)), None
    )
    if chosen is None:
        where = " or ".join(r for r in regions if r) or "any region"
        raise NormalizeError(
            f"{text!r} is not a possible phone number for {where}: write it with its "
            "country code (+44 ...), or set the person's country"
        )
    return phonenumbers.format_number(chosen, phonenumbers.PhoneNumberFormat.E164)


_COUNTRY_ALIASES = {"UK": "GB", "ENGLAND": "GB", "SCOTLAND": "GB", "WALES": "GB", "USA": "US"}


def normalize_country(value: str) -> str:
    """ISO 3166 alpha-2 (``GB``) from a code (``gb``, ``UK``) or an English name (``United
    Kingdom``, ``Switzerland``), as vCard ADR and CSV country fields carry them."""
    from babel import Locale

    text = " ".join(value.strip().split())
    territories = Locale.parse("en").territories
    code = _COUNTRY_ALIASES.get(text.upper(), text.upper())
    if len(code) == 2 and code.isalpha() and code in territories:
        return code
    folded = text.casefold()
    for key, name in territories.items():
        if len(key) == 2 and key.isalpha() and name.casefold() == folded:
            return str(key)
    raise NormalizeError(f"{text!r} is not a country (a code such as GB or a name)")


def phone_key(value: str, region: str | None = "US", *more: str | None) -> str:
    """E.164 when the number parses, else its digits: the form used to match phones."""
    try:
        return normalize_phone(value, region, *more)
    except NormalizeError:
        return re.sub(r"\D", "", value)


def normalize_tag(value: str) -> str:
    tag = " ".join(value.strip().split()).lower()
    if not tag:
        raise NormalizeError("a tag cannot be empty")
    if len(tag) > 100:
        raise NormalizeError("a tag is at most 100 characters")
    return tag


def parse_cadence(value: str) -> int:
    """Days from ``30``, ``30d``, ``6w``, ``3m``, ``1y``; ``never`` is 0."""
    text = value.strip().lower()
    if text in {"never", "0", "off", "none"}:
        return 0
    match = _CADENCE.match(text)
    if not match:
        raise NormalizeError(f"{value!r} is not a cadence like 30d, 6w, 3m, 1y or never")
    days = int(match.group(1)) * _UNIT_DAYS[match.group(2).lower()]
    if not 1 <= days <= 3650:
        raise NormalizeError(f"a cadence is between 1 day and 10 years, not {days} days")
    return days


def format_cadence(days: int | None) -> str:
    if days is None:
        return "-"
    if days == 0:
        return "never"
    if days % 7 == 0 and days < 70:
        return f"{days // 7}w"
    return f"{days}d"
