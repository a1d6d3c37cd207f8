"""The agenda: one ranked list of today's actions, each with the reason it is there.

How ranking works
=================

Every item gets a **score = urgency x weight**, and the list is sorted by score (highest
first), then by due date (earliest first), then by key (so ties are stable).

**Weight** is how much the people concerned matter to you: the weight of their circle (set per
circle, default 1.0; a person in no circle weighs 1.0). An item about several people (an event
follow-up) takes the highest weight among them.

**Urgency = kind weight x timing.**

Kind weights (configurable in `AgendaSettings.kind_weights`):

| kind | weight | when it is on the agenda |
|---|---|---|
| `reply` | 3.0 | an inbound message awaits your reply (from the day it came) |
| `promise_mine` | 3.0 | your promise is due within 2 days (`promise_lead_days`) or overdue |
| `date` | 2.5 | a birthday, anniversary, work anniversary or custom date, from its lead time (default 7 days, per kind) until the day itself |
| `follow_up` | 2.0 | an explicit follow-up is due; or someone you newly met (with a `met_on` date) has had no interaction 2 days after meeting (for 30 days) |
| `event_follow_up` | 2.0 | people you met at an event have had no interaction 2 days after it ended (one item per event, for 30 days) |
| `promise_theirs` | 1.5 | their promise to you is overdue (a gentle nudge) |
| `keep_in_touch` | 1.0 | the days since the last contact reached the cadence |
| `feedback_request` | 1.5 | a feedback request to make, or to follow up when nothing came by its date |
| `goal_checkin` | 1.0 | an improvement goal's check-in is due |
| `give` | 1.0 | someone has given you clearly more than they received, for a while |
| `share` | 0.8 | a newly added article strongly matches someone's interests |

Default circle weights: inner 4.0, close 3.0, network 2.0, acquaintance 1.0
(`amity circle set NAME --weight W`).

Timing says how pressing the item is today:

- For `keep_in_touch`: the ratio *days since contact / cadence*, capped at 3.
  It is 1.0 on the day the item appears (the soft threshold, 1.0 x cadence by default) and
  1.5 when it becomes overdue (the hard threshold, 1.5 x cadence by default).
- For everything with a due date: **1.0 on the due day**; before it (inside the lead time)
  it falls linearly to 0.5 at the start of the lead time, `1 - 0.5 x days_until / lead`;
  after it, it grows by 1/7 per day late, `1 + days_late / 7`, capped at 3.
  Dates (birthdays...) leave the agenda after their day, so they are highest on the day.
  A reply is "due" the day it arrived, so it gains 1/7 per day it waits.

Example: Ana is in the circle *close* (default weight 3.0, cadence 30 days) and you last
talked 47 days ago. Timing = 47 / 30 = 1.57; urgency = 1.0 x 1.57; score = 1.57 x 3.0 =
**4.70**. Her birthday on the day scores 2.5 x 1.0 x 3.0 = **7.5**; a promise to her 2 days
late scores 3.0 x (1 + 2/7) x 3.0 = **11.57**. Each action carries this arithmetic in
`details["explain"]`.

Settings
========

| setting (`AgendaSettings`) | default | meaning |
|---|---|---|
| `time_zone` | `UTC` | the user's zone: "today", and the local date of every instant |
| `soft_threshold` | 1.0 | `keep_in_touch` appears at this multiple of the cadence |
| `hard_threshold` | 1.5 | ... and is marked overdue from this multiple |
| `date_lead_days` | 7 per kind | days before a date it is shown (`birthday`, `anniversary`, `work_anniversary`, `custom`) |
| `new_contact_follow_up_days` | 2 | days after meeting someone (or an event's end) to follow up |
| `new_contact_window_days` | 30 | days the new-contact follow-up keeps showing after that |
| `promise_lead_days` | 2 | days before its due date that your promise shows |
| `kind_weights` | table above | the kind weights |

Cadences: a person's own cadence (`0` = never: no `keep_in_touch` item) or else their circle's.
It restarts on any interaction of any kind in either direction; someone never contacted counts
from the later of when they were added and when you met.

What you did to an item
=======================

Items are computed, never stored; only what you did to them is, by their stable `key`:

- `done` and `dismissed` items are hidden. Keys are anchored to one occurrence
  (`date:birthday:d17:2026`, `keep_in_touch:p42:2026-11-03` where the date is the last
  contact, `promise:c8`...), so a *new* occurrence (next year's birthday, the next time the
  cadence runs out after a new contact) comes back with a new key.
- `snoozed` items are hidden until their `until` date and come back on that day.
- A `keep_in_touch` item marked done counts as contact on the day it was marked: the cadence
  restarts from there (`effective_last_contacts()`).
- While someone newly met has a visible follow-up item (alone or in an event's group), they get
  no separate `keep_in_touch` item.

Keys
====

`reply:i{interaction}`, `promise:c{commitment}`, `follow_up:f{follow_up}`,
`follow_up:met:p{person}:{met_on}`, `event_follow_up:e{event}`,
`keep_in_touch:p{person}:{last contact or start date}`,
`date:{birthday|anniversary|custom}:d{date id}:{year}`, `date:work_anniversary:j{job}:{year}`.

Only people in `AgendaInputs.people` (the active, non-archived ones) get items; rows about
anyone else are ignored. Later kinds (`give`, `share`, `goal_checkin`,
`feedback_request`) are built elsewhere with `make_action()` and passed to
`build_agenda()` as `extra` so they share the same states and ranking.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from functools import partial
from types import MappingProxyType

from amity.model.dates import PartialDate
from amity.model.types import Action, PersonRef
from amity.rules.cadence import (
    CadenceStatus,
    cadence_status,
    contact_start,
    effective_cadence,
    threshold_days,
)
from amity.rules.dates import (
    anniversary_of,
    due_phrase,
    local_date,
    month_days_within,
    on_day,
    ordinal,
    plural,
    time_zone,
    time_zone_or_none,
    upcoming_occurrence,
)

KINDS = (
    "reply",
    "promise_mine",
    "promise_theirs",
    "follow_up",
    "event_follow_up",
    "keep_in_touch",
    "date",
)
STATES = ("done", "snoozed", "dismissed")
MAX_TIMING = 3.0
DEFAULT_KIND_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "reply": 3.0,
        "promise_mine": 3.0,
        "date": 2.5,
        "follow_up": 2.0,
        "event_follow_up": 2.0,
        "promise_theirs": 1.5,
        "keep_in_touch": 1.0,
        # later kinds (issue 6), here so that settings can tune them in one place
        "feedback_request": 1.5,
        "goal_checkin": 1.0,
        "give": 1.0,
        "share": 0.8,
    }
)
DEFAULT_DATE_LEAD_DAYS: Mapping[str, int] = MappingProxyType(
    {"birthday": 7, "anniversary": 7, "work_anniversary": 7, "custom": 7}
)

# --- inputs: what the Book loads with a few set-based queries -------------------------------


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


@dataclass(frozen=True, slots=True)
class ReplyInput:
    """An inbound interaction awaiting your reply (one row per sender; see rules.replies)."""

    id: int
    person_id: int
    occurred_at: datetime
    subject: str | None = None
    thread_key: str | None = None


@dataclass(frozen=True, slots=True)
class AgendaState:
    """What the user did to an item: done, snoozed (until a date) or dismissed."""

    item_key: str
    state: str
    acted_at: datetime
    until: date | None = None


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


@dataclass(frozen=True)
class AgendaSettings:
    """The user's agenda settings; every default is the one documented above."""

    time_zone: str = "UTC"
    soft_threshold: float = 1.0  # due at 1.0 x cadence
    hard_threshold: float = 1.5  # overdue from 1.5 x cadence
    date_lead_days: Mapping[str, int] = field(default_factory=lambda: DEFAULT_DATE_LEAD_DAYS)
    default_date_lead_days: int = 7
    new_contact_follow_up_days: int = 2  # follow up 2 days after meeting someone
    new_contact_window_days: int = 30  # ... and keep reminding for 30 days
    promise_lead_days: int = 2  # my promises show 2 days before they are due
    kind_weights: Mapping[str, float] = field(default_factory=lambda: DEFAULT_KIND_WEIGHTS)

    def lead_for(self, date_kind: str) -> int:
        return self.date_lead_days.get(date_kind, self.default_date_lead_days)

    def kind_weight(self, kind: str) -> float:
        return self.kind_weights.get(kind, DEFAULT_KIND_WEIGHTS.get(kind, 1.0))


