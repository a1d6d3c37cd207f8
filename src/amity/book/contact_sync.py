"""Address-book sync in the Book (``book.contact_sync``): cards in, people out, one merge.

The CardDAV source (``amity.sync.carddav``) talks to the server; this part decides what the
cards mean for the book and what the book means for the cards, with a link per card
(``sync_links``: the card's href and ETag, the card's text as last synced and Amity's fields as
last synced: the two merge bases).

- **Pull**, one transaction per batch of cards: a card not linked yet goes through the import
  pipeline (same matching by UID, e-mail, E.164 phone: nothing is created twice) and is then
  merged once with the person it landed on; a linked card is merged field by field with its
  person (``rules/sync_merge``). Conflicts are recorded, outcomes too, all in that transaction.
- **Push**: people in the account's scope whose fields differ from what was last synced, new
  people in scope, and archived ones (deleted on the server only with ``allow_delete``) become
  :class:`PushItem` s: the server's own card with only Amity's changed properties rewritten.
- **Deletions on the server** archive the person (restorable), never purge.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from amity.book.connections import Connections
from amity.book.contact_fields import apply_fields, load_fields
from amity.book.context import BookContext
from amity.errors import InvalidInput, NotFound
from amity.formats.records import PersonRecord, RecordError, unrecognised_warnings
from amity.formats.vcard_sync import edit_card, new_card, read_card, record_fields
from amity.model.sync import ItemOutcome, RunClaim, SyncConflict
from amity.rules.sync_merge import MergeResult, changed_fields, merge_contact, same_value
from amity.store import schema as s

BATCH = 500
ARCHIVED = {"__archived__": True}  # local_base of a link whose person is archived in Amity
GROUP = "__group__"  # local_base {GROUP: id}: a group card's link (see _pull_organisation)
ORGANISATION = "__organisation__"  # local_base {ORGANISATION: id}: a company card's link


@dataclass
class RemoteCard:
    href: str
    etag: str | None
    text: str


@dataclass
class PushItem:
    """One change to send: ``create`` (PUT If-None-Match: *), ``update`` (PUT If-Match) or
    ``delete`` (DELETE If-Match)."""

    action: str
    href: str
    person_id: int | None
    label: str
    etag: str | None = None
    card: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    uid: str | None = None
    link_id: int | None = None


@dataclass
class _Link:
    id: int
    href: str
    person_id: int | None
    etag: str | None
    base: str | None
    local_base: dict[str, Any] | None


class ContactSync:
    def __init__(self, ctx: BookContext, connections: Connections) -> None:
        self._ctx = ctx
        self._connections = connections
        # (account, collection) -> people this run's pull created, whose link's local_base is
        # their state now unless the book's data version moved past `version` (see _Fresh)
        self._fresh: dict[tuple[int, str], _Fresh] = {}

    # --- what Amity knows of a collection ----------------------------------------------------

    def link_etags(self, account_id: int, collection: str) -> dict[str, str | None]:
        """href -> ETag of every card of ``collection`` linked to a person."""
        lk = s.sync_links
        with self._ctx.read() as conn:
            rows = conn.execute(select(lk.c.remote_ref, lk.c.etag).where(
                lk.c.owner_id == self._ctx.owner_id, lk.c.account_id == account_id,
                lk.c.collection == collection))  # fmt: skip
            return {r.remote_ref: r.etag for r in rows}

    # --- pull --------------------------------------------------------------------------------

    def apply_pull(self, claim: RunClaim, collection: str,
                   cards: Sequence[RemoteCard]) -> list[ItemOutcome]:  # fmt: skip
        """Cards fetched from the server, applied in one transaction with their outcomes. New
        rows are journaled as lists of ids, as a file import's are (a first pull of 10,000
        cards would otherwise snapshot every row); changes to existing people keep their
        before and after."""
        with self._ctx.write(journal="ids") as conn:
            start = self._ctx.data_version(conn)
            region = self._ctx.setting("phone.region", conn) or None
            links = self._links(conn, claim.account.id, [c.href for c in cards])
            outcomes: list[ItemOutcome] = []
            fresh: list[tuple[RemoteCard, PersonRecord]] = []
            for card in cards:
                item = read_card(card.text, region=region)
                if isinstance(item, RecordError):
                    outcomes.append(ItemOutcome("error", "pull", card.href, label=item.record,
                                                reason=item.reason))  # fmt: skip
                elif item.is_org or item.is_group:
                    outcomes.append(self._pull_organisation(conn, claim, collection, card, item,
                                                            links.get(card.href)))  # fmt: skip
                elif card.href in links:
                    outcomes.append(self._pull_linked(conn, claim, links[card.href], card, item,
                                                      region))  # fmt: skip
                else:
                    fresh.append((card, item))
            if fresh:
                outcomes += self._pull_new(conn, claim, collection, fresh, region)
            self._connections.record_in(conn, claim, outcomes)
            self._note_fresh((claim.account.id, collection), start, outcomes)
        return outcomes

    def _note_fresh(self, key: tuple[int, str], start: int, outcomes: list[ItemOutcome]) -> None:
        """After a pull batch: the people it created are "fresh" (the push that follows need not
        compare them) while nothing else writes. A batch that did anything but create people
        (a merge into someone, a linked update, a group or company card) forgets them all."""
        known = self._fresh.get(key)
        people = known.people if known is not None and known.version == start else set()
        if all((o.outcome == "created" and o.record_kind == "person")
               or (o.outcome == "error" and o.record_id is None) for o in outcomes):  # fmt: skip
            people = people | {o.record_id for o in outcomes if o.record_id is not None}
        else:
            people = set()
        self._fresh[key] = _Fresh(start + 1, people)  # this write moves the version by one

    def save_cursor(self, claim: RunClaim, collection: str, cursor: dict[str, Any]) -> None:
        """The run's cursor, saved in a write that keeps the fresh people fresh (see above)."""
        with self._ctx.write() as conn:
            start = self._ctx.data_version(conn)
            self._connections.save_cursor(claim, cursor, conn)
            known = self._fresh.get((claim.account.id, collection))
            if known is not None:
                known.version = start + 1 if known.version == start else -1

    def _pull_new(self, conn: Connection, claim: RunClaim, collection: str,
                  fresh: list[tuple[RemoteCard, PersonRecord]],
                  region: str | None) -> list[ItemOutcome]:  # fmt: skip
        from amity.book.transfer.apply import Applier
        from amity.book.transfer.plan import ImportPlan, Planner

        planner = Planner(self._ctx, self._import_options())
        plan = ImportPlan()
        planner.plan(conn, [record for _, record in fresh], plan)
        applier = Applier(self._ctx)
        applier.apply_people(conn, plan.people)
        decided = {id(d.record): d.action for d in plan.people}
        outcomes = []
        targets: dict[int, int] = {}
        for card, record in fresh:
            target = planner.target_of(record)
            if target is None:
                outcomes.append(ItemOutcome("error", "pull", card.href, record.uid,
                                            label=record.name[:300],
                                            reason="no name, e-mail or organisation"))  # fmt: skip
                continue
            targets[id(record)] = applier.id_of(target)
        options = claim.account.options
        current = self._fields(conn, sorted(set(targets.values())), options)
        links: list[dict[str, Any]] = []
        for card, record in fresh:
            person_id = targets.get(id(record))
            if person_id is None:
                continue
            action = decided.get(id(record), "unchanged")
            server = record_fields(record, **_shared(options))
            merge = merge_contact(amity=current[person_id], amity_base=None, server=server,
                                  server_base=None, fields=_fields_of(options))  # fmt: skip
            outcome = self._settle(conn, claim, person_id, current[person_id], merge, card,
                                   server, region, source="carddav")  # fmt: skip
            if merge.to_amity:  # rare on a first pull: read back what was written
                current[person_id] = self._fields(conn, [person_id], options)[person_id]
            local_base = {**current[person_id], **{n: server.get(n) for n in merge.to_server}}
            links.append(self._link_row(claim, collection, card, person_id, record.uid,
                                        local_base))  # fmt: skip
            kind = {"new": "created", "merge": "updated"}.get(action, outcome)
            if merge.conflicts:
                kind = "conflict"
            outcomes.append(ItemOutcome(kind, "pull", card.href, record.uid, "person", person_id,
                                        record.name[:300], _reason(merge, record,
                                                                   matched=action != "new")))  # fmt: skip
        if links:
            conn.execute(insert(s.sync_links), links)
        return outcomes

    def _pull_organisation(self, conn: Connection, claim: RunClaim, collection: str,
                           card: RemoteCard, record: PersonRecord,
                           link: _Link | None) -> ItemOutcome:  # fmt: skip
        """A company card (``KIND:org``, ``X-ABShowAs:COMPANY``) creates or fills in an
        organisation, never a person. Its link is marked (`ORGANISATION`) so that a push
        never takes it for a deleted person's card (nothing is sent for it, ever)."""
        from amity.book.groups import Groups
        from amity.book.organisations import Organisations
        from amity.book.transfer.keys import group_card, organisation_card

        what = "group" if record.is_group else "organisation"
        if link is not None and link.person_id is not None:
            return ItemOutcome("skipped", "pull", card.href, record.uid, "person", link.person_id,
                               record.name[:300], f"a person's card became a {what} card; "
                               "the person stays as they were")  # fmt: skip
        if record.is_group:  # a group card: a group (a tag and its members), never a person
            action, org_id = Groups(self._ctx).upsert_in(conn, group_card(record))
            mark = {GROUP: org_id}
        else:
            action, org_id = Organisations(self._ctx).upsert_in(conn, organisation_card(record))
            mark = {ORGANISATION: org_id}
        if link is None:
            self._link(conn, claim, collection, card, None, record.uid, mark)
        else:
            self._update_link(conn, link.id, etag=card.etag, base=card.text, local_base=mark)
        reason = "; ".join(w.reason for w in unrecognised_warnings(record)) or None
        return ItemOutcome(action, "pull", card.href, record.uid, what, org_id,
                           record.name[:300], reason)  # fmt: skip

    def _pull_linked(self, conn: Connection, claim: RunClaim, link: _Link, card: RemoteCard,
                     record: PersonRecord, region: str | None) -> ItemOutcome:  # fmt: skip
        if link.person_id is None:
            self._update_link(conn, link.id, etag=card.etag, base=card.text)
            return ItemOutcome("skipped", "pull", card.href, record.uid, label=record.name[:300],
                               reason="the person was deleted in Amity")  # fmt: skip
        options = claim.account.options
        amity = self._fields(conn, [link.person_id], options)[link.person_id]
        server = record_fields(record, **_shared(options))
        server_base = _base_fields(link.base, region, options)
        local_base = None if link.local_base == ARCHIVED else link.local_base
        merge = merge_contact(amity=amity, amity_base=local_base, server=server,
                              server_base=server_base, fields=_fields_of(options))  # fmt: skip
        outcome = self._settle(conn, claim, link.person_id, amity, merge, card, server, region,
                               source="carddav")  # fmt: skip
        self._update_link(conn, link.id, etag=card.etag, base=card.text,
                          local_base=self._local_base(conn, link.person_id, merge, server, claim))  # fmt: skip
        kind = "conflict" if merge.conflicts else outcome
        return ItemOutcome(kind, "pull", card.href, record.uid, "person", link.person_id,
                           record.name[:300], _reason(merge, record))  # fmt: skip

    def _settle(self, conn: Connection, claim: RunClaim, person_id: int, amity: dict[str, Any],
                merge: MergeResult, card: RemoteCard, server: dict[str, Any],
                region: str | None, *, source: str) -> str:  # fmt: skip
        """Apply what Amity must take, record conflicts; ``updated`` or ``unchanged``."""
        for conflict in merge.conflicts:
            self._connections.add_conflict(
                conn, claim, person_id=person_id, remote_ref=card.href, field=conflict.field,
                base=conflict.base, amity=conflict.amity, server=conflict.server,
                kept=conflict.kept)  # fmt: skip
        if not merge.to_amity:
            return "unchanged"
        self.apply_fields(conn, person_id, merge.to_amity, amity, region, source=source)
        return "updated"

    def _local_base(self, conn: Connection, person_id: int, merge: MergeResult,
                    server: dict[str, Any], claim: RunClaim) -> dict[str, Any]:  # fmt: skip
        """Amity's fields as now synced; a field the server still lacks keeps the server's
        value, so the push that follows sees it as Amity's change and sends it."""
        now = self._fields(conn, [person_id], claim.account.options)[person_id]
        for name in merge.to_server:
            now[name] = server.get(name)
        return now

    def apply_deletions(self, claim: RunClaim, hrefs: Sequence[str]) -> None:
        """Cards gone from the server: their people are archived (restorable), links dropped."""
        if not hrefs:
            return
        lk, p = s.sync_links, s.people
        owner = self._ctx.owner_id
        with self._ctx.write() as conn:
            links = self._links(conn, claim.account.id, list(hrefs))
            outcomes = []
            for href in hrefs:
                link = links.get(href)
                if link is None:
                    continue
                conn.execute(delete(lk).where(lk.c.owner_id == owner, lk.c.id == link.id))
                reason = "deleted on the server"
                if link.local_base and ORGANISATION in link.local_base:
                    reason += "; the organisation stays in Amity"
                elif link.local_base and GROUP in link.local_base:
                    reason += "; the group stays in Amity"
                if link.person_id is not None and not self._linked_elsewhere(conn, link.person_id):
                    conn.execute(update(p).where(p.c.owner_id == owner, p.c.id == link.person_id,
                                                 p.c.archived_at.is_(None))
                                 .values(archived_at=self._ctx.now(), version=p.c.version + 1))  # fmt: skip
                    reason += "; archived in Amity (restorable)"
                outcomes.append(ItemOutcome("deleted", "pull", href, None, "person",
                                            link.person_id, self._name(conn, link.person_id),
                                            reason))  # fmt: skip
            self._connections.record_in(conn, claim, outcomes)

    def _linked_elsewhere(self, conn: Connection, person_id: int) -> bool:
        lk = s.sync_links
        return bool(conn.execute(select(func.count()).where(
            lk.c.owner_id == self._ctx.owner_id, lk.c.person_id == person_id)).scalar_one())  # fmt: skip

    # --- push --------------------------------------------------------------------------------

    def fingerprint(self, claim: RunClaim, collection: str) -> str:
        """A digest of everything a push reads (people, their contact points, birthdays and
        tags, the collection's links), from a few aggregate queries: when it is the same as
        after the last push, nothing in Amity changed and the push can be skipped."""
        import hashlib

        p, cp, d, pt, lk = (s.people, s.contact_points, s.important_dates, s.person_tags,
                            s.sync_links)  # fmt: skip
        owner = self._ctx.owner_id
        queries = [
            select(func.count(), func.sum(p.c.version), func.max(p.c.updated_at),
                   func.count(p.c.archived_at), func.sum(p.c.id)).where(p.c.owner_id == owner),
            select(func.count(), func.sum(cp.c.id), func.sum(func.length(cp.c.value)),
                   func.sum(func.length(func.coalesce(cp.c.label, ""))))
            .where(cp.c.owner_id == owner),
            select(func.count(), func.sum(d.c.id)).where(d.c.owner_id == owner),
            select(func.count(), func.sum(pt.c.tag_id), func.sum(pt.c.person_id))
            .where(pt.c.owner_id == owner),
            select(func.count(), func.sum(lk.c.id), func.max(lk.c.synced_at))
            .where(lk.c.owner_id == owner, lk.c.account_id == claim.account.id,
                   lk.c.collection == collection),
        ]  # fmt: skip
        with self._ctx.read() as conn:
            rows = [tuple(conn.execute(q).one()) for q in queries]
        text = repr((rows, sorted(claim.account.options.items())))
        return hashlib.sha256(text.encode()).hexdigest()

    def pending_push(self, claim: RunClaim, collection: str) -> Iterator[PushItem]:
        """What Amity must send to ``collection``, a batch of people at a time."""
        options = claim.account.options
        if not options.get("push", True):
            return
        lk, p = s.sync_links, s.people
        owner = self._ctx.owner_id
        fresh = self._fresh.pop((claim.account.id, collection), None)
        with self._ctx.read() as conn:
            region = self._ctx.setting("phone.region", conn) or None
            rows = conn.execute(select(lk.c.id, lk.c.person_id, lk.c.local_base).where(
                lk.c.owner_id == owner, lk.c.account_id == claim.account.id,
                lk.c.collection == collection)).all()  # fmt: skip
            unchanged = (fresh.people if fresh is not None
                         and fresh.version == self._ctx.data_version(conn) else set())  # fmt: skip
            scope = self._scope(conn, options)
            archived = set(conn.execute(select(p.c.id).where(
                p.c.owner_id == owner, p.c.archived_at.is_not(None))).scalars())  # fmt: skip
        rows = [r for r in rows if not _is_organisation(r.local_base)]  # never pushed
        linked_people = {r.person_id for r in rows if r.person_id is not None}
        yield from self._gone(claim, [r for r in rows if r.person_id is None
                                      or r.person_id in archived])  # fmt: skip
        live = [
            r
            for r in rows
            if r.person_id is not None and r.person_id in scope and r.person_id not in unchanged
        ]  # just pulled, untouched since: as linked
        for start in range(0, len(live), BATCH):
            yield from self._changed(claim, live[start : start + BATCH], region)
        new = sorted(scope - linked_people)
        for start in range(0, len(new), BATCH):
            yield from self._creations(claim, collection, new[start : start + BATCH], region)

    def _gone(self, claim: RunClaim, rows: list[Any]) -> Iterator[PushItem]:
        """Links whose person was archived or deleted in Amity."""
        allow = bool(claim.account.options.get("allow_delete"))
        skipped = []
        for row in rows:
            if not allow and json.loads(row.local_base or "null") == ARCHIVED:
                continue  # already reported
            with self._ctx.read() as conn:
                link = self._link_by_id(conn, row.id)
                name = self._name(conn, row.person_id)
            if allow:
                yield PushItem("delete", link.href, link.person_id, name or "?", link.etag,
                               link_id=link.id)  # fmt: skip
            else:
                skipped.append(link)
        if skipped:
            with self._ctx.write() as conn:
                for link in skipped:
                    self._update_link(conn, link.id, local_base=ARCHIVED)
                self._connections.record_in(conn, claim, [ItemOutcome(
                    "skipped", "push", link.href, None, "person", link.person_id, None,
                    "archived in Amity; the card stays (the account does not allow deletes)")
                    for link in skipped])  # fmt: skip

    def _changed(self, claim: RunClaim, rows: list[Any], region: str | None) -> Iterator[PushItem]:
        options = claim.account.options
        with self._ctx.read() as conn:
            current = self._fields(conn, [r.person_id for r in rows], options)
            changed = [r for r in rows if _differs(current[r.person_id],
                                                   json.loads(r.local_base or "null"))]  # fmt: skip
            links = {r.id: self._link_by_id(conn, r.id) for r in changed}
        for row in changed:
            link = links[row.id]
            local_base = None if link.local_base == ARCHIVED else link.local_base
            fields = current[row.person_id]
            names = changed_fields(fields, local_base)
            server = _base_fields(link.base, region, options) or {}
            merge = merge_contact(amity=fields, amity_base=local_base, server=server,
                                  server_base=server, fields=_fields_of(options))  # fmt: skip
            card = edit_card(link.base or "", {n: merge.merged.get(n) for n in names
                                                if n in merge.to_server}, region=region)  # fmt: skip
            if not merge.to_server or card == link.base:
                with self._ctx.write() as conn:
                    self._update_link(conn, link.id, local_base=fields)
                continue
            yield PushItem("update", link.href, row.person_id, fields.get("fn") or "?", link.etag,
                           card, fields, link_id=link.id)  # fmt: skip

    def _creations(self, claim: RunClaim, collection: str, ids: list[int],
                   region: str | None) -> Iterator[PushItem]:  # fmt: skip
        from amity.book.transfer.export import export_uid

        p = s.people
        with self._ctx.read() as conn:
            current = self._fields(conn, ids, claim.account.options)
            uids = dict(conn.execute(select(p.c.id, p.c.uid).where(
                p.c.owner_id == self._ctx.owner_id, p.c.id.in_(ids))).all())  # fmt: skip
        for person_id in ids:
            uid = uids.get(person_id) or export_uid(self._ctx.owner_id, person_id)
            fields = current[person_id]
            href = collection.rstrip("/") + "/" + _resource_name(uid)
            yield PushItem("create", href, person_id, fields.get("fn") or "?", None,
                           new_card(fields, uid, region=region), fields, uid)  # fmt: skip

    def pushed(self, claim: RunClaim, collection: str, item: PushItem, etag: str | None) -> None:
        """The server took ``item``: link (or unlink) and record the outcome."""
        lk = s.sync_links
        with self._ctx.write() as conn:
            if item.action == "delete":
                conn.execute(delete(lk).where(lk.c.owner_id == self._ctx.owner_id,
                                              lk.c.id == item.link_id))  # fmt: skip
                outcome = ItemOutcome("deleted", "push", item.href, None, "person", item.person_id,
                                      item.label, "archived in Amity; deleted on the server")  # fmt: skip
            elif item.action == "create":
                self._claim_uid(conn, item)
                self._link(conn, claim, collection, RemoteCard(item.href, etag, item.card or ""),
                           item.person_id, item.uid, item.fields)  # fmt: skip
                outcome = ItemOutcome("created", "push", item.href, item.uid, "person",
                                      item.person_id, item.label)  # fmt: skip
            else:
                self._update_link(conn, item.link_id or 0, etag=etag, base=item.card,
                                  local_base=item.fields)  # fmt: skip
                outcome = ItemOutcome("updated", "push", item.href, None, "person",
                                      item.person_id, item.label)  # fmt: skip
            self._connections.record_in(conn, claim, [outcome])

    def _claim_uid(self, conn: Connection, item: PushItem) -> None:
        p = s.people
        conn.execute(update(p).where(p.c.owner_id == self._ctx.owner_id, p.c.id == item.person_id,
                                     p.c.uid.is_(None)).values(uid=item.uid))  # fmt: skip

    def merge_after_conflict(self, claim: RunClaim, item: PushItem,
                             remote: RemoteCard) -> PushItem | None:  # fmt: skip
        """412: the card changed on the server. Merge it field by field into Amity (recording
        conflicts), and return the card to send again (None: nothing left to send)."""
        with self._ctx.write() as conn:
            region = self._ctx.setting("phone.region", conn) or None
            link = self._link_by_id(conn, item.link_id or 0)
            record = read_card(remote.text, region=region)
            if isinstance(record, RecordError) or link.person_id is None:
                raise InvalidInput(f"the server's new card is unusable: {remote.href}")
            outcome = self._pull_linked(conn, claim, link, remote, record, region)
            self._connections.record_in(conn, claim, [outcome])
            link = self._link_by_id(conn, link.id)
            fields = self._fields(conn, [link.person_id or 0], claim.account.options)
        current = fields[link.person_id or 0]
        names = changed_fields(current, link.local_base)
        if not names:
            return None
        card = edit_card(remote.text, {n: current.get(n) for n in names}, region=region)
        return PushItem("update", link.href, link.person_id, item.label, remote.etag, card,
                        current, link_id=link.id)  # fmt: skip

    def push_failed(self, claim: RunClaim, item: PushItem, reason: str) -> None:
        self._connections.record(claim, [ItemOutcome("error", "push", item.href, item.uid,
                                                     "person", item.person_id, item.label,
                                                     reason)])  # fmt: skip

    def reconcile(self, claim: RunClaim, collection: str, server_count: int) -> dict[str, Any]:
        """The server's count of cards against Amity's live people (and organisations) linked
        to them."""
        lk, p = s.sync_links, s.people
        mine = (lk.c.owner_id == self._ctx.owner_id, lk.c.account_id == claim.account.id,
                lk.c.collection == collection)  # fmt: skip
        with self._ctx.read() as conn:
            amity = conn.execute(select(func.count()).select_from(
                lk.join(p, p.c.id == lk.c.person_id)).where(
                *mine, p.c.archived_at.is_(None))).scalar_one()  # fmt: skip
            amity += conn.execute(select(func.count()).where(
                *mine, lk.c.person_id.is_(None),
                or_(lk.c.local_base.like(f'{{"{ORGANISATION}"%'),
                    lk.c.local_base.like(f'{{"{GROUP}"%')))).scalar_one()  # fmt: skip
        return {"server_count": server_count, "amity_count": int(amity),
                "reconciled": server_count == int(amity)}  # fmt: skip

    # --- conflicts ---------------------------------------------------------------------------

    def resolve(self, conflict_id: int, keep: str) -> SyncConflict:
        """Keep Amity's or the server's value: Amity takes it now, the next run sends it."""
        if keep not in ("amity", "server"):
            raise InvalidInput("keep amity or server", field="keep")
        conflict = self._connections.conflict(conflict_id)
        if conflict.resolved_at is not None:
            raise InvalidInput(f"conflict #{conflict_id} is already resolved")
        if conflict.person_id is None:
            raise NotFound(f"the person of conflict #{conflict_id} is gone")
        value = conflict.amity_value if keep == "amity" else conflict.server_value
        with self._ctx.write() as conn:
            region = self._ctx.setting("phone.region", conn) or None
            account = self._connections.get(conflict.account_id)
            current = self._fields(conn, [conflict.person_id], account.options)
            self.apply_fields(conn, conflict.person_id, {conflict.field: value},
                              current[conflict.person_id], region, source="carddav")  # fmt: skip
            self._connections.mark_resolved(conn, conflict_id, keep)
        return self._connections.conflict(conflict_id)

    # --- Amity's side of a card --------------------------------------------------------------

    def _fields(self, conn: Connection, ids: Sequence[int],
                options: dict[str, Any]) -> dict[int, dict[str, Any]]:  # fmt: skip
        return load_fields(conn, self._ctx.owner_id, ids, **_shared(options))

    def apply_fields(self, conn: Connection, person_id: int, changes: dict[str, Any],
                     before: dict[str, Any], region: str | None, *, source: str) -> None:  # fmt: skip
        """Write synced fields onto a person (lists replace what the field holds)."""
        apply_fields(conn, self._ctx, person_id, changes, before, source=source)

    # --- links -------------------------------------------------------------------------------

    def _links(self, conn: Connection, account_id: int, hrefs: list[str]) -> dict[str, _Link]:
        lk = s.sync_links
        found: dict[str, _Link] = {}
        for start in range(0, len(hrefs), BATCH):
            chunk = hrefs[start : start + BATCH]
            for r in conn.execute(select(lk).where(lk.c.owner_id == self._ctx.owner_id,
                                                   lk.c.account_id == account_id,
                                                   lk.c.remote_ref.in_(chunk))):  # fmt: skip
                found[r.remote_ref] = _link_from(r)
        return found

    def _link_by_id(self, conn: Connection, link_id: int) -> _Link:
        lk = s.sync_links
        row = conn.execute(select(lk).where(lk.c.owner_id == self._ctx.owner_id,
                                            lk.c.id == link_id)).one()  # fmt: skip
        return _link_from(row)

    def _link(self, conn: Connection, claim: RunClaim, collection: str, card: RemoteCard,
              person_id: int | None, uid: str | None, local_base: dict[str, Any]) -> None:  # fmt: skip
        conn.execute(insert(s.sync_links).values(
            **self._link_row(claim, collection, card, person_id, uid, local_base)))  # fmt: skip

    def _link_row(self, claim: RunClaim, collection: str, card: RemoteCard,
                  person_id: int | None, uid: str | None,
                  local_base: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
        return {"owner_id": self._ctx.owner_id, "account_id": claim.account.id,
                "collection": collection, "remote_ref": card.href,
                "remote_uid": (uid or "")[:300] or None, "person_id": person_id,
                "interaction_id": None, "etag": card.etag, "base": card.text,
                "local_base": json.dumps(local_base), "synced_at": self._ctx.now()}  # fmt: skip

    def _update_link(self, conn: Connection, link_id: int, **values: Any) -> None:
        if "local_base" in values:
            values["local_base"] = json.dumps(values["local_base"])
        lk = s.sync_links
        conn.execute(update(lk).where(lk.c.owner_id == self._ctx.owner_id, lk.c.id == link_id)
                     .values(synced_at=self._ctx.now(), **values))  # fmt: skip

    def _scope(self, conn: Connection, options: dict[str, Any]) -> set[int]:
        """Live people who reach the server: everyone, or those in the chosen circles or tags."""
        p, c, t, pt = s.people, s.circles, s.tags, s.person_tags
        owner = self._ctx.owner_id
        query = select(p.c.id).where(p.c.owner_id == owner, p.c.archived_at.is_(None))
        circles = [str(x).lower() for x in options.get("circles") or []]
        tags = [str(x).lower() for x in options.get("tags") or []]
        if not circles and not tags:
            return set(conn.execute(query).scalars())
        chosen: set[int] = set()
        if circles:
            chosen |= set(conn.execute(query.join(c, c.c.id == p.c.circle_id)
                                       .where(func.lower(c.c.name).in_(circles))).scalars())  # fmt: skip
        if tags:
            chosen |= set(conn.execute(query.join(pt, pt.c.person_id == p.c.id)
                                       .join(t, t.c.id == pt.c.tag_id)
                                       .where(t.c.name.in_(tags))).scalars())  # fmt: skip
        return chosen

    def _name(self, conn: Connection, person_id: int | None) -> str | None:
        if person_id is None:
            return None
        p = s.people
        return conn.execute(select(p.c.name).where(p.c.owner_id == self._ctx.owner_id,
                                                   p.c.id == person_id)).scalar()  # fmt: skip

    def _import_options(self) -> Any:
        from amity.book.transfer.plan import PlanOptions
        from amity.book.transfer.reading import own_addresses

        return PlanOptions(False, own_addresses(self._ctx), True)


@dataclass
class _Fresh:
    """People a pull just created and linked: the book's data version is ``version`` as long
    as nothing else wrote since, and then their links' local_base is their current state."""

    version: int
    people: set[int]


def _is_organisation(local_base: str | None) -> bool:
    """A company or group card's link: never pushed, never deleted from the server."""
    base = json.loads(local_base) if local_base else None
    return isinstance(base, dict) and (ORGANISATION in base or GROUP in base)


def _link_from(r: Any) -> _Link:
    return _Link(r.id, r.remote_ref, r.person_id, r.etag, r.base,
                 json.loads(r.local_base) if r.local_base else None)  # fmt: skip


def _base_fields(text: str | None, region: str | None,
                 options: dict[str, Any]) -> dict[str, Any] | None:  # fmt: skip
    if not text:
        return None
    record = read_card(text, region=region)
    if isinstance(record, RecordError):
        return None
    return record_fields(record, **_shared(options))


def _shared(options: dict[str, Any]) -> dict[str, bool]:
    return {"notes": bool(options.get("share_notes")), "tags": bool(options.get("share_tags"))}


def _fields_of(options: dict[str, Any]) -> tuple[str, ...]:
    from amity.rules.sync_merge import FIELDS

    skip = set()
    if not options.get("share_notes"):
        skip.add("note")
    if not options.get("share_tags"):
        skip.add("tags")
    return tuple(f for f in FIELDS if f not in skip)


def _differs(current: dict[str, Any], base: dict[str, Any] | None) -> bool:
    if base is None or base == ARCHIVED:
        return True
    if json.dumps(current, sort_keys=True) == json.dumps(base, sort_keys=True):
        return False
    return any(not same_value(current.get(k), base.get(k)) for k in set(current) | set(base))


def _reason(merge: MergeResult, record: PersonRecord, *, matched: bool = False) -> str | None:
    parts = [w.reason for w in unrecognised_warnings(record)]
    if matched:
        parts.append("matched a person already in Amity")
    if merge.to_amity:
        parts.append("Amity took " + ", ".join(sorted(merge.to_amity)))
    if merge.to_server:
        parts.append("the server will get " + ", ".join(sorted(merge.to_server)))
    if merge.conflicts:
        parts.append("both changed " + ", ".join(f"{c.field} (kept {c.kept})"
                                                 for c in merge.conflicts))  # fmt: skip
    return "; ".join(parts) or None


def _resource_name(uid: str) -> str:
    safe = "".join(ch for ch in uid if ch.isalnum() or ch in "-_.")
    if not safe or safe != uid or len(safe) > 200:
        import hashlib

        safe = hashlib.sha256(uid.encode("utf-8", "surrogatepass")).hexdigest()[:40]
    return safe + ".vcf"
