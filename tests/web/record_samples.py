"""Records edited and deleted by id (issue 12) for the isolation and schemathesis walks:
``record_ids(book)`` makes one of each kind the other samples lack; ``RECORD_API_BODIES``
are valid PATCH bodies, so only the foreign id can make a request fail."""

from __future__ import annotations

from typing import Any

from amity.book import Book, PersonInput

RECORD_API_BODIES: dict[str, Any] = {
    f"PATCH /api/v1/{path}": {}
    for path in (
        "facts/{fact_id}",
        "questions/{question_id}",
        "dates/{date_id}",
        "interactions/{interaction_id}",
        "promises/{promise_id}",
        "follow-ups/{follow_up_id}",
        "events/{event_id}",
        "relationships/{relationship_id}",
        "articles/{article_id}",
        "goals/{goal_id}",
        "feedback/{feedback_id}",
    )
}


def record_ids(book: Book) -> dict[str, int]:
    """A fact, a date, a relationship and a feedback item; ids by path parameter name."""
    one = book.people.add(PersonInput(name="Rita Secret", birthday="--02-03")).id
    two = book.people.add(PersonInput(name="Sam Secret")).id
    fact = book.people.add_fact(one, "interest", "secret sailing")
    day = book.people.add_date(one, "anniversary", "2012-05-06", "secret day")
    tie = book.network.relationships.relate(one, two, "colleague")
    said = book.feedback.add("A secret remark", kind="positive", person=two)
    return {
        "fact_id": fact.id or 0,
        "date_id": day.id or 0,
        "relationship_id": tie.id,
        "feedback_id": said.id or 0,
    }
