"""Words for people to read: plurals, articles and counts, one rule for every door.

    >>> counted(1, "person"), counted(2, "person"), counted(3, "reply")
    ('1 person', '2 people', '3 replies')
    >>> with_article("email"), with_article("meeting"), with_article("hour")
    ('an email', 'a meeting', 'an hour')
    >>> count_label(1, "people_merged"), count_label(2, "people_new")
    ('1 person merged', '2 new people')

Pure: stdlib only, no locale (the app's copy is English).
"""

from __future__ import annotations

from datetime import date, timedelta

IRREGULAR = {
    "person": "people",
    "child": "children",
    "man": "men",
    "woman": "women",
    "is": "are",
    "was": "were",
    "has": "have",
    "this": "these",
}
SINGULAR = {plural: one for one, plural in IRREGULAR.items()}
UNCHANGED = {"series", "news", "feedback", "data", "info", "status"}
# words that start with a vowel letter but a consonant sound, and the reverse
A_BEFORE = ("one", "once", "uni", "use", "usu", "user", "eu", "ewe", "ubiq", "utop")
AN_BEFORE = ("hour", "honest", "honor", "honour", "heir", "sms", "mba", "fbi", "nda")
ADJECTIVES_FIRST = {"new", "unknown"}


def plural_of(noun: str) -> str:
    """``person`` -> ``people``, ``reply`` -> ``replies``, ``match`` -> ``matches``."""
    if not noun:
        return noun
    head, _, last = noun.rpartition(" ")
    prefix = f"{head} " if head else ""
    lower = last.lower()
    if lower in IRREGULAR:
        return prefix + _same_case(last, IRREGULAR[lower])
    if lower in UNCHANGED or lower in SINGULAR:
        return noun
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        return prefix + last[:-1] + "ies"
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return prefix + last + "es"
    return prefix + last + "s"


def singular_of(noun: str) -> str:
    """The reverse of :func:`plural_of` for the nouns the app counts."""
    head, _, last = noun.rpartition(" ")
    prefix = f"{head} " if head else ""
    lower = last.lower()
    if lower in SINGULAR:
        return prefix + _same_case(last, SINGULAR[lower])
    if lower in UNCHANGED or not lower.endswith("s") or lower.endswith("ss"):
        return noun
    if lower.endswith("ies") and len(lower) > 3:
        return prefix + last[:-3] + "y"
    if lower.endswith(("ches", "shes", "xes", "sses", "zes")):
        return prefix + last[:-2]
    return prefix + last[:-1]


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``1 person``, ``0 people``, ``2 replies`` (``plural`` overrides the rule)."""
    word = noun if count == 1 else (plural or plural_of(noun))
    return f"{count} {word}"


def with_article(phrase: str) -> str:
    """``an email``, ``a meeting``, ``an hour``, ``a user``: by sound, as far as a rule goes."""
    text = phrase.strip()
    if not text:
        return text
    lower = text.lower()
    if lower.startswith(AN_BEFORE):
        return f"an {text}"
    if lower.startswith(A_BEFORE):
        return f"a {text}"
    return f"{'an' if lower[0] in 'aeiou' else 'a'} {text}"


def count_label(count: int, key: str) -> str:
    """A counter's key in words: ``people_merged`` -> ``1 person merged`` / ``2 people merged``,
    ``people_new`` -> ``1 new person``, ``errors`` -> ``1 error``."""
    words = [w for w in key.replace("-", "_").split("_") if w]
    if not words:
        return str(count)
    if len(words) > 1 and words[-1] in ADJECTIVES_FIRST:
        words = [words[-1], *words[:-1]]
    nouns = [i for i, w in enumerate(words) if singular_of(w) != w]  # the counted plural
    if nouns and count == 1:
        words[nouns[-1]] = singular_of(words[nouns[-1]])
    return f"{count} {' '.join(words)}"


def duration_words(delta: timedelta) -> str:
    """A span as a person says it: ``under a minute``, ``45 minutes``, ``3 hours``,
    ``2 days``, ``5 weeks`` (rounded to the nearest unit)."""
    seconds = max(delta.total_seconds(), 0.0)
    if seconds < 60:
        return "under a minute"
    for unit, size, up_to in (
        ("minute", 60, 90 * 60),
        ("hour", 3600, 36 * 3600),
        ("day", 86400, 14 * 86400),
        ("week", 7 * 86400, float("inf")),
    ):
        if seconds < up_to:
            return counted(max(round(seconds / size), 1), unit)
    return counted(round(seconds / (7 * 86400)), "week")  # pragma: no cover - unreachable


def day_words(day: date | None) -> str:
    """``23 June 2026``: a day in the English sentences the book writes (briefs, reasons);
    pages show dates in the reader's locale instead (web/display.py)."""
    if day is None:
        return ""
    return f"{day.day} {day:%B %Y}"


def join_names(names: list[str], conjunction: str = "and") -> str:
    """``Ana``, ``Ana and Ben``, ``Ana, Ben and Chen``."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {conjunction} {names[-1]}"


def _same_case(model: str, word: str) -> str:
    return word.capitalize() if model[:1].isupper() else word


__all__ = [
    "count_label",
    "counted",
    "duration_words",
    "join_names",
    "plural_of",
    "singular_of",
    "with_article",
]


_GAIN_LABELS = {"given_name": "given name", "family_name": "family name", "org": "organisation",
                "met_on": "met on", "how_met": "how you met", "email": "e-mail", "url": "web site",
                "impp": "messaging", "social": "profile"}  # fmt: skip
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


def gain_words(field: str, value: object) -> str:
    """What an import adds to a person, for its preview: ``e-mail ana@example.org``,
    ``birthday 15 April 1990``, ``title CTO`` (a value is cut to 60 characters)."""
    label = _GAIN_LABELS.get(field, field.replace("_", " "))
    if field == "photo":
        return "photo"
    month, day = getattr(value, "month", None), getattr(value, "day", None)
    if isinstance(value, date):
        text = day_words(value)
    elif isinstance(month, int) and isinstance(day, int) and 1 <= month <= 12:
        year = getattr(value, "year", None)
        text = f"{day} {_MONTHS[month - 1]}" + (f" {year}" if year else "")
    else:
        flat = " ".join(str(value).split())
        text = flat if len(flat) <= 60 else flat[:59].rstrip() + "…"
    return f"{label} {text}"
