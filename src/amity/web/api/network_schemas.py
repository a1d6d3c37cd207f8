"""Request and response models of the issue-6 endpoints (brief, events, paths, ledger,
coverage, articles, feedback, goals, review); JSON keys are those of amity/serialize.py.

Strings are bounded by their column and refuse NUL and unpaired surrogates (as in
:mod:`amity.web.api.schemas`); days are bounded to 1900-2199 so date arithmetic (next
check-in, review periods) never overflows.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field

from amity.model import EVENT_KINDS, EXCHANGE_KINDS
from amity.web.api.schemas import (
    FactOut,
    Id,
    Instant,
    InteractionOut,
    LongText,
    Notes,
    PersonDetail,
    PersonRefOut,
    PromiseOut,
    QuestionOut,
    Str50,
    Str100,
    Str300,
    Str500,
    Strict,
    storable,
)

FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)


def within_range(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError("a day between 1900-01-01 and 2199-12-31")
    return value


Day = Annotated[date, AfterValidator(within_range)]
EventKind = Literal[EVENT_KINDS]  # type: ignore[valid-type]
ExchangeKind = Literal[EXCHANGE_KINDS]  # type: ignore[valid-type]
RelationshipKind = Literal[
    "colleague",
    "friend",
    "family",
    "spouse",
    "partner",
    "parent",
    "child",
    "sibling",
    "manager",
    "report",
    "mentor",
    "mentee",
    "client",
    "other",
]
People = list[Id]


# --- brief and prepare -------------------------------------------------------------------------


class HealthFactorOut(BaseModel):
    name: str
    score: float
    weight: float
    value: Any = None
    explanation: str


class HealthOut(BaseModel):
    person: PersonRefOut
    score: float
    contacted: bool = Field(
        default=True, description="False when never in touch: the score (0) means no contact"
    )
    factors: list[HealthFactorOut]


class HowMetOut(BaseModel):
    how: str | None
    where: str | None
    on: date | None
    event: str | None
    introduced_by: PersonRefOut | None
    introductions: list[str]


class UpcomingDateOut(BaseModel):
    kind: str
    label: str | None
    on: date
    days_until: int
    years: int | None


class SharedArticleOut(BaseModel):
    id: int
    url: str
    title: str | None
    topics: list[str]
    shared_on: date


class ExchangeOut(BaseModel):
    id: int | None
    person: PersonRefOut
    direction: Literal["given", "received"]
    kind: str
    text: str
    occurred_on: date | None


class BalanceOut(BaseModel):
    person: PersonRefOut
    given: int
    received: int
    balance: int = Field(description="> 0: you gave more than you received")
    last_given: date | None
    last_received: date | None
    exchanges: list[ExchangeOut]


class MutualOut(BaseModel):
    person: PersonRefOut
    how: list[str]


class BriefOut(BaseModel):
    person: PersonDetail
    today: date
    how_met: HowMetOut
    circle: str | None
    cadence_days: int | None
    health: HealthOut | None
    recent_interactions: list[InteractionOut]
    promises_mine: list[PromiseOut]
    promises_theirs: list[PromiseOut]
    awaiting_reply: list[InteractionOut]
    interests: list[FactOut]
    family: list[FactOut]
    other_facts: list[FactOut]
    questions: list[QuestionOut]
    upcoming_dates: list[UpcomingDateOut]
    shared_articles: list[SharedArticleOut]
    balance: BalanceOut | None
    mutual: list[MutualOut]


class MeetingOut(BaseModel):
    interaction: InteractionOut
    briefs: list[BriefOut]


class PrepareOut(BaseModel):
    date: date
    meetings: list[MeetingOut]


# --- events and communities --------------------------------------------------------------------


class EventCreate(Strict):
    name: Str300 = Field(min_length=1)
    kind: EventKind = "other"
    starts_on: Day | None = None
    ends_on: Day | None = None
    location: Str300 | None = None
    url: Str300 | None = None
    notes: Notes | None = None


class EventOut(BaseModel):
    id: int | None
    name: str
    kind: str
    starts_on: date | None
    ends_on: date | None
    location: str | None
    url: str | None
    notes: str | None


class EventSummaryOut(EventOut):
    people: int
    met: int


class AttendeeOut(BaseModel):
    person: PersonRefOut
    role: str | None
    met: bool
    note: str | None
    followed_up: bool = Field(description="You had a done interaction with them since it started")


class ParticipationOut(BaseModel):
    interaction_id: int
    on: date
    text: str


class EventDetailOut(EventOut):
    attendees: list[AttendeeOut]
    participation: list[ParticipationOut] = Field(
        description="Your own participation, newest first (interactions linked to the event)"
    )


class AttendanceCreate(Strict):
    people: People = Field(min_length=1, max_length=200)
    note: LongText | None = None
    role: Literal["attendee", "speaker", "organiser", "member"] | None = None
    first_met: bool = Field(True, description="You met them there (sets how and where you met)")


class ParticipationCreate(Strict):
    text: Str500 = Field(min_length=1, description="One line: gave a talk, answered in the forum")
    on: Day | None = None


# --- relationships, introductions, paths -------------------------------------------------------


class RelationshipCreate(Strict):
    a: Id
    b: Id
    kind: RelationshipKind
    note: LongText | None = None


class RelatedOut(BaseModel):
    """The other end: a person in the book, or (``id`` null) a name from a card."""

    id: int | None
    name: str


class RelationshipOut(BaseModel):
    id: int
    a: PersonRefOut
    b: RelatedOut
    kind: str
    note: str | None


class IntroductionCreate(Strict):
    a: Id
    b: Id
    by: Id | None = Field(None, description="Who introduced them; null: you did")
    note: LongText | None = None
    on: Day | None = None


class IntroductionOut(BaseModel):
    id: int | None
    a: PersonRefOut
    b: PersonRefOut
    by: PersonRefOut | None
    occurred_on: date | None
    note: str | None
    outcome: str | None


class OutcomeBody(Strict):
    outcome: LongText = Field(min_length=1)


class HopOut(BaseModel):
    from_: PersonRefOut | None = Field(alias="from", description="null: you")
    to: PersonRefOut
    strength: float
    reason: str


class WarmPathOut(BaseModel):
    target: PersonRefOut
    strength: float
    explain: str
    hops: list[HopOut]


class PathTargetOut(BaseModel):
    kind: Literal["person", "org", "tag"]
    label: str
    people: list[PersonRefOut]


class PathResultOut(BaseModel):
    target: PathTargetOut
    paths: list[WarmPathOut]


# --- the give/receive ledger and coverage ------------------------------------------------------


class ExchangeCreate(Strict):
    person: Id
    direction: Literal["given", "received"]
    kind: ExchangeKind
    text: LongText = Field(min_length=1)
    on: Day | None = None


class CoverageCreate(Strict):
    name: Str300 = Field(min_length=1)
    selector_kind: Literal["tag", "org", "title"]
    selector: Str300 = Field(min_length=1)
    wanted: int = Field(ge=1, le=100_000)


class CoverageOut(BaseModel):
    id: int
    name: str
    selector_kind: str
    selector: str
    wanted: int
    have: int = Field(description="People found; for several values, the values covered")
    gap: int
    people: list[PersonRefOut]
    groups: dict[str, list[PersonRefOut]] = Field(
        default_factory=dict, description="For a comma-separated selector: the people per value"
    )


# --- articles ----------------------------------------------------------------------------------


class ArticleCreate(Strict):
    url: Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(storable)]
    title: LongText | None = None
    text: Annotated[str, Field(max_length=1_000_000), AfterValidator(storable)] | None = None
    topics: list[Str100] = Field(default_factory=list, max_length=20)


class ArticleOut(BaseModel):
    id: int | None
    url: str
    title: str | None
    topics: list[str]
    created_at: Instant | None
    text: str | None = None


class ArticleSummaryOut(ArticleOut):
    shared_with: int


class MatchOut(BaseModel):
    person: PersonRefOut
    score: float
    strong: bool
    topics: list[str]
    terms: list[str]
    evidence: list[str]
    reason: str


class ShareCreate(Strict):
    people: People = Field(min_length=1, max_length=200)
    note: LongText | None = None
    channel: Str50 | None = None


class ShareResultOut(BaseModel):
    article: ArticleOut
    interaction: InteractionOut | None
    shared: list[PersonRefOut]
    skipped: list[PersonRefOut] = Field(description="They had it already")


# --- feedback and goals ------------------------------------------------------------------------


class FeedbackCreate(Strict):
    text: LongText = Field(min_length=1)
    kind: Literal["positive", "constructive"]
    person: Id | None = None
    context: LongText | None = None
    themes: list[Str100] = Field(default_factory=list, max_length=10)
    on: Day | None = None


class FeedbackOut(BaseModel):
    id: int | None
    kind: str
    text: str
    received_on: date | None
    person: PersonRefOut | None
    context: str | None
    themes: list[str]


class ThemeGoalOut(BaseModel):
    id: int | None
    title: str
    status: str


class ThemeOut(BaseModel):
    theme: str
    total: int
    positive: int
    constructive: int
    recent: int = Field(description="In the last 90 days")
    previous: int = Field(description="In the 90 days before")
    trend: Literal["rising", "falling", "steady"]
    goals: list[ThemeGoalOut]


class FeedbackRequestCreate(Strict):
    person: Id
    about: LongText = Field(min_length=1)
    by: Day | None = None
    asked: bool = Field(False, description="You have asked already")


class FeedbackRequestOut(BaseModel):
    id: int
    person: PersonRefOut
    about: str
    by: date | None
    asked_on: date | None
    status: Literal["open", "received", "dropped"]
    created_on: date | None


class GoalCreate(Strict):
    title: LongText = Field(min_length=1)
    theme: Str100 | None = None
    check_in: Literal["weekly", "monthly"] | Annotated[int, Field(ge=1, le=366)] | None = None
    until: Day | None = None


class CheckInCreate(Strict):
    progress: int = Field(ge=0, le=100)
    note: LongText | None = None
    on: Day | None = None


class GoalStatusBody(Strict):
    status: Literal["active", "done", "dropped"]


class ShareOut(BaseModel):
    person: PersonRefOut
    shared_at: Instant


class CheckInOut(BaseModel):
    id: int
    goal_id: int
    progress: int
    note: str | None
    checked_on: date


class GoalOut(BaseModel):
    id: int | None
    title: str
    theme: str | None
    check_in_days: int | None
    until: date | None
    status: str
    created_on: date | None
    progress: int | None
    last_check_in: date | None
    next_check_in: date | None
    feedback_on_theme: int
    check_ins: list[CheckInOut]


# --- the review --------------------------------------------------------------------------------


class ComparedOut(BaseModel):
    current: float | None
    previous: float | None
    change: float | None


class PeriodOut(BaseModel):
    start: date
    end: date


class GoalProgressOut(ComparedOut):
    id: int
    title: str


class ReviewOut(BaseModel):
    kind: Literal["week", "month"]
    period: PeriodOut
    previous_period: PeriodOut
    people_reached: ComparedOut
    people_reached_by_circle: dict[str, ComparedOut]
    interactions: ComparedOut
    interactions_by_kind: dict[str, ComparedOut]
    new_people: ComparedOut
    follow_ups_due: ComparedOut
    follow_ups_on_time: ComparedOut = Field(description="A share, 0-1")
    promises_judged: ComparedOut
    promises_kept_on_time: ComparedOut = Field(description="A share, 0-1")
    median_reply_hours: ComparedOut
    drifting: ComparedOut
    drifting_people: list[str]
    given: ComparedOut
    received: ComparedOut
    feedback_themes: dict[str, ComparedOut]
    goal_progress: list[GoalProgressOut]
