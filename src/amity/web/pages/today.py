"""Today: one list in the ranking's order (the top 10, then "show more"), kinds as filter chips,
stale items folded into a Backlog with bulk snooze and dismiss; done / snooze / dismiss re-render
the list (counts and chips stay true) with an Undo toast; the snoozed and dismissed view."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from amity.book import Book
from amity.errors import InvalidInput
from amity.model import Action
from amity.rules.agenda import split_backlog, stale_reason
from amity.rules.words import counted
from amity.web.pages.backups import backup_warning
from amity.web.pages.common import BookDep, Text, user_today
from amity.web.templating import render

router = APIRouter(include_in_schema=False)

KIND_TITLES = {
    "reply": "Replies",
    "promise_mine": "Your promises",
    "date": "Dates",
    "follow_up": "Follow-ups",
    "event_follow_up": "After events",
    "promise_theirs": "Promises to you",
    "keep_in_touch": "Keep in touch",
    "congratulate": "Congratulate",
    "feedback_request": "Ask for feedback",
    "goal_checkin": "Goal check-ins",
    "give": "Give back",
    "share": "Worth sharing",
}
SNOOZE_CHOICES = {"1d": 1, "3d": 3, "1w": 7, "1m": 30}
SNOOZE_LABELS = {"1d": "a day", "3d": "3 days", "1w": "a week", "1m": "a month"}
TOP = 10  # shown before "show more"
MAX_ITEMS = 200  # the page ranks at most this many (the rest wait their turn)
VERBS = {"done": "Marked done", "snooze": "Snoozed", "dismiss": "Dismissed"}


def kind_title(kind: str) -> str:
    return KIND_TITLES.get(kind, kind.replace("_", " ").capitalize())


def agenda_actions(book: Book, today: date) -> list[Action]:
    """Today's most pressing actions, ranked (done, snoozed and dismissed ones hidden)."""
    return book.agenda.items(today=today, limit=MAX_ITEMS)


def today_context(
    book: Book, *, kind: str = "", more: bool = False, toast: dict[str, Any] | None = None
) -> dict[str, Any]:
    today = user_today(book)
    actions = agenda_actions(book, today)
    settings = book.agenda.settings()
    current, backlog = split_backlog(actions, settings)
    counts = Counter(a.kind for a in current)
    chips = [(k, kind_title(k), counts[k]) for k in dict.fromkeys(a.kind for a in current)]
    kind = kind if kind in counts else ""
    chosen = [a for a in current if not kind or a.kind == kind]
    shown = chosen if more else chosen[:TOP]
    return {
        "today": today,
        "items": shown,
        "hidden_count": len(chosen) - len(shown),
        "count": len(current),
        "capped": len(actions) >= MAX_ITEMS,
        "chips": chips,
        "kind": kind,
        "more": more,
        "backlog": backlog,
        "stale": {a.key: stale_reason(a, settings) for a in backlog},
        "kind_title": kind_title,
        "snooze_choices": SNOOZE_CHOICES,
        "snooze_labels": SNOOZE_LABELS,
        "toast": toast,
        "view": {"kind": kind, "more": "1" if more else ""},
    }


@router.get("/", response_class=HTMLResponse)
def today_page(request: Request, book: BookDep, kind: str = "", more: str = "") -> Response:
    context = today_context(book, kind=kind[:40], more=more == "1")
    if request.headers.get("hx-request") and request.headers.get("hx-target") == "agenda":
        return render(request, "partials/today_agenda.html", context)
    context.update(
        people_count=book.people.count(),
        failing_channels=book.notifications.failing(),
        disabled_webhooks=book.webhooks.disabled(),
        failing_accounts=book.connections.failing(),  # issue 10: sync banner
        backup_warning=backup_warning(request),  # issue 15: admins only
    )
    return render(request, "today.html", context)


