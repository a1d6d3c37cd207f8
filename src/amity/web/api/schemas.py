"""Request and response models of the REST API; JSON keys are those of amity/serialize.py.

Every string that reaches the store is bounded by its column's size and refused when it holds
a NUL or an unpaired surrogate (PostgreSQL rejects both), so bad input is a 422, never a 500.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema

from amity.model import DIRECTIONS, FACT_KINDS, INTERACTION_KINDS
from amity.rules.text import fold

MAX_ID = 2**31 - 1  # the store's ids are 32-bit integers on PostgreSQL


def storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text cannot contain a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode (no unpaired surrogates)") from None
    return value


def folds_short(value: str) -> str:
    if len(fold(value)) > 300:
        raise ValueError("the name is too long once case and accents are folded")
    return value


Storable = AfterValidator(storable)
Str20 = Annotated[str, StringConstraints(max_length=20), Storable]
Str35 = Annotated[str, StringConstraints(max_length=35), Storable]
Str50 = Annotated[str, StringConstraints(max_length=50), Storable]
Str64 = Annotated[str, StringConstraints(max_length=64), Storable]
Str100 = Annotated[str, StringConstraints(max_length=100), Storable]
Str200 = Annotated[str, StringConstraints(max_length=200), Storable]
Str254 = Annotated[str, StringConstraints(max_length=254), Storable]
Str300 = Annotated[str, StringConstraints(max_length=300), Storable]
Str500 = Annotated[str, StringConstraints(max_length=500), Storable]
LongText = Annotated[str, StringConstraints(max_length=10_000), Storable]
Notes = Annotated[str, StringConstraints(max_length=100_000), Storable]


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=300),
    AfterValidator(storable),
    AfterValidator(folds_short),
]
FactKind = Literal[FACT_KINDS]  # type: ignore[valid-type]
InteractionKind = Literal[INTERACTION_KINDS]  # type: ignore[valid-type]
Direction = Literal[DIRECTIONS]  # type: ignore[valid-type]
DateKind = Literal["birthday", "anniversary", "custom"]


def lowers_short(value: str) -> str:
    if len(value.strip().lower()) > 400:
        raise ValueError("the address is too long once lower-cased")
    return value


Url = Annotated[Str300, AfterValidator(lowers_short)]


# days and times are bounded so that the agenda's date arithmetic (next birthday, cadences,
# snoozes) never leaves Python's date range, whatever was stored
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)


def within_range(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError("a day between 1900-01-01 and 2199-12-31")
    return value


Day = Annotated[date, AfterValidator(within_range)]


def aware_utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("a time needs a time zone offset, e.g. 2026-11-02T15:00:00+01:00")
    try:
        moment = value.astimezone(UTC)
    except OverflowError:
        raise ValueError("the time is out of range") from None
    within_range(moment.date())
    return moment


AwareDatetime = Annotated[datetime, AfterValidator(aware_utc)]
# output times pass through as amity.serialize writes them (isoformat, "+00:00"), like --json
Instant = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- people -----------------------------------------------------------------------------------


class PersonRefOut(BaseModel):
    id: int
    name: str


class PersonSummary(BaseModel):
    id: int
    name: str
    emails: list[str]
    phones: list[str]
    org: str | None
    title: str | None
    tags: list[str]
    circle: str | None
    cadence_days: int | None
    birthday: str | None
    last_interaction_at: Instant | None
    created_at: Instant | None
    archived: bool
    version: int


class ContactPointOut(BaseModel):
    id: int | None
    kind: str
    value: str
    label: str | None
    service: str | None
    primary: bool


class DateOut(BaseModel):
    id: int | None
    kind: str
    label: str | None
    date: str = Field(description="1990-04-15, or --04-15 when the year is unknown")
    month: int
    day: int
    year: int | None


class JobOut(BaseModel):
    id: int | None
    organisation: str
    title: str | None
    start_date: date | None
    end_date: date | None


class FactOut(BaseModel):
    id: int | None
    person_id: int | None
    kind: str
    text: str
    happened_on: date | None
    created_at: Instant | None


class QuestionOut(BaseModel):
    id: int | None
    person_id: int | None
    text: str
    created_at: Instant | None
    asked_at: Instant | None
    answer: str | None


class PersonDetail(PersonSummary):
    given_name: str | None
    family_name: str | None
    nickname: str | None
    preferred_channel: str | None
    timezone: str | None
    country: str | None
    language: str | None
    best_time: str | None
    style_notes: str | None
    how_met: str | None
    met_where: str | None
    met_on: date | None
    introduced_by: PersonRefOut | None
    notes: str | None
    uid: str | None
    contact_points: list[ContactPointOut]
    dates: list[DateOut]
    jobs: list[JobOut]
    facts: list[FactOut]
    questions: list[QuestionOut]


class PersonFields(Strict):
    """Fields shared by create and update (JSON keys as in the person's output)."""

    org: Str300 | None = None
    title: Str300 | None = None
    circle: Str100 | None = Field(None, description="inner, close, network, acquaintance...")
    cadence: Str20 | None = Field(
        None, description="Stay-in-touch cadence override: 30d, 6w, 3m, 1y or never"
    )
    birthday: Str20 | None = Field(None, description="1990-04-15, --04-15 or 04-15")
    met_where: Str300 | None = None
    met_on: Day | None = None
    how_met: Str200 | None = None
    introduced_by: Id | None = Field(None, description="The id of the person who introduced you")
    notes: Notes | None = None
    preferred_channel: Str50 | None = None
    timezone: Str64 | None = Field(None, description="An IANA zone, e.g. Europe/Lisbon")
    country: Str64 | None = Field(
        None, description="ISO 3166 code or English name (GB, United Kingdom): reads their phones"
    )
    language: Str35 | None = None
    best_time: Str200 | None = None
    style_notes: Notes | None = None
    nickname: Str200 | None = None


class PersonCreate(PersonFields):
    name: Name
    emails: list[Str254] = Field(default_factory=list, max_length=50)
    phones: list[Str64] = Field(default_factory=list, max_length=50)
    urls: list[Url] = Field(default_factory=list, max_length=50)
    tags: list[Str100] = Field(default_factory=list, max_length=100)


class PersonUpdate(PersonFields):
    """Only the keys sent change; ``null`` clears a field; lists replace what is there."""

    name: Name | None = None
    emails: list[Str254] | None = Field(None, max_length=50)
    phones: list[Str64] | None = Field(None, max_length=50)
    tags: list[Str100] | None = Field(None, max_length=100)


class TagOut(BaseModel):
    name: str
    people: int


class CircleOut(BaseModel):
    id: int
    name: str
    cadence_days: int | None = Field(description="Stay-in-touch cadence; null: none")
    weight: float = Field(description="Weight in the agenda's ranking")
    people: int = Field(description="People in this circle (not archived)")


class PersonPage(BaseModel):
    items: list[PersonSummary]
    next_cursor: str | None = Field(
        description="Pass as ?cursor= for the next page; null at the end"
    )


class ContactPointCreate(Strict):
    kind: Literal["email", "phone", "url"]
    value: Url


class FactCreate(Strict):
    kind: FactKind
    text: LongText
    happened_on: Day | None = None


class QuestionCreate(Strict):
    text: LongText


class QuestionAsked(Strict):
    answer: LongText | None = Field(None, description="What they said; kept as a fact")


class DateCreate(Strict):
    kind: DateKind
    date: Str20 = Field(description="1990-04-15, --04-15 or 04-15")
    label: Str200 | None = None


# --- interactions ------------------------------------------------------------------------------


class InteractionCreate(Strict):
    people: list[Id] = Field(min_length=1, max_length=200, description="Participants' ids")
    kind: InteractionKind = "other"
    direction: Direction | None = Field(
        None, description="Default: mutual (inbound when needs_reply)"
    )
    occurred_at: AwareDatetime | None = Field(None, description="Default: now")
    subject: LongText | None = None
    notes: Notes | None = None
    needs_reply: bool = False
    thread_key: Str500 | None = None
    channel: Str50 | None = None
    location: LongText | None = None


class InteractionOut(BaseModel):
    id: int | None
    kind: str
    direction: str
    occurred_at: Instant | None
    status: str
    people: list[PersonRefOut]
    subject: str | None
    notes: str | None
    thread_key: str | None
    needs_reply: bool
    replied_at: Instant | None
    channel: str | None
    location: str | None
    source: str | None


class InteractionPage(BaseModel):
    items: list[InteractionOut]
    next_cursor: str | None


# --- search, export, import --------------------------------------------------------------------


class SearchHitOut(BaseModel):
    kind: Literal["person", "interaction"]
    id: int
    title: str
    snippet: str
    score: float
    people: list[PersonRefOut]


class SearchResults(BaseModel):
    query: str
    hits: list[SearchHitOut]


class ImportProblem(BaseModel):
    line: int | None = Field(description="The record's first line (or message number)")
    record: str
    reason: str


class ImportMerge(BaseModel):
    line: int | None
    name: str | None
    person_id: int | None
    matched_by: str | None
    changes: list[str]


class UnknownPerson(BaseModel):
    email: str
    name: str | None


class ImportReport(BaseModel):
    """What an import would do (preview) or did (apply)."""

    format: str
    applied: bool
    can_apply: bool = Field(description="False when the file cannot be applied as it is")
    problems: list[str] = Field(description="Why it cannot be applied, one line each")
    counts: dict[str, int] = Field(description="Records per outcome (new, merged...) or table")
    merged: list[ImportMerge] = Field(default_factory=list)
    errors: list[ImportProblem] = Field(
        default_factory=list, description="Bad records, left out; good ones go in"
    )
    skipped: list[ImportProblem] = Field(default_factory=list)
    warnings: list[ImportProblem] = Field(
        default_factory=list,
        description="Records read in part (a recurring event cut at its cap, a value that is not an "
        "e-mail address kept in the notes): what was kept goes in",
    )
    unknown_people: list[UnknownPerson] = Field(default_factory=list)


# --- agenda, promises, follow-ups --------------------------------------------------------------


class ActionOut(BaseModel):
    key: str = Field(description="Stable key; done/snooze/dismiss take it")
    kind: str
    people: list[PersonRefOut]
    due: date | None
    reason: str
    score: float
    details: dict[str, Any]


class AgendaOut(BaseModel):
    date: date
    items: list[ActionOut]


class SnoozeBody(Strict):
    until: Day = Field(description="The item comes back on this day")


class ItemStateOut(BaseModel):
    key: str
    state: Literal["done", "snoozed", "dismissed", "open"]
    until: date | None = None


class PromiseCreate(Strict):
    person: Id
    text: LongText
    direction: Literal["mine", "theirs"] = Field("mine", description="mine: I promised them")
    due_on: Day | None = None
    also: list[Id] = Field(
        default_factory=list, max_length=50, description="Other people the same promise involves"
    )


class PromiseOut(BaseModel):
    id: int | None
    ref: str
    person: PersonRefOut
    with_: list[PersonRefOut] = Field(default_factory=list, alias="with")
    direction: str
    text: str
    due_on: date | None
    status: str
    created_at: Instant | None
    done_at: Instant | None


class FollowUpCreate(Strict):
    person: Id
    text: LongText
    due_on: Day
    also: list[Id] = Field(
        default_factory=list, max_length=50, description="Other people the same follow-up involves"
    )


class FollowUpOut(BaseModel):
    id: int | None
    key: str
    person: PersonRefOut
    with_: list[PersonRefOut] = Field(default_factory=list, alias="with")
    text: str
    due_on: date | None
    created_at: Instant | None
    done_at: Instant | None
