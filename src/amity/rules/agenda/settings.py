"""The agenda's settings: kind weights, thresholds and lead times, read from the user's
stored settings (bad values fall back to the defaults documented in :mod:`amity.rules.agenda`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

KINDS = (
    "reply",
    "promise_mine",
    "promise_theirs",
    "follow_up",
    "event_follow_up",
    "keep_in_touch",
    "date",
    "feedback_request",
    "goal_checkin",
    "give",
    "share",
)
DEFAULT_KIND_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "reply": 3.0,
        "promise_mine": 3.0,
        "date": 2.5,
        "follow_up": 2.0,
        "event_follow_up": 2.0,
        "promise_theirs": 1.5,
        "keep_in_touch": 1.0,
        "feedback_request": 1.5,
        "goal_checkin": 1.0,
        "give": 1.0,
        "share": 0.8,
        "congratulate": 2.0,  # a new job or a promotion learned from a sync or an import
    }
)
DEFAULT_DATE_LEAD_DAYS: Mapping[str, int] = MappingProxyType(
    {"birthday": 7, "anniversary": 7, "work_anniversary": 7, "custom": 7}
)
DATE_KINDS = ("birthday", "anniversary", "custom")  # stored dates; work anniversaries are jobs
MAX_LEAD_DAYS = 366


@dataclass(frozen=True)
class AgendaSettings:
    """The user's agenda settings; every default is the one documented in the package."""

    time_zone: str = "UTC"
    soft_threshold: float = 1.0  # due at 1.0 x cadence
    hard_threshold: float = 1.5  # overdue from 1.5 x cadence
    date_lead_days: Mapping[str, int] = field(default_factory=lambda: DEFAULT_DATE_LEAD_DAYS)
    default_date_lead_days: int = 7
    new_contact_follow_up_days: int = 2  # follow up 2 days after meeting someone
    new_contact_window_days: int = 30  # ... and keep reminding for 30 days
    promise_lead_days: int = 2  # my promises show 2 days before they are due
    kind_weights: Mapping[str, float] = field(default_factory=lambda: DEFAULT_KIND_WEIGHTS)
    backlog_reply_days: int = 30  # a reply waiting longer goes to the Backlog
    backlog_cadence_factor: float = 3.0  # ... and a keep-in-touch past 3x its cadence

    def lead_for(self, date_kind: str) -> int:
        return self.date_lead_days.get(date_kind, self.default_date_lead_days)

    def kind_weight(self, kind: str) -> float:
        return self.kind_weights.get(kind, DEFAULT_KIND_WEIGHTS.get(kind, 1.0))


DEFAULT_SETTINGS = AgendaSettings()


def max_date_lead(settings: AgendaSettings, kinds: tuple[str, ...] = DATE_KINDS) -> int:
    return max(settings.lead_for(kind) for kind in kinds)


def _number(value: Any, default: float, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return float(value) if low <= value <= high else default


def _whole(value: Any, default: int, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        return default
    return value if low <= value <= high else default


def agenda_settings_from(values: Mapping[str, Any]) -> AgendaSettings:
    """The engine's settings from the user's stored settings; bad values fall back to defaults.

    Keys: ``timezone``, ``agenda.due_factor`` (soft threshold, 1.0), ``agenda.overdue_factor``
    (hard, 1.5), ``agenda.date_lead_days`` (a mapping) and ``agenda.date_lead_days.KIND``,
    ``agenda.new_contact_follow_up_days``, ``agenda.new_contact_window_days``,
    ``agenda.promise_lead_days``, ``agenda.weight.KIND`` (kind weights),
    ``agenda.backlog_reply_days`` and ``agenda.backlog_cadence_factor`` (the Backlog).
    """
    defaults = DEFAULT_SETTINGS
    soft = _number(values.get("agenda.due_factor"), defaults.soft_threshold, 0.1, 10.0)
    hard = _number(values.get("agenda.overdue_factor"), defaults.hard_threshold, 0.1, 10.0)
    leads = _date_leads(values)
    return AgendaSettings(
        time_zone=str(values.get("timezone") or "UTC"),
        soft_threshold=soft,
        hard_threshold=max(hard, soft),
        date_lead_days=leads,
        new_contact_follow_up_days=_whole(
            values.get("agenda.new_contact_follow_up_days"),
            defaults.new_contact_follow_up_days,
            0,
            365,
        ),
        new_contact_window_days=_whole(
            values.get("agenda.new_contact_window_days"), defaults.new_contact_window_days, 0, 3650
        ),
        promise_lead_days=_whole(
            values.get("agenda.promise_lead_days"), defaults.promise_lead_days, 0, 365
        ),
        kind_weights=_kind_weights(values),
        backlog_reply_days=_whole(
            values.get("agenda.backlog_reply_days"), defaults.backlog_reply_days, 1, 3650
        ),
        backlog_cadence_factor=_number(
            values.get("agenda.backlog_cadence_factor"), defaults.backlog_cadence_factor, 1.0, 100.0
        ),
    )


def _date_leads(values: Mapping[str, Any]) -> dict[str, int]:
    leads = dict(DEFAULT_DATE_LEAD_DAYS)
    stored = values.get("agenda.date_lead_days")
    if isinstance(stored, Mapping):
        for kind, days in stored.items():
            leads[str(kind)] = _whole(days, leads.get(str(kind), 7), 0, MAX_LEAD_DAYS)
    for key, value in values.items():
        if key.startswith("agenda.date_lead_days."):
            kind = key.rsplit(".", 1)[1]
            leads[kind] = _whole(value, leads.get(kind, 7), 0, MAX_LEAD_DAYS)
    return leads


def _kind_weights(values: Mapping[str, Any]) -> dict[str, float]:
    weights = dict(DEFAULT_KIND_WEIGHTS)
    for key, value in values.items():
        if key.startswith("agenda.weight."):
            kind = key.rsplit(".", 1)[1]
            weights[kind] = _number(value, weights.get(kind, 1.0), 0.0, 100.0)
    return weights
