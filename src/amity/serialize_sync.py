"""Connected accounts as the stable JSON of `--json` and the REST API (issue 10): accounts
never carry their password, only whether one is kept."""

from __future__ import annotations

from typing import Any

from amity.serialize import _plain, iso

#: account options never shown (none today: secrets live in their own sealed column)
_HIDDEN_OPTIONS: frozenset[str] = frozenset()


def sync_run_json(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "account_id": r.account_id,
        "trigger": r.trigger,
        "status": r.status,
        "started_at": iso(r.started_at),
        "finished_at": iso(r.finished_at),
        "counts": dict(r.counts),
        "details": _plain(r.details),
        "error": r.error,
    }


def sync_account_json(a: Any) -> dict[str, Any]:
    """An account as the CLI and the API show it: never its secret (only whether one is kept)."""
    return {
        "id": a.id,
        "kind": a.kind,
        "name": a.name,
        "url": a.url,
        "username": a.username,
        "has_password": a.has_secret,
        "options": {k: _plain(v) for k, v in a.options.items() if k not in _HIDDEN_OPTIONS},
        "status": a.status,
        "enabled": a.enabled,
        "running": a.running,
        "interval_minutes": a.interval_minutes,
        "next_run_at": iso(a.next_run_at),
        "failures": a.failures,
        "last_error": a.last_error,
        "last_run_at": iso(a.last_run_at),
        "last_success_at": iso(a.last_success_at),
        "created_at": iso(a.created_at),
        "last_run": sync_run_json(a.last_run) if a.last_run else None,
    }


def sync_item_json(i: Any) -> dict[str, Any]:
    return {
        "outcome": i.outcome,
        "direction": i.direction,
        "remote_ref": i.remote_ref,
        "uid": i.uid,
        "record_kind": i.record_kind,
        "record_id": i.record_id,
        "label": i.label,
        "reason": i.reason,
    }


def sync_conflict_json(c: Any) -> dict[str, Any]:
    return {
        "id": c.id,
        "account_id": c.account_id,
        "person": {"id": c.person_id, "name": c.person_name} if c.person_id else None,
        "remote_ref": c.remote_ref,
        "field": c.field,
        "base": c.base_value,
        "amity": c.amity_value,
        "server": c.server_value,
        "kept": c.kept,
        "created_at": iso(c.created_at),
        "resolved_at": iso(c.resolved_at),
        "resolution": c.resolution,
    }


def correspondent_json(c: Any) -> dict[str, Any]:
    """Someone you write to who is not in the book (mail sync's proposals)."""
    return {
        "id": c.id,
        "email": c.email,
        "name": c.name,
        "sent_count": c.sent_count,
        "received_count": c.received_count,
        "first_at": iso(c.first_at),
        "last_at": iso(c.last_at),
        "last_subject": c.last_subject,
        "status": c.status,
        "person_id": c.person_id,
    }
