"""Calendar sync in the Book (``book.calendar_sync``): event instances in, meetings out.

The CalDAV and ICS sources (``amity.sync.caldav``, ``amity.sync.ics``) fetch; this part reads
what they fetched with the iCalendar reader (``amity.formats.ical``: recurring series expanded
over the sync window, each capped in count and time, a cut reported as a warning) and keeps one
row per event instance in ``calendar_events``, keyed by the instance's UID and RECURRENCE-ID
(its original start; '' for an event that does not recur).

- An instance with at least one attendee (or organiser) in the book who is not you
  (``me.emails``) and did not decline becomes a **meeting**: an interaction of kind meeting,
  planned while in the future, done once its start has passed (`advance`, every run). People
  met for the first time get ``met_on``, which puts the post-meeting ``follow_up`` on the
  agenda two days later unless you were in touch since.
- A **moved** or edited instance updates its meeting; a **cancelled** one (STATUS:CANCELLED)
  or one **gone** from the calendar removes its meeting while it is still planned; a meeting
  that took place is kept.
- Every attendee's response (PARTSTAT) is kept (`responses`); someone who declined is not a
  participant.
- Outcomes per instance (created, updated, cancelled, skipped, error; unchanged ones are
  counted), written in the transaction of the change they describe, one transaction per batch
  of instances. What was applied is remembered as a fingerprint, so a run with no change
  changes nothing; the resource's ETag is stored only after all its instances are in, so a
  failure half-way fetches it again next time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, func, insert, select, update

from amity.book.connections import Connections
from amity.book.context import BookContext, new_id
from amity.model.sync import ItemOutcome, RunClaim
from amity.rules.text import clean_text
from amity.store import schema as s

if TYPE_CHECKING:
    from amity.formats.ical import CalendarInstance

BATCH = 500
PAST = timedelta(days=365)  # the window: a year back (the first run brings the past year in)
AHEAD = timedelta(days=180)  # and half a year ahead
RESOURCE = "resource"  # the state of a resource's own row (its ETag)


class CalendarSync:
    def __init__(self, ctx: BookContext, connections: Connections) -> None:
        self._ctx = ctx
        self._connections = connections

    def window(self) -> tuple[datetime, datetime]:
        now = self._ctx.now()
        return now - PAST, now + AHEAD

    # --- what Amity knows of an account ---------------------------------------------------

    def etags(self, account_id: int) -> dict[str, str | None]:
        """Resource -> its ETag when last pulled completely."""
        t = s.calendar_events
        with self._ctx.read() as conn:
            rows = conn.execute(select(t.c.resource, t.c.etag).where(
                t.c.owner_id == self._ctx.owner_id, t.c.account_id == account_id,
                t.c.state == RESOURCE)).all()  # fmt: skip
        return {r.resource: r.etag for r in rows}

    def resources(self, account_id: int) -> dict[str, tuple[str | None, datetime]]:
        """Resource -> (its ETag, when it was last pulled completely)."""
        t = s.calendar_events
        with self._ctx.read() as conn:
            rows = conn.execute(select(t.c.resource, t.c.etag, t.c.synced_at).where(
                t.c.owner_id == self._ctx.owner_id, t.c.account_id == account_id,
                t.c.state == RESOURCE)).all()  # fmt: skip
        return {r.resource: (r.etag, r.synced_at) for r in rows}

    def counts(self, account_id: int) -> dict[str, int]:
        """Instances per state (meeting, skipped, cancelled, removed) and resources."""
        t = s.calendar_events
        with self._ctx.read() as conn:
            rows = conn.execute(select(t.c.state, func.count()).where(
                t.c.owner_id == self._ctx.owner_id, t.c.account_id == account_id)
                .group_by(t.c.state)).all()  # fmt: skip
        return {str(state): int(n) for state, n in rows}

    def responses(self, interaction_id: int) -> dict[str, str]:
        """The attendees' answers (e-mail -> PARTSTAT) of the meeting an instance became."""
        t = s.calendar_events
        with self._ctx.read() as conn:
            text = conn.execute(select(t.c.responses).where(
                t.c.owner_id == self._ctx.owner_id, t.c.interaction_id == interaction_id)
                .order_by(t.c.id.desc())).scalar()  # fmt: skip
        return dict(json.loads(text)) if text else {}

    # --- pulling ----------------------------------------------------------------------------

    def pull(self, claim: RunClaim, resource: str, data: bytes, etag: str | None) -> int:
        """Apply a resource's calendar (a CalDAV object, or a whole ICS feed): its instances
        in the window, then what is gone from it. Returns the instances read."""
        from amity.formats.ical import CalendarInstance, iter_instances
        from amity.formats.records import RecordError, RecordWarning

        start, end = self.window()
        own = frozenset(e.strip().lower() for e in self._ctx.setting("me.emails") or [])
        threshold = int(self._ctx.setting("import.broadcast_attendees") or 15)
        instances: list[CalendarInstance] = []
        problems: list[ItemOutcome] = []
        for item in iter_instances(data, now=self._ctx.now(), window_start=start, window_end=end,
                                   own_addresses=own, max_attendees=threshold):  # fmt: skip
            if isinstance(item, CalendarInstance):
                instances.append(item)
            elif isinstance(item, RecordError):
                problems.append(ItemOutcome("error", remote_ref=resource, label=item.record,
                                            reason=item.reason))  # fmt: skip
                if item.record == "calendar":  # the whole resource is unreadable: keep all
                    self._connections.record(claim, problems)
                    return 0
            elif isinstance(item, RecordWarning):
                problems.append(ItemOutcome("skipped", remote_ref=resource, label=item.record,
                                            reason=f"warning: {item.reason}"))  # fmt: skip
                claim.details.setdefault("warnings", []).append(f"{item.record}: {item.reason}")
        self._connections.record(claim, problems)
        for first in range(0, len(instances), BATCH):
            with self._ctx.write() as conn:
                outcomes = self._apply(conn, claim, resource, instances[first : first + BATCH])
                self._connections.record_in(conn, claim, outcomes)
        with self._ctx.write() as conn:
            outcomes = self._gone(conn, claim, resource, {i.key for i in instances})
            self._remember_resource(conn, claim, resource, etag)
            self._connections.record_in(conn, claim, outcomes)
        return len(instances)

    def remove(self, claim: RunClaim, resources: Iterable[str]) -> None:
        """Resources deleted from the calendar: their planned meetings go."""
        for resource in resources:
            with self._ctx.write() as conn:
                outcomes = self._gone(conn, claim, resource, set())
                t = s.calendar_events
                conn.execute(delete(t).where(
                    t.c.owner_id == self._ctx.owner_id, t.c.account_id == claim.account.id,
                    t.c.resource == resource, t.c.state == RESOURCE))  # fmt: skip
                self._connections.record_in(conn, claim, outcomes)

    def advance(self, claim: RunClaim) -> int:
        """Planned meetings of this account whose start has passed become done (last contact
        moves; people met for the first time get ``met_on``). Returns how many."""
        t, i, ip = s.calendar_events, s.interactions, s.interaction_participants
        owner, now = self._ctx.owner_id, self._ctx.now()
        with self._ctx.write() as conn:
            ids = list(conn.execute(select(i.c.id).join(t, t.c.interaction_id == i.c.id).where(
                t.c.owner_id == owner, t.c.account_id == claim.account.id,
                i.c.owner_id == owner, i.c.status == "planned", i.c.occurred_at <= now)).scalars())  # fmt: skip
            if not ids:
                return 0
            conn.execute(update(i).where(i.c.owner_id == owner, i.c.id.in_(ids))
                         .values(status="done"))  # fmt: skip
            conn.execute(update(ip).where(ip.c.owner_id == owner, ip.c.interaction_id.in_(ids))
                         .values(status="done"))  # fmt: skip
            people = list(conn.execute(select(ip.c.person_id).where(
                ip.c.owner_id == owner, ip.c.interaction_id.in_(ids)).distinct()).scalars())  # fmt: skip
            self._touch(conn, people)
            self._first_meetings(conn, ids)
        return len(ids)

    # --- applying one batch -------------------------------------------------------------------

    def _apply(self, conn: Connection, claim: RunClaim, resource: str,
               batch: Sequence[CalendarInstance]) -> list[ItemOutcome]:  # fmt: skip
        people = self._people_by_email(
            conn, {e for x in batch for e in x.record.participant_emails}
        )
        rows = self._rows(conn, claim.account.id, [x.key for x in batch])
        fresh: list[tuple[CalendarInstance, list[int], str, Any]] = []
        saved: list[tuple[CalendarInstance, str, ItemOutcome, Any]] = []
        unchanged = 0
        for instance in batch:
            ids = sorted({people[e] for e in instance.record.participant_emails if e in people})
            fingerprint = _fingerprint(instance, ids)
            row = rows.get(instance.key)
            if row is not None and row.fingerprint == fingerprint and row.resource == resource:
                unchanged += 1
                continue
            outcome = self._decide(conn, resource, instance, ids, row)
            if outcome is None:  # a new meeting: made below, all of the batch's at once
                fresh.append((instance, ids, fingerprint, row))
                continue
            saved.append((instance, fingerprint, outcome, row))
        made = self._create(conn, claim, [(i, ids) for i, ids, _f, _r in fresh])
        for (instance, _ids, fingerprint, row), interaction_id in zip(fresh, made, strict=True):
            outcome = ItemOutcome("created", remote_ref=_ref(resource, instance), uid=instance.uid,
                                  record_kind="interaction", record_id=interaction_id,
                                  label=_label(instance))  # fmt: skip
            saved.append((instance, fingerprint, outcome, row))
        self._save_rows(conn, claim, resource, saved)
        outcomes = [outcome for _i, _f, outcome, _r in saved]
        if unchanged:
            claim.count("unchanged", unchanged)
        return outcomes

    def _decide(self, conn: Connection, resource: str, instance: CalendarInstance,
                ids: list[int], row: Any) -> ItemOutcome | None:  # fmt: skip
        """What a new or changed instance means; None: a meeting to create."""
        label, ref = _label(instance), _ref(resource, instance)
        linked = row.interaction_id if row is not None else None
        why = ("cancelled" if instance.cancelled else
               f"{len(instance.responses)} attendees: a broadcast" if instance.broadcast else
               None if ids else "no attendee in the book")  # fmt: skip
        if why is not None:
            if linked is not None and self._drop_if_planned(conn, linked):
                return ItemOutcome("cancelled", remote_ref=ref, uid=instance.uid,
                                   record_kind="interaction", record_id=linked, label=label,
                                   reason=f"{why}: the planned meeting was removed")  # fmt: skip
            kept = "; the meeting took place and is kept" if linked is not None else ""
            return ItemOutcome("skipped", remote_ref=ref, uid=instance.uid, label=label,
                               record_kind="interaction" if linked else None,
                               record_id=linked, reason=why + kept)  # fmt: skip
        if linked is not None and self._update(conn, linked, instance, ids):
            return ItemOutcome("updated", remote_ref=ref, uid=instance.uid,
                               record_kind="interaction", record_id=linked, label=label)  # fmt: skip
        return None

    def _create(self, conn: Connection, claim: RunClaim,
                fresh: list[tuple[CalendarInstance, list[int]]]) -> list[int]:  # fmt: skip
        """The meetings of new instances (one that left the calendar and came back finds
        its meeting again by its source reference)."""
        from amity.book.search import index_interactions

        if not fresh:
            return []
        now, owner, i = self._ctx.now(), self._ctx.owner_id, s.interactions
        refs = [_source_ref(claim, instance) for instance, _ids in fresh]
        before: dict[str, int] = {}
        for first in range(0, len(refs), BATCH):
            before.update((str(r.source_ref), int(r.id)) for r in conn.execute(
                select(i.c.source_ref, i.c.id).where(
                    i.c.owner_id == owner, i.c.source == claim.account.kind,
                    i.c.source_ref.in_(refs[first : first + BATCH]))))  # fmt: skip
        made: list[int] = []
        participants: list[dict[str, Any]] = []
        for (instance, ids), ref in zip(fresh, refs, strict=True):
            found = before.get(ref)
            if found is not None and self._update(conn, found, instance, ids):
                made.append(found)
                continue
            fields = _fields(instance, now)
            interaction_id = new_id(conn.execute(insert(i).values(
                owner_id=owner, kind="meeting", direction="mutual", created_at=now,
                source=claim.account.kind, source_ref=ref, needs_reply=False, **fields)))  # fmt: skip
            made.append(interaction_id)
            participants += [{"owner_id": owner, "interaction_id": interaction_id,
                              "person_id": pid, "occurred_at": fields["occurred_at"],
                              "direction": "mutual", "status": fields["status"]}
                             for pid in ids]  # fmt: skip
        if participants:
            conn.execute(insert(s.interaction_participants), participants)
            done = {p["person_id"] for p in participants if p["status"] == "done"}
            self._touch(conn, sorted(done))
            self._first_meetings(conn, sorted({p["interaction_id"] for p in participants
                                               if p["status"] == "done"}))  # fmt: skip
        index_interactions(conn, owner, made)
        return made

    def _update(
        self, conn: Connection, interaction_id: int, instance: CalendarInstance, ids: list[int]
    ) -> bool:
        """Rewrite the meeting from the instance; False when it is gone from the book."""
        from amity.book.search import index_interactions

        i, ip, now = s.interactions, s.interaction_participants, self._ctx.now()
        owner = self._ctx.owner_id
        before = list(conn.execute(select(ip.c.person_id).where(
            ip.c.owner_id == owner, ip.c.interaction_id == interaction_id)).scalars())  # fmt: skip
        changed = conn.execute(update(i).where(i.c.owner_id == owner, i.c.id == interaction_id)
                               .values(**_fields(instance, now))).rowcount  # fmt: skip
        if not changed:
            return False
        conn.execute(
            delete(ip).where(ip.c.owner_id == owner, ip.c.interaction_id == interaction_id)
        )
        self._set_participants(conn, interaction_id, instance, ids, now)
        self._touch(conn, sorted(set(before) | set(ids)))
        index_interactions(conn, owner, [interaction_id])
        return True

    def _set_participants(self, conn: Connection, interaction_id: int, instance: CalendarInstance,
                          ids: list[int], now: datetime) -> None:  # fmt: skip
        fields = _fields(instance, now)
        if ids:
            conn.execute(insert(s.interaction_participants), [
                {"owner_id": self._ctx.owner_id, "interaction_id": interaction_id,
                 "person_id": pid, "occurred_at": fields["occurred_at"], "direction": "mutual",
                 "status": fields["status"]} for pid in ids])  # fmt: skip

    def _drop_if_planned(self, conn: Connection, interaction_id: int) -> bool:
        i, docs = s.interactions, s.search_docs
        owner = self._ctx.owner_id
        gone = conn.execute(delete(i).where(i.c.owner_id == owner, i.c.id == interaction_id,
                                            i.c.status == "planned")).rowcount  # fmt: skip
        if gone:
            conn.execute(delete(docs).where(docs.c.owner_id == owner,
                                            docs.c.doc_kind == "interaction",
                                            docs.c.ref_id == interaction_id))  # fmt: skip
        return bool(gone)

    def _gone(self, conn: Connection, claim: RunClaim, resource: str,
              present: set[tuple[str, str]]) -> list[ItemOutcome]:  # fmt: skip
        """Instances the resource no longer has in the window: a planned meeting goes, one
        that took place stays; their rows are forgotten."""
        t = s.calendar_events
        start, _end = self.window()
        rows = conn.execute(select(t).where(
            t.c.owner_id == self._ctx.owner_id, t.c.account_id == claim.account.id,
            t.c.resource == resource, t.c.state != RESOURCE)).all()  # fmt: skip
        outcomes = []
        for row in rows:
            if (row.uid, row.recurrence_id) in present or row.starts_at < start:
                continue
            if row.interaction_id is not None and self._drop_if_planned(conn, row.interaction_id):
                outcomes.append(ItemOutcome("cancelled", remote_ref=f"{resource}#{row.uid}",
                                            uid=row.uid, record_kind="interaction",
                                            record_id=row.interaction_id,
                                            reason="gone from the calendar: the planned "
                                                   "meeting was removed"))  # fmt: skip
            conn.execute(delete(t).where(t.c.id == row.id))
        return outcomes

    # --- rows ------------------------------------------------------------------------------

    def _rows(self, conn: Connection, account_id: int,
              keys: list[tuple[str, str]]) -> dict[tuple[str, str], Any]:  # fmt: skip
        t = s.calendar_events
        uids = sorted({uid for uid, _rid in keys})
        found: dict[tuple[str, str], Any] = {}
        for first in range(0, len(uids), BATCH):
            for row in conn.execute(select(t).where(
                    t.c.owner_id == self._ctx.owner_id, t.c.account_id == account_id,
                    t.c.uid.in_(uids[first : first + BATCH]))):  # fmt: skip
                found[(row.uid, row.recurrence_id)] = row
        return found

    def _save_rows(self, conn: Connection, claim: RunClaim, resource: str,
                   saved: list[tuple[CalendarInstance, str, ItemOutcome, Any]]) -> None:  # fmt: skip
        t, now = s.calendar_events, self._ctx.now()
        new: list[dict[str, Any]] = []
        for instance, fingerprint, outcome, row in saved:
            meeting = outcome.outcome in ("created", "updated")
            kept = outcome.record_id if outcome.outcome == "skipped" else None
            state = "meeting" if meeting else "cancelled" if instance.cancelled else "skipped"
            values = {
                "resource": resource[:1000],
                "interaction_id": outcome.record_id if meeting else kept,
                "state": state,
                "starts_at": instance.record.occurred_at,
                "fingerprint": fingerprint,
                "responses": json.dumps(instance.responses, sort_keys=True),
                "synced_at": now,
            }
            if row is None:
                new.append({"owner_id": self._ctx.owner_id, "account_id": claim.account.id,
                            "uid": instance.uid[:300], "recurrence_id": instance.recurrence_id,
                            **values})  # fmt: skip
            else:
                conn.execute(update(t).where(t.c.id == row.id).values(**values))
        if new:
            conn.execute(insert(t), new)

    def _remember_resource(self, conn: Connection, claim: RunClaim, resource: str,
                           etag: str | None) -> None:  # fmt: skip
        t = s.calendar_events
        uid = "#" + hashlib.sha256(resource.encode()).hexdigest()
        values = {"resource": resource[:1000], "etag": (etag or "")[:300] or None,
                  "synced_at": self._ctx.now()}  # fmt: skip
        done = conn.execute(update(t).where(
            t.c.owner_id == self._ctx.owner_id, t.c.account_id == claim.account.id,
            t.c.uid == uid, t.c.state == RESOURCE).values(**values)).rowcount  # fmt: skip
        if not done:
            conn.execute(insert(t).values(owner_id=self._ctx.owner_id,
                                          account_id=claim.account.id, uid=uid, recurrence_id="",
                                          state=RESOURCE, starts_at=self._ctx.now(),
                                          fingerprint="", **values))  # fmt: skip

    # --- people ------------------------------------------------------------------------------

    def _people_by_email(self, conn: Connection, emails: set[str]) -> dict[str, int]:
        cp, p = s.contact_points, s.people
        found: dict[str, int] = {}
        wanted = sorted(e.lower() for e in emails)
        for first in range(0, len(wanted), BATCH):
            rows = conn.execute(
                select(cp.c.normalized, cp.c.person_id)
                .join(p, p.c.id == cp.c.person_id)
                .where(cp.c.owner_id == self._ctx.owner_id, cp.c.kind == "email",
                       cp.c.normalized.in_(wanted[first : first + BATCH]),
                       p.c.archived_at.is_(None))
                .order_by(cp.c.person_id)
            )  # fmt: skip
            for email, person_id in rows:
                found.setdefault(str(email), int(person_id))
        return found

    def _touch(self, conn: Connection, person_ids: Sequence[int]) -> None:
        """Last contact of these people, from their meetings and messages that took place."""
        if not person_ids:
            return
        ip, p = s.interaction_participants, s.people
        latest = (select(func.max(ip.c.occurred_at))
                  .where(ip.c.person_id == p.c.id, ip.c.status == "done").scalar_subquery())  # fmt: skip
        conn.execute(update(p).where(p.c.owner_id == self._ctx.owner_id,
                                     p.c.id.in_(list(person_ids)))
                     .values(last_interaction_at=latest))  # fmt: skip

    def _first_meetings(self, conn: Connection, interaction_ids: list[int]) -> None:
        """People with no ``met_on`` whose first interaction that took place is one of these
        meetings: met on its day (the agenda's post-meeting follow-up reads it)."""
        from amity.rules.dates import local_today

        if not interaction_ids:
            return
        i, ip, p = s.interactions, s.interaction_participants, s.people
        owner, zone = self._ctx.owner_id, self._ctx.setting("timezone", conn)
        rows = conn.execute(
            select(ip.c.person_id, func.min(i.c.occurred_at))
            .join(i, i.c.id == ip.c.interaction_id)
            .join(p, p.c.id == ip.c.person_id)
            .where(ip.c.owner_id == owner, ip.c.interaction_id.in_(interaction_ids),
                   p.c.met_on.is_(None))
            .group_by(ip.c.person_id)
        ).all()  # fmt: skip
        for person_id, first in rows:
            earlier = conn.execute(select(func.count()).where(
                ip.c.owner_id == owner, ip.c.person_id == person_id, ip.c.status == "done",
                ip.c.occurred_at < first)).scalar()  # fmt: skip
            if earlier:
                continue
            subject = conn.execute(select(i.c.subject).join(ip, ip.c.interaction_id == i.c.id)
                                   .where(ip.c.person_id == person_id, i.c.owner_id == owner,
                                          i.c.occurred_at == first)).scalar()  # fmt: skip
            how = clean_text(f"meeting: {subject}" if subject else "meeting") or "meeting"
            conn.execute(update(p).where(p.c.owner_id == owner, p.c.id == person_id,
                                         p.c.met_on.is_(None))
                         .values(met_on=local_today(first, zone), how_met=how[:200]))  # fmt: skip


