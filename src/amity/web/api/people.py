"""People, their contact points, facts, questions and dates."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Response, status
from pydantic import BaseModel, Field

from amity.book import Book
from amity.book.people import SORTS, PersonInput
from amity.errors import Conflict, InvalidInput, NotFound
from amity.model import Person
from amity.rules.normalize import (
    NormalizeError,
    email_key,
    normalize_country,
    normalize_email,
    normalize_tag,
    phone_key,
)
from amity.serialize import date_json, fact_json, person_json, question_json
from amity.web.api import errors as e
from amity.web.api.errors import PreconditionFailed
from amity.web.api.pagination import decode_cursor, encode_cursor, offset_of
from amity.web.api.schemas import (
    MAX_ID,
    CircleOut,
    ContactPointCreate,
    ContactPointOut,
    DateCreate,
    DateOut,
    FactCreate,
    FactOut,
    PersonCreate,
    PersonDetail,
    PersonPage,
    PersonRefOut,
    PersonUpdate,
    QuestionAsked,
    QuestionCreate,
    QuestionOut,
    Str100,
    Str300,
    TagOut,
)
from amity.web.deps import get_book

router = APIRouter(tags=["people"])
BookDep = Annotated[Book, Depends(get_book)]
PersonId = Annotated[int, Path(ge=1, le=MAX_ID, description="The person's id")]
Sort = Literal[SORTS]  # type: ignore[valid-type]
SEARCH_WINDOW = 300  # search hits a ?q= filter considers, best first (as the People page)
SCALARS = (
    "org",
    "title",
    "circle",
    "cadence",
    "met_where",
    "how_met",
    "preferred_channel",
    "timezone",
    "country",
    "language",
    "best_time",
    "style_notes",
    "nickname",
)
ETAG_DOC = {
    "ETag": {
        "description": "The person's version; send it back as If-Match",
        "schema": {"type": "string"},
    }
}


# --- helpers ----------------------------------------------------------------------------------


def etag(person: Person) -> str:
    return f'"v{person.version}"'


def detail(person: Person, response: Response) -> dict[str, Any]:
    response.headers["ETag"] = etag(person)
    return person_json(person, details=True)


def version_from_if_match(header: str | None) -> int | None:
    """The version an If-Match names; None when absent or ``*``; 412 when it names none."""
    if header is None or header.strip() in ("", "*"):
        return None
    for tag in header.split(","):
        text = tag.strip().removeprefix("W/").strip('"')
        if text.startswith("v") and text[1:].isdigit() and len(text) < 12:
            return int(text[1:])
    raise PreconditionFailed("If-Match does not name a version of this person")


def person_input(body: PersonCreate | PersonUpdate, sent: set[str]) -> PersonInput:
    data = PersonInput()
    for name in SCALARS:
        if name in sent:
            value = getattr(body, name)
            setattr(data, name, "" if value is None else value)
    if "name" in sent:
        if body.name is None:
            raise InvalidInput("a person needs a name", field="name")
        data.name = body.name
    if "notes" in sent:
        data.note = body.notes or ""
    if "introduced_by" in sent:
        data.introduced_by = "" if body.introduced_by is None else str(body.introduced_by)
    for name in ("birthday", "met_on"):
        if name in sent:
            value = getattr(body, name)
            if value is None:
                raise InvalidInput(f"{name} cannot be cleared yet; set another value", field=name)
            setattr(data, name, value)
    return data


def _keys(values: list[str], key: Any, field: str) -> set[str]:
    try:
        return {key(v) for v in values}
    except NormalizeError as exc:
        raise InvalidInput(str(exc), field=field) from None


def _country(sent: str | None, current: str | None) -> str | None:
    """The country that reads the request's phones: the one sent, else the stored one."""
    if sent is None:
        return current
    try:
        return normalize_country(sent) if sent.strip() else None
    except NormalizeError:
        return current  # the edit itself reports the bad country


def replace_lists(
    book: Book, current: Person, body: PersonUpdate, sent: set[str], data: PersonInput
) -> dict[str, list[str]]:
    """Lists in a PATCH replace what is there: add the new values, remove the missing ones."""
    removals: dict[str, list[str]] = {"remove_emails": [], "remove_phones": [], "remove_tags": []}
    if "emails" in sent:
        wanted = _keys(body.emails or [], lambda v: email_key(normalize_email(v)), "emails")
        data.emails = list(body.emails or [])
        removals["remove_emails"] = [x for x in current.emails if email_key(x) not in wanted]
    if "phones" in sent:
        region = book.settings.get("phone.region")
        country = _country(data.country, current.country)
        wanted = _keys(body.phones or [], lambda v: phone_key(v, country, region), "phones")
        data.phones = list(body.phones or [])
        removals["remove_phones"] = [
            x for x in current.phones if phone_key(x, country, region) not in wanted
        ]
    if "tags" in sent:
        wanted = _keys(body.tags or [], normalize_tag, "tags")
        data.tags = sorted(wanted)
        removals["remove_tags"] = [x for x in current.tags if x not in wanted]
    return removals


