"""``keep_in_touch`` items: people whose cadence ran out, and when a cadence restarts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta, tzinfo
from functools import partial

from amity.model.types import Action
from amity.rules.agenda.inputs import AgendaState, PersonInput
from amity.rules.agenda.keys import keep_in_touch_key, keep_in_touch_person_id
from amity.rules.agenda.scoring import MAX_TIMING, Candidate, Context, materialize, score
from amity.rules.cadence import (
    CadenceStatus,
    cadence_status,
    contact_start,
    effective_cadence,
    threshold_days,
)
from amity.rules.dates import local_date, plural, time_zone, time_zone_or_none


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


def keep_in_touch(
    ctx: Context, states: Sequence[AgendaState], covered: set[int]
) -> Iterable[Candidate]:
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
        yield Candidate(
            score(kind_weight, timing, person.circle_weight),
            since + timedelta(days=due_after),
            keep_in_touch_key(person.id, since),
            (person,),
            partial(_keep_in_touch_action, ctx, person, since, cadence, contacted, timing),
        )


def _keep_in_touch_action(
    ctx: Context,
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
    return materialize(
        "keep_in_touch",
        keep_in_touch_key(person.id, since),
        (person,),
        status.due_on,
        _reason(ctx, person, status),
        timing,
        person.circle_weight,
        f"circle {person.circle}" if person.circle else None,
        _details(person, status, ctx.today),
        ctx,
    )


def _details(person: PersonInput, status: CadenceStatus, today: date) -> dict[str, object]:
    return {
        "cadence_days": status.cadence_days,
        "days_since": status.days_since,
        "since": status.since.isoformat(),
        "contacted": status.contacted,
        "overdue": status.is_overdue(today),
        "overdue_on": status.overdue_on.isoformat(),
        "channel": person.preferred_channel,
    }


def _reason(ctx: Context, person: PersonInput, status: CadenceStatus) -> str:
    overdue = status.is_overdue(ctx.today)
    days, cadence, contacted = status.days_since, status.cadence_days, status.contacted
    if contacted:
        core = f"{person.name}: {plural(days, 'day')} since you last talked, cadence {cadence}"
    else:
        how = "met" if person.met_on == status.since else "added"
        core = (
            f"{person.name}: no contact in the {plural(days, 'day')} since you {how} them, "
            f"cadence {cadence}"
        )
    if overdue:
        core += " (overdue)"
    hints = []
    if person.preferred_channel:
        hints.append(f"on {person.preferred_channel}")
    their_time = _their_time(ctx, person)
    if their_time:
        hints.append(f"{their_time} there")
    return f"{core}; {', '.join(hints)}" if hints else core


def _their_time(ctx: Context, person: PersonInput) -> str | None:
    if ctx.now is None:
        return None
    tz = time_zone_or_none(person.timezone)
    if tz is None or person.timezone == ctx.settings.time_zone:
        return None
    return ctx.now.astimezone(tz).strftime("%H:%M")
