"""Be reliable: the kept-on-time rate of promises, per person and overall.

A promise with a due date is **kept on time** when it was done on or before that date (in the
user's time zone). It is **late** when it was done after its due date, or is still open and its
due date has passed. Promises without a due date, dropped ones, and open ones not yet due are
not judged. The rate is kept / (kept + late), or None when nothing could be judged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from amity.model.types import Commitment
from amity.rules.dates import local_date, time_zone


@dataclass(frozen=True, slots=True)
class PromiseRecord:
    id: int
    person_id: int
    direction: str  # mine, theirs
    due_on: date | None
    status: str  # open, done, dropped
    done_on: date | None = None  # local date it was marked done


def promise_record(commitment: Commitment, tz_name: str | None = None) -> PromiseRecord:
    """A model commitment as a record, with its done time as a local date."""
    done_on = None
    if commitment.done_at is not None:
        done_on = local_date(commitment.done_at, time_zone(tz_name))
    return PromiseRecord(
        id=commitment.id or 0,
        person_id=commitment.person.id,
        direction=commitment.direction,
        due_on=commitment.due_on,
        status=commitment.status,
        done_on=done_on,
    )


@dataclass(frozen=True, slots=True)
class KeptRate:
    kept: int = 0
    late: int = 0

    @property
    def judged(self) -> int:
        return self.kept + self.late

    @property
    def rate(self) -> float | None:
        return None if self.judged == 0 else self.kept / self.judged

    def add(self, kept: bool) -> KeptRate:
        return KeptRate(self.kept + kept, self.late + (not kept))

    def explain(self) -> str:
        if self.judged == 0:
            return "no promises with a due date to judge yet"
        return f"{self.kept} of {self.judged} kept on time"


@dataclass(frozen=True)
class Reliability:
    overall: KeptRate
    per_person: dict[int, KeptRate] = field(default_factory=dict)


def kept_on_time(record: PromiseRecord, today: date) -> bool | None:
    """True kept on time, False late, None not judged (see the module docstring)."""
    if record.due_on is None or record.status == "dropped":
        return None
    if record.status == "done":
        if record.done_on is None:
            return None
        return record.done_on <= record.due_on
    if record.due_on < today:
        return False
    return None


def reliability(
    records: Iterable[PromiseRecord], today: date, *, direction: str | None = "mine"
) -> Reliability:
    """Kept-on-time rates for ``direction`` (mine, theirs, or None for both)."""
    overall = KeptRate()
    per_person: dict[int, KeptRate] = {}
    for record in records:
        if direction is not None and record.direction != direction:
            continue
        verdict = kept_on_time(record, today)
        if verdict is None:
            continue
        overall = overall.add(verdict)
        per_person[record.person_id] = per_person.get(record.person_id, KeptRate()).add(verdict)
    return Reliability(overall, dict(sorted(per_person.items())))
