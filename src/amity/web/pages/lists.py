"""Promises (both ways) and messages awaiting your reply."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from amity.errors import InvalidInput, NotFound
from amity.web.pages.common import BookDep, Text, part, user_today
from amity.web.templating import render

router = APIRouter(include_in_schema=False)
PROMISE_VIEWS = ("open", "overdue", "done", "dropped", "all")


@router.get("/promises", response_class=HTMLResponse)
def promises_page(request: Request, book: BookDep, status: str = "open") -> Response:
    commitments = part(book, "commitments")
    if status not in PROMISE_VIEWS:
        raise InvalidInput(f"show one of {', '.join(PROMISE_VIEWS)}", field="status")
    today = user_today(book)
    mine = theirs = []
    follow_ups = []
    if commitments is not None:
        mine = commitments.list(direction="mine", status=status, today=today)
        theirs = commitments.list(direction="theirs", status=status, today=today)
    if part(book, "follow_ups") is not None and status == "open":
        follow_ups = book.follow_ups.list()
    return render(
        request,
        "promises.html",
        {
            "available": commitments is not None,
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
    commitments = part(book, "commitments")
    if commitments is None:
        raise NotFound("promises are not available in this version")
    if action == "done":
        commitments.done(commitment_id)
    elif action == "drop":
        commitments.drop(commitment_id)
    else:
        raise InvalidInput("done or drop", field="action")
    if request.headers.get("hx-request"):
        return HTMLResponse("")
    return RedirectResponse("/promises", status_code=303)


@router.post("/follow-ups/{follow_up_id}/done", response_class=HTMLResponse)
def follow_up_done(request: Request, book: BookDep, follow_up_id: int) -> Response:
    follow_ups = part(book, "follow_ups")
    if follow_ups is None:
        raise NotFound("follow-ups are not available in this version")
    follow_ups.done(follow_up_id)
    if request.headers.get("hx-request"):
        return HTMLResponse("")
    return RedirectResponse("/promises", status_code=303)


@router.get("/awaiting", response_class=HTMLResponse)
def awaiting_page(request: Request, book: BookDep) -> Response:
    now = book.ctx.now()
    waiting = [(i, max((now - i.occurred_at).days, 0)) for i in book.interactions.awaiting_reply()]
    stats = None
    replies = part(book, "replies")
    if replies is not None and callable(getattr(replies, "stats", None)):
        stats = replies.stats()
    return render(request, "awaiting.html", {"waiting": waiting, "stats": stats})
