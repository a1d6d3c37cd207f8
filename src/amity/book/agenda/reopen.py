"""Undoing ``done``: reopen what marking an item done closed (see Agenda._close_record), but
only when it was closed by that very action (same instant), never what was closed since by
other means (the promise kept through `amity done P12` later, a reply logged)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, update

from amity.rules.agenda import ItemKey
from amity.store import schema as s


def reopen_record(conn: Connection, owner: int, parsed: ItemKey, acted_at: datetime) -> None:
    if parsed.family == "promise":
        c = s.commitments
        conn.execute(
            update(c)
            .where(
                c.c.owner_id == owner,
                c.c.id == parsed.record_id,
                c.c.status == "done",
                c.c.done_at == acted_at,
            )
            .values(status="open", done_at=None)
        )
    elif parsed.family == "follow_up":
        f = s.follow_ups
        conn.execute(
            update(f)
            .where(f.c.owner_id == owner, f.c.id == parsed.record_id, f.c.done_at == acted_at)
            .values(done_at=None)
        )
    elif parsed.family == "reply":
        i = s.interactions
        conn.execute(
            update(i)
            .where(i.c.owner_id == owner, i.c.id == parsed.record_id, i.c.replied_at == acted_at)
            .values(replied_at=None)
        )
    elif parsed.family == "feedback_request":
        r = s.feedback_requests
        conn.execute(
            update(r)
            .where(
                r.c.owner_id == owner,
                r.c.id == parsed.record_id,
                r.c.asked_on == acted_at.date(),
            )
            .values(asked_on=None)
        )