def _act(book: Book, key: str, action: str, snooze: str) -> None:
    agenda = book.agenda
    key = key.strip()
    if not key or len(key) > 200:
        raise InvalidInput("which item?", field="key")
    if action == "done":
        agenda.done(key)
    elif action == "dismiss":
        agenda.dismiss(key)
    elif action == "snooze":
        days = SNOOZE_CHOICES.get(snooze)
        if days is None:
            raise InvalidInput(f"snooze for one of {', '.join(SNOOZE_CHOICES)}", field="snooze")
        agenda.snooze(key, until=user_today(book) + timedelta(days=days))
    else:
        raise InvalidInput("act with done, snooze or dismiss", field="action")


def _after(
    request: Request, book: BookDep, kind: str, more: str, toast: dict[str, Any]
) -> Response:
    """htmx: the whole list again (counts, chips and the Backlog stay true) with a toast;
    without JavaScript: back to Today."""
    if request.headers.get("hx-request"):
        context = today_context(book, kind=kind[:40], more=more == "1", toast=toast)
        return render(request, "partials/today_agenda.html", context)
    return Response(status_code=303, headers={"Location": "/"})


@router.post("/today/act", response_class=HTMLResponse)
def act_on_item(
    request: Request,
    book: BookDep,
    key: Text = "",
    action: Text = "",
    snooze: Text = "1w",
    reason: Text = "",
    kind: Text = "",
    more: Text = "",
) -> Response:
    """Done, snooze or dismiss one item; the list comes back with an Undo toast."""
    _act(book, key, action, snooze)
    what = VERBS[action] + (f" for {SNOOZE_LABELS[snooze]}" if action == "snooze" else "")
    toast = {"message": f"{what}: {reason[:300]}" if reason else what, "undo": [key.strip()]}
    return _after(request, book, kind, more, toast)


@router.post("/today/bulk", response_class=HTMLResponse)
def act_on_many(
    request: Request,
    book: BookDep,
    keys: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI form lists
    action: Text = "",
    snooze: Text = "1m",
    kind: Text = "",
    more: Text = "",
) -> Response:
    """Snooze or dismiss the chosen Backlog items at once."""
    if action not in ("snooze", "dismiss"):
        raise InvalidInput("snooze or dismiss them", field="action")
    chosen = list(dict.fromkeys(k.strip() for k in keys if k.strip()))[:MAX_ITEMS]
    if not chosen:
        raise InvalidInput("choose at least one item", field="keys")
    for key in chosen:
        _act(book, key, action, snooze)
    what = VERBS[action] + (f" for {SNOOZE_LABELS[snooze]}" if action == "snooze" else "")
    toast = {"message": f"{what}: {counted(len(chosen), 'item')}", "undo": chosen}
    return _after(request, book, kind, more, toast)


@router.post("/today/undo", response_class=HTMLResponse)
def undo(
    request: Request,
    book: BookDep,
    key: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI form lists
    kind: Text = "",
    more: Text = "",
    back: Text = "",
) -> Response:
    """Undo done / snooze / dismiss (the Agenda's restore): the items are back."""
    chosen = list(dict.fromkeys(k.strip() for k in key if k.strip()))[:MAX_ITEMS]
    if not chosen:
        raise InvalidInput("which item?", field="key")
    restored = sum(book.agenda.restore(k) for k in chosen)
    if back == "hidden":
        return Response(status_code=303, headers={"Location": "/today/hidden"})
    toast = {"message": f"Restored {counted(restored, 'item')}", "undo": []}
    return _after(request, book, kind, more, toast)


@router.get("/today/hidden", response_class=HTMLResponse)
def hidden_page(request: Request, book: BookDep) -> Response:
    """Snoozed and dismissed items, each with Restore."""
    items = book.agenda.hidden(today=user_today(book))
    return render(request, "today_hidden.html", {"hidden": items, "kind_title": kind_title})


DEMO_PEOPLE = 200


@router.post("/today/demo", response_class=HTMLResponse)
def load_demo(request: Request, book: BookDep) -> Response:
    """Fill the signed-in user's own (empty) book with the demo network (issue 12 §8); a
    book that holds anything is refused (409) and left alone."""
    from amity.errors import NotEmpty

    try:
        book.fill_demo(people=DEMO_PEOPLE, years=2)
    except NotEmpty:
        raise NotEmpty("your book already holds data: the demo only fills an empty book") from None
    return Response(status_code=303, headers={"Location": "/"})
