"""``reply`` items: inbound messages awaiting your reply, from the day they came."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from amity.rules.agenda.inputs import ReplyInput
from amity.rules.agenda.scoring import Candidate, Context, due_timing, names, unique_people
from amity.rules.dates import local_date, plural
from amity.rules.text import one_line


def replies(ctx: Context, rows: Sequence[ReplyInput]) -> Iterable[Candidate]:
    by_id: dict[int, list[ReplyInput]] = {}
    for row in rows:
        if row.person_id in ctx.people:
            by_id.setdefault(row.id, []).append(row)
    for interaction_id, group in by_id.items():
        people = unique_people(ctx, [r.person_id for r in group])
        first = group[0]
        arrived = local_date(first.occurred_at, ctx.tz)
        if arrived > ctx.today:  # an agenda for an earlier day (`--date`) does not show it yet
            continue
        waiting = (ctx.today - arrived).days
        about = f' about "{one_line(first.subject)}"' if first.subject else ""
        wait = "since today" if waiting == 0 else f"waiting {plural(waiting, 'day')}"
        yield ctx.action(
            "reply",
            f"reply:i{interaction_id}",
            people,
            arrived,
            f"Reply to {names(people)}{about} ({wait})",
            timing=due_timing(waiting),
            details={
                "interaction_id": interaction_id,
                "waiting_days": waiting,
                "thread_key": first.thread_key,
            },
        )
