"""Promises (both ways) and messages awaiting your reply."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from amity.book import Book
from amity.errors import Ambiguous, InvalidInput, NotFound
from amity.web.pages.common import BookDep, Text, parse_day, short_text, user_today
from amity.web.templating import render

router = APIRouter(include_in_schema=False)
PROMISE_VIEWS = ("open", "overdue", "done", "dropped", "all")


def promises_context(book: Book, status: str = "open") -> dict[str, Any]:
    if status not in PROMISE_VIEWS:
        raise InvalidInput(f"show one of {', '.join(PROMISE_VIEWS)}", field="status")
    today = user_today(book)
    mine = book.commitments.list(direction="mine", status=status, today=today)
    theirs = book.commitments.list(direction="theirs", status=status, today=today)
    follow_ups = book.follow_ups.list() if status == "open" else []
    return {
        "mine": mine,
        "theirs": theirs,
        "follow_ups": follow_ups,
        "status": status,
        "views": PROMISE_VIEWS,
        "today": today,
    }


@router.get("/promises", response_class=HTMLResponse)
def promises_page(request: Request, book: BookDep, status: str = "open") -> Response:
    return render(request, "promises.html", promises_context(book, status))


@router.post("/promises", response_class=HTMLResponse)
def add_promise(
    request: Request,
    book: BookDep,
    person: Text = "",
    text: Text = "",
    direction: Text = "mine",
    due_on: Text = "",
) -> Response:
    """A promise made on its own page (not only through capture)."""
    try:
        if not person.strip():
            raise InvalidInput("say who the promise is with", field="person")
        book.commitments.add(
            person.strip()[:300],
            short_text(text, "text", limit=2000),
            direction=direction,
            due_on=parse_day(due_on, "due_on"),
        )
    except (InvalidInput, NotFound, Ambiguous) as exc:
        form = {"person": person, "text": text, "direction": direction, "due_on": due_on}
        context = {**promises_context(book), "error": str(exc), "form": form}
        return render(request, "promises.html", context, status_code=422)
    return RedirectResponse("/promises", status_code=303)


@router.post("/promises/{commitment_id}", response_class=HTMLResponse)
def close_promise(
    request: Request, book: BookDep, commitment_id: int, action: Text = "done"
) -> Response:
    if action == "done":
        book.commitments.done(commitment_id)
    elif action == "drop":
        book.commitments.drop(commitment_id)
    else:
        raise InvalidInput("done or drop", field="action")
    if request.headers.get("hx-request"):
        return HTMLResponse("")
    return RedirectResponse("/promises", status_code=303)


@router.post("/follow-ups/{follow_up_id}/done", response_class=HTMLResponse)
def follow_up_done(request: Request, book: BookDep, follow_up_id: int) -> Response:
    book.follow_ups.done(follow_up_id)
    if request.headers.get("hx-request"):
        return HTMLResponse("")
    return RedirectResponse("/promises", status_code=303)


@router.get("/awaiting", response_class=HTMLResponse)
def awaiting_page(request: Request, book: BookDep) -> Response:
    now = book.now()
    waiting = [(i, max((now - i.occurred_at).days, 0)) for i in book.interactions.awaiting_reply()]
    stats = book.replies.stats()
    return render(request, "awaiting.html", {"waiting": waiting, "stats": stats})
