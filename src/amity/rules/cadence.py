"""Cadences: how often to stay in touch with someone, and where they stand against it.

- A person's cadence is their own override (``0`` means never remind) or else their circle's
  default cadence (``None`` when the circle has none, or they are in no circle).
- The cadence restarts on **any** interaction with the person, of any kind, in either
  direction; a keep-in-touch agenda item marked done counts as contact too.
- Someone never contacted counts from when they were added or met, whichever is later.
- Soft threshold: due once ``days since contact >= soft x cadence`` (default 1.0).
  Hard threshold: overdue from ``hard x cadence`` (default 1.5).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

NEVER = 0


def effective_cadence(override_days: int | None, circle_days: int | None) -> int | None:
    """Days between contacts, or None when no reminder is wanted.

    >>> effective_cadence(None, 30), effective_cadence(45, 30), effective_cadence(0, 30)
    (30, 45, None)
    """
    days = circle_days if override_days is None else override_days
    if days is None or days <= NEVER:
        return None
    return days


def contact_start(
    last_contact: date | None, added_on: date | None, met_on: date | None
) -> tuple[date | None, bool]:
    """The date the cadence counts from, and whether it is a real contact.

    The last contact when there was one; otherwise the later of added and met dates.
    """
    if last_contact is not None:
        return last_contact, True
    candidates = [d for d in (added_on, met_on) if d is not None]
    return (max(candidates) if candidates else None), False


@dataclass(frozen=True, slots=True)
class CadenceStatus:
    """Where someone stands against their cadence on a given day."""

    since: date  # last contact, or when added/met
    contacted: bool  # False: never contacted, ``since`` is when added or met
    cadence_days: int
    days_since: int
    due_on: date  # soft threshold
    overdue_on: date  # hard threshold

    @property
    def ratio(self) -> float:
        """Days since contact divided by the cadence (1.0 = due, 1.5 = overdue by default)."""
        return self.days_since / self.cadence_days

    def is_due(self, today: date) -> bool:
        return today >= self.due_on

    def is_overdue(self, today: date) -> bool:
        return today >= self.overdue_on


def cadence_status(
    since: date,
    cadence_days: int,
    today: date,
    *,
    contacted: bool = True,
    soft: float = 1.0,
    hard: float = 1.5,
) -> CadenceStatus:
    """The status of a relationship with cadence ``cadence_days`` last touched on ``since``."""
    return CadenceStatus(
        since=since,
        contacted=contacted,
        cadence_days=cadence_days,
        days_since=(today - since).days,
        due_on=since + timedelta(days=threshold_days(cadence_days, soft)),
        overdue_on=since + timedelta(days=threshold_days(cadence_days, hard)),
    )


def threshold_days(cadence_days: int, factor: float) -> int:
    """Whole days for ``factor x cadence``, rounded up so 1.5 x 15 is 23 days, not 22."""
    scaled = cadence_days * factor
    whole = int(scaled)
    return whole if whole == scaled else whole + 1
