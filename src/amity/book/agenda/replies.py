"""Replies: what awaits an answer (with how long), and how fast you answer (median and 90th
percentile, per person and overall, from ``interactions.replied_at``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from amity.book.context import BookContext
from amity.model import PersonRef
from amity.store import schema as s


@dataclass(frozen=True)
class AwaitingReply:
    interaction: Any  # amity.model.Interaction
    waiting: timedelta

    @property
    def days(self) -> int:
        return self.waiting.days


@dataclass(frozen=True)
class ReplyStats:
    overall: Any  # amity.rules.replies.ResponseTimes
    per_person: list[tuple[PersonRef, Any]]


class Replies:
    def __init__(self, ctx: BookContext, interactions: Any) -> None:
        self._ctx = ctx
        self._interactions = interactions

    def awaiting(self, *, now: datetime | None = None) -> list[AwaitingReply]:
        """Inbound messages still awaiting your reply, oldest first, with how long they wait."""
        moment = now or self._ctx.now()
        return [
            AwaitingReply(i, max(moment - i.occurred_at, timedelta(0)))
            for i in self._interactions.awaiting_reply()
        ]

    def stats(self) -> ReplyStats:
        """Median and 90th percentile response times, per person and overall."""
        from amity.rules.replies import summarize

        i, ip, p = s.interactions, s.interaction_participants, s.people
        owner = self._ctx.owner_id
        with self._ctx.read() as conn:
            rows = conn.execute(
                select(i.c.id, i.c.occurred_at, i.c.replied_at, p.c.id.label("person_id"), p.c.name)
                .join(ip, ip.c.interaction_id == i.c.id)
                .join(p, p.c.id == ip.c.person_id)
                .where(
                    i.c.owner_id == owner,
                    i.c.needs_reply.is_(True),
                    i.c.direction == "inbound",
                    i.c.replied_at.is_not(None),
                    i.c.status == "done",
                )
            ).all()
        overall: dict[int, timedelta] = {}
        per_person: dict[PersonRef, list[timedelta]] = {}
        for r in rows:
            delay = max(r.replied_at - r.occurred_at, timedelta(0))
            overall[r.id] = delay
            per_person.setdefault(PersonRef(r.person_id, r.name), []).append(delay)
        ordered = sorted(per_person.items(), key=lambda kv: (kv[0].name, kv[0].id))
        return ReplyStats(
            summarize(list(overall.values())), [(ref, summarize(delays)) for ref, delays in ordered]
        )


__all__ = ["AwaitingReply", "Replies", "ReplyStats"]