DEFAULT_SETTINGS = AgendaSettings()

# --- scoring ---------------------------------------------------------------------------------


def due_timing(days_late: int, lead_days: int = 0) -> float:
    """1.0 on the due day; down to 0.5 at the start of the lead; +1/7 a day late, max 3."""
    if days_late >= 0:
        return min(1.0 + days_late / 7.0, MAX_TIMING)
    if lead_days <= 0:
        return 1.0
    return max(0.5, 1.0 - 0.5 * (-days_late) / lead_days)


def cadence_timing(days_since: int, cadence_days: int) -> float:
    """Days since contact over the cadence, capped at 3."""
    return min(days_since / cadence_days, MAX_TIMING)


def make_action(
    kind: str,
    key: str,
    people: Sequence[PersonRef],
    due: date,
    reason: str,
    *,
    timing: float,
    weight: float,
    settings: AgendaSettings = DEFAULT_SETTINGS,
    weight_label: str | None = None,
    details: Mapping[str, object] | None = None,
) -> Action:
    """An action scored as `kind weight x timing x weight`, with the arithmetic explained."""
    kind_weight = settings.kind_weight(kind)
    urgency = kind_weight * timing
    score = _score(kind_weight, timing, weight)
    label = f" ({weight_label})" if weight_label else ""
    explain = (
        f"score {score:.2f} = urgency {urgency:.2f} ({kind} {kind_weight:g} x timing "
        f"{timing:.2f}) x weight {weight:g}{label}"
    )
    extra: dict[str, object] = {
        **(details or {}),
        "urgency": round(urgency, 4),
        "timing": round(timing, 4),
        "weight": weight,
        "explain": explain,
    }
    return Action(key, kind, list(people), due, reason, score, extra)


