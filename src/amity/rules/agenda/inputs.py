"""What the engine reads: plain rows the Book loads with a few set-based queries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from amity.model.dates import PartialDate
from amity.model.types import PersonRef

if TYPE_CHECKING:  # the matching rules load only when there are articles to match
    from amity.rules.matching import Match, Profile


class Weighed(Protocol):
    """Someone an item is about: their circle weighs the item."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def circle(self) -> str | None: ...
    @property
    def circle_weight(self) -> float: ...


@dataclass(frozen=True, slots=True)
class PersonInput:
    """One active person with their circle and the last interaction of any kind."""

    id: int
    name: str
    circle: str | None = None
    circle_cadence_days: int | None = None
    circle_weight: float = 1.0
    cadence_days: int | None = None  # override: 0 = never, None = use the circle's
    created_at: datetime | None = None
    met_on: date | None = None
    met_event_id: int | None = None
    last_interaction_at: datetime | None = None  # any kind, either direction
    preferred_channel: str | None = None
    timezone: str | None = None

    @property
    def ref(self) -> PersonRef:
        return PersonRef(self.id, self.name)


@dataclass(frozen=True, slots=True)
class Someone:
    """A person a network item (give, share, feedback request) is about, with their circle."""

    id: int
    name: str
    circle: str | None = None
    circle_weight: float = 1.0


@dataclass(frozen=True, slots=True)
class DateInput:
    """An important date: `kind` is birthday, anniversary or custom."""

    id: int
    person_id: int
    kind: str
    when: PartialDate
    label: str | None = None


@dataclass(frozen=True, slots=True)
class JobStartInput:
    """A job with a start date, for work anniversaries (ended jobs are skipped)."""

    id: int
    person_id: int
    organisation: str
    start_date: date
    end_date: date | None = None


@dataclass(frozen=True, slots=True)
class FollowUpInput:
    id: int
    person_id: int
    text: str
    due_on: date
    done: bool = False
    others: tuple[int, ...] = ()  # the other people the same follow-up involves


@dataclass(frozen=True, slots=True)
class AttendanceInput:
    """A person at an event; `met` when you first met them there."""

    event_id: int
    event_name: str
    event_ends_on: date | None
    person_id: int
    met: bool = True
    event_starts_on: date | None = None


@dataclass(frozen=True, slots=True)
class CommitmentInput:
    """A promise: `direction` is mine or theirs; `status` open, done or dropped."""

    id: int
    person_id: int
    direction: str
    text: str
    due_on: date | None = None
    status: str = "open"
    others: tuple[int, ...] = ()  # the other people the same promise involves


@dataclass(frozen=True, slots=True)
class ReplyInput:
    """An inbound interaction awaiting your reply (one row per sender; see rules.replies)."""

    id: int
    person_id: int
    occurred_at: datetime
    subject: str | None = None
    thread_key: str | None = None


@dataclass(frozen=True, slots=True)
class GiveInput:
    """Someone who gave you more than they received: the ledger's counts, the days they
    gave you something, and what you could offer (your open promises, their goals and
    interests)."""

    person: Someone
    given: int
    received: int
    received_on: Sequence[date]
    last_given: date | None = None
    promises: Sequence[str] = ()
    goals: Sequence[str] = ()
    interests: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class GoalInput:
    """An active improvement goal with a check-in rhythm and its latest check-in."""

    id: int
    title: str
    check_in_days: int
    started_on: date
    last_check_in: date | None = None
    progress: int | None = None


@dataclass(frozen=True, slots=True)
class FeedbackRequestInput:
    """An open feedback request: to make (not asked yet) or to follow up."""

    id: int
    person: Someone
    about: str
    created_on: date
    asked_on: date | None = None
    by_date: date | None = None


@dataclass(frozen=True, slots=True)
class RecentArticle:
    """An article added lately (the agenda suggests sharing it)."""

    id: int
    url: str
    title: str | None = None
    topics: Sequence[str] = ()
    text: str | None = None


@dataclass(frozen=True)
class ShareInputs:
    """What ranking recent articles against the book needs (BM25, see rules.matching).

    ``count`` and ``total_length`` describe every active person's profile; ``hits[i]`` are
    exactly the people sharing a word with ``articles[i]``; ``profiles`` and ``people`` hold
    those people and everyone in ``had`` (per article id, who has it already).
    """

    articles: Sequence[RecentArticle] = ()
    hits: Sequence[AbstractSet[int]] = ()
    had: Mapping[int, AbstractSet[int]] = field(default_factory=dict)
    profiles: Mapping[int, Profile] = field(default_factory=dict)
    people: Mapping[int, Someone] = field(default_factory=dict)
    count: int = 0
    total_length: int = 0
    matches: Sequence[tuple[RecentArticle, Sequence[Match]]] | None = None


@dataclass(frozen=True, slots=True)
class AgendaState:
    """What the user did to an item: done, snoozed (until a date) or dismissed."""

    item_key: str
    state: str
    acted_at: datetime
    until: date | None = None


@dataclass(frozen=True, slots=True)
class JobChangeInput:
    """A new job (``new_job``) or title (``promotion``) Amity learned of on ``learned_on``."""

    id: int
    person: Someone
    kind: str
    from_org: str | None
    from_title: str | None
    to_org: str | None
    to_title: str | None
    learned_on: date


@dataclass(frozen=True)
class AgendaInputs:
    people: Sequence[PersonInput]
    dates: Sequence[DateInput] = ()
    jobs: Sequence[JobStartInput] = ()
    follow_ups: Sequence[FollowUpInput] = ()
    attendance: Sequence[AttendanceInput] = ()
    commitments: Sequence[CommitmentInput] = ()
    awaiting_replies: Sequence[ReplyInput] = ()
    states: Sequence[AgendaState] = ()
    gives: Sequence[GiveInput] = ()
    shares: ShareInputs = field(default_factory=ShareInputs)
    goals: Sequence[GoalInput] = ()
    feedback_requests: Sequence[FeedbackRequestInput] = ()
    job_changes: Sequence[JobChangeInput] = ()
