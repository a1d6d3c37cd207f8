"""Network strategically: one part of the Book per concern, gathered as ``book.network``.

========================  =====================================================  =========
``book.network.``         what                                                   module
========================  =====================================================  =========
``events``                events and communities, who you met there, your part   events
``relationships``         how people you know are related                        relationships
``introductions``         who introduced whom, and how it turned out             introductions
``paths``                 warm introduction paths to a person, org or tag        paths
``ledger``                the give/receive ledger and the balance per person      ledger
``coverage``              coverage targets (people by tag, organisation, title)  coverage
========================  =====================================================  =========

The agenda's ``give`` items come from the same ledger, loaded by
:mod:`amity.book.agenda.network` and built by :mod:`amity.rules.agenda.network`.
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
