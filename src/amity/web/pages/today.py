"""Today: the agenda grouped by kind, each item with its reason; done / snooze / dismiss."""

from __future__ import annotations

from collections import OrderedDict
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from amity.book import Book
from amity.errors import InvalidInput, NotFound
from amity.model import Action
from amity.web.pages.common import BookDep, Text, part, user_today
from amity.web.templating import render

router = APIRouter(include_in_schema=False)

KIND_TITLES = OrderedDict([
    ("reply", "Replies you owe"),
    ("promise_mine", "Your promises"),
    ("date", "Dates"),
    ("follow_up", "Follow-ups"),
    ("event_follow_up", "After events"),
    ("promise_theirs", "Promises to you"),
    ("keep_in_touch", "Keep in touch"),
])
SNOOZE_CHOICES = {"1d": 1, "3d": 3, "1w": 7, "1m": 30}
MAX_ITEMS = 200


def agenda_actions(book: Book, today: date) -> tuple[list[Action], bool]:
    """Today's actions from the agenda part, or a stand-in from last contacts (False)."""
    agenda = part(book, "agenda")
    if agenda is not None:
        return list(_call_agenda(agenda, today)), True
    return people_due(book, today), False


def _call_agenda(agenda: Any, today: date) -> list[Action]:
    for name in ("items", "build", "list", "actions"):
        method = getattr(agenda, name, None)
        if callable(method):
            result: list[Action] = method(today=today, limit=MAX_ITEMS)
            return result
    return []


def people_due(book: Book, today: date) -> list[Action]:
    """Until the agenda exists: people whose days since last contact reached their cadence."""
    cadences = {c["name"]: c["cadence_days"] for c in book.circles()}
    actions = []
    for person in book.people.list(sort="last-contact", reverse=True, limit=MAX_ITEMS):
        cadence = person.cadence_days or cadences.get(person.circle or "")
        if not cadence or person.last_interaction_at is None:
            continue
        since = (today - person.last_interaction_at.date()).days
        if since < cadence:
            continue
        actions.append(Action(
            key=f"keep_in_touch:p{person.id}:{person.last_interaction_at.date().isoformat()}",
            kind="keep_in_touch", people=[person.ref], due=today, score=since / cadence,
            reason=f"{person.name}: {since} days since you last talked, cadence {cadence}"))
    return sorted(actions, key=lambda a: -a.score)


def group_by_kind(actions: list[Action]) -> list[tuple[str, str, list[Action]]]:
    groups: dict[str, list[Action]] = {}
    for action in actions:
        groups.setdefault(action.kind, []).append(action)
    ordered = [k for k in KIND_TITLES if k in groups] + sorted(k for k in groups if k not in KIND_TITLES)
    return [(k, KIND_TITLES.get(k, k.replace("_", " ").capitalize()), groups[k]) for k in ordered]


@router.get("/", response_class=HTMLResponse)
def today_page(request: Request, book: BookDep) -> Response:
    today = user_today(book)
    actions, from_agenda = agenda_actions(book, today)
    return render(request, "today.html", {
        "today": today, "groups": group_by_kind(actions), "count": len(actions),
        "from_agenda": from_agenda, "snooze_choices": SNOOZE_CHOICES,
        "people_count": book.people.count()})


@router.post("/today/act", response_class=HTMLResponse)
def act_on_item(request: Request, book: BookDep, key: Text = "", action: Text = "",
                snooze: Text = "1w") -> Response:
    """Done, snooze or dismiss one item; the row disappears (htmx swaps it with nothing)."""
    agenda = part(book, "agenda")
    if agenda is None:
        raise NotFound("the agenda is not available in this version")
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
