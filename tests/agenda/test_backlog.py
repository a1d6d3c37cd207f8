"""The Backlog rule (rules/agenda/backlog.py, docs/agenda.md "Backlog")."""

from __future__ import annotations

from datetime import date

from amity.model.types import Action, PersonRef
from amity.rules.agenda import AgendaSettings, split_backlog, stale_reason

ANA = PersonRef(1, "Ana")


def action(kind: str, key: str, **details: object) -> Action:
    return Action(key, kind, [ANA], date(2026, 5, 1), f"{kind} {key}", 1.0, dict(details))


def test_replies_over_30_days_and_keep_in_touch_past_3x_cadence_are_stale() -> None:
    old_reply = action("reply", "reply:i1", waiting_days=880)
    month_reply = action("reply", "reply:i2", waiting_days=30)
    far = action("keep_in_touch", "keep_in_touch:p1:2026-01-01", days_since=91, cadence_days=30)
    near = action("keep_in_touch", "keep_in_touch:p2:2026-01-01", days_since=90, cadence_days=30)
    late_promise = action("promise_mine", "promise:c1", days_late=400)
    today, backlog = split_backlog([old_reply, near, far, month_reply, late_promise])
    assert [a.key for a in backlog] == ["reply:i1", "keep_in_touch:p1:2026-01-01"]
    assert [a.key for a in today] == ["keep_in_touch:p2:2026-01-01", "reply:i2", "promise:c1"]
    assert stale_reason(old_reply) == "waiting more than 30 days"
    assert stale_reason(far) == "more than 3x the cadence"


def test_the_thresholds_are_settings() -> None:
    settings = AgendaSettings(backlog_reply_days=7, backlog_cadence_factor=2.0)
    week = action("reply", "reply:i1", waiting_days=8)
    double = action("keep_in_touch", "keep_in_touch:p1:2026-01-01", days_since=61, cadence_days=30)
    assert stale_reason(week, settings) and stale_reason(double, settings)
    assert stale_reason(week) is None and stale_reason(double) is None
