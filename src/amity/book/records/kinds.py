"""The kinds of record ``book.records`` edits and deletes, their tables and editable fields."""

from __future__ import annotations

from sqlalchemy import Table

from amity.errors import InvalidInput
from amity.store import schema as s

TABLES: dict[str, Table] = {
    "interaction": s.interactions,
    "fact": s.facts,
    "question": s.questions,
    "date": s.important_dates,
    "promise": s.commitments,
    "follow_up": s.follow_ups,
    "event": s.events,
    "relationship": s.relationships,
    "article": s.articles,
    "goal": s.goals,
    "feedback": s.feedback,
}
KINDS = tuple(TABLES)

LABELS = {kind: kind.replace("_", "-") for kind in KINDS}

# What a door may change, per kind (``None`` clears an optional field).
EDITABLE: dict[str, tuple[str, ...]] = {
    "interaction": (
        "kind",
        "direction",
        "occurred_at",
        "subject",
        "notes",
        "channel",
        "location",
        "needs_reply",
        "people",
    ),
    "fact": ("kind", "text", "happened_on"),
    "question": ("text", "answer"),
    "date": ("kind", "when", "label"),
    "promise": ("text", "direction", "due_on", "person", "status"),
    "follow_up": ("text", "due_on", "person"),
    "event": ("name", "kind", "starts_on", "ends_on", "location", "url", "notes"),
    "relationship": ("kind", "note"),
    "article": ("url", "title", "text", "topics"),
    "goal": ("title", "theme", "check_in_days", "until", "status"),
    "feedback": ("kind", "text", "context", "received_on", "themes", "person"),
}

_ALIASES = {
    "follow-up": "follow_up",
    "followup": "follow_up",
    "follow-ups": "follow_up",
    "follow_ups": "follow_up",
    "commitment": "promise",
    "important_date": "date",
    "feedbacks": "feedback",
}


def kind_of(name: str) -> str:
    """The record kind a door names: ``fact``, ``facts``, ``follow-up``... are accepted."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in TABLES and key.endswith("s") and key[:-1] in TABLES:
        key = key[:-1]
    if key not in TABLES:
        raise InvalidInput(
            f"a record is one of {', '.join(LABELS[k] for k in KINDS)}, not {name!r}",
            field="kind",
        )
    return key
