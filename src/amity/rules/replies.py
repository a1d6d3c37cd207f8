"""Be responsive: which messages await your reply, and how fast you answer.

An inbound interaction logged as needing a reply awaits one until an **outbound** interaction
with the same person is logged strictly after it. When both carry a thread key (e-mail
threads), the outbound must be in the same thread; an outbound without a thread key (a call, a
message logged by hand) answers whatever that person is waiting for.

Response time is the time from such an inbound message to its first answer; statistics give
the median and the 90th percentile (linear interpolation between the closest ranks), per person
and overall.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from amity.rules.words import counted, duration_words


@dataclass(frozen=True, slots=True)
class Message:
    """One interaction as seen from one participant (one row per person it involved)."""

    id: int
    person_id: int
    direction: str  # inbound, outbound, mutual
    occurred_at: datetime
    thread_key: str | None = None
    needs_reply: bool = False
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """An inbound message that needed a reply, and the first outbound that answered it."""

    message: Message
    replied_at: datetime | None  # None: still awaiting

    @property
    def response_time(self) -> timedelta | None:
        return None if self.replied_at is None else self.replied_at - self.message.occurred_at


@dataclass(frozen=True, slots=True)
class Awaiting:
    message: Message
    waiting: timedelta

    @property
    def days(self) -> int:
        return self.waiting.days


@dataclass(frozen=True, slots=True)
class ResponseTimes:
    """Median and 90th percentile of response times over ``count`` answered messages."""

    count: int
    median: timedelta | None
    p90: timedelta | None

    def describe(self) -> str:
        """``Over 12 answered messages: half within 3 hours, 9 in 10 within 2 days.``"""
        if not self.count or self.median is None:
            return "No answered messages yet."
        over = f"Over {counted(self.count, 'answered message')}"
        text = f"{over}: half within {duration_words(self.median)}"
        if self.p90 is not None and self.count >= 2:
            text += f", 9 in 10 within {duration_words(self.p90)}"
        return text + "."


@dataclass(frozen=True)
class ResponseStats:
    overall: ResponseTimes
    per_person: dict[int, ResponseTimes] = field(default_factory=dict)


def answers(messages: Iterable[Message]) -> list[Answer]:
    """Every inbound message needing a reply, with when it was first answered (or None)."""
    by_person: dict[int, list[Message]] = {}
    for message in messages:
        by_person.setdefault(message.person_id, []).append(message)
    result: list[Answer] = []
    for rows in by_person.values():
        result.extend(_answers_for_person(rows))
    result.sort(key=lambda a: (a.message.occurred_at, a.message.id, a.message.person_id))
    return result


def _answers_for_person(rows: Sequence[Message]) -> list[Answer]:
    # inbound first on equal instants: an outbound at the same instant is not "after" it
    ordered = sorted(rows, key=lambda m: (m.occurred_at, m.direction == "outbound", m.id))
    pending: list[Message] = []
    done: list[Answer] = []
    for message in ordered:
        if message.direction == "inbound" and message.needs_reply:
            pending.append(message)
        elif message.direction == "outbound" and pending:
            still: list[Message] = []
            for waiting in pending:
                if message.occurred_at > waiting.occurred_at and _same_thread(waiting, message):
                    done.append(Answer(waiting, message.occurred_at))
                else:
                    still.append(waiting)
            pending = still
    done.extend(Answer(m, None) for m in pending)
    return done


def _same_thread(inbound: Message, outbound: Message) -> bool:
    if inbound.thread_key is None or outbound.thread_key is None:
        return True
    return inbound.thread_key == outbound.thread_key


def answered_by(outbound: Message, pending: Iterable[Message]) -> list[Message]:
    """The messages awaiting a reply that a newly logged ``outbound`` answers.

    For the Book when it logs an interaction: set ``replied_at`` on these.
    """
    if outbound.direction != "outbound":
        return []
    return [
        m
        for m in pending
        if m.direction == "inbound"
        and m.needs_reply
        and m.person_id == outbound.person_id
        and outbound.occurred_at > m.occurred_at
        and _same_thread(m, outbound)
    ]


def awaiting_replies(messages: Iterable[Message], now: datetime) -> list[Awaiting]:
    """What still awaits your reply, oldest first, with how long it has waited."""
    return [
        Awaiting(a.message, max(now - a.message.occurred_at, timedelta(0)))
        for a in answers(messages)
        if a.replied_at is None
    ]


def response_times(messages: Iterable[Message]) -> ResponseStats:
    """Median and 90th percentile of response times, overall and per person."""
    per_person: dict[int, list[timedelta]] = {}
    overall: list[timedelta] = []
    for answer in answers(messages):
        delay = answer.response_time
        if delay is None:
            continue
        overall.append(delay)
        per_person.setdefault(answer.message.person_id, []).append(delay)
    return ResponseStats(
        overall=summarize(overall),
        per_person={pid: summarize(delays) for pid, delays in sorted(per_person.items())},
    )


def summarize(delays: Sequence[timedelta]) -> ResponseTimes:
    """Count, median and 90th percentile of ``delays``."""
    if not delays:
        return ResponseTimes(0, None, None)
    seconds = sorted(d.total_seconds() for d in delays)
    return ResponseTimes(
        count=len(seconds),
        median=timedelta(seconds=statistics.median(seconds)),
        p90=timedelta(seconds=percentile(seconds, 90)),
    )


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """The ``pct``-th percentile of already sorted values, interpolating between ranks."""
    if not sorted_values:
        raise ValueError("no values")
    if len(sorted_values) == 1:
        return sorted_values[0]
    rank = (len(sorted_values) - 1) * pct / 100.0
    low = int(rank)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (rank - low)
