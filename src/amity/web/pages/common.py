"""What the page modules share: the Book dependency, the user's today, small parsers."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Form, Request

from amity.book import Book
from amity.errors import InvalidInput, NotFound
from amity.web.deps import get_book

BookDep = Annotated[Book, Depends(get_book)]
Text = Annotated[str, Form()]
Texts = Annotated[list[str], Form()]
MAX_TEXT = 10_000


def user_today(book: Book) -> date:
    """Today in the user's time zone (the book's clock, never the machine's)."""
    return book.today()


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
        raise InvalidInput(
            f"{field}: {text!r} is not a date like 2026-11-02", field=field
        ) from None


MAX_ID = 2**31 - 1  # ids are 32-bit on PostgreSQL; a larger one cannot exist


async def bounded_input(request: Request) -> None:
    """Before any page route: an id out of range is simply not found (404), and text with a
    NUL character is refused (PostgreSQL cannot store it) instead of failing deep down."""
    for name, value in request.path_params.items():
        if name.endswith("_id") and not (value.isdigit() and 1 <= int(value) <= MAX_ID):
            raise NotFound("no such record")
    for key, value in request.query_params.multi_items():
        if "\x00" in key or "\x00" in value:
            raise InvalidInput("text may not contain NUL characters", field=key.strip("\x00"))
    content_type = request.headers.get("content-type", "")
    if request.method in ("POST", "PUT", "PATCH") and content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        from amity.web.limits import FORM_LIMITS

        form = await request.form(**FORM_LIMITS)  # cached: the route reads the same form
        for key, item in form.multi_items():
            if "\x00" in key or (isinstance(item, str) and "\x00" in item):
                raise InvalidInput("text may not contain NUL characters", field=key.strip("\x00"))