def people_matching(book: Book, q: str) -> list[int]:
    """People whose profile matches, then people in matching conversations (as the page)."""
    hits = book.search(q, limit=SEARCH_WINDOW)
    ids = dict.fromkeys(h.id for h in hits if h.kind == "person")
    for hit in hits:
        if hit.kind == "interaction":
            ids.update(dict.fromkeys(p.id for p in hit.people))
    return list(ids)


ANCHOR_SLACK = 10  # rows added or removed before a page's end that the next page absorbs


def person_page(
    book: Book,
    query: dict[str, Any],
    position: dict[str, Any] | None,
    limit: int,
    filters: dict[str, Any],
) -> dict[str, Any]:
    """One page after the cursor's anchor (the previous page's last person).

    The anchor is looked for a few rows around where it was, so people added or removed
    before it since the last page shift nothing: no one is repeated or skipped. When the
    anchor itself is gone, the page starts at the cursor's position.
    """
    offset = offset_of(position)
    anchor = None if position is None else position.get("a")
    if anchor is not None and (not isinstance(anchor, int) or isinstance(anchor, bool)):
        raise InvalidInput("the cursor is not one this API made", field="cursor")
    start = max(0, offset - 1 - ANCHOR_SLACK) if anchor is not None else offset
    slack = ANCHOR_SLACK if anchor is not None else 0
    rows = book.people.list(**query, offset=start, limit=(offset - start) + slack + limit + 1)
    found = next((n for n, p in enumerate(rows) if p.id == anchor), None)
    first = found + 1 if found is not None else offset - start
    page = rows[first : first + limit + 1]
    items = page[:limit]
    cursor = None
    if len(page) > limit:
        cursor = encode_cursor({"o": start + first + limit, "a": items[-1].id}, filters)
    return {"items": [person_json(p) for p in items], "next_cursor": cursor}


# --- people -----------------------------------------------------------------------------------


@router.get(
    "/people", response_model=PersonPage, responses=e.READ, summary="List people, a page at a time"
)
def list_people(
    book: BookDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    tag: Annotated[Str100 | None, Query()] = None,
    circle: Annotated[Str100 | None, Query()] = None,
    org: Annotated[Str300 | None, Query()] = None,
    q: Annotated[
        Str300 | None,
        Query(description="Full-text search: people whose profile or conversations match"),
    ] = None,
    sort: Sort = "name",
    reverse: bool = False,
    archived: Annotated[bool, Query(description="List archived people instead")] = False,
) -> dict[str, Any]:
    filters = {
        "tag": tag,
        "circle": circle,
        "org": org,
        "q": q,
        "sort": sort,
        "reverse": reverse,
        "archived": archived,
    }
    position = decode_cursor(cursor, filters)
    ids = None if q is None else people_matching(book, q)
    query = {
        "tag": tag,
        "circle": circle,
        "org": org,
        "sort": sort,
        "reverse": reverse,
        "only_archived": archived,
        "ids": ids,
    }
    return person_page(book, query, position, limit, filters)


class SameEmailWarning(BaseModel):
    email: str
    person: PersonRefOut = Field(description="Who already has this address")
    message: str


class PersonCreated(PersonDetail):
    warnings: list[SameEmailWarning] = Field(
        description="People who already had one of the e-mails (any case): if it is the same "
        "person, merge them (`amity merge KEEP OTHER`)"
    )


@router.post(
    "/people",
    response_model=PersonCreated,
    status_code=status.HTTP_201_CREATED,
    responses={**e.WRITE, **e.R404, 201: {"headers": ETAG_DOC}},
    summary="Add a person (warnings name anyone who already has one of the e-mails)",
)
def create_person(book: BookDep, body: PersonCreate, response: Response) -> dict[str, Any]:
    given = {k for k in body.model_fields_set if getattr(body, k) is not None}
    data = person_input(body, given | {"name"})
    data.emails, data.phones, data.urls = list(body.emails), list(body.phones), list(body.urls)
    data.tags = list(body.tags)
    same = book.people.sharing_emails(data.emails or [])
    person = book.people.add(data)
    response.headers["Location"] = f"/api/v1/people/{person.id}"
    warnings = [{"email": email, "person": {"id": other.id, "name": other.name},
                 "message": f"{other.name} already has {email}: if they are the same person, "
                            f"amity merge {other.id} {person.id}"} for email, other in same]  # fmt: skip
    return {**detail(person, response), "warnings": warnings}


