"""Issue 6 pages, part one: the Brief panel (on the person page), Prepare, Events, and the
Network page (warm paths, give/receive balance, coverage targets, relationships and intros).

Forms post with htmx and get the whole page back (the element asks for its section with
``hx-select``); without htmx a successful post redirects (post/redirect/get). Ids in paths
are checked first, so another user's id is a 404; mistakes in what was typed (an unknown
name, an empty field) come back on the page as a one-line reason with status 422.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from amity.book import Book
from amity.book.network import ATTENDANCE_ROLES, COVERAGE_KINDS, RELATIONSHIP_KINDS
from amity.errors import AmityError, InvalidInput, NotFound
from amity.model import EVENT_KINDS, EXCHANGE_KINDS
from amity.web.pages.common import (
    BookDep,
    Text,
    optional,
    parse_day,
    short_text,
    split_list,
    user_today,
)
from amity.web.templating import render

router = APIRouter(include_in_schema=False)
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)
MAX_NAMES = 50
MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database


# --- helpers shared by the issue-6 pages ------------------------------------------------------


def bounded_day(value: str, field: str) -> date | None:
    """A typed day within 1900-2199 (so date arithmetic never overflows), or None."""
    day = parse_day(value[:40], field)
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInput(f"{field}: a day between 1900 and 2199", field=field)
    return day


def own(record_id: int, what: str) -> int:
    """An id from a URL; one no table can hold is simply not found (it never reaches SQL)."""
    if not 1 <= record_id <= MAX_ID:
        raise NotFound(f"no {what} with id {record_id}")
    return record_id


def names(value: str, field: str) -> list[str]:
    found = split_list(short_text(value, field, limit=3000))
    if not found:
        raise InvalidInput(f"{field}: name at least one person", field=field)
    if len(found) > MAX_NAMES:
        raise InvalidInput(f"{field}: at most {MAX_NAMES} people at once", field=field)
    return found


def attempt(action: Callable[[], Any]) -> str | None:
    """Run a write; a mistake in the input comes back as its one-line reason."""
    try:
        action()
    except AmityError as exc:
        return str(exc)
    return None


def answer(
    request: Request, template: str, context: dict[str, Any], error: str | None, done_url: str
) -> Response:
    """After a form post: the page again (htmx, or with the error), else a redirect."""
    if error is None and not request.headers.get("hx-request"):
        return RedirectResponse(done_url, status_code=303)
    return render(request, template, {**context, "error": error}, status_code=422 if error else 200)


# --- the brief panel and prepare --------------------------------------------------------------


@router.get("/people/{person_id}/brief", response_class=HTMLResponse)
def brief_panel(request: Request, book: BookDep, person_id: int) -> Response:
    brief = book.briefs.brief(own(person_id, "person"), today=user_today(book))
    return render(request, "network/brief_panel.html", {"b": brief, "full": False})


@router.get("/prepare", response_class=HTMLResponse)
def prepare_page(
    request: Request, book: BookDep, typed: Annotated[str, Query(alias="date")] = ""
) -> Response:
    day = bounded_day(typed, "date") or user_today(book)
    meetings = book.briefs.prepare(day)
    return render(
        request,
        "network/prepare.html",
        {"day": day, "meetings": meetings, "today": user_today(book)},
    )


# --- events -----------------------------------------------------------------------------------


def events_context(book: Book) -> dict[str, Any]:
    return {"events": book.network.events.list(), "kinds": EVENT_KINDS, "error": None}


@router.get("/events", response_class=HTMLResponse)
def events_page(request: Request, book: BookDep) -> Response:
    return render(request, "network/events.html", events_context(book))


@router.post("/events", response_class=HTMLResponse)
def add_event(
    request: Request,
    book: BookDep,
    name: Text = "",
    kind: Text = "other",
    starts_on: Text = "",
    ends_on: Text = "",
    location: Text = "",
    url: Text = "",
) -> Response:
    made: list[Any] = []

    def create() -> None:
        made.append(
            book.network.events.add(
                short_text(name, "name", limit=300),
                kind,
                starts_on=bounded_day(starts_on, "from"),
                ends_on=bounded_day(ends_on, "to"),
                location=optional(short_text(location, "location", limit=300)),
                url=optional(short_text(url, "url", limit=2000)),
            )
        )

    error = attempt(create)
    target = f"/events/{made[0].id}" if made else "/events"
    return answer(request, "network/events.html", events_context(book), error, target)


def event_context(book: Book, event_id: int) -> dict[str, Any]:
    return {"detail": book.network.events.get(event_id), "roles": ATTENDANCE_ROLES, "error": None}


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, book: BookDep, event_id: int) -> Response:
    return render(request, "network/event.html", event_context(book, own(event_id, "event")))


@router.post("/events/{event_id}/met", response_class=HTMLResponse)
def met_at_event(
    request: Request,
    book: BookDep,
    event_id: int,
    people: Text = "",
    note: Text = "",
    role: Text = "attendee",
) -> Response:
    book.network.events.get(own(event_id, "event"))  # another user's event is not found
    error = attempt(
        lambda: book.network.events.met(
            names(people, "people"),
            event_id,
            note=optional(short_text(note, "note")),
            role=role or None,
        )
    )
    return answer(
        request, "network/event.html", event_context(book, event_id), error, f"/events/{event_id}"
    )


@router.post("/events/{event_id}/participation", response_class=HTMLResponse)
def log_participation(
    request: Request, book: BookDep, event_id: int, text: Text = "", on: Text = ""
) -> Response:
    book.network.events.get(own(event_id, "event"))  # another user's event is not found
    error = attempt(
        lambda: book.network.events.log_participation(
            event_id, short_text(text, "text", limit=500), on=bounded_day(on, "on")
        )
    )
    return answer(
        request, "network/event.html", event_context(book, event_id), error, f"/events/{event_id}"
    )


# --- the network page: warm paths, balance, coverage, relationships ---------------------------


def network_context(book: Book, target: str = "") -> dict[str, Any]:
    return {
        "target": target,
        "paths": None,
        "path_error": None,
        "balances": book.network.ledger.balance(),
        "coverage": book.network.coverage.list(),
        "introductions": book.network.introductions.list()[:20],
        "relationships": book.network.relationships.list()[:20],
        "exchange_kinds": EXCHANGE_KINDS,
        "coverage_kinds": COVERAGE_KINDS,
        "relationship_kinds": RELATIONSHIP_KINDS,
        "error": None,
    }


def find_paths(book: Book, target: str) -> tuple[Any, str | None]:
    text = target.strip()[:300]
    if not text:
        return None, None
    try:
        return book.network.paths.find(text), None
    except AmityError as exc:
        return None, str(exc)


@router.get("/network", response_class=HTMLResponse)
def network_page(request: Request, book: BookDep, target: str = "") -> Response:
    context = network_context(book, target[:300])
    context["paths"], context["path_error"] = find_paths(book, target)
    return render(request, "network/network.html", context)


@router.get("/network/paths", response_class=HTMLResponse)
def paths_partial(request: Request, book: BookDep, target: str = "") -> Response:
    paths, error = find_paths(book, target)
    return render(
        request, "network/paths.html", {"paths": paths, "path_error": error, "target": target[:300]}
    )


@router.post("/network/exchanges", response_class=HTMLResponse)
def add_exchange(
    request: Request,
    book: BookDep,
    person: Text = "",
    direction: Text = "given",
    kind: Text = "help",
    text: Text = "",
    on: Text = "",
) -> Response:
    error = attempt(
        lambda: book.network.ledger.record(
            short_text(person, "person", limit=300),
            direction,
            kind,
            short_text(text, "text"),
            on=bounded_day(on, "on"),
        )
    )
    return answer(request, "network/network.html", network_context(book), error, "/network")


@router.post("/network/coverage", response_class=HTMLResponse)
def add_coverage(
    request: Request,
    book: BookDep,
    name: Text = "",
    selector_kind: Text = "tag",
    selector: Text = "",
    wanted: Text = "1",
) -> Response:
    def create() -> None:
        if not wanted.strip().isdigit() or len(wanted.strip()) > 6:
            raise InvalidInput("want a whole number of people", field="wanted")
        book.network.coverage.add(
            short_text(name, "name", limit=300),
            selector_kind,
            short_text(selector, "selector", limit=300),
            int(wanted),
        )

    error = attempt(create)
    return answer(request, "network/network.html", network_context(book), error, "/network")


@router.post("/network/coverage/{target_id}/remove", response_class=HTMLResponse)
def remove_coverage(request: Request, book: BookDep, target_id: int) -> Response:
    book.network.coverage.remove(own(target_id, "coverage target"))  # another user's: 404
    return answer(request, "network/network.html", network_context(book), None, "/network")


@router.post("/network/relationships", response_class=HTMLResponse)
def relate(
    request: Request, book: BookDep, a: Text = "", b: Text = "", kind: Text = "colleague"
) -> Response:
    error = attempt(
        lambda: book.network.relationships.relate(
            short_text(a, "a", limit=300), short_text(b, "b", limit=300), kind
        )
    )
    return answer(request, "network/network.html", network_context(book), error, "/network")


@router.post("/network/introductions", response_class=HTMLResponse)
def introduce(
    request: Request, book: BookDep, a: Text = "", b: Text = "", by: Text = "", note: Text = ""
) -> Response:
    error = attempt(
        lambda: book.network.introductions.add(
            short_text(a, "a", limit=300),
            short_text(b, "b", limit=300),
            by=optional(short_text(by, "by", limit=300)),
            note=optional(short_text(note, "note")),
        )
    )
    return answer(request, "network/network.html", network_context(book), error, "/network")


@router.post("/network/introductions/{intro_id}/outcome", response_class=HTMLResponse)
def intro_outcome(request: Request, book: BookDep, intro_id: int, outcome: Text = "") -> Response:
    if intro_id not in {i.id for i in book.network.introductions.list()}:
        raise NotFound(f"no introduction with id {intro_id}")
    error = attempt(
        lambda: book.network.introductions.set_outcome(intro_id, short_text(outcome, "outcome"))
    )
    return answer(request, "network/network.html", network_context(book), error, "/network")
