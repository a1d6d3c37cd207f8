"""Domain dataclasses. They carry data between the Book, the rules and the adapters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from amity.model.dates import PartialDate

INTERACTION_KINDS = ("meeting", "call", "video", "email", "message", "social", "event", "other")
DIRECTIONS = ("outbound", "inbound", "mutual")
CONTACT_KINDS = ("email", "phone", "url", "social", "impp", "address")
FACT_KINDS = ("interest", "family", "pet", "preference", "goal", "life_event", "other")
EVENT_KINDS = ("conference", "workshop", "meetup", "online", "community", "other")
EXCHANGE_KINDS = (
    "intro",
    "referral",
    "advice",
    "help",
    "article",
    "recommendation",
    "favour",
)
DATE_KINDS = ("birthday", "anniversary", "custom")
COMMITMENT_DIRECTIONS = ("mine", "theirs")
COMMITMENT_STATUSES = ("open", "done", "dropped")
FEEDBACK_KINDS = ("positive", "constructive")


@dataclass(frozen=True)
class PersonRef:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class PersonLine:
    """What a list of people shows of each (``book.people.lines``): a fraction of a Person."""

    id: int
    name: str
    title: str | None
    org: str | None
    circle: str | None
    last_interaction_at: datetime | None
    tags: tuple[str, ...]


@dataclass
class ContactPoint:
    kind: str
    value: str
    label: str | None = None
    normalized: str = ""
    service: str | None = None
    is_primary: bool = False
    id: int | None = None


@dataclass
class ImportantDate:
    kind: str
    when: PartialDate
    label: str | None = None
    id: int | None = None


@dataclass
class Job:
    organisation: str
    title: str | None = None
    department: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    id: int | None = None


@dataclass
class Fact:
    kind: str
    text: str
    person_id: int | None = None
    happened_on: date | None = None
    created_at: datetime | None = None
    id: int | None = None


@dataclass
class Question:
    text: str
    person_id: int | None = None
    created_at: datetime | None = None
    asked_at: datetime | None = None
    answer: str | None = None
    id: int | None = None


@dataclass
class Person:
    """A person in the book, with what the lists need; details are loaded on demand."""

    id: int
    name: str
    org: str | None = None
    title: str | None = None
    circle: str | None = None
    cadence_days: int | None = None  # the override; 0 = never
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    birthday: PartialDate | None = None
    last_interaction_at: datetime | None = None
    created_at: datetime | None = None
    archived_at: datetime | None = None
    given_name: str | None = None
    family_name: str | None = None
    nickname: str | None = None
    preferred_channel: str | None = None
    timezone: str | None = None
    country: str | None = None  # ISO 3166 alpha-2
    language: str | None = None
    best_time: str | None = None
    style_notes: str | None = None
    how_met: str | None = None
    met_where: str | None = None
    met_on: date | None = None
    met_event_id: int | None = None
    introduced_by: PersonRef | None = None
    notes: str | None = None
    photo: str | None = None
    uid: str | None = None
    is_group: bool = False
    version: int = 1
    updated_at: datetime | None = None
    contact_points: list[ContactPoint] = field(default_factory=list)
    dates: list[ImportantDate] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)

    @property
    def ref(self) -> PersonRef:
        return PersonRef(self.id, self.name)


@dataclass
class Interaction:
    kind: str
    direction: str
    occurred_at: datetime
    people: list[PersonRef] = field(default_factory=list)
    subject: str | None = None
    notes: str | None = None
    thread_key: str | None = None
    needs_reply: bool = False
    replied_at: datetime | None = None
    status: str = "done"
    ends_at: datetime | None = None
    location: str | None = None
    channel: str | None = None
    event_id: int | None = None
    source: str | None = None
    source_ref: str | None = None
    created_at: datetime | None = None
    id: int | None = None


@dataclass
class Commitment:
    person: PersonRef
    direction: str  # mine, theirs
    text: str
    due_on: date | None = None
    status: str = "open"
    created_at: datetime | None = None
    done_at: datetime | None = None
    id: int | None = None
    others: list[PersonRef] = field(default_factory=list)  # also involved (one promise to all)


@dataclass
class FollowUp:
    person: PersonRef
    text: str
    due_on: date
    created_at: datetime | None = None
    done_at: datetime | None = None
    id: int | None = None
    others: list[PersonRef] = field(default_factory=list)  # also involved


@dataclass
class Event:
    name: str
    kind: str
    starts_on: date | None = None
    ends_on: date | None = None
    location: str | None = None
    url: str | None = None
    notes: str | None = None
    id: int | None = None


@dataclass
class Exchange:
    person: PersonRef
    direction: str  # given, received
    kind: str
    text: str
    occurred_on: date
    id: int | None = None


@dataclass
class Introduction:
    a: PersonRef
    b: PersonRef
    occurred_on: date
    by: PersonRef | None = None  # None: I introduced them
    note: str | None = None
    outcome: str | None = None
    id: int | None = None


@dataclass
class Article:
    url: str
    title: str | None = None
    text: str | None = None
    topics: list[str] = field(default_factory=list)
    created_at: datetime | None = None
    id: int | None = None


@dataclass
class Feedback:
    kind: str
    text: str
    received_on: date
    person: PersonRef | None = None
    context: str | None = None
    themes: list[str] = field(default_factory=list)
    id: int | None = None


@dataclass
class Goal:
    title: str
    theme: str | None = None
    check_in_days: int | None = None
    until: date | None = None
    status: str = "active"
    id: int | None = None


@dataclass
class Action:
    """One agenda item: computed, never stored (only what the user did to it is)."""

    key: str
    kind: str
    people: list[PersonRef]
    due: date
    reason: str
    score: float
    details: dict[str, object] = field(default_factory=dict)