def rank_actions(actions: Iterable[Action]) -> list[Action]:
    """Score (highest first), then due (earliest first), then key."""
    return sorted(actions, key=lambda a: (-a.score, a.due, a.key))


# --- states ----------------------------------------------------------------------------------


def is_hidden(state: AgendaState | None, today: date) -> bool:
    """Done and dismissed hide an item; a snooze hides it until (not including) its date."""
    if state is None:
        return False
    if state.state == "snoozed":
        return state.until is None or today < state.until
    return state.state in {"done", "dismissed"}


def apply_states(
    actions: Iterable[Action], states: Mapping[str, AgendaState], today: date
) -> list[Action]:
    """The actions the user has not hidden (see :func:`is_hidden`)."""
    return [a for a in actions if not is_hidden(states.get(a.key), today)]


def keep_in_touch_key(person_id: int, anchor: date) -> str:
    return f"keep_in_touch:p{person_id}:{anchor.isoformat()}"


def keep_in_touch_person_id(key: str) -> int | None:
    """The person of a `keep_in_touch:p42:2026-11-03` key, else None."""
    parts = key.split(":")
    if len(parts) != 3 or parts[0] != "keep_in_touch" or not parts[1].startswith("p"):
        return None
    try:
        return int(parts[1][1:])
    except ValueError:
        return None


def done_contact_dates(states: Iterable[AgendaState], tz_name: str | None) -> dict[int, date]:
    """Per person, the latest day a keep-in-touch item was marked done (that counts as contact)."""
    tz = time_zone(tz_name)
    latest: dict[int, date] = {}
    for state in states:
        if state.state != "done":
            continue
        person_id = keep_in_touch_person_id(state.item_key)
        if person_id is None:
            continue
        day = local_date(state.acted_at, tz)
        if person_id not in latest or day > latest[person_id]:
            latest[person_id] = day
    return latest


def effective_last_contact(
    last_interaction_at: datetime | None, done_on: date | None, tz: tzinfo
) -> date | None:
    """The later of the last interaction's local date and a done keep-in-touch date."""
    last = None if last_interaction_at is None else local_date(last_interaction_at, tz)
    if done_on is None:
        return last
    return done_on if last is None else max(last, done_on)


def effective_last_contacts(
    people: Iterable[PersonInput], states: Iterable[AgendaState], tz_name: str | None
) -> dict[int, date | None]:
    """Per person, the date the cadence restarts from: max(last interaction, done item)."""
    tz = time_zone(tz_name)
    done = done_contact_dates(states, tz_name)
    return {p.id: effective_last_contact(p.last_interaction_at, done.get(p.id), tz) for p in people}


# --- building --------------------------------------------------------------------------------


