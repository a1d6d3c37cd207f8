"""People: the paginated list (search-as-you-type, filters, sort, bulk actions) and adding."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from amity.book import Book, PersonInput
from amity.errors import AmityError, InvalidInput
from amity.model import Person
from amity.web.pages.common import BookDep, Text, optional, split_list, user_today
from amity.web.templating import render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
SEARCH_LIMIT = 100
BULK_ACTIONS = ("tag", "untag", "circle", "cadence", "archive")
MAX_BULK = 500


@dataclass
class PeopleQuery:
    q: str = ""
    tag: str = ""
    circle: str = ""
    org: str = ""
    overdue: bool = False
    archived: bool = False
    sort: str = "name"
    page: int = 1

    def params(self, **change: Any) -> str:
        from urllib.parse import urlencode

        values = {
            "q": self.q,
            "tag": self.tag,
            "circle": self.circle,
            "org": self.org,
            "overdue": "1" if self.overdue else "",
            "archived": "1" if self.archived else "",
            "sort": self.sort,
            "page": self.page,
        }
        values.update(change)
        defaults = {
            "q": "",
            "tag": "",
            "circle": "",
            "org": "",
            "overdue": "",
            "archived": "",
            "sort": "name",
            "page": 1,
        }
        return urlencode({k: v for k, v in values.items() if v != defaults[k]})


def find_people(book: Book, query: PeopleQuery) -> tuple[list[Person], bool]:
    """One page of people for the query, and whether there is a next page."""
    ids: list[int] | None = None
    if query.q.strip():
        ids = book.search_people(query.q.strip()[:200], limit=SEARCH_LIMIT)
    if query.overdue:
        actions = book.agenda.items(today=user_today(book))  # all of them, not just the top
        due = {p.id for a in actions if a.kind == "keep_in_touch" for p in a.people}
        ids = [i for i in ids if i in due] if ids is not None else sorted(due)
    sort = {
        "name": "name",
        "last-contact": "last-contact",
        "stale": "last-contact",
        "added": "added",
    }.get(query.sort)
    if sort is None:
        raise InvalidInput("sort by name, last-contact, stale or added", field="sort")
    offset = (query.page - 1) * PAGE_SIZE
    people = book.people.list(
        tag=query.tag or None,
        circle=query.circle or None,
        org=query.org or None,
        sort=sort,
        reverse=query.sort == "stale",
        ids=ids,
        only_archived=query.archived,
        limit=PAGE_SIZE + 1,
        offset=offset,
    )
    if ids is not None and query.q.strip() and query.sort == "name":
        rank = {pid: n for n, pid in enumerate(ids)}  # best match first while searching
        people.sort(key=lambda p: rank.get(p.id, len(rank)))
    return people[:PAGE_SIZE], len(people) > PAGE_SIZE


@router.get("/people", response_class=HTMLResponse)
def people_page(
    request: Request,
    book: BookDep,
    q: str = "",
    tag: str = "",
    circle: str = "",
    org: str = "",
    overdue: str = "",
    archived: str = "",
    sort: str = "name",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    query = PeopleQuery(
        q=q[:200],
        tag=tag[:100],
        circle=circle[:100],
        org=org[:200],
        overdue=overdue in ("1", "on", "true"),
        archived=archived in ("1", "on", "true"),
        sort=sort,
        page=page,
    )
    people, has_more = find_people(book, query)
    context = {"people": people, "query": query, "has_more": has_more, "today": user_today(book),
               "group": book.groups.of_tag(query.tag) if query.tag else None}  # fmt: skip
    if request.headers.get("hx-target") == "people-results":
        return render(request, "partials/people_results.html", context)
    context.update(
        tags=book.people.all_tags(),
        circles=book.circles(),
        total=book.people.count(),
        bulk_actions=BULK_ACTIONS,
    )
    return render(request, "people.html", context)


@router.post("/people/bulk", response_class=HTMLResponse)
def bulk_change(
    request: Request,
    book: BookDep,
    ids: Annotated[list[int], Form()] = [],  # noqa: B006
    action: Text = "",
    value: Text = "",
) -> Response:
    """Tag, untag, set circle or cadence, or archive the selected people."""
    if not ids:
        raise InvalidInput("select at least one person", field="ids")
    if len(ids) > MAX_BULK:
        raise InvalidInput(f"select at most {MAX_BULK} people at once", field="ids")
    changed = apply_bulk(book, list(dict.fromkeys(ids)), action, value.strip())
    message = f"{action.capitalize()}: {changed} {'person' if changed == 1 else 'people'} changed."
    return Response(
        status_code=200,
        content=message,
        headers={"HX-Trigger": "people-changed", "content-type": "text/html"},
    )


def apply_bulk(book: Book, ids: list[int], action: str, value: str) -> int:
    """Validate once, then change each person (each id must be in this book: else NotFound)."""
    refs = [book.people.resolve(i) for i in ids]  # all found before anything is written
    if action in ("tag", "untag"):
        tags = split_list(value)
        if not tags:
            raise InvalidInput("which tag?", field="value")
        for ref in refs:
            (book.people.tag if action == "tag" else book.people.untag)(ref.id, tags)
    elif action == "circle":
        names = {c["name"].lower(): c["name"] for c in book.circles()}
        if value and value.lower() not in names:
            raise InvalidInput(f"no circle named {value!r}", field="value")
        for ref in refs:
            book.people.edit(ref.id, PersonInput(circle=names.get(value.lower(), "")))
    elif action == "cadence":
        from amity.rules.normalize import NormalizeError, parse_cadence

        try:
            if value:
                parse_cadence(value)
        except NormalizeError as exc:
            raise InvalidInput(str(exc), field="value") from None
        for ref in refs:
            book.people.edit(ref.id, PersonInput(cadence=value))
    elif action == "archive":
        for ref in refs:
            book.people.archive(ref.id)
    else:
        raise InvalidInput(f"the action is one of {', '.join(BULK_ACTIONS)}", field="action")
    return len(refs)


@router.get("/people/new", response_class=HTMLResponse)
def new_person_form(request: Request, book: BookDep, name: str = "") -> Response:
    return render(
        request,
        "person_new.html",
        {"form": {"name": name[:300]}, "error": None, "circles": book.circles()},
    )


PERSON_FIELDS = (
    "name",
    "emails",
    "phones",
    "urls",
    "org",
    "title",
    "tags",
    "circle",
    "cadence",
    "birthday",
    "met_where",
    "how_met",
    "note",
    "nickname",
    "preferred_channel",
    "timezone",
    "country",
    "language",
    "best_time",
    "style_notes",
)


def person_input(form: dict[str, str], *, editing: bool = False) -> PersonInput:
    """Form text -> PersonInput; on edit an empty text clears the field."""

    def text(name: str) -> str | None:
        value = form.get(name)
        if value is None:
            return None
        return value.strip() if editing else optional(value)

    birthday = text("birthday")
    return PersonInput(
        name=text("name"),
        emails=split_list(form.get("emails", "")),
        phones=split_list(form.get("phones", "")),
        urls=split_list(form.get("urls", "")),
        org=text("org"),
        title=text("title"),
        tags=split_list(form.get("tags", "")),
        circle=text("circle"),
        cadence=text("cadence"),
        birthday=birthday or None,
        met_where=text("met_where"),
        how_met=text("how_met"),
        note=text("note"),
        nickname=text("nickname"),
        preferred_channel=text("preferred_channel"),
        timezone=text("timezone"),
        country=text("country"),
        language=text("language"),
        best_time=text("best_time"),
        style_notes=text("style_notes"),
    )


@router.post("/people", response_class=HTMLResponse)
async def add_person(request: Request, book: BookDep) -> Response:
    from starlette.concurrency import run_in_threadpool

    raw = await request.form()
    form = {k: str(v) for k, v in raw.items() if k in PERSON_FIELDS}
    choice = str(raw.get("same_email", ""))  # "": check first; "new": add anyway; an id: merge
    try:
        data = person_input(form)
        same = [] if choice else await run_in_threadpool(book.people.sharing_emails, data.emails)
        if same:  # warn, and offer to open or merge (never a silent duplicate)
            circles = await run_in_threadpool(book.circles)
            return render(
                request,
                "person_new.html",
                {"form": form, "error": None, "circles": circles, "same_email": same},
                status_code=409,
            )
        person = await run_in_threadpool(book.people.add, data)
        if choice.isdigit():
            keep = int(choice)
            await run_in_threadpool(lambda: book.transfer.merge(keep, person.id, backup=False))
            return RedirectResponse(f"/people/{keep}", status_code=303)
    except AmityError as exc:
        circles = await run_in_threadpool(book.circles)
        return render(
            request,
            "person_new.html",
            {"form": form, "error": str(exc), "circles": circles},
            status_code=422,
        )
    return RedirectResponse(f"/people/{person.id}", status_code=303)
