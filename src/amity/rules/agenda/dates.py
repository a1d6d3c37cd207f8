"""``date`` items: birthdays, anniversaries, custom dates and work anniversaries, from their
lead time until the day itself."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet

from amity.rules.agenda.inputs import DateInput, JobStartInput
from amity.rules.agenda.scoring import Candidate, Context, due_timing
from amity.rules.dates import (
    anniversary_of,
    month_days_within,
    on_day,
    ordinal,
    plural,
    upcoming_occurrence,
)
from amity.rules.text import one_line


def group_by_month(pairs: AbstractSet[tuple[int, int]]) -> dict[int, list[int]]:
    """``{(month, day)}`` as ``{month: [days]}``, for a date window in SQL."""
    months: dict[int, list[int]] = {}
    for month, day in sorted(pairs):
        months.setdefault(month, []).append(day)
    return months


def dates(ctx: Context, rows: Sequence[DateInput]) -> Iterable[Candidate]:
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
    what = one_line(label) if label else None
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


def work_anniversaries(ctx: Context, rows: Sequence[JobStartInput]) -> Iterable[Candidate]:
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
        org = one_line(row.organisation)
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
