"""Notifications on the user's channels: what is due today, queued once and sent.

For each user with a channel, the scheduler calls :func:`run_notifications`: outside quiet
hours (in the user's time zone) it turns today's agenda into alerts (``rules.outbound``: the
digest at ``digest.time``, promises due today, dates on the day, replies waiting N days,
follow-ups due), queues them once per channel, item and day (``book.notifications.queue``),
and sends what is due, retries included (``book.notifications.deliver_due``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from amity.rules.outbound import Alert, AlertPrefs, alerts_for, in_quiet_hours, parse_clock

if TYPE_CHECKING:
    from amity.book import Book
    from amity.book.notifications import Delivery

DIGEST_LIMIT = 20


@dataclass(frozen=True)
class NotifyOutcome:
    quiet: bool
    queued: int
    deliveries: list[Delivery]


def digest_alert(book: Book, items: list, day: date) -> Alert:  # type: ignore[type-arg]
    """The daily digest (the same text as the e-mail) as one notification."""
    from amity.notify.digest import owner_name
    from amity.rules.digest import digest_subject, render_digest_text

    text = render_digest_text(items, day, owner_name(book), limit=DIGEST_LIMIT)
    return Alert("digest", day, "digest", digest_subject(items, day), text)


def compose_alerts(book: Book, prefs: AlertPrefs, local_now: datetime) -> list[Alert]:
    """Today's alerts for this book at ``local_now`` (the user's wall-clock time)."""
    day = local_now.date()
    items = book.agenda.items(today=day)
    alerts = alerts_for(items, day, prefs)
    at = parse_clock(str(book.settings.get("digest.time") or "07:30"))
    if prefs.digest and items and (at is None or local_now.time() >= at):
        alerts.insert(0, digest_alert(book, items, day))
    return alerts


def local_time(book: Book) -> datetime:
    from amity.rules.dates import time_zone

    return book.now().astimezone(time_zone(str(book.settings.get("timezone") or "UTC")))


def run_notifications(
    book: Book,
    *,
    deliver: Callable[[str, str, str], None] | None = None,
    compose: bool = True,
) -> NotifyOutcome:
    """One pass for one user: queue today's alerts (``compose``) and send what is due."""
    from amity.notify.channels import send

    prefs = book.notifications.preferences()
    local_now = local_time(book)
    if in_quiet_hours(local_now.time(), prefs.quiet_start, prefs.quiet_end):
        return NotifyOutcome(True, 0, [])
    queued = book.notifications.queue(compose_alerts(book, prefs, local_now)) if compose else 0
    sent = book.notifications.deliver_due(deliver or send)
    return NotifyOutcome(False, queued, sent)