@dataclass
class _Context:
    today: date
    settings: AgendaSettings
    tz: tzinfo
    people: dict[int, PersonInput]
    states: dict[str, AgendaState]
    now: datetime | None
    refs: dict[int, PersonRef] = field(default_factory=dict)

    def ref(self, person: PersonInput) -> PersonRef:
        """One PersonRef per person (frozen dataclasses are slow to create by the thousand)."""
        found = self.refs.get(person.id)
        if found is None:
            found = self.refs[person.id] = PersonRef(person.id, person.name)
        return found

    def action(
        self,
        kind: str,
        key: str,
        people: Sequence[PersonInput],
        due: date,
        reason: str | Callable[[], str],
        *,
        timing: float,
        details: Mapping[str, object] | Callable[[], Mapping[str, object]] | None = None,
    ) -> _Candidate:
        """A scored candidate; the Action (reason, refs, explanation) is built only if shown."""
        heaviest = people[0] if len(people) == 1 else max(people, key=lambda p: p.circle_weight)
        weight = heaviest.circle_weight
        label = f"circle {heaviest.circle}" if heaviest.circle else None
        build = partial(
            _materialize, kind, key, people, due, reason, timing, weight, label, details, self
        )
        score = _score(self.settings.kind_weight(kind), timing, weight)
        return _Candidate(score, due, key, people, build)


@dataclass(slots=True)
class _Candidate:
    score: float
    due: date
    key: str
    people: Sequence[PersonInput]
    build: Callable[[], Action]


def _materialize(
    kind: str,
    key: str,
    people: Sequence[PersonInput],
    due: date,
    reason: str | Callable[[], str],
    timing: float,
    weight: float,
    label: str | None,
    details: Mapping[str, object] | Callable[[], Mapping[str, object]] | None,
    ctx: _Context,
) -> Action:
    return make_action(
        kind,
        key,
        [ctx.ref(p) for p in people],
        due,
        reason if isinstance(reason, str) else reason(),
        timing=timing,
        weight=weight,
        settings=ctx.settings,
        weight_label=label,
        details=details() if callable(details) else details,
    )


def build_agenda(
    inputs: AgendaInputs,
    today: date,
    *,
    settings: AgendaSettings = DEFAULT_SETTINGS,
    now: datetime | None = None,
    extra: Iterable[Action] = (),
    limit: int | None = None,
) -> list[Action]:
    """Today's ranked actions, with the user's done, snoozed and dismissed states applied.

    `today` is the user's local date (`amity.rules.dates.local_today()`). `now`, when
    given, lets reasons say what time it is for people in another time zone. `extra` items
    (kinds built elsewhere) are filtered and ranked with the rest. With a `limit`, only the
    items returned are fully built (reasons, explanations), which keeps big books fast.
    """
    ctx = _Context(
        today=today,
        settings=settings,
        tz=time_zone(settings.time_zone),
        people={p.id: p for p in inputs.people},
        states={s.item_key: s for s in inputs.states},
        now=now,
    )
    new_contact = _visible(
        [*_met_follow_ups(ctx, inputs.attendance), *_event_follow_ups(ctx, inputs.attendance)],
        ctx,
    )
    covered = {person.id for candidate in new_contact for person in candidate.people}
    candidates = _visible(
        [
            *_replies(ctx, inputs.awaiting_replies),
            *_promises(ctx, inputs.commitments),
            *_follow_ups(ctx, inputs.follow_ups),
            *_keep_in_touch(ctx, inputs.states, covered),
            *_dates(ctx, inputs.dates),
            *_work_anniversaries(ctx, inputs.jobs),
            *(_Candidate(a.score, a.due, a.key, (), partial(_same, a)) for a in extra),
        ],
        ctx,
    )
    ranked = sorted([*new_contact, *candidates], key=lambda c: (-c.score, c.due, c.key))
    if limit is not None:
        ranked = ranked[:limit]
    return [candidate.build() for candidate in ranked]


def _score(kind_weight: float, timing: float, weight: float) -> float:
    return round(kind_weight * timing * weight, 4)


def _same(action: Action) -> Action:
    return action


def _visible(candidates: Iterable[_Candidate], ctx: _Context) -> list[_Candidate]:
    states, today = ctx.states, ctx.today
    if not states:
        return list(candidates)
    return [c for c in candidates if not is_hidden(states.get(c.key), today)]


