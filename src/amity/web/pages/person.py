"""One person: profile and contact points, facts, questions, dates, timeline, promises;
each section edited in place with htmx."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from amity.book import Book
from amity.errors import AmityError, InvalidInput, NotFound
from amity.model import DATE_KINDS, FACT_KINDS, Person
from amity.rules.related import SYMMETRIC_KINDS
from amity.web.display import display_context
from amity.web.pages.common import BookDep, Text, parse_day, short_text
from amity.web.pages.people import PERSON_FIELDS, person_input
from amity.web.templating import render

router = APIRouter(include_in_schema=False)
TIMELINE_LIMIT = 30


def person_context(book: Book, person_id: int) -> dict[str, Any]:
    person = book.people.get(person_id)
    context: dict[str, Any] = {
        **display_context(book),
        "p": person,
        "fact_kinds": FACT_KINDS,
        "date_kinds": DATE_KINDS,
        "circles": book.circles(),
        "timeline": book.interactions.timeline(person.id, limit=TIMELINE_LIMIT),
        "promises": book.commitments.list(person=person.id),
        "relations": book.network.relationships.list(person.id),
        "symmetric_kinds": SYMMETRIC_KINDS,
        # an archived person has no health (they are out of the agenda): the page still shows
        "health": None if person.archived_at else book.health.of(person.id),
        "last_change": last_change_about(book, person.id),
    }
    return context


def last_change_about(book: Book, person_id: int) -> Any:
    """The book's last change still in effect, when it was about this person: the page that
    made it offers to undo it."""
    last = book.history.last_undoable()
    if last is None or not any(c.person_id == person_id for c in last.changes):
        return None
    return last


@router.get("/people/{person_id}", response_class=HTMLResponse)
def person_page(request: Request, book: BookDep, person_id: int) -> Response:
    return render(request, "person.html", person_context(book, person_id))


@router.get("/people/{person_id}/profile", response_class=HTMLResponse)
def profile(request: Request, book: BookDep, person_id: int) -> Response:
    return render(
        request,
        "partials/person_profile.html",
        {**display_context(book), "p": book.people.get(person_id)},
    )


@router.get("/people/{person_id}/edit", response_class=HTMLResponse)
def edit_form(request: Request, book: BookDep, person_id: int) -> Response:
    person = book.people.get(person_id)
    return render(
        request,
        "partials/person_edit.html",
        {
            "p": person,
            "form": form_of(person),
            "circles": book.circles(),
            "error": None,
            "timezones": time_zone_names(),
        },
    )


def time_zone_names() -> list[str]:
    """Every IANA zone, for the time-zone picker (a datalist)."""
    import zoneinfo

    return sorted(n for n in zoneinfo.available_timezones() if "/" in n or n == "UTC")


def form_of(person: Person) -> dict[str, str]:
    from amity.rules.normalize import format_cadence

    return {
        "name": person.name,
        "emails": ", ".join(person.emails),
        "phones": ", ".join(person.phones),
        "org": person.org or "",
        "title": person.title or "",
        "tags": ", ".join(person.tags),
        "circle": person.circle or "",
        "cadence": format_cadence(person.cadence_days) if person.cadence_days is not None else "",
        "birthday": str(person.birthday) if person.birthday else "",
        "met_where": person.met_where or "",
        "how_met": person.how_met or "",
        "note": person.notes or "",
        "nickname": person.nickname or "",
        "preferred_channel": person.preferred_channel or "",
        "timezone": person.timezone or "",
        "country": person.country or "",
        "language": person.language or "",
        "best_time": person.best_time or "",
        "style_notes": person.style_notes or "",
    }


@router.post("/people/{person_id}/edit", response_class=HTMLResponse)
async def save_edit(request: Request, book: BookDep, person_id: int) -> Response:
    raw = await request.form()
    form = {k: str(v) for k, v in raw.items() if k in PERSON_FIELDS}
    version = str(raw.get("version", ""))
    try:
        person = await run_in_threadpool(apply_edit, book, person_id, form, version)
    except AmityError as exc:
        if isinstance(exc, NotFound):
            raise
        current, circles = await run_in_threadpool(
            lambda: (book.people.get(person_id), book.circles())
        )
        return render(
            request,
            "partials/person_edit.html",
            {
                "p": current,
                "form": form,
                "circles": circles,
                "error": str(exc),
                "timezones": time_zone_names(),
            },
            status_code=409 if exc.code == "conflict" else 422,
        )
    return render(
        request,
        "partials/person_profile.html",
        {**display_context(book), "p": person, "saved": True},
    )


def apply_edit(book: Book, person_id: int, form: dict[str, str], version: str) -> Person:
    """Fields replace; list fields (e-mails, phones, tags) become exactly what was typed."""
    current = book.people.get(person_id)
    data = person_input(form, editing=True)
    new_emails, new_phones, new_tags = data.emails, data.phones, data.tags
    keep = {e.lower() for e in new_emails}
    remove_emails = [e for e in current.emails if e.lower() not in keep]
    remove_phones = [x for x in current.phones if x not in new_phones]
    remove_tags = [t for t in current.tags if t not in {t.lower() for t in new_tags}]
    return book.people.edit(
        current.id,
        data,
        remove_emails=remove_emails,
        remove_phones=remove_phones,
        remove_tags=remove_tags,
        if_version=int(version) if version.isdigit() else None,
    )


@router.post("/people/{person_id}/facts", response_class=HTMLResponse)
def add_fact(
    request: Request,
    book: BookDep,
    person_id: int,
    kind: Text = "other",
    text: Text = "",
    happened_on: Text = "",
) -> Response:
    try:
        book.people.add_fact(
            person_id,
            kind,
            short_text(text, "text"),
            happened_on=parse_day(happened_on, "happened_on"),
        )
        error = None
    except InvalidInput as exc:
        error = str(exc)
    return render(
        request,
        "partials/person_facts.html",
        {"p": book.people.get(person_id), "fact_kinds": FACT_KINDS, "error": error},
        status_code=422 if error else 200,
    )


@router.post("/people/{person_id}/questions", response_class=HTMLResponse)
def add_question(request: Request, book: BookDep, person_id: int, text: Text = "") -> Response:
    try:
        book.people.add_question(person_id, short_text(text, "text"))
        error = None
    except InvalidInput as exc:
        error = str(exc)
    return render(
        request,
        "partials/person_questions.html",
        {"p": book.people.get(person_id), "error": error},
        status_code=422 if error else 200,
    )


@router.post("/people/{person_id}/questions/{question_id}/asked", response_class=HTMLResponse)
def question_asked(
    request: Request, book: BookDep, person_id: int, question_id: int, answer: Text = ""
) -> Response:
    """Asked it: the question leaves the list; an answer is kept as a fact."""
    person = book.people.resolve(person_id)  # another user's person is not found
    error = None
    try:
        book.briefs.check_questions([question_id], [person.id])
        book.briefs.mark_asked([(question_id, short_text(answer, "answer", limit=2000) or None)])
    except InvalidInput as exc:
        error = str(exc)
    return render(
        request,
        "partials/person_questions.html",
        {"p": book.people.get(person.id), "error": error, "answered": not error},
        status_code=422 if error else 200,
        headers=None if error else {"HX-Trigger": "question-asked"},
    )


@router.post("/people/{person_id}/dates", response_class=HTMLResponse)
def add_date(
    request: Request,
    book: BookDep,
    person_id: int,
    kind: Text = "custom",
    when: Text = "",
    label: Text = "",
) -> Response:
    try:
        from amity.model import PartialDate

        try:
            partial = PartialDate.parse(when.strip())
        except (ValueError, TypeError):
            raise InvalidInput(
                f"{when.strip()!r} is not a date like 1990-04-15 or --04-15", field="when"
            ) from None
        book.people.add_date(
            person_id, kind, partial, short_text(label, "label", limit=200) or None
        )
        error = None
    except InvalidInput as exc:
        error = str(exc)
    return render(
        request,
        "partials/person_dates.html",
        {
            **display_context(book),
            "p": book.people.get(person_id),
            "date_kinds": DATE_KINDS,
            "error": error,
        },
        status_code=422 if error else 200,
    )


@router.post("/people/{person_id}/archive")
def archive(request: Request, book: BookDep, person_id: int) -> Response:
    book.people.archive(person_id)
    return RedirectResponse(f"/people/{person_id}", status_code=303)


@router.post("/people/{person_id}/restore")
async def restore(request: Request, book: BookDep, person_id: int) -> Response:
    """Bring an archived person back; from the Archived list (htmx) the row goes away."""
    from amity.web.pages.records import safe_back

    form = await request.form()
    await run_in_threadpool(book.people.restore, person_id)
    if request.headers.get("hx-request"):
        return HTMLResponse("", headers={"HX-Trigger": "people-changed"})
    return RedirectResponse(
        safe_back(str(form.get("back", "")), f"/people/{person_id}"), status_code=303
    )


@router.get("/people/{person_id}/delete", response_class=HTMLResponse)
def confirm_delete(request: Request, book: BookDep, person_id: int) -> Response:
    """Deleting for good asks first: what goes with the person is said."""
    person = book.people.get(person_id)
    return render(request, "person_delete.html", {"p": person})


@router.post("/people/{person_id}/delete")
def delete_for_good(
    request: Request, book: BookDep, person_id: int, confirm: Text = ""
) -> Response:
    person = book.people.resolve(person_id)  # another user's person is not found
    if confirm != "yes":
        raise InvalidInput("confirm deleting for good", field="confirm")
    book.people.purge(person.id)
    return RedirectResponse("/people", status_code=303)
