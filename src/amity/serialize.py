"""Model objects as JSON-ready dicts: the stable, documented keys of `--json` and the API.

Keys documented in docs/json.md; renaming one is a breaking change.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from amity.model import Fact, ImportantDate, Interaction, Person, PersonRef, Question
from amity.model.organisations import Member, Organisation


def iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def ref_json(ref: PersonRef) -> dict[str, Any]:
    return {"id": ref.id, "name": ref.name}


def point_json(c: Any) -> dict[str, Any]:
    return {"id": c.id, "kind": c.kind, "value": c.value, "label": c.label,
            "service": c.service, "primary": c.is_primary}  # fmt: skip


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
        out.update(
            {
                "given_name": p.given_name,
                "family_name": p.family_name,
                "nickname": p.nickname,
                "preferred_channel": p.preferred_channel,
                "timezone": p.timezone,
                "country": p.country,
                "language": p.language,
                "best_time": p.best_time,
                "style_notes": p.style_notes,
                "how_met": p.how_met,
                "met_where": p.met_where,
                "met_on": iso(p.met_on),
                "introduced_by": None if p.introduced_by is None else ref_json(p.introduced_by),
                "notes": p.notes,
                "uid": p.uid,
                "contact_points": [point_json(c) for c in p.contact_points],
                "dates": [date_json(d) for d in p.dates],
                "jobs": [
                    {
                        "id": j.id,
                        "organisation": j.organisation,
                        "title": j.title,
                        "start_date": iso(j.start_date),
                        "end_date": iso(j.end_date),
                    }
                    for j in p.jobs
                ],
                "facts": [fact_json(f) for f in p.facts],
                "questions": [question_json(q) for q in p.questions],
            }
        )
    return out


def date_json(d: ImportantDate) -> dict[str, Any]:
    return {
        "id": d.id,
        "kind": d.kind,
        "label": d.label,
        "date": str(d.when),
        "month": d.when.month,
        "day": d.when.day,
        "year": d.when.year,
    }


def fact_json(f: Fact) -> dict[str, Any]:
    return {
        "id": f.id,
        "person_id": f.person_id,
        "kind": f.kind,
        "text": f.text,
        "happened_on": iso(f.happened_on),
        "created_at": iso(f.created_at),
    }


def question_json(q: Question) -> dict[str, Any]:
    return {
        "id": q.id,
        "person_id": q.person_id,
        "text": q.text,
        "created_at": iso(q.created_at),
        "asked_at": iso(q.asked_at),
        "answer": q.answer,
    }


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
        "with": [ref_json(o) for o in getattr(c, "others", [])],
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
        "with": [ref_json(o) for o in getattr(f, "others", [])],
        "text": f.text,
        "due_on": iso(f.due_on),
        "created_at": iso(f.created_at),
        "done_at": iso(f.done_at),
    }


def kept_rate_json(rate: Any) -> dict[str, Any]:
    """amity.rules.reliability.KeptRate."""
    return {
        "kept": rate.kept,
        "late": rate.late,
        "judged": rate.judged,
        "rate": None if rate.rate is None else round(rate.rate, 4),
    }


def _seconds(delta: Any) -> float | None:
    return None if delta is None else round(delta.total_seconds(), 1)


def response_times_json(times: Any) -> dict[str, Any]:
    """amity.rules.replies.ResponseTimes: seconds and hours."""
    return {
        "count": times.count,
        "median_seconds": _seconds(times.median),
        "p90_seconds": _seconds(times.p90),
        "median_hours": None
        if times.median is None
        else round(times.median.total_seconds() / 3600, 2),
        "p90_hours": None if times.p90 is None else round(times.p90.total_seconds() / 3600, 2),
    }


def health_json(h: Any) -> dict[str, Any]:
    """amity.rules.health.Health: the score and its explained factors."""
    return {
        "person": ref_json(h.person),
        "score": h.score,
        "contacted": getattr(h, "contacted", True),
        "factors": [
            {
                "name": f.name,
                "score": f.score,
                "weight": f.weight,
                "value": f.value,
                "explanation": f.explanation,
            }
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


def import_json(result: Any, *, filename: str = "") -> dict[str, Any]:
    """amity.book.transfer.ImportResult: the counts (for a backup, rows per table), merges,
    errors, skips and unknown people, and whether it can be applied as it is."""
    plan = result.plan
    return {
        "format": result.format,
        "file": filename,
        "dry_run": not result.applied,
        "applied": result.applied,
        "can_apply": result.can_apply,
        "problems": result.problems,
        "counts": result.summary(),
        "merged": [
            {
                "line": d.record.line,
                "name": d.record.name,
                "person_id": d.target if d.target > 0 else None,
                "matched_by": d.matched_by,
                "changes": d.changes,
            }
            for d in plan.people
            if d.action == "merge"
        ],
        "errors": [{"line": e.line, "record": e.record, "reason": e.reason} for e in plan.errors],
        "skipped": [{"line": k.line, "record": k.record, "reason": k.reason} for k in plan.skipped],
        "warnings": [
            {"line": w.line, "record": w.record, "reason": w.reason} for w in plan.warnings
        ],
        "unknown_people": [
            {"email": e, "name": n or None} for e, n in sorted(plan.unknown.items())
        ],
    }


def organisation_json(o: Organisation, people: list[Member] | None = None) -> dict[str, Any]:
    """An organisation; with ``people``, who works (or worked) there."""
    out: dict[str, Any] = {
        "id": o.id, "name": o.name, "website": o.website, "emails": list(o.emails),
        "phones": list(o.phones), "address": o.address, "notes": o.notes, "uid": o.uid,
        "people_count": o.people_count, "created_at": iso(o.created_at),
        "updated_at": iso(o.updated_at),
    }  # fmt: skip
    if people is not None:
        out["people"] = [{"id": m.person_id, "name": m.name, "title": m.title,
                          "current": m.current} for m in people]  # fmt: skip
    return out


def group_json(g: Any) -> dict[str, Any]:
    """amity.book.groups.Group: members in the book, and those only named on the card."""
    return {"id": g.id, "name": g.name, "tag": g.tag, "uid": g.uid,
            "members": [ref_json(m) for m in g.members], "missing": list(g.missing)}  # fmt: skip


def duplicate_json(d: Any) -> dict[str, Any]:
    """amity.book.transfer.dupes.Duplicate."""
    return {"a": ref_json(d.a), "b": ref_json(d.b), "score": d.score, "reasons": list(d.reasons)}


def merge_json(m: Any) -> dict[str, Any]:
    """amity.book.transfer.merge.MergeResult."""
    return {"kept": ref_json(m.keep), "merged": ref_json(m.other), "moved": dict(m.moved),
            "filled": list(m.filled), "backup": str(m.backup) if m.backup else None,
            "summary": m.line()}  # fmt: skip


# --- network, brief, articles, feedback, review (issue 6) -----------------------------------


def event_json(e: Any) -> dict[str, Any]:
    """amity.model.Event."""
    return {
        "id": e.id,
        "name": e.name,
        "kind": e.kind,
        "starts_on": iso(e.starts_on),
        "ends_on": iso(e.ends_on),
        "location": e.location,
        "url": e.url,
        "notes": e.notes,
    }


def event_summary_json(summary: Any) -> dict[str, Any]:
    """amity.book.network.EventSummary: an event with how many people were there and met."""
    return {**event_json(summary.event), "people": summary.people, "met": summary.met}


def event_detail_json(detail: Any) -> dict[str, Any]:
    """amity.book.network.EventDetail: who was there, whether you followed up since."""
    return {
        **event_json(detail.event),
        "attendees": [
            {
                "person": ref_json(a.person),
                "role": a.role,
                "met": a.met,
                "note": a.note,
                "followed_up": a.followed_up,
            }
            for a in detail.attendees
        ],
        "participation": [participation_json(x) for x in detail.participation],
    }


def participation_json(p: Any) -> dict[str, Any]:
    """amity.book.network.Participation: your own part in an event, newest first."""
    return {"interaction_id": p.interaction_id, "on": iso(p.day), "text": p.text}


def relationship_json(r: Any) -> dict[str, Any]:
    """``b.id`` is null for a related name from a card that is nobody in the book (yet)."""
    b = {"id": r.b.id or None, "name": r.b.name}
    return {"id": r.id, "a": ref_json(r.a), "b": b, "kind": r.kind, "note": r.note}


def introduction_json(i: Any) -> dict[str, Any]:
    """amity.model.Introduction; ``by`` is null when you made the introduction."""
    return {
        "id": i.id,
        "a": ref_json(i.a),
        "b": ref_json(i.b),
        "by": None if i.by is None else ref_json(i.by),
        "occurred_on": iso(i.occurred_on),
        "note": i.note,
        "outcome": i.outcome,
    }


def warm_path_json(p: Any) -> dict[str, Any]:
    """amity.rules.paths.WarmPath: hops from you (``from`` null) to the target."""
    return {
        "target": ref_json(p.target),
        "strength": p.strength,
        "explain": p.explain(),
        "hops": [
            {
                "from": None if h.source is None else ref_json(h.source),
                "to": ref_json(h.target),
                "strength": h.strength,
                "reason": h.reason,
            }
            for h in p.hops
        ],
    }


def path_result_json(r: Any) -> dict[str, Any]:
    """amity.book.network.PathResult."""
    return {
        "target": {
            "kind": r.target.kind,
            "label": r.target.label,
            "people": [ref_json(x) for x in r.target.people],
        },
        "paths": [warm_path_json(p) for p in r.paths],
    }


def exchange_json(x: Any) -> dict[str, Any]:
    """amity.model.Exchange: something given to or received from a person."""
    return {
        "id": x.id,
        "person": ref_json(x.person),
        "direction": x.direction,
        "kind": x.kind,
        "text": x.text,
        "occurred_on": iso(x.occurred_on),
    }


def balance_json(b: Any) -> dict[str, Any]:
    """amity.book.network.Balance; ``balance`` > 0: you gave more than you received."""
    return {
        "person": ref_json(b.person),
        "given": b.given,
        "received": b.received,
        "balance": b.balance,
        "last_given": iso(b.last_given),
        "last_received": iso(b.last_received),
        "exchanges": [exchange_json(x) for x in b.exchanges],
    }


def coverage_json(c: Any) -> dict[str, Any]:
    """amity.book.network.CoverageTarget against the network."""
    return {
        "id": c.id,
        "name": c.name,
        "selector_kind": c.selector_kind,
        "selector": c.selector,
        "wanted": c.wanted,
        "have": c.have,
        "gap": c.gap,
        "people": [ref_json(x) for x in c.people],
        "groups": {k: [ref_json(x) for x in v] for k, v in c.groups.items()},
    }


def article_json(a: Any, *, text: bool = False) -> dict[str, Any]:
    """amity.model.Article; the text only when asked for."""
    out = {
        "id": a.id,
        "url": a.url,
        "title": a.title,
        "topics": list(a.topics),
        "created_at": iso(a.created_at),
    }
    if text:
        out["text"] = a.text
    return out


def match_json(m: Any) -> dict[str, Any]:
    """amity.rules.matching.Match: a person who may care about an article, and why."""
    return {
        "person": ref_json(m.person),
        "score": m.score,
        "strong": m.strong,
        "topics": list(m.topics),
        "terms": list(m.terms),
        "evidence": list(m.evidence),
        "reason": m.reason(),
    }


def share_result_json(r: Any) -> dict[str, Any]:
    return {
        "article": article_json(r.article),
        "interaction": None if r.interaction is None else interaction_json(r.interaction),
        "shared": [ref_json(x) for x in r.shared],
        "skipped": [ref_json(x) for x in r.skipped],
    }


def feedback_json(f: Any) -> dict[str, Any]:
    """amity.model.Feedback."""
    return {
        "id": f.id,
        "kind": f.kind,
        "text": f.text,
        "received_on": iso(f.received_on),
        "person": None if f.person is None else ref_json(f.person),
        "context": f.context,
        "themes": list(f.themes),
    }


def feedback_request_json(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "person": ref_json(r.person),
        "about": r.about,
        "by": iso(r.by_date),
        "asked_on": iso(r.asked_on),
        "status": r.status,
        "created_on": iso(r.created_on),
    }


def goal_json(g: Any) -> dict[str, Any]:
    """amity.model.Goal."""
    return {
        "id": g.id,
        "title": g.title,
        "theme": g.theme,
        "check_in_days": g.check_in_days,
        "until": iso(g.until),
        "status": g.status,
    }


def check_in_json(c: Any) -> dict[str, Any]:
    return {
        "id": c.id,
        "goal_id": c.goal_id,
        "progress": c.progress,
        "note": c.note,
        "checked_on": iso(c.checked_on),
    }


def goal_status_json(g: Any) -> dict[str, Any]:
    """amity.book.feedback.GoalStatus: a goal with its progress and next check-in."""
    return {
        **goal_json(g.goal),
        "created_on": iso(g.created_on),
        "progress": g.progress,
        "last_check_in": iso(g.last_check_in),
        "next_check_in": iso(g.next_check_in),
        "feedback_on_theme": g.feedback,
        "check_ins": [check_in_json(c) for c in g.check_ins],
    }


def brief_json(b: Any) -> dict[str, Any]:
    """amity.book.brief.Brief: everything to read before meeting someone."""
    p = b.person
    return {
        "person": person_json(p, details=True),
        "today": iso(b.today),
        "how_met": {
            "how": p.how_met,
            "where": p.met_where,
            "on": iso(p.met_on),
            "event": b.met_event,
            "introduced_by": None if p.introduced_by is None else ref_json(p.introduced_by),
            "introductions": list(b.introductions),
        },
        "circle": p.circle,
        "cadence_days": b.cadence_days,
        "health": None if b.health is None else health_json(b.health),
        "recent_interactions": [interaction_json(i) for i in b.recent],
        "promises_mine": [commitment_json(c) for c in b.promises_mine],
        "promises_theirs": [commitment_json(c) for c in b.promises_theirs],
        "awaiting_reply": [interaction_json(i) for i in b.awaiting_reply],
        "interests": [fact_json(f) for f in b.interests],
        "family": [fact_json(f) for f in b.family],
        "other_facts": [fact_json(f) for f in b.other_facts],
        "questions": [question_json(q) for q in b.questions],
        "upcoming_dates": [
            {
                "kind": u.kind,
                "label": u.label,
                "on": iso(u.on),
                "days_until": u.days_until,
                "years": u.years,
            }
            for u in b.upcoming
        ],
        "shared_articles": [
            {
                "id": a.article_id,
                "url": a.url,
                "title": a.title,
                "topics": a.topics,
                "shared_on": iso(a.shared_on),
            }
            for a in b.shared
        ],
        "balance": None if b.balance is None else balance_json(b.balance),
        "mutual": [{"person": ref_json(m.person), "how": list(m.how)} for m in b.mutual],
    }


def meeting_json(m: Any) -> dict[str, Any]:
    """amity.book.brief.Meeting: a planned interaction with a brief per participant."""
    return {
        "interaction": interaction_json(m.interaction),
        "briefs": [brief_json(b) for b in m.briefs],
    }


def _compared(c: Any) -> dict[str, Any]:
    return {"current": c.current, "previous": c.previous, "change": c.change}


def review_json(r: Any) -> dict[str, Any]:
    """amity.rules.review.Review: each measure as current, previous and change."""
    return {
        "kind": r.kind,
        "period": {"start": iso(r.period.start), "end": iso(r.period.end)},
        "previous_period": {
            "start": iso(r.previous_period.start),
            "end": iso(r.previous_period.end),
        },
        "people_reached": _compared(r.people_reached),
        "people_reached_by_circle": {
            k: _compared(v) for k, v in r.people_reached_by_circle.items()
        },
        "interactions": _compared(r.interactions),
        "interactions_by_kind": {k: _compared(v) for k, v in r.interactions_by_kind.items()},
        "new_people": _compared(r.new_people),
        "follow_ups_due": _compared(r.follow_ups_due),
        "follow_ups_on_time": _compared(r.follow_ups_on_time),
        "promises_judged": _compared(r.promises_judged),
        "promises_kept_on_time": _compared(r.promises_kept_on_time),
        "median_reply_hours": _compared(r.median_reply_hours),
        "drifting": _compared(r.drifting),
        "drifting_people": list(r.drifting_people),
        "given": _compared(r.given),
        "received": _compared(r.received),
        "feedback_themes": {k: _compared(v) for k, v in r.feedback_themes.items()},
        "goal_progress": [
            {"id": g.id, "title": g.title, **_compared(g.progress)} for g in r.goal_progress
        ],
    }


# --- notifications and webhooks (issue 13) --------------------------------------------------


def channel_json(c: Any) -> dict[str, Any]:
    """amity.book.notifications.Channel: the URL itself is never shown, only ``masked``."""
    return {
        "id": c.id,
        "name": c.name,
        "masked": c.masked,
        "enabled": c.enabled,
        "created_at": iso(c.created_at),
        "last_status": c.last_status,
        "last_error": c.last_error,
        "last_at": iso(c.last_at),
        "failing": c.failing,
    }


def notify_delivery_json(d: Any) -> dict[str, Any]:
    """amity.book.notifications.Delivery."""
    return {
        "id": d.id,
        "channel_id": d.channel_id,
        "channel": d.channel,
        "kind": d.kind,
        "item_key": d.item_key,
        "day": iso(d.day),
        "title": d.title,
        "status": d.status,
        "attempts": d.attempts,
        "error": d.error,
        "created_at": iso(d.created_at),
        "sent_at": iso(d.sent_at),
        "next_attempt_at": iso(d.next_attempt_at),
    }


def subscription_json(w: Any) -> dict[str, Any]:
    """amity.book.webhooks.Subscription (the signing secret is shown once, at creation)."""
    return {
        "id": w.id,
        "url": w.url,
        "events": list(w.events),
        "enabled": w.enabled,
        "failures": w.failures,
        "disabled_reason": w.disabled_reason,
        "created_at": iso(w.created_at),
    }


def webhook_delivery_json(d: Any) -> dict[str, Any]:
    """amity.book.webhooks.WebhookDelivery."""
    return {
        "id": d.id,
        "subscription_id": d.subscription_id,
        "url": d.url,
        "event_type": d.event_type,
        "msg_id": d.msg_id,
        "status": d.status,
        "attempts": d.attempts,
        "status_code": d.status_code,
        "error": d.error,
        "created_at": iso(d.created_at),
        "delivered_at": iso(d.delivered_at),
        "next_attempt_at": iso(d.next_attempt_at),
    }