def _replies(ctx: _Context, rows: Sequence[ReplyInput]) -> Iterable[_Candidate]:
    by_id: dict[int, list[ReplyInput]] = {}
    for row in rows:
        if row.person_id in ctx.people:
            by_id.setdefault(row.id, []).append(row)
    for interaction_id, group in by_id.items():
        people = _unique_people(ctx, [r.person_id for r in group])
        first = group[0]
        arrived = local_date(first.occurred_at, ctx.tz)
        if arrived > ctx.today:  # an agenda for an earlier day (`--date`) does not show it yet
            continue
        waiting = (ctx.today - arrived).days
        about = f' about "{_one_line(first.subject)}"' if first.subject else ""
        wait = "since today" if waiting == 0 else f"waiting {plural(waiting, 'day')}"
        yield ctx.action(
            "reply",
            f"reply:i{interaction_id}",
            people,
            arrived,
            f"Reply to {_names(people)}{about} ({wait})",
            timing=due_timing(waiting),
            details={
                "interaction_id": interaction_id,
                "waiting_days": waiting,
                "thread_key": first.thread_key,
            },
        )


def _promises(ctx: _Context, rows: Sequence[CommitmentInput]) -> Iterable[_Candidate]:
    lead = ctx.settings.promise_lead_days
    for row in rows:
        person = ctx.people.get(row.person_id)
        if person is None or row.status != "open" or row.due_on is None:
            continue
        days_late = (ctx.today - row.due_on).days
        text = _one_line(row.text)
        due = due_phrase(row.due_on, ctx.today)
        if row.direction == "mine":
            if days_late < -lead:
                continue
            kind, reason = "promise_mine", f"You promised {person.name}{_promise_text(text)}, {due}"
        elif row.direction == "theirs":
            if days_late <= 0:
                continue
            kind = "promise_theirs"
            reason = f"{person.name} promised{_promise_text(text)}, {due}: a gentle nudge?"
        else:
            continue
        yield ctx.action(
            kind,
            f"promise:c{row.id}",
            [person],
            row.due_on,
            reason,
            timing=due_timing(days_late, lead),
            details={"commitment_id": row.id, "days_late": days_late},
        )


def _promise_text(text: str) -> str:
    body = text[3:] if text.lower().startswith("to ") else text
    if body[:1].islower():
        return f" to {body}"
    return f": {body}"


def _follow_ups(ctx: _Context, rows: Sequence[FollowUpInput]) -> Iterable[_Candidate]:
    for row in rows:
        person = ctx.people.get(row.person_id)
        if person is None or row.done or row.due_on > ctx.today:
            continue
        days_late = (ctx.today - row.due_on).days
        yield ctx.action(
            "follow_up",
            f"follow_up:f{row.id}",
            [person],
            row.due_on,
            f"Follow up with {person.name}: {_one_line(row.text)}, {due_phrase(row.due_on, ctx.today)}",
            timing=due_timing(days_late),
            details={"follow_up_id": row.id, "days_late": days_late},
        )


def _in_new_contact_window(ctx: _Context, met: date) -> bool:
    due = met + timedelta(days=ctx.settings.new_contact_follow_up_days)
    end = due + timedelta(days=ctx.settings.new_contact_window_days)
    return due <= ctx.today <= end


def _not_contacted_since(ctx: _Context, person: PersonInput, since: date) -> bool:
    last = person.last_interaction_at
    return last is None or local_date(last, ctx.tz) <= since


def _met_follow_ups(ctx: _Context, attendance: Sequence[AttendanceInput]) -> Iterable[_Candidate]:
    """Someone met on a day (not at an event in the inputs) and not contacted since."""
    at_events = {a.person_id for a in attendance if a.met}
    for person in ctx.people.values():
        met = person.met_on
        if met is None or person.id in at_events or not _in_new_contact_window(ctx, met):
            continue
        if not _not_contacted_since(ctx, person, met):
            continue
        due = met + timedelta(days=ctx.settings.new_contact_follow_up_days)
        days = (ctx.today - met).days
        yield ctx.action(
            "follow_up",
            f"follow_up:met:p{person.id}:{met.isoformat()}",
            [person],
            due,
            f"Follow up with {person.name}: you met {plural(days, 'day')} ago "
            "and have not been in touch since",
            timing=due_timing((ctx.today - due).days),
            details={"met_on": met.isoformat()},
        )


