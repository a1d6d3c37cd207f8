"""Scoring: timing, score = kind weight x timing x circle weight, the explanation, and the
scored candidates the item kinds yield (built into actions only when they are shown)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from functools import partial

from amity.model.types import Action, PersonRef
from amity.rules.agenda.inputs import AgendaState, PersonInput, Weighed
from amity.rules.agenda.settings import DEFAULT_SETTINGS, AgendaSettings

MAX_TIMING = 3.0
STATES = ("done", "snoozed", "dismissed")


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


def score(kind_weight: float, timing: float, weight: float) -> float:
    return round(kind_weight * timing * weight, 4)


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
    total = score(kind_weight, timing, weight)
    label = f" ({weight_label})" if weight_label else ""
    explain = (
        f"score {total:.2f} = urgency {urgency:.2f} ({kind} {kind_weight:g} x timing "
        f"{timing:.2f}) x weight {weight:g}{label}"
    )
    extra: dict[str, object] = {
        **(details or {}),
        "urgency": round(urgency, 4),
        "timing": round(timing, 4),
        "weight": weight,
        "explain": explain,
    }
    return Action(key, kind, list(people), due, reason, total, extra)


def rank_actions(actions: Iterable[Action]) -> list[Action]:
    """Score (highest first), then due (earliest first), then key."""
    return sorted(actions, key=lambda a: (-a.score, a.due, a.key))


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


Reason = str | Callable[[], str]
Details = Mapping[str, object] | Callable[[], Mapping[str, object]] | None


@dataclass
class Context:
    """One agenda's day, settings and people, shared by every kind's builder."""

    today: date
    settings: AgendaSettings
    tz: tzinfo
    people: dict[int, PersonInput]
    states: dict[str, AgendaState]
    now: datetime | None
    refs: dict[int, PersonRef] = field(default_factory=dict)

    def ref(self, person: Weighed) -> PersonRef:
        """One PersonRef per person (frozen dataclasses are slow to create by the thousand)."""
        found = self.refs.get(person.id)
        if found is None:
            found = self.refs[person.id] = PersonRef(person.id, person.name)
        return found

    def action(
        self,
        kind: str,
        key: str,
        people: Sequence[Weighed],
        due: date,
        reason: Reason,
        *,
        timing: float,
        details: Details = None,
    ) -> Candidate:
        """A scored candidate weighed by the heaviest circle among ``people`` (1.0 for
        nobody); the Action (reason, refs, explanation) is built only if shown."""
        weight, label = 1.0, None
        if people:
            heaviest = people[0] if len(people) == 1 else max(people, key=_circle_weight)
            weight = heaviest.circle_weight
            label = f"circle {heaviest.circle}" if heaviest.circle else None
        build = partial(
            materialize, kind, key, people, due, reason, timing, weight, label, details, self
        )
        total = score(self.settings.kind_weight(kind), timing, weight)
        return Candidate(total, due, key, people, build)


def _circle_weight(person: Weighed) -> float:
    return person.circle_weight


@dataclass(slots=True)
class Candidate:
    """An item scored and keyed, not built yet (most candidates are never shown)."""

    score: float
    due: date
    key: str
    people: Sequence[Weighed]
    build: Callable[[], Action]


def materialize(
    kind: str,
    key: str,
    people: Sequence[Weighed],
    due: date,
    reason: Reason,
    timing: float,
    weight: float,
    label: str | None,
    details: Details,
    ctx: Context,
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


def unique_people(ctx: Context, ids: Iterable[int]) -> list[PersonInput]:
    seen: dict[int, PersonInput] = {}
    for person_id in ids:
        person = ctx.people.get(person_id)
        if person is not None and person_id not in seen:
            seen[person_id] = person
    return list(seen.values())


def names(people: Sequence[Weighed]) -> str:
    found = [p.name for p in people]
    if len(found) <= 2:
        return " and ".join(found)
    return f"{', '.join(found[:-1])} and {found[-1]}"
