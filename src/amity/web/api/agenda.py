"""The agenda (with done / snooze / dismiss by key), promises both ways, and follow-ups."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response, status

from amity.book import Book
from amity.errors import NotFound
from amity.serialize import action_json, commitment_json, follow_up_json
from amity.web.api import errors as e
from amity.web.api.schemas import (
    MAX_ID,
    AgendaOut,
    Day,
    FollowUpCreate,
    FollowUpOut,
    ItemStateOut,
    PromiseCreate,
    PromiseOut,
    SnoozeBody,
)
from amity.web.deps import get_book

router = APIRouter()
BookDep = Annotated[Book, Depends(get_book)]
ItemKeyPath = Annotated[
    str, Path(min_length=1, max_length=200, description="An item's key, e.g. promise:c12")
]
PromiseId = Annotated[int, Path(ge=1, le=MAX_ID, description="The promise's id")]
FollowUpId = Annotated[int, Path(ge=1, le=MAX_ID, description="The follow-up's id")]
PersonFilter = Annotated[int | None, Query(ge=1, le=MAX_ID, description="Only this person's")]
ACTED = {**e.R401, **e.R403, **e.R404, **e.R422}
_NUMBERS = re.compile(r"\d+")


def known_key(key: str) -> str:
    """A key naming a record id no table can hold is simply not found (and never reaches SQL)."""
    if any(int(n) > MAX_ID for n in _NUMBERS.findall(key)):
        raise NotFound(f"no agenda item {key!r}")
    return key


# --- agenda -----------------------------------------------------------------------------------


@router.get(
    "/agenda",
    response_model=AgendaOut,
    responses=e.READ,
    tags=["agenda"],
    summary="Today's ranked actions, each with its reason",
)
def agenda(
    book: BookDep,
    day: Annotated[Day | None, Query(alias="date")] = None,
    limit: Annotated[int | None, Query(ge=1, le=500)] = None,
) -> dict[str, Any]:
    when = day or book.today()
    return {
        "date": when,
        "items": [action_json(a) for a in book.agenda.items(today=when, limit=limit)],
    }


@router.post(
    "/agenda/{key}/done",
    response_model=ItemStateOut,
    responses=ACTED,
    tags=["agenda"],
    summary="Mark an item done (closes its promise or follow-up)",
)
def mark_done(book: BookDep, key: ItemKeyPath) -> dict[str, Any]:
    parsed = book.agenda.done(known_key(key))
    return {"key": parsed.key, "state": "done"}


@router.post(
    "/agenda/{key}/snooze",
    response_model=ItemStateOut,
    responses={**ACTED, **e.R400},
    tags=["agenda"],
    summary="Hide an item until a later day",
)
def snooze(book: BookDep, key: ItemKeyPath, body: SnoozeBody) -> dict[str, Any]:
    parsed = book.agenda.snooze(known_key(key), body.until)
    return {"key": parsed.key, "state": "snoozed", "until": body.until}


@router.post(
    "/agenda/{key}/dismiss",
    response_model=ItemStateOut,
    responses=ACTED,
    tags=["agenda"],
    summary="Hide an item for good",
)
def dismiss(book: BookDep, key: ItemKeyPath) -> dict[str, Any]:
    parsed = book.agenda.dismiss(known_key(key))
    return {"key": parsed.key, "state": "dismissed"}


@router.delete(
    "/agenda/{key}/state",
    response_model=ItemStateOut,
    responses=ACTED,
    tags=["agenda"],
    summary="Forget a done / snoozed / dismissed state",
)
def reopen(book: BookDep, key: ItemKeyPath) -> dict[str, Any]:
    if not book.agenda.restore(known_key(key)):
        raise NotFound(f"nothing was done to {key!r}")
    return {"key": key.strip(), "state": "open"}


# --- promises ---------------------------------------------------------------------------------


@router.get(
    "/promises",
    response_model=list[PromiseOut],
    responses=e.READ_ONE,
    tags=["promises"],
    summary="Promises both ways, soonest due first",
)
def list_promises(
    book: BookDep,
    direction: Literal["mine", "theirs"] | None = None,
    state: Annotated[
        Literal["open", "overdue", "done", "dropped", "all"], Query(alias="status")
    ] = "open",
    person: PersonFilter = None,
) -> list[dict[str, Any]]:
    found = book.commitments.list(direction=direction, status=state, person=person)
    return [commitment_json(c) for c in found]


@router.post(
    "/promises",
    response_model=PromiseOut,
    status_code=status.HTTP_201_CREATED,
    responses=e.WRITE_ONE,
    tags=["promises"],
    summary="Record a promise: mine (I promised them) or theirs",
)
def add_promise(book: BookDep, body: PromiseCreate, response: Response) -> dict[str, Any]:
    made = book.commitments.add(
        body.person, body.text, direction=body.direction, due_on=body.due_on, also=body.also
    )
    response.headers["Location"] = f"/api/v1/promises/{made.id}"
    return commitment_json(made)


@router.get(
    "/promises/{promise_id}",
    response_model=PromiseOut,
    responses=e.READ_ONE,
    tags=["promises"],
    summary="One promise",
)
def get_promise(book: BookDep, promise_id: PromiseId) -> dict[str, Any]:
    return commitment_json(book.commitments.get(promise_id))


@router.post(
    "/promises/{promise_id}/done",
    response_model=PromiseOut,
    responses=ACTED,
    tags=["promises"],
    summary="Mark a promise kept",
)
def keep_promise(book: BookDep, promise_id: PromiseId) -> dict[str, Any]:
    return commitment_json(book.commitments.done(promise_id))


@router.post(
    "/promises/{promise_id}/drop",
    response_model=PromiseOut,
    responses=ACTED,
    tags=["promises"],
    summary="Drop a promise (neither kept nor late)",
)
def drop_promise(book: BookDep, promise_id: PromiseId) -> dict[str, Any]:
    return commitment_json(book.commitments.drop(promise_id))


# --- follow-ups -------------------------------------------------------------------------------


@router.get(
    "/follow-ups",
    response_model=list[FollowUpOut],
    responses=e.READ,
    tags=["follow-ups"],
    summary="Follow-ups, soonest first",
)
def list_follow_ups(book: BookDep, include_done: bool = False) -> list[dict[str, Any]]:
    return [follow_up_json(f) for f in book.follow_ups.list(include_done=include_done)]


@router.post(
    "/follow-ups",
    response_model=FollowUpOut,
    status_code=status.HTTP_201_CREATED,
    responses=e.WRITE_ONE,
    tags=["follow-ups"],
    summary="Follow up with someone on a day (it shows on the agenda from then)",
)
def add_follow_up(book: BookDep, body: FollowUpCreate) -> dict[str, Any]:
    return follow_up_json(book.follow_ups.add(body.person, body.text, body.due_on, also=body.also))


@router.post(
    "/follow-ups/{follow_up_id}/done",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=ACTED,
    tags=["follow-ups"],
    summary="Mark a follow-up done",
)
def follow_up_done(book: BookDep, follow_up_id: FollowUpId) -> Response:
    book.follow_ups.done(follow_up_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
