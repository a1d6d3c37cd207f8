"""The Backlog: items so far past due that they would bury today's (see the package docstring,
"Backlog"). Pure: the actions and the settings in, two lists out, each still in rank order."""

from __future__ import annotations

from collections.abc import Iterable

from amity.model.types import Action
from amity.rules.agenda.settings import DEFAULT_SETTINGS, AgendaSettings


def stale_reason(action: Action, settings: AgendaSettings = DEFAULT_SETTINGS) -> str | None:
    """Why ``action`` belongs in the Backlog, or None when it belongs to today."""
    details = action.details
    if action.kind == "reply":
        waiting = details.get("waiting_days")
        if isinstance(waiting, int) and waiting > settings.backlog_reply_days:
            return f"waiting more than {settings.backlog_reply_days} days"
    elif action.kind == "keep_in_touch":
        days, cadence = details.get("days_since"), details.get("cadence_days")
        if (
            isinstance(days, int)
            and isinstance(cadence, int)
            and cadence > 0
            and days > settings.backlog_cadence_factor * cadence
        ):
            return f"more than {settings.backlog_cadence_factor:g}x the cadence"
    return None


def split_backlog(
    actions: Iterable[Action], settings: AgendaSettings = DEFAULT_SETTINGS
) -> tuple[list[Action], list[Action]]:
    """(today, backlog): the stale items apart, both lists keeping the ranking's order."""
    today: list[Action] = []
    backlog: list[Action] = []
    for action in actions:
        (backlog if stale_reason(action, settings) else today).append(action)
    return today, backlog


__all__ = ["split_backlog", "stale_reason"]