def _event_follow_ups(ctx: _Context, attendance: Sequence[AttendanceInput]) -> Iterable[_Candidate]:
    events: dict[int, list[AttendanceInput]] = {}
    for row in attendance:
        if row.met and row.person_id in ctx.people:
            events.setdefault(row.event_id, []).append(row)
    for event_id, rows in events.items():
        first = rows[0]
        ended = first.event_ends_on or first.event_starts_on
        if ended is None or not _in_new_contact_window(ctx, ended):
            continue
        pending = [
            ctx.people[r.person_id]
            for r in rows
            if _not_contacted_since(ctx, ctx.people[r.person_id], ended)
        ]
        people = _unique_people(ctx, [p.id for p in pending])
        if not people:
            continue
        due = ended + timedelta(days=ctx.settings.new_contact_follow_up_days)
        name = _one_line(first.event_name)
        if len(people) <= 2:
            reason = f"Follow up with {_names(people)}, whom you met at {name}"
        else:
            reason = f"Follow up with {len(people)} people you met at {name}"
        yield ctx.action(
            "event_follow_up",
            f"event_follow_up:e{event_id}",
            people,
            due,
            reason,
            timing=due_timing((ctx.today - due).days),
            details={"event_id": event_id, "event_name": first.event_name, "pending": len(people)},
        )


def _keep_in_touch(
    ctx: _Context, states: Sequence[AgendaState], covered: set[int]
) -> Iterable[_Candidate]:
    """People whose cadence ran out. A hot loop on big books: it stays lean on purpose."""
    settings, tz = ctx.settings, ctx.tz
    done = done_contact_dates(states, settings.time_zone)
    today_ordinal = ctx.today.toordinal()
    kind_weight = settings.kind_weight("keep_in_touch")
    soft_days: dict[int, int] = {}
    for person in ctx.people.values():
        cadence = effective_cadence(person.cadence_days, person.circle_cadence_days)
        if cadence is None or person.id in covered:
            continue
        due_after = soft_days.get(cadence)
        if due_after is None:
            due_after = soft_days[cadence] = threshold_days(cadence, settings.soft_threshold)
        last_at = person.last_interaction_at
        # cheap test first: a local date is within 2 days of the stored instant's own date
        if last_at is not None and today_ordinal - last_at.toordinal() + 2 < due_after:
            continue
        done_on = done.get(person.id) if done else None
        last = effective_last_contact(last_at, done_on, tz)
        added = None
        if last is None and person.created_at is not None:
            added = local_date(person.created_at, tz)
        since, contacted = contact_start(last, added, person.met_on)
        if since is None:
            continue
        days_since = today_ordinal - since.toordinal()
        if days_since < due_after:
            continue
        timing = min(days_since / cadence, MAX_TIMING)
        yield _Candidate(
            _score(kind_weight, timing, person.circle_weight),
            since + timedelta(days=due_after),
            keep_in_touch_key(person.id, since),
            (person,),
            partial(_keep_in_touch_action, ctx, person, since, cadence, contacted, timing),
        )


def _keep_in_touch_action(
    ctx: _Context,
    person: PersonInput,
    since: date,
    cadence: int,
    contacted: bool,
    timing: float,
) -> Action:
    status = cadence_status(
        since,
        cadence,
        ctx.today,
        contacted=contacted,
        soft=ctx.settings.soft_threshold,
        hard=ctx.settings.hard_threshold,
    )
    return _materialize(
        "keep_in_touch",
        keep_in_touch_key(person.id, since),
        (person,),
        status.due_on,
        _keep_in_touch_reason(ctx, person, status),
        timing,
        person.circle_weight,
        f"circle {person.circle}" if person.circle else None,
        _keep_in_touch_details(person, status, ctx.today),
        ctx,
    )


def _keep_in_touch_details(
    person: PersonInput, status: CadenceStatus, today: date
) -> dict[str, object]:
    return {
        "cadence_days": status.cadence_days,
        "days_since": status.days_since,
        "since": status.since.isoformat(),
        "contacted": status.contacted,
        "overdue": status.is_overdue(today),
        "overdue_on": status.overdue_on.isoformat(),
        "channel": person.preferred_channel,
    }


