"""Work milestones on the agenda: ``congratulate`` someone on a new job or a promotion.

A change learned from a sync or an import (``amity.rules.milestones``) is on the agenda for
``CONGRATULATE_DAYS`` days from the day Amity learned of it, due that day.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from amity.rules.agenda.inputs import JobChangeInput
from amity.rules.agenda.scoring import Candidate, Context, due_timing

CONGRATULATE_DAYS = 30


def milestone_reason(change: JobChangeInput) -> str:
    name = change.person.name
    if change.kind == "promotion":
        return f"{name} was promoted to {change.to_title} at {change.to_org}"
    title = f" as {change.to_title}" if change.to_title else ""
    return f"{name} moved from {change.from_org} to {change.to_org}{title}"


def congratulations(ctx: Context, rows: Sequence[JobChangeInput]) -> Iterable[Candidate]:
    for change in rows:
        age = (ctx.today - change.learned_on).days
        if not 0 <= age < CONGRATULATE_DAYS:
            continue
        yield ctx.action(
            "congratulate",
            f"congratulate:j{change.id}",
            [change.person],
            change.learned_on,
            milestone_reason(change),
            timing=due_timing(age),
            details={"milestone": change.kind, "job_change_id": change.id},
        )
