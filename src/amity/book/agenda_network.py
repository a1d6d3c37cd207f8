"""The agenda's later kinds (issue 6), gathered for :meth:`amity.book.agenda.Agenda.items`.

The Book parts that own the data build the items (``give``: :meth:`Network.agenda_items`,
``share``: :meth:`Articles.agenda_items`, ``goal_checkin`` and ``feedback_request``:
:meth:`FeedbackLog.agenda_items`); this module asks only the parts that can have something
(one statement finds out), re-scores the items with the user's kind weights, and closes the
record behind an item marked done (asking for feedback marks the request asked).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from sqlalchemy import Connection, exists, select, update

from amity.book.context import BookContext
from amity.model import Action
from amity.rules.agenda import AgendaSettings, make_action
from amity.rules.agenda_extra import ItemKey
from amity.rules.dates import time_zone
from amity.store import schema as s

NEW_ARTICLE_DAYS = 14  # as amity.book.articles.NEW_ARTICLE_DAYS (kept here: no import cost)
_ASK_KEY = re.compile(r"feedback_request:ask:r(\d+)")
_LABEL = re.compile(r"x weight [0-9.e+-]+ \((.*)\)$")
_SCORING = ("urgency", "timing", "weight", "explain")


def later_items(ctx: BookContext, day: date, settings: AgendaSettings) -> list[Action]:
    """give, share, goal_checkin and feedback_request items for ``day``, scored with the
    user's kind weights (the engine filters them by state and ranks them with the rest)."""
    with ctx.read() as conn:
        wanted = _parts_with_something(conn, ctx.owner_id, day, settings)
    if not wanted:
        return []
    from amity.book.interactions import Interactions
    from amity.book.network import Network
    from amity.book.people import People

    people = People(ctx)
    network = Network(ctx, people)
    actions: list[Action] = []
    if "give" in wanted:
        actions.extend(network.agenda_items(day))
    if "share" in wanted:
        from amity.book.articles import Articles

        actions.extend(Articles(ctx, people, Interactions(ctx, people), network).agenda_items(day))
    if "feedback" in wanted:
        from amity.book.feedback import FeedbackLog

        actions.extend(FeedbackLog(ctx, people).agenda_items(day))
    return [rescored(a, settings) for a in actions]


def _parts_with_something(
    conn: Connection, owner_id: int, day: date, settings: AgendaSettings
) -> set[str]:
    """Which parts may have items today: one statement of four EXISTS."""
    x, a, g, r = s.exchanges, s.articles, s.goals, s.feedback_requests
    since = datetime.combine(
        day - timedelta(days=NEW_ARTICLE_DAYS), time(0), tzinfo=time_zone(settings.time_zone)
    )
    row = conn.execute(
        select(
            exists().where(x.c.owner_id == owner_id, x.c.direction == "received").label("give"),
            exists().where(a.c.owner_id == owner_id, a.c.created_at >= since).label("share"),
            exists()
            .where(g.c.owner_id == owner_id, g.c.status == "active", g.c.check_in_days.is_not(None))
            .label("goals"),
            exists().where(r.c.owner_id == owner_id, r.c.status == "open").label("requests"),
        )
    ).one()
    found = {name for name in ("give", "share") if getattr(row, name)}
    if row.goals or row.requests:
        found.add("feedback")
    return found


def rescored(action: Action, settings: AgendaSettings) -> Action:
    """The same item scored with the user's weight for its kind (the parts use the defaults)."""
    details = dict(action.details or {})
    timing, weight = details.get("timing"), details.get("weight")
    if not isinstance(timing, int | float) or not isinstance(weight, int | float):
        return action
    label = _LABEL.search(str(details.get("explain", "")))
    for key in _SCORING:
        details.pop(key, None)
    return make_action(
        action.kind,
        action.key,
        action.people,
        action.due,
        action.reason,
        timing=float(timing),
        weight=float(weight),
        settings=settings,
        weight_label=label.group(1) if label else None,
        details=details,
    )


def close_later_record(conn: Connection, owner_id: int, parsed: ItemKey, day: date) -> None:
    """Done on "ask X for feedback" means you asked: the request now waits for the answer
    (and the agenda follows up when none came by its date)."""
    match = _ASK_KEY.fullmatch(parsed.key)
    if match is None:
        return
    r = s.feedback_requests
    conn.execute(
        update(r)
        .where(r.c.owner_id == owner_id, r.c.id == int(match.group(1)), r.c.asked_on.is_(None))
        .values(asked_on=day)
    )


__all__ = ["close_later_record", "later_items", "rescored"]
