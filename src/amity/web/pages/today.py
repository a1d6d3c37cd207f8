"""Today: the agenda grouped by kind, each item with its reason; done / snooze / dismiss."""

from __future__ import annotations

from collections import OrderedDict
from datetime import date, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from amity.book import Book
from amity.errors import InvalidInput
from amity.model import Action
from amity.web.pages.backups import backup_warning
from amity.web.pages.common import BookDep, Text, user_today
from amity.web.templating import render

router = APIRouter(include_in_schema=False)

KIND_TITLES = OrderedDict(
    [
        ("reply", "Replies you owe"),
        ("promise_mine", "Your promises"),
        ("date", "Dates"),
        ("follow_up", "Follow-ups"),
        ("event_follow_up", "After events"),
        ("promise_theirs", "Promises to you"),
        ("keep_in_touch", "Keep in touch"),
        ("feedback_request", "Ask for feedback"),
        ("goal_checkin", "Goal check-ins"),
        ("give", "Give back"),
        ("share", "Worth sharing"),
    ]
)
SNOOZE_CHOICES = {"1d": 1, "3d": 3, "1w": 7, "1m": 30}
MAX_ITEMS = 60  # the page shows the most pressing; the rest wait their turn


def agenda_actions(book: Book, today: date) -> list[Action]:
    """Today's most pressing actions, ranked (done, snoozed and dismissed ones hidden)."""
    return book.agenda.items(today=today, limit=MAX_ITEMS)


def group_by_kind(actions: list[Action]) -> list[tuple[str, str, list[Action]]]:
    groups: dict[str, list[Action]] = {}
    for action in actions:
        groups.setdefault(action.kind, []).append(action)
    ordered = [k for k in KIND_TITLES if k in groups] + sorted(
        k for k in groups if k not in KIND_TITLES
    )
    return [(k, KIND_TITLES.get(k, k.replace("_", " ").capitalize()), groups[k]) for k in ordered]


@router.get("/", response_class=HTMLResponse)
def today_page(request: Request, book: BookDep) -> Response:
    today = user_today(book)
    actions = agenda_actions(book, today)
    return render(
        request,
        "today.html",
        {
            "today": today,
            "groups": group_by_kind(actions),
            "count": len(actions),
            "more": len(actions) >= MAX_ITEMS,
            "snooze_choices": SNOOZE_CHOICES,
            "people_count": book.people.count(),
            "failing_channels": book.notifications.failing(),
            "disabled_webhooks": book.webhooks.disabled(),
            "failing_accounts": book.connections.failing(),  # issue 10: sync banner
            "backup_warning": backup_warning(request),  # issue 15: admins only
        },
    )


@router.post("/today/act", response_class=HTMLResponse)
def act_on_item(
    request: Request, book: BookDep, key: Text = "", action: Text = "", snooze: Text = "1w"
) -> Response:
    """Done, snooze or dismiss one item; the row disappears (htmx swaps it with nothing)."""
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
    if request.headers.get("hx-request"):
        return HTMLResponse("")
    return Response(status_code=303, headers={"Location": "/"})
