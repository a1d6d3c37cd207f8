"""What the page modules share: the Book dependency, the user's today, small parsers."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Form

from amity.book import Book
from amity.errors import InvalidInput
from amity.web.deps import get_book

BookDep = Annotated[Book, Depends(get_book)]
Text = Annotated[str, Form()]
Texts = Annotated[list[str], Form()]
MAX_TEXT = 10_000


def user_today(book: Book) -> date:
    """Today in the user's time zone (the book's clock, never the machine's)."""
    from amity.rules.dates import local_today

    return local_today(book.ctx.now(), book.settings.get("timezone"))


def split_list(value: str) -> list[str]:
    """``"a, b; c"`` -> ``["a", "b", "c"]``."""
    return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]


def short_text(value: str, field: str, *, limit: int = MAX_TEXT) -> str:
    text = value.strip()
    if len(text) > limit:
        raise InvalidInput(f"{field} is longer than {limit} characters", field=field)
    return text


def optional(value: str) -> str | None:
    text = value.strip()
    return text or None


def parse_day(value: str, field: str) -> date | None:
    text = value.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{field}: {text!r} is not a date like 2026-11-02", field=field) from None


def part(book: Book, name: str) -> Any | None:
    """A Book part that another engineer may not have delivered yet (agenda, commitments...)."""
    return getattr(book, name, None)
