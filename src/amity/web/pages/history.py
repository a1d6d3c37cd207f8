"""History, undo and the trash (issue 15): a person's History tab, the book's history, the
Trash page; undo of the last change from the page that made it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from amity.errors import Conflict
from amity.web.pages.common import BookDep
from amity.web.templating import render

router = APIRouter(include_in_schema=False)
Force = Annotated[str, Form()]
Back = Annotated[str, Form()]


def safe_back(value: str, default: str) -> str:
    """Where to go after an undo: a path of this site only (never another host)."""
    if value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


@router.get("/people/{person_id}/history", response_class=HTMLResponse)
def person_history(request: Request, book: BookDep, person_id: int) -> Response:
    person = book.people.get(person_id)
    groups = book.history.groups(person=person.id, limit=100)
    last = book.history.last_undoable()
    return render(
        request,
        "history/person_history.html",
        {"p": person, "groups": groups, "last": last, "back": f"/people/{person.id}/history"},
    )


@router.get("/history", response_class=HTMLResponse)
def book_history(request: Request, book: BookDep) -> Response:
    groups = book.history.groups(limit=100)
    return render(
        request,
        "history/history.html",
        {"groups": groups, "last": book.history.last_undoable(), "back": "/history"},
    )


@router.post("/history/undo")
def undo_last(request: Request, book: BookDep, change: Annotated[str, Form()] = "",
              force: Force = "", back: Back = "") -> Response:  # fmt: skip
    target = int(change) if change.isdigit() and 0 < int(change) < 2**31 else None
    try:
        result = book.history.undo(target, force=bool(force))
    except Conflict as exc:
        return _conflict(request, str(exc), target, back, "/history/undo")
    return RedirectResponse(
        safe_back(back, "/history") + f"?undone={result.group.id}", status_code=303
    )


@router.get("/trash", response_class=HTMLResponse)
def trash(request: Request, book: BookDep) -> Response:
    restored = request.query_params.get("restored", "")
    return render(
        request,
        "history/trash.html",
        {"entries": book.history.trash(), "restored": restored},
    )


@router.post("/trash/{trash_id}/restore")
def restore(request: Request, book: BookDep, trash_id: int, force: Force = "") -> Response:
    try:
        result = book.history.restore(trash_id, force=bool(force))
    except Conflict as exc:
        return _conflict(request, str(exc), trash_id, "/trash", f"/trash/{trash_id}/restore")
    people = [c.person_id for c in result.group.changes
              if c.table == "people" and c.op == "delete" and c.person_id]  # fmt: skip
    if len(people) == 1 and len(result.people) >= 1:
        return RedirectResponse(f"/people/{_restored_id(people[0], result)}", status_code=303)
    return RedirectResponse(f"/trash?restored={trash_id}", status_code=303)


def _restored_id(old: int, result: Any) -> int:
    return old if old in result.people else result.people[0]


def _conflict(request: Request, message: str, target: int | None, back: str,
              action: str) -> HTMLResponse:  # fmt: skip
    return render(
        request,
        "history/conflict.html",
        {"message": message, "target": target, "back": safe_back(back, "/history"),
         "action": action},
        status_code=409,
    )  # fmt: skip
