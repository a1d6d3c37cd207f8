"""Cadences: overrides, never, thresholds and the start for people never contacted."""

from __future__ import annotations

from datetime import date

from amity.rules.cadence import cadence_status, contact_start, effective_cadence


def test_override_wins_and_zero_means_never() -> None:
    assert effective_cadence(None, 30) == 30
    assert effective_cadence(45, 30) == 45
    assert effective_cadence(0, 30) is None
    assert effective_cadence(None, None) is None


def test_never_contacted_counts_from_the_later_of_added_and_met() -> None:
    assert contact_start(None, date(2026, 1, 10), date(2026, 1, 5)) == (date(2026, 1, 10), False)
    assert contact_start(None, date(2026, 1, 10), date(2026, 2, 1)) == (date(2026, 2, 1), False)
    assert contact_start(date(2026, 3, 1), date(2026, 1, 10), None) == (date(2026, 3, 1), True)
    assert contact_start(None, None, None) == (None, False)


def test_soft_and_hard_thresholds() -> None:
    status = cadence_status(date(2026, 4, 1), 30, date(2026, 5, 1))
    assert status.due_on == date(2026, 5, 1)
    assert status.overdue_on == date(2026, 5, 16)
    assert status.is_due(date(2026, 5, 1))
    assert not status.is_due(date(2026, 4, 30))
    assert not status.is_overdue(date(2026, 5, 15))
    assert status.is_overdue(date(2026, 5, 16))
    assert status.ratio == 1.0


def test_hard_threshold_rounds_up_to_whole_days() -> None:
    status = cadence_status(date(2026, 1, 1), 15, date(2026, 1, 1), hard=1.5)
    assert (status.overdue_on - status.since).days == 23
