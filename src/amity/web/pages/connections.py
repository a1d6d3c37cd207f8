"""Settings → Connected accounts: add an address book, run it, see its last run and errors,
resolve conflicts, remove it. The same Book calls as `amity sync`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from amity.book import Book
from amity.errors import AmityError, InvalidInput
from amity.web.pages.common import BookDep, Text, split_list
from amity.web.pages.settings import _done

router = APIRouter(include_in_schema=False)
SECTION = "connections"


def connections_context(book: Book) -> dict[str, Any]:
    """What the Connected accounts section shows (added to the Settings page's context)."""
    accounts = book.connections.list()
    problems = {
        a.id: book.connections.items(a.last_run.id, outcomes=("error", "conflict"), limit=20)
        for a in accounts
        if a.last_run is not None
    }
    return {"connections": accounts, "sync_problems": problems,
            "sync_conflicts": book.connections.conflicts()}  # fmt: skip


@router.post("/settings/connections", response_class=HTMLResponse)
def add_connection(
    request: Request,
    book: BookDep,
    url: Text = "",
    username: Text = "",
    password: Text = "",
    name: Text = "",
    addressbook: Text = "",
    circles: Text = "",
    tags: Text = "",
    allow_delete: Text = "",
    pull_only: Text = "",
) -> Response:
    from amity.sync.runner import add_account

    options = {"addressbooks": split_list(addressbook)[:10], "circles": split_list(circles)[:20],
               "tags": split_list(tags)[:20], "allow_delete": bool(allow_delete),
               "push": not pull_only}  # fmt: skip
    try:
        if len(url) > 2000 or len(username) > 320 or len(password) > 1000 or len(name) > 200:
            raise InvalidInput("a field is too long", field="url")
        account = add_account(book, "carddav", url.strip(), username=username.strip() or None,
                              password=password or None, name=name.strip() or None,
                              options=options)  # fmt: skip
    except AmityError as exc:
        return _done(request, book, SECTION, error=str(exc))
    return _done(request, book, SECTION, message=f"Connected {account.name}. Run it now, or "
                 "the server runs it every 15 minutes.")  # fmt: skip


@router.post("/settings/connections/{account_id}/run", response_class=HTMLResponse)
def run_connection(request: Request, book: BookDep, account_id: int) -> Response:
    from amity.sync.runner import run_account

    book.connections.get(account_id)  # another user's account: not found
    run = run_account(book, account_id)
    if run is None:
        return _done(request, book, SECTION, error="Another run is under way.")
    if run.status == "failed":
        return _done(request, book, SECTION, error=f"The run failed: {run.error}")
    counts = ", ".join(f"{n} {k}" for k, n in sorted(run.counts.items())) or "nothing changed"
    return _done(request, book, SECTION, message=f"Synced: {counts}.")


@router.post("/settings/connections/{account_id}/options", response_class=HTMLResponse)
def change_connection(
    request: Request,
    book: BookDep,
    account_id: int,
    circles: Text = "",
    tags: Text = "",
    allow_delete: Text = "",
    pull_only: Text = "",
    every: Text = "",
    paused: Text = "",
    password: Text = "",
) -> Response:
    book.connections.get(account_id)  # another user's account: not found
    options = {"circles": split_list(circles)[:20], "tags": split_list(tags)[:20],
               "allow_delete": bool(allow_delete), "push": not pull_only}  # fmt: skip
    try:
        interval = int(every) if every.strip() else None
        if len(password) > 1000:
            raise InvalidInput("the password is too long", field="password")
        account = book.connections.configure(
            account_id, options=options, interval_minutes=interval, enabled=not paused,
            secret=password or None,
        )  # fmt: skip
    except ValueError:
        return _done(request, book, SECTION, error="Every how many minutes: give a number.")
    except AmityError as exc:
        return _done(request, book, SECTION, error=str(exc))
    return _done(request, book, SECTION, message=f"Saved the options of {account.name}.")


@router.post("/settings/connections/{account_id}/remove", response_class=HTMLResponse)
def remove_connection(request: Request, book: BookDep, account_id: int) -> Response:
    gone = book.connections.remove(account_id)
    return _done(request, book, SECTION, message=f"Disconnected {gone.name}; its people stay.")


@router.post("/settings/connections/conflicts/{conflict_id}", response_class=HTMLResponse)
def resolve_conflict(
    request: Request, book: BookDep, conflict_id: int, keep: Text = ""
) -> Response:
    book.connections.conflict(conflict_id)  # another user's conflict: not found
    try:
        book.contact_sync.resolve(conflict_id, keep)
    except AmityError as exc:
        return _done(request, book, SECTION, error=str(exc))
    return _done(request, book, SECTION, message=f"Kept the {keep}'s value; the next run sends it.")
