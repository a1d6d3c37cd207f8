"""Delivering webhooks: sign each outbox delivery per Standard Webhooks and POST it.

The Book hands out due deliveries (leased, so one worker sends each) and takes the outcome
back; this module only signs and posts. Every request goes through
``amity.netguard.guarded_client("webhooks")``: the URL's host, and every redirect's, must be
public unless ``AMITY_WEBHOOKS_ALLOW_PRIVATE=1``. A 2xx answer is a delivery; anything else
(another status, a timeout, a refused address) is a failure, retried by the Book with back-off.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    from amity.book import Book
    from amity.book.webhooks import DueWebhook, WebhookDelivery

TIMEOUT = 10.0
USER_AGENT = "Amity-Webhooks/1"


def signed_headers(due: DueWebhook, at: datetime) -> dict[str, str]:
    """The Standard Webhooks headers for one attempt: id, timestamp and signature."""
    from standardwebhooks import Webhook

    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": due.msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(due.secret).sign(due.msg_id, at, due.payload),
    }


def post_once(client: httpx.Client, due: DueWebhook, at: datetime) -> tuple[int | None, str | None]:
    """(status code, error): error None when the receiver answered 2xx."""
    import httpx

    from amity.crypto import redact
    from amity.errors import InvalidInput

    try:
        answer = client.post(due.url, content=due.payload.encode(), headers=signed_headers(due, at))
    except InvalidInput as exc:  # netguard refused the address or a redirect's
        return None, redact(f"refused: {exc}", due.secret)
    except httpx.TimeoutException:
        return None, f"no answer within {TIMEOUT:g} s"
    except httpx.HTTPError as exc:
        return None, redact(f"{exc.__class__.__name__}: {exc}", due.secret)[:900]
    if 200 <= answer.status_code < 300:
        return answer.status_code, None
    return answer.status_code, f"the receiver answered {answer.status_code}"


def deliver_webhooks(
    book: Book,
    *,
    timeout: float = TIMEOUT,
    client_factory: Callable[..., Any] | None = None,
) -> list[WebhookDelivery]:
    """Send every due delivery of this book once; returns what was recorded."""
    import httpx

    from amity.netguard import guarded_client

    due = book.webhooks.claim_due()
    if not due:
        return []
    factory = client_factory or guarded_client
    done = []
    with factory("webhooks", timeout=httpx.Timeout(timeout)) as client:
        for item in due:
            status, error = post_once(client, item, book.now())
            done.append(book.webhooks.record(item.delivery_id, status_code=status, error=error))
    return done