def _keep_in_touch_reason(ctx: _Context, person: PersonInput, status: CadenceStatus) -> str:
    overdue = status.is_overdue(ctx.today)
    days, cadence, contacted = status.days_since, status.cadence_days, status.contacted
    if contacted:
        core = f"{person.name}: {plural(days, 'day')} since you last talked, cadence {cadence}"
    else:
        how = "met" if person.met_on == status.since else "added"
        core = f"{person.name}: no contact in the {plural(days, 'day')} since you {how} them, cadence {cadence}"
    if overdue:
        core += " (overdue)"
    hints = []
    if person.preferred_channel:
        hints.append(f"on {person.preferred_channel}")
    their_time = _their_time(ctx, person)
    if their_time:
        hints.append(f"{their_time} there")
    return f"{core}; {', '.join(hints)}" if hints else core


def _their_time(ctx: _Context, person: PersonInput) -> str | None:
    if ctx.now is None:
        return None
    tz = time_zone_or_none(person.timezone)
    if tz is None or person.timezone == ctx.settings.time_zone:
        return None
    return ctx.now.astimezone(tz).strftime("%H:%M")


def _dates(ctx: _Context, rows: Sequence[DateInput]) -> Iterable[_Candidate]:
    longest = max((ctx.settings.lead_for(kind) for kind in {r.kind for r in rows}), default=0)
    window = month_days_within(ctx.today, longest)
    for row in rows:
        person = ctx.people.get(row.person_id)
        if person is None or (row.when.month, row.when.day) not in window:
            continue
        lead = ctx.settings.lead_for(row.kind)
        occurrence = upcoming_occurrence(row.when, ctx.today, lead)
        if occurrence is None:
            continue
        years = occurrence.years if occurrence.years and occurrence.years > 0 else None
        yield ctx.action(
            "date",
            f"date:{row.kind}:d{row.id}:{occurrence.on.year}",
            [person],
            occurrence.on,
            _date_reason(person.name, row.kind, row.label, years, on_day(occurrence.on, ctx.today)),
            timing=due_timing(-occurrence.days_until, lead),
            details={
                "date_kind": row.kind,
                "date_id": row.id,
                "label": row.label,
                "years": years,
                "days_until": occurrence.days_until,
            },
        )


def _date_reason(name: str, kind: str, label: str | None, years: int | None, when: str) -> str:
    what = _one_line(label) if label else None
    if kind == "birthday":
        return f"{name} turns {years} {when}" if years else f"{name}'s birthday is {when}"
    if kind == "anniversary":
        nth = f"{ordinal(years)} " if years else ""
        of = f" ({what})" if what else ""
        return f"{name}'s {nth}anniversary{of} is {when}"
    title = what or "date"
    if years:
        return f"{name}: {title}, {plural(years, 'year')}, {when}"
    return f"{name}: {title} {when}"


def _work_anniversaries(ctx: _Context, rows: Sequence[JobStartInput]) -> Iterable[_Candidate]:
    lead = ctx.settings.lead_for("work_anniversary")
    window = month_days_within(ctx.today, lead)
    for row in rows:
        start = row.start_date
        if (start.month, start.day) not in window:
            continue
        person = ctx.people.get(row.person_id)
        if person is None or (row.end_date is not None and row.end_date <= ctx.today):
            continue
        occurrence = upcoming_occurrence(anniversary_of(row.start_date), ctx.today, lead)
        if occurrence is None or not occurrence.years or occurrence.years < 1:
            continue
        org = _one_line(row.organisation)
        yield ctx.action(
            "date",
            f"date:work_anniversary:j{row.id}:{occurrence.on.year}",
            [person],
            occurrence.on,
            f"{person.name}: {plural(occurrence.years, 'year')} at {org} "
            f"{on_day(occurrence.on, ctx.today)}",
            timing=due_timing(-occurrence.days_until, lead),
            details={
                "date_kind": "work_anniversary",
                "job_id": row.id,
                "organisation": row.organisation,
                "years": occurrence.years,
                "days_until": occurrence.days_until,
            },
        )


def _unique_people(ctx: _Context, ids: Iterable[int]) -> list[PersonInput]:
    seen: dict[int, PersonInput] = {}
    for person_id in ids:
        person = ctx.people.get(person_id)
        if person is not None and person_id not in seen:
            seen[person_id] = person
    return list(seen.values())


def _names(people: Sequence[PersonInput]) -> str:
    names = [p.name for p in people]
    if len(names) <= 2:
        return " and ".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _one_line(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
