"""Promises (both ways) and messages awaiting your reply."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from amity.errors import InvalidInput
from amity.web.pages.common import BookDep, Text, user_today
from amity.web.templating import render

router = APIRouter(include_in_schema=False)
PROMISE_VIEWS = ("open", "overdue", "done", "dropped", "all")


@router.get("/promises", response_class=HTMLResponse)
def promises_page(request: Request, book: BookDep, status: str = "open") -> Response:
    if status not in PROMISE_VIEWS:
        raise InvalidInput(f"show one of {', '.join(PROMISE_VIEWS)}", field="status")
    today = user_today(book)
    mine = book.commitments.list(direction="mine", status=status, today=today)
    theirs = book.commitments.list(direction="theirs", status=status, today=today)
    follow_ups = book.follow_ups.list() if status == "open" else []
    return render(
        request,
        "promises.html",
        {
            "mine": mine,
            "theirs": theirs,
            "follow_ups": follow_ups,
            "status": status,
            "views": PROMISE_VIEWS,
            "today": today,
        },
    )


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
