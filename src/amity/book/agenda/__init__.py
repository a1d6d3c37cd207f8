"""The agenda in the Book: one loader for the engine's inputs, the Agenda part (items and what
the user did to them), replies and relationship health.

==============  ====================================================================
module          what
==============  ====================================================================
``part``        :class:`Agenda`: items, done / snooze / dismiss / restore, digest, feed
``loader``      :func:`load_agenda_inputs`: every input of every kind, one query each
``people``      the people who may be on the agenda, filtered in SQL (a superset)
``network``     the network kinds' inputs (ledger, recent articles, goals, requests)
``feed``        the calendar feed's entries
``replies``     :class:`Replies`: awaiting an answer, response times
``health``      :class:`RelationshipHealth`: 0-100 with factors, drifting
==============  ====================================================================

The items themselves are built by the pure engine, :mod:`amity.rules.agenda`. Loading the
agenda is a fixed number of statements whatever the size of the book (one per input table,
never one per person).
"""

from __future__ import annotations

from amity.book.agenda.health import RelationshipHealth
from amity.book.agenda.loader import load_agenda_inputs, load_settings
from amity.book.agenda.part import Agenda, StoredState, check_day
from amity.book.agenda.people import load_people
from amity.book.agenda.replies import AwaitingReply, Replies, ReplyStats

__all__ = [
    "Agenda",
    "AwaitingReply",
    "RelationshipHealth",
    "Replies",
    "ReplyStats",
    "StoredState",
    "check_day",
    "load_agenda_inputs",
    "load_people",
    "load_settings",
]
