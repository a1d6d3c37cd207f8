"""The MCP tools' input bounds and output models (their JSON keys are amity/serialize.py's).

Output models name the fields an assistant relies on; records that carry many more keys
(a person's details, a brief, a review) allow the rest (``extra="allow"``), so the schema
stays true as serialize.py grows.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

PersonRef = Annotated[
    str,
    StringConstraints(min_length=1, max_length=300),
    Field(description="A person: id, e-mail address, exact name or unambiguous name prefix."),
]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
LongText = Annotated[str, StringConstraints(max_length=20_000)]
Limit = Annotated[int, Field(ge=1, le=200)]


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Ref(BaseModel):
    id: int
    name: str


class ActionOut(BaseModel):
    key: str = Field(description="Pass it to `done` or `snooze`.")
    kind: str
    people: list[Ref]
    due: str | None
    reason: str = Field(description="Why it is on the agenda today.")
    score: float
    details: dict[str, Any]


class TodayOut(BaseModel):
    date: str
    count: int
    items: list[ActionOut]


class FactOut(Open):
    id: int | None
    person_id: int
    kind: str
    text: str


class QuestionOut(Open):
    id: int | None
    person_id: int
    text: str
    asked_at: str | None


class InteractionOut(Open):
    id: int | None
    kind: str
    direction: str
    occurred_at: str | None
    status: str
    people: list[Ref]
    subject: str | None
    notes: str | None


class PersonOut(Open):
    id: int
    name: str
    emails: list[str]
    phones: list[str]
    org: str | None
    title: str | None
    tags: list[str]
    circle: str | None
    last_interaction_at: str | None


class PersonCardOut(BaseModel):
    person: PersonOut
    facts: list[FactOut]
    questions_to_ask: list[QuestionOut]
    recent: list[InteractionOut]


class HitOut(BaseModel):
    kind: str
    id: int
    title: str
    snippet: str
    score: float
    people: list[Ref]


class SearchOut(BaseModel):
    query: str
    hits: list[HitOut]


class BriefOut(BaseModel):
    mode: Literal["person", "meetings"]
    date: str
    brief: dict[str, Any] | None = Field(description="The brief, when a person was given.")
    meetings: list[dict[str, Any]] = Field(
        description="The day's planned meetings, each with a brief per participant."
    )


class AwaitingOut(BaseModel):
    count: int
    items: list[dict[str, Any]] = Field(
        description="Messages awaiting your reply, oldest first, with waiting_days."
    )


class PromiseOut(Open):
    id: int
    ref: str = Field(description="P12: pass it to `done` to keep the promise.")
    person: Ref
    direction: str
    text: str
    due_on: str | None
    status: str


class PromisesOut(BaseModel):
    count: int
    promises: list[PromiseOut]


class PathsOut(BaseModel):
    target: dict[str, Any]
    paths: list[dict[str, Any]]


class MatchOut(Open):
    person: Ref
    score: float
    reason: str


class SuggestionsOut(BaseModel):
    article: str = Field(description="The article as asked for.")
    matches: list[MatchOut]


class ReviewOut(Open):
    kind: str
    period: dict[str, Any]


class FollowUpOut(Open):
    id: int
    key: str
    person: Ref
    text: str
    due_on: str | None


class DoneOut(BaseModel):
    key: str
    state: str
    promise: PromiseOut | None = None


class SnoozeOut(BaseModel):
    key: str
    state: str
    until: str
