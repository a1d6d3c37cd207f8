"""How dates, phones and links read on the pages (issue 12, section 5): in the user's locale
(Babel), phones formatted (national in the book's region, international otherwise), links
only where they are web addresses. Jinja filters, registered by ``templating.py``; each reads
``locale`` and ``phone_region`` from the page's context (``display_context(book)``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from jinja2 import pass_context

from amity.model import PartialDate

DEFAULT_LOCALE = "en_GB"  # "15 April", as the issue asks; set `locale` to en_US for "April 15"


def display_context(book: Any) -> dict[str, Any]:
    """What the filters need from the book (one read of its settings): its locale, phone
    region, time zone and today in that zone."""
    from amity.rules.dates import local_today

    settings = book.settings.all()
    tz = settings.get("timezone") or "UTC"
    return {
        "locale": settings.get("locale") or DEFAULT_LOCALE,
        "phone_region": settings.get("phone.region") or "US",
        "timezone": tz,
        "today": local_today(book.now(), tz),
    }


def _locale(name: str | None) -> Any:
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse((name or DEFAULT_LOCALE).replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(DEFAULT_LOCALE)


def day_in_words(value: PartialDate | date | None, locale: str | None = None) -> str:
    """``15 April`` (a year-less date), ``15 April 1990`` (with its year), in ``locale``:
    ``April 15`` in en_US, ``15. April`` in de."""
    if value is None:
        return ""
    from babel.dates import format_date, format_skeleton

    loc = _locale(locale)
    if isinstance(value, PartialDate):
        if value.year is None:
            # 2000 is a leap year: 29 February reads as itself
            return str(format_skeleton("MMMMd", date(2000, value.month, value.day), locale=loc))
        value = date(value.year, value.month, value.day)
    return str(format_date(value, format="long", locale=loc))


def relative_day(value: date, today: date, locale: str | None = None) -> str:
    """``today``, ``yesterday``, ``tomorrow`` (in ``locale``: ``heute``, ``gestern``...);
    further away, the day in words: ``8 December`` this year, ``8 December 2025`` another."""
    loc = _locale(locale)
    delta = (value - today).days
    if -1 <= delta <= 1:
        words = loc._data["date_fields"]["day"]["relative"]
        if delta in words:
            return str(words[delta])
    if value.year == today.year:
        from babel.dates import format_skeleton

        return str(format_skeleton("MMMMd", value, locale=loc))
    return day_in_words(value, locale)


def moment_in_words(
    value: datetime | date | PartialDate | str | None,
    *,
    locale: str | None = None,
    today: date | None = None,
    tz: str | None = None,
) -> str:
    """A date or a moment as a person reads it (docs/display.md): ``today, 14:30``,
    ``yesterday``, ``8 December``, ``8 December 2025, 09:05``; a moment is shown in the
    book's time zone; ``today`` defaults to the date in that zone."""
    if value is None or value == "":
        return ""
    if isinstance(value, PartialDate):
        return day_in_words(value, locale)
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        from babel.dates import format_time

        from amity.rules.when import WhenError, zone

        try:
            zone_info = zone(tz or "UTC")
        except WhenError:
            zone_info = zone("UTC")
        local = value.astimezone(zone_info) if value.tzinfo else value
        ref = today or datetime.now(zone_info).date()
        time = format_time(local.time(), format="short", locale=_locale(locale))
        return f"{relative_day(local.date(), ref, locale)}, {time}"
    ref = today or date.today()
    return relative_day(value, ref, locale)


def full_day(value: date, locale: str | None = None) -> str:
    """``Saturday, 5 December 2026`` (the locale's full date: ``Samstag, 5. Dezember 2026``)."""
    from babel.dates import format_date

    return str(format_date(value, format="full", locale=_locale(locale)))


def country_choices(locale: str | None = None) -> list[tuple[str, str]]:
    """Every country as (ISO code, name in ``locale``), sorted by name, for a select."""
    names = _locale(locale).territories
    return sorted(
        ((code, str(name)) for code, name in names.items() if len(code) == 2 and code.isalpha()),
        key=lambda pair: pair[1].casefold(),
    )


def country_name(code: str | None, locale: str | None = None) -> str:
    """``United Kingdom`` for ``GB`` (in ``locale``); the code itself when unknown."""
    if not code:
        return ""
    return str(_locale(locale).territories.get(code.upper(), code))


def years_note(value: PartialDate | None, today: date | None, kind: str = "birthday") -> str:
    """``age 36`` for a birthday with its year, ``11 years`` for another date; else ""."""
    if value is None or value.year is None or today is None:
        return ""
    years = value.years_at(today) or 0
    if today < value.occurrence_in(today.year):
        years -= 1
    if years < 0:
        return ""
    if kind == "birthday":
        return f"age {years}"
    return f"{years} year{'' if years == 1 else 's'}"


def phone_for_display(value: str, region: str | None = None) -> str:
    """National format for a number of ``region``, international for any other."""
    import phonenumbers

    try:
        number = phonenumbers.parse(value, None if value.startswith("+") else region)
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_possible_number(number):
        return value
    same = region and phonenumbers.region_code_for_number(number) == region.upper()
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if same
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return str(phonenumbers.format_number(number, style))


def web_link(value: str) -> str | None:
    """An http(s) address to link to, or None: ``linkedin.com/in/ana`` gains ``https://``;
    other schemes (``javascript:``, ``data:``) are never links."""
    text = value.strip()
    lowered = text.lower()
    if lowered.startswith(("https://", "http://")):
        return text
    if ":" in text.split("/")[0] or " " in text or "." not in text.split("/")[0]:
        return None
    return "https://" + text


@pass_context
def _day_filter(ctx: Any, value: Any) -> str:
    return day_in_words(value, ctx.get("locale"))


@pass_context
def _when_filter(ctx: Any, value: Any) -> str:
    return moment_in_words(
        value, locale=ctx.get("locale"), today=ctx.get("today"), tz=ctx.get("timezone")
    )


@pass_context
def _full_day_filter(ctx: Any, value: Any) -> str:
    return full_day(value, ctx.get("locale")) if value else ""


@pass_context
def _country_filter(ctx: Any, value: str | None) -> str:
    return country_name(value, ctx.get("locale"))


@pass_context
def _phone_filter(ctx: Any, value: str) -> str:
    return phone_for_display(value, ctx.get("phone_region"))


@pass_context
def _years_filter(ctx: Any, value: Any, kind: str = "birthday") -> str:
    return years_note(value, ctx.get("today"), kind)


FILTERS = {
    "day": _day_filter,
    "when": _when_filter,
    "country": _country_filter,
    "full_day": _full_day_filter,
    "phone": _phone_filter,
    "years": _years_filter,
    "web_link": web_link,
}
