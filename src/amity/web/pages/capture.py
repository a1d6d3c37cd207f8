"""Quick capture: log an interaction with several people from any page (press c).

Names autocomplete; "needs reply", a promise and a follow-up can be added in the same form.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from amity.book import Book, InteractionInput
from amity.errors import Ambiguous, AmityError, InvalidInput
from amity.model import INTERACTION_KINDS, PersonRef
from amity.rules.words import join_names, with_article
from amity.web.pages.common import BookDep, Text, optional, short_text, split_list, user_today
from amity.web.templating import render

router = APIRouter(include_in_schema=False)
SUGGESTIONS = 8


@router.get("/capture", response_class=HTMLResponse)
def capture_page(request: Request, book: BookDep) -> Response:
    return render(request, "capture.html", {"capture": {}})


@router.get("/capture/names", response_class=HTMLResponse)
def name_suggestions(request: Request, book: BookDep, names: str = "", q: str = "") -> Response:
    """People whose name starts like the last name being typed (``Ana, Be`` -> ``Be``)."""
    typed = (q or names).split(",")[-1].strip()[:100]
    people: list[PersonRef] = []
    if typed:
        hits = book.search(typed, limit=SUGGESTIONS * 2)
        seen: set[int] = set()
        for hit in hits:
            if hit.kind == "person" and hit.id not in seen:
                seen.add(hit.id)
                people.append(PersonRef(hit.id, hit.title))
        people = people[:SUGGESTIONS]
    return render(request, "partials/name_suggestions.html", {"people": people, "typed": typed})


@router.post("/capture", response_class=HTMLResponse)
def capture(
    request: Request,
    book: BookDep,
    person_id: Annotated[list[int], Form()] = [],  # noqa: B006 - FastAPI form lists
    names: Text = "",
    kind: Text = "meeting",
    when: Text = "",
    subject: Text = "",
    notes: Text = "",
    needs_reply: Text = "",
    promise: Text = "",
    promise_direction: Text = "mine",
    promise_due: Text = "",
    follow_up: Text = "",
    direction: Text = "",
    capture_key: Text = "",
) -> Response:
    form = {
        "names": names,
        "kind": kind,
        "when": when,
        "subject": subject,
        "notes": notes,
        "needs_reply": needs_reply,
        "promise": promise,
        "promise_due": promise_due,
        "promise_direction": promise_direction,
        "follow_up": follow_up,
        "direction": direction,
    }
    key = capture_key.strip()
    try:
        if key:  # sent again (a phone back online, a retry): logged once, answered the same
            fresh, earlier = book.captures.claim(key)
            if not fresh:
                return _already(request, book, earlier)
        try:
            logged = log_capture(book, person_ids=person_id, form=form)
        except AmityError:
            if key:
                book.captures.release(key)
            raise
        if key and logged.id is not None:
            book.captures.finish(key, logged.id)
    except AmityError as exc:
        status = 409 if isinstance(exc, Ambiguous) else 422
        chosen = _chosen(book, person_id)
        return render(
            request,
            "partials/capture_form.html",
            {"capture": form, "chosen": chosen, "error": str(exc)},
            status_code=status,
        )
    names_text = join_names([p.name for p in logged.people])
    return render(
        request,
        "partials/capture_form.html",
        {"capture": {}, "logged": f"Logged {with_article(logged.kind)} with {names_text}."},
        headers={"HX-Trigger": "interaction-logged"},
    )


def _already(request: Request, book: Book, interaction_id: int | None) -> Response:
    message = "Already logged."
    if interaction_id is not None:
        try:
            earlier = book.interactions.get(interaction_id)
            names_text = join_names([p.name for p in earlier.people])
            message = f"Already logged: {with_article(earlier.kind)} with {names_text}."
        except AmityError:
            pass
    return render(
        request,
        "partials/capture_form.html",
        {"capture": {}, "logged": message},
        headers={"HX-Trigger": "interaction-logged"},
    )


def _chosen(book: Book, ids: list[int]) -> list[PersonRef]:
    out = []
    for pid in ids[:50]:
        try:
            out.append(book.people.resolve(pid))
        except AmityError:
            continue
    return out


def log_capture(book: Book, *, person_ids: list[int], form: dict[str, str]) -> Any:
    """Check everything first (people, dates, promise), then log, then add the extras."""
    refs: list[str | int] = [*person_ids, *split_list(form["names"])]
    if not refs:
        raise InvalidInput("with whom? type a name", field="names")
    if len(refs) > 50:
        raise InvalidInput("log with at most 50 people at once", field="names")
    people = [book.people.resolve(r, include_archived=False) for r in refs]
    when = _when(book, form["when"])
    today = user_today(book)
    promise = short_text(form["promise"], "promise", limit=500)
    promise_due = _due(form["promise_due"], today, "promise_due")
    follow_up = _due(form["follow_up"], today, "follow_up")
    if form["promise_direction"] not in ("mine", "theirs"):
        raise InvalidInput("a promise is mine or theirs", field="promise_direction")
    needs_reply = form["needs_reply"] in ("1", "on", "true")
    logged = book.interactions.log(
        InteractionInput(
            people=[p.id for p in people],
            kind=form["kind"].strip().lower() or "other",
            occurred_at=when,
            subject=optional(short_text(form["subject"], "subject", limit=500)),
            notes=optional(short_text(form["notes"], "notes")),
            needs_reply=needs_reply,
            direction="inbound" if needs_reply else (form.get("direction") or None),
            source="web",
        )
    )
    first, others = people[0], [p.id for p in people[1:]]
    if promise:  # one promise involving everyone, not one per person
        book.commitments.add(
            first.id, promise, direction=form["promise_direction"], due_on=promise_due, also=others
        )
    if follow_up:
        who = join_names([p.name for p in people])
        text = optional(form["subject"]) or f"Follow up with {who}"
        book.follow_ups.add(first.id, text, follow_up, also=others)
    return logged


def _when(book: Book, text: str) -> Any:
    if not text.strip():
        return None
    from amity.rules.when import WhenError, parse_datetime

    try:
        return parse_datetime(text.strip()[:100], book.now(), book.settings.get("timezone"))
    except WhenError as exc:
        raise InvalidInput(str(exc), field="when") from None


def _due(text: str, today: date, field: str) -> date | None:
    """``3d``, ``2w``, or a date: when something is due."""
    value = text.strip()
    if not value:
        return None
    from amity.rules.when import WhenError, parse_date, parse_duration_days

    try:
        if value[0].isdigit() and value[-1].lower() in "dwmy" and value[:-1].isdigit():
            return today + timedelta(days=parse_duration_days(value))
        return parse_date(value[:100], today, future=True)
    except WhenError as exc:
        raise InvalidInput(str(exc), field=field) from None


KINDS = INTERACTION_KINDS