def _fields(instance: CalendarInstance, now: datetime) -> dict[str, Any]:
    record = instance.record
    return {
        "occurred_at": record.occurred_at,
        "ends_at": record.ends_at,
        "status": "planned" if record.occurred_at > now else "done",
        "subject": clean_text(record.subject),
        "notes": clean_text(record.notes),
        "location": clean_text(record.location),
    }


def _fingerprint(instance: CalendarInstance, person_ids: list[int]) -> str:
    r = instance.record
    what = [r.occurred_at.isoformat(), r.ends_at.isoformat() if r.ends_at else None, r.subject,
            r.notes, r.location, r.all_day, person_ids, instance.cancelled, instance.broadcast,
            sorted(instance.responses.items())]  # fmt: skip
    return hashlib.sha256(json.dumps(what, default=str).encode()).hexdigest()


def _ref(resource: str, instance: CalendarInstance) -> str:
    return f"{resource}#{instance.uid}/{instance.recurrence_id}"[:1000]


def _source_ref(claim: RunClaim, instance: CalendarInstance) -> str:
    return f"{claim.account.id}:{instance.uid}:{instance.recurrence_id}"[:500]


def _label(instance: CalendarInstance) -> str:
    when = instance.record.occurred_at
    return f"{instance.record.subject or instance.uid} ({when:%Y-%m-%d %H:%M})"