@router.get(
    "/people/{person_id}",
    response_model=PersonDetail,
    responses={**e.READ_ONE, 200: {"headers": ETAG_DOC}},
    summary="One person in full",
)
def get_person(book: BookDep, person_id: PersonId, response: Response) -> dict[str, Any]:
    return detail(book.people.get(person_id), response)


@router.patch(
    "/people/{person_id}",
    response_model=PersonDetail,
    responses={**e.WRITE_ONE, **e.R409, **e.R412, 200: {"headers": ETAG_DOC}},
    summary="Change a person (only the keys sent; If-Match guards a stale write)",
)
def update_person(
    book: BookDep,
    person_id: PersonId,
    body: PersonUpdate,
    response: Response,
    if_match: Annotated[str | None, Header(max_length=200)] = None,
) -> dict[str, Any]:
    wanted = version_from_if_match(if_match)
    current = book.people.get(person_id)
    if wanted is not None and wanted != current.version:
        raise PreconditionFailed(
            f"{current.name} changed since you read it (now version {current.version})"
        )
    sent = set(body.model_fields_set)
    data = person_input(body, sent)
    removals = replace_lists(book, current, body, sent, data)
    try:
        person = book.people.edit(person_id, data, if_version=current.version, **removals)
    except Conflict as exc:
        if wanted is not None:
            raise PreconditionFailed(str(exc)) from None
        raise
    return detail(person, response)


@router.delete(
    "/people/{person_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**e.R401, **e.R403, **e.R404, **e.R422},
    summary="Delete a person with their own records (restorable from the trash for 30 days)",
)
def purge_person(book: BookDep, person_id: PersonId) -> Response:
    book.people.purge(person_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/people/{person_id}/archive",
    response_model=PersonDetail,
    responses={**e.R401, **e.R403, **e.R404, **e.R422},
    summary="Archive a person (hidden from lists and the agenda, history kept)",
)
def archive_person(book: BookDep, person_id: PersonId, response: Response) -> dict[str, Any]:
    book.people.archive(person_id)
    return detail(book.people.get(person_id), response)


@router.post(
    "/people/{person_id}/restore",
    response_model=PersonDetail,
    responses={**e.R401, **e.R403, **e.R404, **e.R422},
    summary="Bring an archived person back",
)
def restore_person(book: BookDep, person_id: PersonId, response: Response) -> dict[str, Any]:
    book.people.restore(person_id)
    return detail(book.people.get(person_id), response)


# --- contact points ---------------------------------------------------------------------------


@router.get(
    "/people/{person_id}/contact-points",
    response_model=list[ContactPointOut],
    responses=e.READ_ONE,
    tags=["contact points"],
    summary="A person's contact points",
)
def list_contact_points(book: BookDep, person_id: PersonId) -> list[dict[str, Any]]:
    return person_json(book.people.get(person_id), details=True)["contact_points"]  # type: ignore[no-any-return]


@router.post(
    "/people/{person_id}/contact-points",
    response_model=ContactPointOut,
    status_code=status.HTTP_201_CREATED,
    responses={**e.WRITE_ONE, **e.R409},
    tags=["contact points"],
    summary="Add an e-mail address, phone number or URL",
)
def add_contact_point(
    book: BookDep, person_id: PersonId, body: ContactPointCreate
) -> dict[str, Any]:
    before = {c.id for c in book.people.get(person_id).contact_points}
    data = PersonInput()
    setattr(data, body.kind + "s", [body.value])  # emails, phones or urls
    person = book.people.edit(person_id, data)
    added = [c for c in person.contact_points if c.id not in before]
    if not added:
        raise Conflict(f"{person.name} already has this {body.kind}")
    return person_json(person, details=True)["contact_points"][  # type: ignore[no-any-return]
        person.contact_points.index(added[0])
    ]


