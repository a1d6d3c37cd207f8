"""Promises both ways (``promise_mine``, ``promise_theirs``) and follow-ups: explicit ones,
someone newly met (``follow_up``), and the people met at an event (``event_follow_up``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from amity.rules.agenda.inputs import AttendanceInput, CommitmentInput, FollowUpInput, PersonInput
from amity.rules.agenda.scoring import Candidate, Context, due_timing, names, unique_people
from amity.rules.dates import due_phrase, local_date, plural
from amity.rules.text import one_line


def promises(ctx: Context, rows: Sequence[CommitmentInput]) -> Iterable[Candidate]:
    lead = ctx.settings.promise_lead_days
    for row in rows:
        person = ctx.people.get(row.person_id)
        if person is None or row.status != "open" or row.due_on is None:
            continue
        everyone = unique_people(ctx, (row.person_id, *row.others))  # one item for them all
        who = names(everyone)
        days_late = (ctx.today - row.due_on).days
        text = one_line(row.text)
        due = due_phrase(row.due_on, ctx.today)
        if row.direction == "mine":
            if days_late < -lead:
                continue
            kind, reason = "promise_mine", f"You promised {who}{_promise_text(text)}, {due}"
        elif row.direction == "theirs":
            if days_late <= 0:
                continue
            kind = "promise_theirs"
            reason = f"{who} promised{_promise_text(text)}, {due}: a gentle nudge?"
        else:
            continue
        yield ctx.action(
            kind,
            f"promise:c{row.id}",
            everyone,
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


def follow_ups(ctx: Context, rows: Sequence[FollowUpInput]) -> Iterable[Candidate]:
    for row in rows:
        person = ctx.people.get(row.person_id)
        if person is None or row.done or row.due_on > ctx.today:
            continue
        everyone = unique_people(ctx, (row.person_id, *row.others))
        days_late = (ctx.today - row.due_on).days
        yield ctx.action(
            "follow_up",
            f"follow_up:f{row.id}",
            everyone,
            row.due_on,
            f"Follow up with {names(everyone)}: {one_line(row.text)}, "
            f"{due_phrase(row.due_on, ctx.today)}",
            timing=due_timing(days_late),
            details={"follow_up_id": row.id, "days_late": days_late},
        )


def _in_new_contact_window(ctx: Context, met: date) -> bool:
    due = met + timedelta(days=ctx.settings.new_contact_follow_up_days)
    end = due + timedelta(days=ctx.settings.new_contact_window_days)
    return due <= ctx.today <= end


def _not_contacted_since(ctx: Context, person: PersonInput, since: date) -> bool:
    last = person.last_interaction_at
    return last is None or local_date(last, ctx.tz) <= since


def met_follow_ups(ctx: Context, attendance: Sequence[AttendanceInput]) -> Iterable[Candidate]:
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


def event_follow_ups(ctx: Context, attendance: Sequence[AttendanceInput]) -> Iterable[Candidate]:
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
        people = unique_people(ctx, [p.id for p in pending])
        if not people:
            continue
        due = ended + timedelta(days=ctx.settings.new_contact_follow_up_days)
        name = one_line(first.event_name)
        if len(people) <= 2:
            reason = f"Follow up with {names(people)}, whom you met at {name}"
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
