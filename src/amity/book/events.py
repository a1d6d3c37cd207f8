"""Events for webhooks: the outbox, written in the same transaction as the write it reports.

The seam is one function, :func:`emit`, called by the Book's write methods for the six events
in :data:`EVENT_TYPES`. When the owner has an enabled subscription to the event, it inserts the
event (``webhook_events``, with the Standard Webhooks message id) and one pending delivery per
subscription (``webhook_deliveries``) on the caller's connection: a write that commits has its
events, one that rolls back has none, and the background deliverer (``amity.notify.webhooks``)
reads only committed rows. Without a subscription nothing is written, so a book without
webhooks pays one indexed lookup per write.

Bulk paths (imports, restores, merges, the demo) emit nothing; the change journal (issue 15),
when it lands, can feed this outbox instead: it only has to call :func:`emit` per change.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from amity.book.context import insert_id
from amity.store import schema as s

EVENT_TYPES = (
    "person.created",
    "person.updated",
    "interaction.logged",
    "promise.created",
    "promise.kept",
    "agenda.item.done",
)


def new_message_id() -> str:
    """A Standard Webhooks ``webhook-id``: unique per event, the same on every retry."""
    return "msg_" + secrets.token_urlsafe(18)


def subscribers(conn: Connection, owner_id: int, event_type: str) -> list[int]:
    """The owner's enabled subscriptions to ``event_type``."""
    w = s.webhook_subscriptions
    rows = conn.execute(
        select(w.c.id, w.c.events).where(w.c.owner_id == owner_id, w.c.enabled.is_(True))
    ).all()
    return [int(r.id) for r in rows if event_type in json.loads(r.events)]


def emit(
    conn: Connection,
    owner_id: int,
    event_type: str,
    payload: dict[str, Any],
    *,
    at: datetime,
) -> int | None:
    """Put ``event_type`` with ``payload`` in the owner's outbox (in the caller's transaction)
    for every subscription that wants it; returns the event's id, or None when nobody does."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    targets = subscribers(conn, owner_id, event_type)
    if not targets:
        return None
    body = {"type": event_type, "timestamp": at.isoformat(), "data": payload}
    event_id = insert_id(
        conn,
        insert(s.webhook_events).values(
            owner_id=owner_id,
            msg_id=new_message_id(),
            event_type=event_type,
            payload=json.dumps(body, ensure_ascii=False, default=str),
            created_at=at,
        ),
    )
    conn.execute(
        insert(s.webhook_deliveries),
        [
            {
                "owner_id": owner_id,
                "subscription_id": sub,
                "event_id": event_id,
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": at,
                "created_at": at,
            }
            for sub in targets
        ],
    )
    return event_id


def promise_payload(conn: Connection, owner_id: int, commitment_id: int) -> dict[str, Any] | None:
    """A promise as the API shows it (for ``promise.kept`` sent from the agenda)."""
    from amity.model import Commitment, PersonRef
    from amity.serialize import commitment_json

    c, p = s.commitments, s.people
    row = conn.execute(
        select(c, p.c.name)
        .join(p, p.c.id == c.c.person_id)
        .where(c.c.owner_id == owner_id, c.c.id == commitment_id)
    ).first()
    if row is None:
        return None
    return commitment_json(
        Commitment(
            PersonRef(row.person_id, row.name),
            row.direction,
            row.text,
            row.due_on,
            row.status,
            row.created_at,
            row.done_at,
            row.id,
        )
    )


def report_done(conn: Connection, owner_id: int, parsed: Any, *, kept: bool, at: datetime) -> None:
    """``agenda.item.done`` for an item marked done (``parsed``: its ItemKey), and
    ``promise.kept`` when that closed an open promise."""
    emit(
        conn,
        owner_id,
        "agenda.item.done",
        {
            "key": parsed.key,
            "kind": parsed.family,
            "records": [{"kind": kind, "id": ident} for kind, ident in parsed.records],
        },
        at=at,
    )
    if kept and parsed.records:
        payload = promise_payload(conn, owner_id, parsed.records[0][1])
        if payload is not None:
            emit(conn, owner_id, "promise.kept", payload, at=at)
