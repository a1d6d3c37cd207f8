"""Model objects as JSON-ready dicts: the stable, documented keys of `--json` and the API.

Keys documented in docs/json.md; renaming one is a breaking change.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from amity.model import (
    Fact,
    ImportantDate,
    Interaction,
    Person,
    PersonRef,
    Question,
)


def iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def ref_json(ref: PersonRef) -> dict[str, Any]:
    return {"id": ref.id, "name": ref.name}


def person_json(p: Person, *, details: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": p.id,
        "name": p.name,
        "emails": list(p.emails),
        "phones": list(p.phones),
        "org": p.org,
        "title": p.title,
        "tags": list(p.tags),
        "circle": p.circle,
        "cadence_days": p.cadence_days,
        "birthday": None if p.birthday is None else str(p.birthday),
        "last_interaction_at": iso(p.last_interaction_at),
        "created_at": iso(p.created_at),
        "archived": p.archived_at is not None,
        "version": p.version,
    }
    if details:
        out.update({
            "given_name": p.given_name,
            "family_name": p.family_name,
            "nickname": p.nickname,
            "preferred_channel": p.preferred_channel,
            "timezone": p.timezone,
            "language": p.language,
            "best_time": p.best_time,
            "style_notes": p.style_notes,
            "how_met": p.how_met,
            "met_where": p.met_where,
            "met_on": iso(p.met_on),
            "introduced_by": None if p.introduced_by is None else ref_json(p.introduced_by),
            "notes": p.notes,
            "uid": p.uid,
            "contact_points": [
                {"id": c.id, "kind": c.kind, "value": c.value, "label": c.label,
                 "service": c.service, "primary": c.is_primary}
                for c in p.contact_points
            ],
            "dates": [date_json(d) for d in p.dates],
            "jobs": [
                {"id": j.id, "organisation": j.organisation, "title": j.title,
                 "start_date": iso(j.start_date), "end_date": iso(j.end_date)}
                for j in p.jobs
            ],
            "facts": [fact_json(f) for f in p.facts],
            "questions": [question_json(q) for q in p.questions],
        })
    return out


def date_json(d: ImportantDate) -> dict[str, Any]:
    return {"id": d.id, "kind": d.kind, "label": d.label, "date": str(d.when),
            "month": d.when.month, "day": d.when.day, "year": d.when.year}


def fact_json(f: Fact) -> dict[str, Any]:
    return {"id": f.id, "person_id": f.person_id, "kind": f.kind, "text": f.text,
            "happened_on": iso(f.happened_on), "created_at": iso(f.created_at)}


def question_json(q: Question) -> dict[str, Any]:
    return {"id": q.id, "person_id": q.person_id, "text": q.text, "created_at": iso(q.created_at),
            "asked_at": iso(q.asked_at), "answer": q.answer}


def interaction_json(i: Interaction) -> dict[str, Any]:
    return {
        "id": i.id,
        "kind": i.kind,
        "direction": i.direction,
        "occurred_at": iso(i.occurred_at),
        "status": i.status,
        "people": [ref_json(r) for r in i.people],
        "subject": i.subject,
        "notes": i.notes,
        "thread_key": i.thread_key,
        "needs_reply": i.needs_reply,
        "replied_at": iso(i.replied_at),
        "channel": i.channel,
        "location": i.location,
        "source": i.source,
    }


# --- the agenda (issue 3) ------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def action_json(a: Any) -> dict[str, Any]:
    """An agenda item (amity.model.Action)."""
    return {
        "key": a.key,
        "kind": a.kind,
        "people": [ref_json(r) for r in a.people],
        "due": iso(a.due),
        "reason": a.reason,
        "score": round(a.score, 4),
        "details": {k: _plain(v) for k, v in a.details.items()},
    }


def commitment_json(c: Any) -> dict[str, Any]:
    """A promise (amity.model.Commitment); ``ref`` is what `amity done` takes."""
    return {
        "id": c.id,
        "ref": f"P{c.id}",
        "person": ref_json(c.person),
        "direction": c.direction,
        "text": c.text,
        "due_on": iso(c.due_on),
        "status": c.status,
        "created_at": iso(c.created_at),
        "done_at": iso(c.done_at),
    }


def follow_up_json(f: Any) -> dict[str, Any]:
    return {
        "id": f.id,
        "key": f"follow_up:f{f.id}",
        "person": ref_json(f.person),
        "text": f.text,
        "due_on": iso(f.due_on),
        "created_at": iso(f.created_at),
        "done_at": iso(f.done_at),
    }


def kept_rate_json(rate: Any) -> dict[str, Any]:
    """amity.rules.reliability.KeptRate."""
    return {"kept": rate.kept, "late": rate.late, "judged": rate.judged,
            "rate": None if rate.rate is None else round(rate.rate, 4)}


def _seconds(delta: Any) -> float | None:
    return None if delta is None else round(delta.total_seconds(), 1)


def response_times_json(times: Any) -> dict[str, Any]:
    """amity.rules.replies.ResponseTimes: seconds and hours."""
    return {
        "count": times.count,
        "median_seconds": _seconds(times.median),
        "p90_seconds": _seconds(times.p90),
        "median_hours": None if times.median is None else round(times.median.total_seconds() / 3600, 2),
        "p90_hours": None if times.p90 is None else round(times.p90.total_seconds() / 3600, 2),
    }


def health_json(h: Any) -> dict[str, Any]:
    """amity.rules.health.Health: the score and its explained factors."""
    return {
        "person": ref_json(h.person),
        "score": h.score,
        "factors": [
            {"name": f.name, "score": f.score, "weight": f.weight, "value": f.value,
             "explanation": f.explanation}
            for f in h.factors
        ],
    }


def drift_json(d: Any) -> dict[str, Any]:
    """amity.rules.health.Drift."""
    return {
        "person": ref_json(d.person),
        "score": d.score,
        "previous_score": d.previous_score,
        "change": d.change,
        "reason": d.reason,
        "health": health_json(d.health),
    }


def import_json(result: Any, *, fmt: str = "", filename: str = "") -> dict[str, Any]:
    """amity.book.imports.ImportResult: the counts, merges, errors, skips and unknown people."""
    plan = result.plan
    return {
        "format": fmt,
        "file": filename,
        "dry_run": not result.applied,
        "counts": result.summary(),
        "merged": [
            {"line": d.record.line, "name": d.record.name, "person_id": d.target
             if d.target > 0 else None, "matched_by": d.matched_by, "changes": d.changes}
            for d in plan.people if d.action == "merge"
        ],
        "errors": [{"line": e.line, "record": e.record, "reason": e.reason} for e in plan.errors],
        "skipped": [{"line": k.line, "record": k.record, "reason": k.reason} for k in plan.skipped],
        "unknown_people": [{"email": e, "name": n or None} for e, n in sorted(plan.unknown.items())],
    }


def duplicate_json(d: Any) -> dict[str, Any]:
    """amity.book.dupes.Duplicate."""
    return {"a": ref_json(d.a), "b": ref_json(d.b), "score": d.score, "reasons": list(d.reasons)}


def merge_json(m: Any) -> dict[str, Any]:
    """amity.book.merge.MergeResult."""
    return {"kept": ref_json(m.keep), "merged": ref_json(m.other), "moved": dict(m.moved),
            "filled": list(m.filled), "backup": str(m.backup) if m.backup else None,
            "summary": m.line()}
