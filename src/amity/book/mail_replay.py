"""Mail already synced, logged again with people added from the proposals.

When someone you write to is added to the book from ``mail_correspondents`` (status
``adding``), the next run of each mail account searches its folders for their address and
hands the messages here: a message not logged yet becomes an interaction with everyone now in
the book; one already logged (with other people) gains the new participants. Nothing is
counted twice: the proposals' counts are left alone, and a message whose people are all
linked already is passed over without an outcome.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select, update

from amity.book.context import BookContext
from amity.formats.records import InteractionRecord
from amity.model.sync import ItemOutcome, RunClaim
from amity.store import schema as s


def replay_records(conn: Connection, ctx: BookContext, claim: RunClaim, folder: str,
                   records: Sequence[InteractionRecord],
                   own: frozenset[str]) -> list[ItemOutcome]:  # fmt: skip
    from amity.book.transfer.apply import Applier, analyse_threads_in
    from amity.book.transfer.plan import ImportPlan, InteractionDecision, Planner, PlanOptions

    if not records:
        return []
    planner = Planner(ctx, PlanOptions(False, own, True))
    plan = ImportPlan()
    planner.plan(conn, list(records), plan)
    applier = Applier(ctx)
    applier.apply_interactions(conn, plan.interactions)
    created = {id(d.record) for d in plan.interactions if d.existing_id is None}
    ids = _interaction_ids(conn, ctx.owner_id, [r.source_ref for r in records])
    people = _people_by_email(conn, ctx.owner_id,
                              {a.lower() for r in records for a in _addresses(r)} - own)  # fmt: skip
    linked = _linked(conn, ctx.owner_id, list(ids.values()))
    outcomes: list[ItemOutcome] = []
    more: list[InteractionDecision] = []
    for record in records:
        interaction_id = ids.get(record.source_ref)
        key = (record.message_id or record.source_ref)[:1000]
        label = (record.subject or record.message_id or "(no subject)")[:300]
        if id(record) in created:
            outcomes.append(ItemOutcome("created", "pull", key, label=label,
                                        record_kind="interaction", record_id=interaction_id,
                                        reason="logged with someone added from the proposals"))  # fmt: skip
            continue
        if interaction_id is None:
            continue
        missing = sorted({people[a.lower()] for a in _addresses(record) if a.lower() in people}
                         - linked.get(interaction_id, set()))  # fmt: skip
        if missing:
            more.append(InteractionDecision(record, missing, interaction_id))
            linked.setdefault(interaction_id, set()).update(missing)
            outcomes.append(ItemOutcome("updated", "pull", key, label=label,
                                        record_kind="interaction", record_id=interaction_id,
                                        reason="someone added from the proposals joined it"))  # fmt: skip
    if more:
        applier.apply_interactions(conn, more)
    lk = s.sync_links
    for record in records:
        interaction_id = ids.get(record.source_ref)
        if interaction_id is not None:
            conn.execute(update(lk).where(
                lk.c.owner_id == ctx.owner_id, lk.c.account_id == claim.account.id,
                lk.c.remote_ref == (record.message_id or record.source_ref)[:1000],
                lk.c.interaction_id.is_(None)).values(interaction_id=interaction_id))  # fmt: skip
    analyse_threads_in(conn, ctx.owner_id, {r.thread_key for r in records if r.thread_key})
    return outcomes


def _addresses(record: InteractionRecord) -> list[str]:
    found = list(record.participant_emails)
    if record.sender_email and record.sender_email not in found:
        found.append(record.sender_email)
    return found


def _interaction_ids(conn: Connection, owner: int, refs: list[str]) -> dict[str, int]:
    i = s.interactions
    rows = conn.execute(select(i.c.id, i.c.source_ref).where(
        i.c.owner_id == owner, i.c.source == "mail", i.c.source_ref.in_(sorted(set(refs)))))  # fmt: skip
    return {r.source_ref: r.id for r in rows}


def _people_by_email(conn: Connection, owner: int, emails: set[str]) -> dict[str, int]:
    cp = s.contact_points
    rows = conn.execute(select(cp.c.normalized, cp.c.person_id).where(
        cp.c.owner_id == owner, cp.c.kind == "email", cp.c.normalized.in_(sorted(emails))))  # fmt: skip
    return {r.normalized: r.person_id for r in rows}


def _linked(conn: Connection, owner: int, ids: list[int]) -> dict[int, set[int]]:
    ip = s.interaction_participants
    found: dict[int, set[int]] = {}
    for r in conn.execute(select(ip.c.interaction_id, ip.c.person_id).where(
            ip.c.owner_id == owner, ip.c.interaction_id.in_(sorted(set(ids))))):  # fmt: skip
        found.setdefault(r.interaction_id, set()).add(r.person_id)
    return found
