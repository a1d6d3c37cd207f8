"""Edit and delete one record of each kind (issue 12): ``PATCH`` and ``DELETE`` on
``/facts/{id}``, ``/questions/{id}``, ``/dates/{id}``, ``/interactions/{id}``,
``/promises/{id}``, ``/follow-ups/{id}``, ``/events/{id}``, ``/relationships/{id}``,
``/articles/{id}``, ``/goals/{id}``, ``/feedback/{id}``, and ``DELETE
/people/{id}/birthday``. Each calls ``book.records``; a PATCH changes only the fields sent
(``null`` clears an optional one)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Response, status
from pydantic import AfterValidator, BaseModel, Field

from amity import serialize as j
from amity.book import Book
from amity.web.api import errors as e
from amity.web.api.network_schemas import (
    ArticleOut,
    Day,
    EventKind,
    EventOut,
    FeedbackOut,
    GoalOut,
    RelationshipKind,
    RelationshipOut,
)
from amity.web.api.schemas import (
    MAX_ID,
    AwareDatetime,
    DateKind,
    DateOut,
    Direction,
    FactKind,
    FactOut,
    FollowUpOut,
    Id,
    InteractionKind,
    InteractionOut,
    LongText,
    Notes,
    PersonDetail,
    PromiseOut,
    QuestionOut,
    Str20,
    Str50,
    Str100,
    Str200,
    Str300,
    Strict,
    storable,
)
from amity.web.deps import get_book

router = APIRouter()
BookDep = Annotated[Book, Depends(get_book)]
EDITED = {**e.WRITE_ONE, **e.R409}
DELETED = {**e.R401, **e.R403, **e.R404, **e.R422}


# --- what a PATCH may send, per kind ----------------------------------------------------------


class FactUpdate(Strict):
    kind: FactKind | None = None
    text: LongText | None = None
    happened_on: Day | None = None


class QuestionUpdate(Strict):
    text: LongText | None = None
    answer: LongText | None = None


class DateUpdate(Strict):
    kind: DateKind | None = None
    date: Str20 | None = Field(None, description="1990-04-15, --04-15 or 04-15")
    label: Str200 | None = None


class InteractionUpdate(Strict):
    people: list[Id] | None = Field(None, min_length=1, max_length=200)
    kind: InteractionKind | None = None
    direction: Direction | None = None
    occurred_at: AwareDatetime | None = None
    subject: LongText | None = None
    notes: Notes | None = None
    needs_reply: bool | None = None
    channel: Str50 | None = None
    location: LongText | None = None


class PromiseUpdate(Strict):
    person: Id | None = None
    text: LongText | None = None
    direction: Literal["mine", "theirs"] | None = None
    due_on: Day | None = None
    status: Literal["open", "done", "dropped"] | None = None


class FollowUpUpdate(Strict):
    person: Id | None = None
    text: LongText | None = None
    due_on: Day | None = None


class EventUpdate(Strict):
    name: Str300 | None = Field(None, min_length=1)
    kind: EventKind | None = None
    starts_on: Day | None = None
    ends_on: Day | None = None
    location: Str300 | None = None
    url: Str300 | None = None
    notes: Notes | None = None


class RelationshipUpdate(Strict):
    kind: RelationshipKind | None = None
    note: LongText | None = None


class ArticleUpdate(Strict):
    url: Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(storable)] | None = (
        None
    )
    title: LongText | None = None
    text: Annotated[str, Field(max_length=1_000_000), AfterValidator(storable)] | None = None
    topics: list[Str100] | None = Field(None, max_length=20)


class GoalUpdate(Strict):
    title: LongText | None = Field(None, min_length=1)
    theme: Str100 | None = None
    check_in: Literal["weekly", "monthly"] | Annotated[int, Field(ge=1, le=366)] | None = None
    until: Day | None = None
    status: Literal["active", "done", "dropped"] | None = None


class FeedbackUpdate(Strict):
    text: LongText | None = Field(None, min_length=1)
    kind: Literal["positive", "constructive"] | None = None
    person: Id | None = None
    context: LongText | None = None
    themes: list[Str100] | None = Field(None, max_length=10)
    on: Day | None = None


RENAMES = {"date": "when", "check_in": "check_in_days", "on": "received_on"}
LISTS = ("people", "topics", "themes")  # null for a list means empty


def changes_of(body: BaseModel) -> dict[str, Any]:
    """The fields the client sent, named as ``book.records`` names them."""
    out: dict[str, Any] = {}
    for name in sorted(body.model_fields_set):
        value = getattr(body, name)
        if value is None and name in LISTS:
            value = []
        out[RENAMES.get(name, name)] = value
    return out


def _goal(book: Book, goal: Any) -> dict[str, Any]:
    for status_ in book.feedback.goals(include_closed=True):
        if status_.goal.id == goal.id:
            return j.goal_status_json(status_)
    return j.goal_json(goal)  # pragma: no cover - the goal was just read in the same book


# --- the routes -------------------------------------------------------------------------------


def _routes(
    path: str,
    id_name: str,
    kind: str,
    tag: str,
    body_model: type[BaseModel],
    out_model: type[BaseModel],
    to_json: Callable[[Book, Any], dict[str, Any]],
) -> None:
    label = kind.replace("_", "-")
    record_id = inspect.Parameter(
        id_name,
        inspect.Parameter.KEYWORD_ONLY,
        annotation=Annotated[int, Path(ge=1, le=MAX_ID, description=f"The {label}'s id")],
    )
    book = inspect.Parameter("book", inspect.Parameter.KEYWORD_ONLY, annotation=BookDep)
    body = inspect.Parameter("body", inspect.Parameter.KEYWORD_ONLY, annotation=body_model)

    def edit(**kw: Any) -> dict[str, Any]:
        found: Book = kw["book"]
        return to_json(found, found.records.edit(kind, kw[id_name], changes_of(kw["body"])))

    def delete(**kw: Any) -> Response:
        kw["book"].records.delete(kind, kw[id_name])
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    # FastAPI reads the parameters from the signature: the id is named as in the path
    edit.__signature__ = inspect.Signature([book, record_id, body])  # type: ignore[attr-defined]
    delete.__signature__ = inspect.Signature([book, record_id])  # type: ignore[attr-defined]
    edit.__name__ = f"edit_{kind}"
    delete.__name__ = f"delete_{kind}"
    router.patch(
        f"{path}/{{{id_name}}}",
        response_model=out_model,
        responses=EDITED,
        tags=[tag],
        summary=f"Change a {label} (only the fields sent)",
        operation_id=f"edit_{kind}",
    )(edit)
    router.delete(
        f"{path}/{{{id_name}}}",
        status_code=status.HTTP_204_NO_CONTENT,
        responses=DELETED,
        tags=[tag],
        summary=f"Delete a {label}",
        operation_id=f"delete_{kind}",
    )(delete)


_routes("/facts", "fact_id", "fact", "facts", FactUpdate, FactOut, lambda b, x: j.fact_json(x))
_routes(
    "/questions",
    "question_id",
    "question",
    "questions",
    QuestionUpdate,
    QuestionOut,
    lambda b, x: j.question_json(x),
)
_routes("/dates", "date_id", "date", "dates", DateUpdate, DateOut, lambda b, x: j.date_json(x))
_routes(
    "/interactions",
    "interaction_id",
    "interaction",
    "interactions",
    InteractionUpdate,
    InteractionOut,
    lambda b, x: j.interaction_json(x),
)
_routes(
    "/promises",
    "promise_id",
    "promise",
    "promises",
    PromiseUpdate,
    PromiseOut,
    lambda b, x: j.commitment_json(x),
)
_routes(
    "/follow-ups",
    "follow_up_id",
    "follow_up",
    "follow-ups",
    FollowUpUpdate,
    FollowUpOut,
    lambda b, x: j.follow_up_json(x),
)
_routes(
    "/events", "event_id", "event", "events", EventUpdate, EventOut, lambda b, x: j.event_json(x)
)
_routes(
    "/relationships",
    "relationship_id",
    "relationship",
    "relationships",
    RelationshipUpdate,
    RelationshipOut,
    lambda b, x: j.relationship_json(x),
)
_routes(
    "/articles",
    "article_id",
    "article",
    "articles",
    ArticleUpdate,
    ArticleOut,
    lambda b, x: j.article_json(x),
)
_routes("/goals", "goal_id", "goal", "goals", GoalUpdate, GoalOut, _goal)
_routes(
    "/feedback",
    "feedback_id",
    "feedback",
    "feedback",
    FeedbackUpdate,
    FeedbackOut,
    lambda b, x: j.feedback_json(x),
)


@router.delete(
    "/people/{person_id}/birthday",
    response_model=PersonDetail,
    responses=DELETED,
    tags=["people"],
    summary="Forget a person's birthday",
)
def clear_birthday(
    book: BookDep, person_id: Annotated[int, Path(ge=1, le=MAX_ID)], response: Response
) -> dict[str, Any]:
    person = book.people.clear_birthday(person_id)
    response.headers["ETag"] = f'"v{person.version}"'
    return j.person_json(person, details=True)
