"""Edit and delete one record of any kind from the pages (issue 12): the Person page, Promises,
Events, Articles, Growth and Network carry "Edit" and "Delete" on each item.

``GET /records/{kind}/{id}/edit`` is the form (a partial for htmx, swapped into the item; a
page otherwise); ``POST`` saves only the fields that differ from what is stored and goes back
(htmx: the page reloads); ``POST /records/{kind}/{id}/delete`` deletes (htmx: the item goes
away). ``back`` must be a path on this site.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from amity.book import Book
from amity.book.network.relationships import RELATIONSHIP_KINDS
from amity.book.records import kind_of
from amity.errors import AmityError, InvalidInput, NotFound
from amity.model import DATE_KINDS, DIRECTIONS, EVENT_KINDS, FACT_KINDS, INTERACTION_KINDS
from amity.model.types import COMMITMENT_STATUSES, FEEDBACK_KINDS
from amity.rules.dates import time_zone
from amity.web.pages.common import BookDep, split_list
from amity.web.templating import render

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: str = "text"  # text, textarea, date, datetime, choice, list, person, people
    choices: tuple[str, ...] = ()
    optional: bool = True


F = FormField
FIELDS: dict[str, tuple[FormField, ...]] = {
    "interaction": (
        F("people", "With", "people", optional=False),
        F("kind", "Kind", "choice", INTERACTION_KINDS),
        F("direction", "Direction", "choice", DIRECTIONS),
        F("occurred_at", "When", "datetime", optional=False),
        F("subject", "Subject"),
        F("notes", "Notes", "textarea"),
        F("channel", "Channel"),
        F("location", "Where"),
    ),
    "fact": (
        F("kind", "Kind", "choice", FACT_KINDS),
        F("text", "Text", optional=False),
        F("happened_on", "Happened on", "date"),
    ),
    "question": (F("text", "Question", optional=False), F("answer", "Their answer")),
    "date": (
        F("kind", "Kind", "choice", DATE_KINDS),
        F("when", "Date", "partial", optional=False),
        F("label", "Label"),
    ),
    "promise": (
        F("text", "Promise", optional=False),
        F("person", "With", "person", optional=False),
        F("direction", "Who promised", "choice", ("mine", "theirs")),
        F("due_on", "Due", "date"),
        F("status", "Status", "choice", COMMITMENT_STATUSES),
    ),
    "follow_up": (
        F("text", "Follow up on", optional=False),
        F("person", "With", "person", optional=False),
        F("due_on", "When", "date", optional=False),
    ),
    "event": (
        F("name", "Name", optional=False),
        F("kind", "Kind", "choice", EVENT_KINDS),
        F("starts_on", "From", "date"),
        F("ends_on", "To", "date"),
        F("location", "Where"),
        F("url", "Web page"),
        F("notes", "Notes", "textarea"),
    ),
    "relationship": (
        F("kind", "Kind", "choice", RELATIONSHIP_KINDS),
        F("note", "Note", "textarea"),
    ),
    "article": (
        F("url", "Address", optional=False),
        F("title", "Title"),
        F("topics", "Topics", "list"),
        F("text", "Text", "textarea"),
    ),
    "goal": (
        F("title", "Goal", optional=False),
        F("theme", "Theme"),
        F("check_in_days", "Check in every (days)"),
        F("until", "Until", "date"),
        F("status", "Status", "choice", ("active", "done", "dropped")),
    ),
    "feedback": (
        F("text", "Feedback", "textarea", optional=False),
        F("kind", "Kind", "choice", FEEDBACK_KINDS),
        F("person", "From", "person"),
        F("context", "Context"),
        F("themes", "Themes", "list"),
        F("received_on", "On", "date", optional=False),
    ),
}
LABELS = {"follow_up": "follow-up"}


def safe_back(value: str | None, default: str = "/") -> str:
    """A path on this site only (no scheme, no host, no ``//``): never an open redirect."""
    text = (value or "").strip()
    if not text.startswith("/") or text.startswith("//") or "\\" in text or len(text) > 500:
        return default
    if any(ord(ch) < 32 for ch in text):
        return default
    return text


def _kind(name: str) -> str:
    try:
        return kind_of(name)
    except InvalidInput:
        raise NotFound(f"no such kind of record: {name}") from None


def form_values(book: Book, kind: str, record: Any) -> dict[str, str]:
    """What the form shows for each field, as text."""
    tz = time_zone(book.settings.get("timezone"))
    out: dict[str, str] = {}
    for f in FIELDS[kind]:
        value = getattr(record, f.name, None)
        if value is None:
            out[f.name] = ""
        elif f.kind == "people":
            out[f.name] = ", ".join(p.name for p in value)
        elif f.kind == "person":
            out[f.name] = value.name
        elif f.kind == "list":
            out[f.name] = ", ".join(value)
        elif f.kind == "datetime" and isinstance(value, datetime):
            out[f.name] = value.astimezone(tz).strftime("%Y-%m-%dT%H:%M")
        elif isinstance(value, date):
            out[f.name] = value.isoformat()
        else:
            out[f.name] = str(value)
    return out


def changes_from(book: Book, kind: str, record: Any, form: dict[str, str]) -> dict[str, Any]:
    """The fields whose text differs from what is stored, as ``book.records`` takes them."""
    before = form_values(book, kind, record)
    changes: dict[str, Any] = {}
    for f in FIELDS[kind]:
        if f.name not in form:
            continue
        text = form[f.name].strip()
        if text == before[f.name]:
            continue
        if f.kind in ("people", "list"):
            changes[f.name] = split_list(text)
        elif not text:
            changes[f.name] = None
        elif f.kind == "datetime":
            changes[f.name] = _local_time(book, text, f.name)
        elif f.kind == "partial":
            changes[f.name] = parse_partial(text, f.name)
        else:
            changes[f.name] = text
    return changes


def parse_partial(text: str, field: str) -> Any:
    """A date that may have no year: "15 April", "4/15", "1990-04-15", "--04-15"."""
    from amity.rules.birthdays import BirthdayError, parse_birthday

    try:
        return parse_birthday(text)
    except BirthdayError as exc:
        raise InvalidInput(str(exc), field=field) from None


def _local_time(book: Book, text: str, field: str) -> datetime:
    try:
        naive = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a time like 2026-11-02T15:00", field=field) from None
    if naive.tzinfo is not None:
        return naive
    return naive.replace(tzinfo=time_zone(book.settings.get("timezone")))


def _form_context(
    kind: str, record_id: int, values: dict[str, str], back: str, error: str | None
) -> dict[str, Any]:
    return {
        "kind": kind,
        "label": LABELS.get(kind, kind),
        "record_id": record_id,
        "fields": FIELDS[kind],
        "values": values,
        "back": back,
        "error": error,
    }


@router.get("/records/{kind}/{record_id}/edit", response_class=HTMLResponse)
def edit_form(
    request: Request, book: BookDep, kind: str, record_id: int, back: str = "/"
) -> Response:
    kind = _kind(kind)
    record = book.records.get(kind, record_id)
    context = _form_context(kind, record_id, form_values(book, kind, record), safe_back(back), None)
    template = "partials/record_form.html" if request.headers.get("hx-request") else "record.html"
    return render(request, template, context)


@router.post("/records/{kind}/{record_id}/edit", response_class=HTMLResponse)
async def save(request: Request, book: BookDep, kind: str, record_id: int) -> Response:
    kind = _kind(kind)
    raw = await request.form()
    form = {k: str(v) for k, v in raw.items()}
    back = safe_back(form.get("back"))
    from starlette.concurrency import run_in_threadpool

    def apply() -> None:
        record = book.records.get(kind, record_id)
        changes = changes_from(book, kind, record, form)
        if changes:
            book.records.edit(kind, record_id, changes)

    try:
        await run_in_threadpool(apply)
    except AmityError as exc:
        if isinstance(exc, NotFound) and "with id" in str(exc):
            raise
        values = {f.name: form.get(f.name, "") for f in FIELDS[kind]}
        htmx = bool(request.headers.get("hx-request"))
        return render(
            request,
            "partials/record_form.html" if htmx else "record.html",
            _form_context(kind, record_id, values, back, str(exc)),
            status_code=409 if exc.code == "conflict" else 422,
        )
    if request.headers.get("hx-request"):
        return HTMLResponse("", headers={"HX-Refresh": "true"})
    return RedirectResponse(back, status_code=303)


@router.post("/records/{kind}/{record_id}/delete", response_class=HTMLResponse)
async def delete(request: Request, book: BookDep, kind: str, record_id: int) -> Response:
    kind = _kind(kind)
    raw = await request.form()
    from starlette.concurrency import run_in_threadpool

    await run_in_threadpool(book.records.delete, kind, record_id)
    if request.headers.get("hx-request"):
        return HTMLResponse("", headers={"HX-Trigger": "record-deleted"})
    return RedirectResponse(safe_back(str(raw.get("back", "/"))), status_code=303)
