"""Building the agenda: every kind's candidates, the user's states applied, one ranking."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from amity.model.types import Action
from amity.rules.agenda import dates, follow_ups, keep_in_touch, milestones, network, replies
from amity.rules.agenda.inputs import AgendaInputs
from amity.rules.agenda.scoring import Candidate, Context, is_hidden
from amity.rules.agenda.settings import DEFAULT_SETTINGS, AgendaSettings
from amity.rules.dates import time_zone


def build_agenda(
    inputs: AgendaInputs,
    today: date,
    *,
    settings: AgendaSettings = DEFAULT_SETTINGS,
    now: datetime | None = None,
    limit: int | None = None,
) -> list[Action]:
    """Today's ranked actions, with the user's done, snoozed and dismissed states applied.

    `today` is the user's local date (`amity.rules.dates.local_today()`). `now`, when
    given, lets reasons say what time it is for people in another time zone. With a `limit`,
    only the items returned are fully built (reasons, explanations), which keeps big books
    fast.
    """
    ctx = Context(
        today=today,
        settings=settings,
        tz=time_zone(settings.time_zone),
        people={p.id: p for p in inputs.people},
        states={s.item_key: s for s in inputs.states},
        now=now,
    )
    new_contact = _visible(
        [
            *follow_ups.met_follow_ups(ctx, inputs.attendance),
            *follow_ups.event_follow_ups(ctx, inputs.attendance),
        ],
        ctx,
    )
    covered = {person.id for candidate in new_contact for person in candidate.people}
    candidates = _visible(
        [
            *replies.replies(ctx, inputs.awaiting_replies),
            *follow_ups.promises(ctx, inputs.commitments),
            *follow_ups.follow_ups(ctx, inputs.follow_ups),
            *keep_in_touch.keep_in_touch(ctx, inputs.states, covered),
            *dates.dates(ctx, inputs.dates),
            *dates.work_anniversaries(ctx, inputs.jobs),
            *network.gives(ctx, inputs.gives),
            *network.shares(ctx, inputs.shares),
            *network.goal_checkins(ctx, inputs.goals),
            *network.feedback_requests(ctx, inputs.feedback_requests),
            *milestones.congratulations(ctx, inputs.job_changes),
        ],
        ctx,
    )
    ranked = sorted([*new_contact, *candidates], key=lambda c: (-c.score, c.due, c.key))
    if limit is not None:
        ranked = ranked[:limit]
    return [candidate.build() for candidate in ranked]


def _visible(candidates: Iterable[Candidate], ctx: Context) -> list[Candidate]:
    states, today = ctx.states, ctx.today
    if not states:
        return list(candidates)
    return [c for c in candidates if not is_hidden(states.get(c.key), today)]