@router.delete(
    "/people/{person_id}/contact-points/{point_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**e.R401, **e.R403, **e.R404, **e.R422},
    tags=["contact points"],
    summary="Remove an e-mail address or phone number",
)
def remove_contact_point(
    book: BookDep, person_id: PersonId, point_id: Annotated[int, Path(ge=1, le=MAX_ID)]
) -> Response:
    person = book.people.get(person_id)
    point = next((c for c in person.contact_points if c.id == point_id), None)
    if point is None:
        raise NotFound(f"no contact point {point_id} for this person")
    if point.kind == "email":
        book.people.edit(person_id, PersonInput(), remove_emails=[point.value])
    elif point.kind == "phone":
        book.people.edit(person_id, PersonInput(), remove_phones=[point.normalized or point.value])
    else:
        raise InvalidInput(
            f"a {point.kind} contact point cannot be removed through the API yet", field="point_id"
        )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- facts, questions, dates ------------------------------------------------------------------


@router.get(
    "/people/{person_id}/facts",
    response_model=list[FactOut],
    responses=e.READ_ONE,
    tags=["facts"],
    summary="What a person cares about",
)
def list_facts(book: BookDep, person_id: PersonId) -> list[dict[str, Any]]:
    return [fact_json(f) for f in book.people.get(person_id).facts]


@router.post(
    "/people/{person_id}/facts",
    response_model=FactOut,
    status_code=201,
    responses=e.WRITE_ONE,
    tags=["facts"],
    summary="Remember something a person cares about",
)
def add_fact(book: BookDep, person_id: PersonId, body: FactCreate) -> dict[str, Any]:
    return fact_json(
        book.people.add_fact(person_id, body.kind, body.text, happened_on=body.happened_on)
    )


@router.get(
    "/people/{person_id}/questions",
    response_model=list[QuestionOut],
    responses=e.READ_ONE,
    tags=["questions"],
    summary="Questions to ask a person",
)
def list_questions(book: BookDep, person_id: PersonId) -> list[dict[str, Any]]:
    return [question_json(q) for q in book.people.get(person_id).questions]


@router.post(
    "/people/{person_id}/questions",
    response_model=QuestionOut,
    status_code=201,
    responses=e.WRITE_ONE,
    tags=["questions"],
    summary="Note a question to ask next time",
)
def add_question(book: BookDep, person_id: PersonId, body: QuestionCreate) -> dict[str, Any]:
    return question_json(book.people.add_question(person_id, body.text))


@router.post(
    "/people/{person_id}/questions/{question_id}/asked",
    response_model=QuestionOut,
    responses={**e.WRITE_ONE},
    tags=["questions"],
    summary="Mark a question asked, with their answer (kept as a fact)",
)
def question_asked(
    book: BookDep,
    person_id: PersonId,
    question_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    body: QuestionAsked | None = None,
) -> dict[str, Any]:
    question = next((q for q in book.people.get(person_id).questions if q.id == question_id), None)
    if question is None:
        raise NotFound(f"no question Q{question_id} for this person")
    if question.asked_at is not None:
        raise InvalidInput(f"Q{question_id} was already asked", field="question_id")
    answer = None if body is None else body.answer
    return question_json(book.briefs.mark_asked([(question_id, answer)])[0])


@router.get(
    "/people/{person_id}/dates",
    response_model=list[DateOut],
    responses=e.READ_ONE,
    tags=["dates"],
    summary="A person's birthday, anniversaries and other dates",
)
def list_dates(book: BookDep, person_id: PersonId) -> list[dict[str, Any]]:
    return [date_json(d) for d in book.people.get(person_id).dates]


@router.post(
    "/people/{person_id}/dates",
    response_model=DateOut,
    status_code=201,
    responses=e.WRITE_ONE,
    tags=["dates"],
    summary="Add a date to remember",
)
def add_date(book: BookDep, person_id: PersonId, body: DateCreate) -> dict[str, Any]:
    return date_json(book.people.add_date(person_id, body.kind, body.date, body.label))


# --- what the filters take ------------------------------------------------------------------


@router.get(
    "/tags",
    response_model=list[TagOut],
    responses=e.READ,
    tags=["people"],
    summary="Every tag, with how many people carry it",
)
def list_tags(book: BookDep) -> list[dict[str, Any]]:
    pairs: Any = book.people.all_tags()  # typed with People.list's shadowed name for `list`
    return [{"name": name, "people": count} for name, count in pairs]


@router.get(
    "/circles",
    response_model=list[CircleOut],
    responses=e.READ,
    tags=["people"],
    summary="The circles, their cadences and how many people are in each",
)
def list_circles(book: BookDep) -> list[dict[str, Any]]:
    return book.circles()
