"""The daily digest: the agenda rendered as text and HTML (rules/digest.py) and e-mailed once
per day and owner, safely with several workers (the Book claims the day)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from amity.model import Action
from amity.rules.digest import digest_subject, render_digest_html, render_digest_text

if TYPE_CHECKING:
    from amity.book import Book

DEFAULT_LIMIT = 20


@dataclass(frozen=True)
class Digest:
    day: date
    subject: str
    text: str
    html: str
    items: list[Action]


def owner_name(book: Book) -> str:
    name = str(book.settings.get("me.name") or "").strip()
    return name or str(book.owner().get("name") or "")


def compose_digest(
    book: Book, *, today: date | None = None, limit: int | None = DEFAULT_LIMIT
) -> Digest:
    """Today's agenda as a digest (all items counted, the first ``limit`` shown)."""
    day = today or book.today()
    items = book.agenda.items(today=day)
    name = owner_name(book)
    return Digest(
        day=day,
        subject=digest_subject(items, day),
        text=render_digest_text(items, day, name, limit=limit),
        html=render_digest_html(items, day, name, limit=limit),
        items=items,
    )


def send_digest(
    book: Book,
    *,
    today: date | None = None,
    limit: int | None = DEFAULT_LIMIT,
    send_empty: bool = False,
    force: bool = False,
) -> tuple[str, Digest]:
    """E-mail today's digest once: ``sent``, ``already_sent`` or ``empty`` (nothing to do).

    ``force`` sends again even when today's digest went out already (not recorded twice).
    """
    from amity.notify.mail import SmtpConfig, build_message, send_message

    config = SmtpConfig.from_settings(book.settings.all(reveal_secrets=True))
    digest = compose_digest(book, today=today, limit=limit)
    if not digest.items and not send_empty:
        return "empty", digest
    message = build_message(config, digest.subject, digest.text, digest.html, book.now())
    if force:
        send_message(config, message)
        return "sent", digest
    outcome = book.agenda.send_digest_once(digest.day, lambda: send_message(config, message))
    return outcome, digest


def digest_due(settings: dict[str, Any], now: datetime) -> date | None:
    """The local day whose digest is due at ``now`` (``digest.enabled`` and past
    ``digest.time`` in the user's zone), else None. For the in-process scheduler."""
    from amity.rules.dates import time_zone

    if not settings.get("digest.enabled"):
        return None
    local = now.astimezone(time_zone(str(settings.get("timezone") or "UTC")))
    try:
        hour, minute = (int(x) for x in str(settings.get("digest.time") or "07:30").split(":", 1))
        at = time(hour, minute)
    except ValueError:
        at = time(7, 30)
    return local.date() if local.time() >= at else None
