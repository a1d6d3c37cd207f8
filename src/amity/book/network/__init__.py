"""Network strategically: one small part per concern, gathered as ``book.network``:

- ``book.network.events`` (:mod:`.events`): events and communities, who you met there and
  whether you followed up, your own participation;
- ``book.network.relationships`` (:mod:`.relationships`): how the people you know are related;
- ``book.network.introductions`` (:mod:`.introductions`): who introduced whom, and the outcome;
- ``book.network.paths`` (:mod:`.paths`): warm introduction paths to a person, an organisation
  or a tag, and the evidence that people know each other (also read by the brief);
- ``book.network.ledger`` (:mod:`.ledger`): the give/receive ledger and the balance per person;
- ``book.network.coverage`` (:mod:`.coverage`): coverage targets by tag, organisation or title.

The agenda's ``give`` items read the same ledger: loaded by :mod:`amity.book.agenda.network`,
built by :mod:`amity.rules.agenda.network`.
"""

from __future__ import annotations

from amity.book.context import BookContext
from amity.book.network.coverage import COVERAGE_KINDS, Coverage, CoverageTarget
from amity.book.network.events import (
    ATTENDANCE_ROLES,
    Attendee,
    EventDetail,
    Events,
    EventSummary,
    Participation,
)
from amity.book.network.introductions import Introductions
from amity.book.network.ledger import Balance, Ledger
from amity.book.network.paths import PathResult, Paths, PathTarget
from amity.book.network.relationships import RELATIONSHIP_KINDS, Relationship, Relationships
from amity.book.people import People


class Network:
    """The network's parts, made together (each is a small object over the same context)."""

    def __init__(self, ctx: BookContext, people: People) -> None:
        self.events = Events(ctx, people)
        self.relationships = Relationships(ctx, people)
        self.ledger = Ledger(ctx, people)
        self.introductions = Introductions(ctx, people, self.ledger)
        self.paths = Paths(ctx, people)
        self.coverage = Coverage(ctx)


__all__ = [
    "ATTENDANCE_ROLES",
    "COVERAGE_KINDS",
    "RELATIONSHIP_KINDS",
    "Attendee",
    "Balance",
    "Coverage",
    "CoverageTarget",
    "EventDetail",
    "EventSummary",
    "Events",
    "Introductions",
    "Ledger",
    "Network",
    "Participation",
    "PathResult",
    "PathTarget",
    "Paths",
    "Relationship",
    "Relationships",
]
