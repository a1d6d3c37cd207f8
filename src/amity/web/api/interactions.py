"""Interactions: log one with several people, list (everyone's or one person's), get, delete."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response, status

from amity.book import Book, InteractionInput
from amity.errors import InvalidInput
from amity.serialize import interaction_json
from amity.web.api import errors as e
from amity.web.api.pagination import decode_cursor, encode_cursor
from amity.web.api.schemas import (
    MAX_ID,
    InteractionCreate,
    InteractionKind,
    InteractionOut,
    InteractionPage,
)
from amity.web.deps import get_book

router = APIRouter(tags=["interactions"])
BookDep = Annotated[Book, Depends(get_book)]
InteractionId = Annotated[int, Path(ge=1, le=MAX_ID, description="The interaction's id")]
PersonId = Annotated[int, Path(ge=1, le=MAX_ID, description="The person's id")]
Limit = Annotated[int, Query(ge=1, le=200)]
Cursor = Annotated[str | None, Query(max_length=500)]
TICK = timedelta(microseconds=1)


def position_of(doc: dict[str, Any] | None) -> tuple[datetime, int] | None:
    """The (occurred_at, id) after which the next page starts."""
    if doc is None:
        return None
    try:
        when = datetime.fromisoformat(str(doc["t"]))
        ident = doc["i"]
        if not isinstance(ident, int) or isinstance(ident, bool) or when.tzinfo is None:
            raise ValueError
    except (KeyError, ValueError, TypeError):
        raise InvalidInput("the cursor is not one this API made", field="cursor") from None
    return when, ident


def timeline_page(
    book: Book, person: int | None, kind: str | None, limit: int, cursor: str | None
) -> dict[str, Any]:
    """Newest first; keyset pages on (occurred_at, id), so no row is repeated or skipped."""
    filters = {"person": person, "kind": kind}
    after = position_of(decode_cursor(cursor, filters))
    fetch = limit + 1
    while True:
        before = None if after is None else after[0] + TICK
        found = book.interactions.timeline(person, limit=fetch, before=before, kind=kind)
        rows = found if after is None else [i for i in found if (i.occurred_at, i.id or 0) < after]
        if len(rows) > limit or len(found) < fetch:  # a full page, or nothing more to read
            break
        fetch *= 2  # many rows share the cursor's instant: read further
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = encode_cursor({"t": last.occurred_at.isoformat(), "i": last.id}, filters)
    return {"items": [interaction_json(i) for i in items], "next_cursor": next_cursor}


@router.post(
    "/interactions",
    response_model=InteractionOut,
    status_code=status.HTTP_201_CREATED,
    responses=e.WRITE_ONE,
    summary="Log an interaction with one or several people",
)
def log_interaction(book: BookDep, body: InteractionCreate, response: Response) -> dict[str, Any]:
    result = book.interactions.log(
        InteractionInput(
            people=list(body.people),
            kind=body.kind,
            direction=body.direction,
            occurred_at=body.occurred_at,
            subject=body.subject,
            notes=body.notes,
            needs_reply=body.needs_reply,
            thread_key=body.thread_key,
            channel=body.channel,
            location=body.location,
            source="api",
        )
    )
    response.headers["Location"] = f"/api/v1/interactions/{result.id}"
    return interaction_json(result)


@router.get(
    "/interactions",
    response_model=InteractionPage,
    responses=e.READ,
    summary="Interactions with anyone, newest first",
)
def list_interactions(
    book: BookDep, limit: Limit = 50, cursor: Cursor = None, kind: InteractionKind | None = None
) -> dict[str, Any]:
    return timeline_page(book, None, kind, limit, cursor)


@router.get(
    "/interactions/awaiting-reply",
    response_model=list[InteractionOut],
    responses=e.READ,
    summary="Inbound messages still waiting for your answer, oldest first",
)
def awaiting_reply(book: BookDep) -> list[dict[str, Any]]:
    return [interaction_json(i) for i in book.interactions.awaiting_reply()]


@router.get(
    "/interactions/{interaction_id}",
    response_model=InteractionOut,
    responses=e.READ_ONE,
    summary="One interaction",
)
def get_interaction(book: BookDep, interaction_id: InteractionId) -> dict[str, Any]:
    return interaction_json(book.interactions.get(interaction_id))


@router.get(
    "/people/{person_id}/interactions",
    response_model=InteractionPage,
    responses=e.READ_ONE,
    summary="A person's timeline, newest first",
)
def person_interactions(
    book: BookDep,
    person_id: PersonId,
    limit: Limit = 50,
    cursor: Cursor = None,
    kind: InteractionKind | None = None,
) -> dict[str, Any]:
    book.people.resolve(person_id)  # 404 before paging
    return timeline_page(book, person_id, kind, limit, cursor)
