"""Words for the journal (amity.store.journal): what a row is, its label, a group's summary,
and whether a group's deleted records go to the trash (30 days)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

TRASH_DAYS = 30
#: what each journaled table's rows are, in words; the records whose deletion is trashed
RECORDS = {
    "people": "person", "interactions": "interaction", "facts": "fact",
    "questions": "question", "important_dates": "date", "commitments": "promise",
    "follow_ups": "follow-up", "events": "event", "relationships": "relationship",
    "introductions": "introduction", "exchanges": "exchange", "articles": "article",
    "shares": "share", "feedback": "feedback", "feedback_requests": "feedback request",
    "goals": "goal", "goal_checkins": "goal check-in", "coverage_targets": "coverage target",
    "jobs": "job", "circles": "circle", "job_changes": "job change",
    "organisations": "organisation",
}  # fmt: skip
OTHER = {
    "contact_points": "contact point", "person_tags": "tag", "tags": "tag",
    "interaction_participants": "participant", "attendance": "attendance",
    "feedback_themes": "feedback theme", "agenda_states": "agenda item",
    "commitment_people": "person on a promise", "follow_up_people": "person on a follow-up",
}  # fmt: skip
LABEL_FIELDS = ("name", "title", "subject", "text", "label", "organisation", "value", "about",
                "note", "theme", "item_key", "kind")  # fmt: skip
#: fields not shown in a change (derived or bookkeeping)
HIDDEN = frozenset({"name_key", "normalized", "updated_at", "version", "id", "search"})


def record_name(table: str) -> str:
    return RECORDS.get(table) or OTHER.get(table) or table.rstrip("s").replace("_", " ")


def label(table: str, row: dict[str, Any] | None) -> str:
    if not row:
        return ""
    if table == "interactions":
        text = row.get("subject") or row.get("kind") or ""
        when = str(row.get("occurred_at") or "")[:10]
        return f"{text} ({when})" if when else str(text)
    for name in LABEL_FIELDS:
        value = row.get(name)
        if isinstance(value, str) and value.strip():
            text = " ".join(value.split())
            return text if len(text) <= 60 else text[:59] + "…"
    return ""


def describe(changes: Sequence[Any]) -> tuple[str, str]:
    """(kind, summary) of a group's changes (``amity.store.journal.Change`` objects)."""
    bulk: Counter[str] = Counter()
    for c in changes:
        if c.op == "bulk":
            bulk[c.table] += len((c.after or {}).get("ids", []))
    if bulk:
        ranked = sorted(bulk.items(), key=lambda item: (item[0] != "people", -item[1]))
        parts = [f"{n} {_plural(record_name(t), n)}" for t, n in ranked[:4]]
        return "import", "added " + ", ".join(parts)
    deleted = [c for c in changes if c.op == "delete" and c.table in RECORDS]
    added = [c for c in changes if c.op == "insert" and c.table in RECORDS]
    edited = [c for c in changes if c.op == "update" and c.table in RECORDS]
    phrases: list[str] = []
    if deleted:
        phrases.append("deleted " + _things(deleted))
    if edited and not deleted:
        main = [c for c in edited if c.table == edited[0].table]
        fields = sorted({k for c in main for k in (c.after or {}) if k not in HIDDEN})
        what = _things(main, updates=True) + (f" ({', '.join(fields[:5])})" if fields else "")
        rest = len(edited) - len(main)
        phrases.append(f"edited {what}" + (f" and {rest} more" if rest else ""))
    if added:
        phrases.append("added " + _things(added))
    if not phrases:
        tables = Counter(record_name(c.table) for c in changes)
        phrases.append("changed " + ", ".join(f"{n} {_plural(t, n)}" for t, n in
                                              tables.most_common(3)))  # fmt: skip
    kind = "delete" if deleted else "add" if added and not edited else "edit"
    return kind, "; ".join(phrases)


def _things(changes: Sequence[Any], *, updates: bool = False) -> str:
    first = changes[0]
    same = [c for c in changes if c.table == first.table]
    name = record_name(first.table)
    text = label(first.table, getattr(first, "row", None) or first.after or first.before)
    out = f"{name} {text}".strip() if len(same) == 1 else f"{len(same)} {_plural(name, len(same))}"
    if updates and not text and len(same) == 1:
        out = f"{name} {first.key[0]}"
    rest = len(changes) - len(same)
    return out + (f" and {rest} more" if rest else "")


def _plural(word: str, n: int) -> str:
    if n == 1 or word.endswith("s"):
        return word
    return "people" if word == "person" else word + "s"


def trash_until(changes: Sequence[Any], now: datetime) -> datetime | None:
    """When a group's deleted records leave the trash: 30 days, if it deleted any."""
    if any(c.op == "delete" and c.table in RECORDS for c in changes):
        return now + timedelta(days=TRASH_DAYS)
    return None
