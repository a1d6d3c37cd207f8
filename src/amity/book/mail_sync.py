"""Mail sync in the Book (``book.mail_sync``): messages fetched by the IMAP source become the
same interactions an mbox import makes, one transaction per batch.

A batch is parsed with the mbox importer's header reader (``formats/mail``), planned and
applied with the import pipeline (``book/transfer``: mail is logged only with people already in
the book; ``(source, source_ref)`` keeps every message once, whichever folder, file or account
brought it), its threads analysed (inbound mail needs a reply until a later outbound message
of its thread answers it), and in the same transaction: an outcome per message, the people
you write to who are not in the book (``mail_correspondents``, proposed and never created),
notes captured by mail, a link per Message-ID (``sync_links``: a message seen again after a
UIDVALIDITY change or in a second folder changes nothing) and the folder's cursor. A failure
half-way loses nothing: the next run starts after the last committed batch.

- **Me**: the ``me.emails`` setting plus the account's address, case-insensitive.
- **Bulk** (List-Id, List-Unsubscribe, Precedence bulk/list/junk, Auto-Submitted other than
  ``no``, no-reply senders): skipped, never a person or a proposal.
- **Capture by mail**: messages in the account's capture folder, or sent to its ``+amity``
  address, become dated notes on the people they name (their other recipients, or the
  original From/To/Cc of a forwarded message), not interactions.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from amity.book.connections import Connections
from amity.book.context import BookContext
from amity.errors import NotFound
from amity.formats.mail import Headers, addresses, message_to_interaction
from amity.formats.mail_body import body_text, snippet
from amity.formats.records import InteractionRecord, RecordError, SkippedRecord
from amity.model.mail import Correspondent, FetchedMessage
from amity.model.sync import ItemOutcome, RunClaim
from amity.store import schema as s

CAPTURE_TAG = "+amity@"


@dataclass
class _Parsed:
    message: FetchedMessage
    ref: str  # folder/UID, for outcomes of messages without a usable Message-ID
    item: InteractionRecord | SkippedRecord | RecordError


class MailSync:
    def __init__(self, ctx: BookContext, connections: Connections) -> None:
        self._ctx = ctx
        self._connections = connections

    # --- who is me ---------------------------------------------------------------------------

    def own_addresses(self, options: dict[str, Any], username: str | None) -> frozenset[str]:
        """``me.emails`` plus the account's address (its ``address`` option, else a user
        name that is an address), lower-cased."""
        own = {e.strip().lower() for e in self._ctx.setting("me.emails") or [] if e.strip()}
        address = account_address(options, username)
        if address:
            own.add(address)
        return frozenset(own)

    # --- one batch -----------------------------------------------------------------------------

    def apply_batch(self, claim: RunClaim, folder: str, messages: Sequence[FetchedMessage],
                    cursor: dict[str, Any], *, capture: bool = False,
                    replay: bool = False) -> list[ItemOutcome]:  # fmt: skip
        """Apply a batch of one folder, record its outcomes and save ``cursor``, all in one
        transaction. ``capture``: the folder is the account's capture folder; ``replay``: the
        messages were synced before and are read again for people added since
        (``book/mail_replay``)."""
        options = claim.account.options
        own = self.own_addresses(options, claim.account.username)
        tag = capture_address(options, claim.account.username)
        with self._ctx.write() as conn:
            outcomes: list[ItemOutcome] = []
            mail: list[_Parsed] = []
            notes: list[tuple[FetchedMessage, Headers]] = []
            marker = tag.encode("utf-8", "replace") if tag else None
            for message in messages:
                ref = f"{folder}/{message.uid}"
                maybe = capture or (marker is not None and marker in message.header.lower())
                headers = _headers(message.header) if maybe else None
                if capture or (tag and headers is not None and _sent_to(headers, tag)):
                    if headers is None:
                        outcomes.append(
                            ItemOutcome("error", "pull", ref, reason="unreadable header")
                        )
                    else:
                        notes.append((message, headers))
                    continue
                item = message_to_interaction(message.header, message.uid, own=own)
                if isinstance(item, InteractionRecord | SkippedRecord | RecordError):
                    mail.append(_Parsed(message, ref, item))
            if replay:
                from amity.book.mail_replay import replay_records

                records = [p.item for p in mail if isinstance(p.item, InteractionRecord)]
                for record in records:
                    record.source = "mail"
                outcomes = replay_records(conn, self._ctx, claim, folder, records, own)
                notes = []
            else:
                outcomes += self._log_mail(conn, claim, folder, mail, options)
            if notes:
                from amity.book.mail_capture import capture_notes

                outcomes += capture_notes(conn, self._ctx, claim, folder, notes, own | {tag or ""})
            self._connections.record_in(conn, claim, outcomes)
            self._connections.save_cursor(claim, cursor, conn)
        return outcomes

    def _log_mail(self, conn: Connection, claim: RunClaim, folder: str, parsed: list[_Parsed],
                  options: dict[str, Any]) -> list[ItemOutcome]:  # fmt: skip
        from amity.book.transfer.apply import Applier, analyse_threads_in
        from amity.book.transfer.plan import ImportPlan, Planner, PlanOptions

        outcomes: list[ItemOutcome] = []
        records: list[tuple[_Parsed, InteractionRecord]] = []
        for p in parsed:
            if isinstance(p.item, RecordError):
                outcomes.append(ItemOutcome("error", "pull", p.ref, label=p.item.record[:300],
                                            reason=p.item.reason))  # fmt: skip
            elif isinstance(p.item, SkippedRecord):
                outcomes.append(ItemOutcome("skipped", "pull", p.ref, label=p.item.record[:300],
                                            reason=p.item.reason))  # fmt: skip
            else:
                p.item.source = "mail"
                if options.get("snippets") and p.message.body:
                    text = body_text(p.message.body, p.message.encoding, p.message.charset,
                                     html=p.message.html)  # fmt: skip
                    p.item.notes = snippet(text)
                records.append((p, p.item))
        if not records:
            return outcomes
        seen = self._seen(conn, claim.account.id, [_key(r) for _, r in records])
        fresh: list[InteractionRecord] = []
        for _, record in records:
            key = _key(record)
            if key in seen:
                outcomes.append(ItemOutcome("unchanged", "pull", key, label=_label(record),
                                            record_kind="interaction", record_id=seen[key],
                                            reason="already synced"))  # fmt: skip
            else:
                seen[key] = None
                fresh.append(record)
        if not fresh:
            return outcomes
        own = self.own_addresses(options, claim.account.username)
        planner = Planner(self._ctx, PlanOptions(False, own, True))
        plan = ImportPlan()
        planner.plan(conn, fresh, plan)
        Applier(self._ctx).apply_interactions(conn, plan.interactions)
        created = {id(d.record) for d in plan.interactions if d.existing_id is None}
        ids = self._interaction_ids(conn, [r.source_ref for r in fresh])
        known = self._in_book(conn, {a for r in fresh for a in _everyone(r)})
        proposals = _Proposals()
        links = []
        now = self._ctx.now()
        for record in fresh:
            interaction_id = ids.get(record.source_ref)
            strangers = [a for a in _everyone(record) if a not in known and a not in own]
            proposals.count(record, strangers)
            if id(record) in created:
                outcome, reason = "created", None
            elif interaction_id is not None:
                outcome, reason = "unchanged", "already in the book (imported or synced before)"
            else:
                outcome = "skipped"
                reason = "no one in the book" + (
                    f"; proposed: {', '.join(strangers[:3])}" if record.direction == "outbound"
                    and strangers else "")  # fmt: skip
            outcomes.append(ItemOutcome(outcome, "pull", _key(record), label=_label(record),
                                        record_kind="interaction" if interaction_id else None,
                                        record_id=interaction_id, reason=reason))  # fmt: skip
            links.append({"owner_id": self._ctx.owner_id, "account_id": claim.account.id,
                          "collection": folder[:1000], "remote_ref": _key(record),
                          "interaction_id": interaction_id, "synced_at": now})  # fmt: skip
        conn.execute(insert(s.sync_links), links)
        proposals.write(conn, self._ctx, claim.account.id)
        analyse_threads_in(conn, self._ctx.owner_id, plan.thread_keys)
        return outcomes

    def _seen(self, conn: Connection, account_id: int, keys: list[str]) -> dict[str, int | None]:
        """Message-IDs this account synced before -> their interaction (or None)."""
        lk = s.sync_links
        rows = conn.execute(select(lk.c.remote_ref, lk.c.interaction_id).where(
            lk.c.owner_id == self._ctx.owner_id, lk.c.account_id == account_id,
            lk.c.remote_ref.in_(sorted(set(keys)))))  # fmt: skip
        return {r.remote_ref: r.interaction_id for r in rows}

    def _interaction_ids(self, conn: Connection, refs: list[str]) -> dict[str, int]:
        i = s.interactions
        rows = conn.execute(select(i.c.id, i.c.source_ref).where(
            i.c.owner_id == self._ctx.owner_id, i.c.source == "mail",
            i.c.source_ref.in_(sorted(set(refs)))))  # fmt: skip
        return {r.source_ref: r.id for r in rows}

    def _in_book(self, conn: Connection, emails: set[str]) -> set[str]:
        cp = s.contact_points
        found: set[str] = set()
        ordered = sorted(emails)
        for start in range(0, len(ordered), 500):
            found.update(conn.execute(select(cp.c.normalized).where(
                cp.c.owner_id == self._ctx.owner_id, cp.c.kind == "email",
                cp.c.normalized.in_(ordered[start : start + 500]))).scalars())  # fmt: skip
        return found

    # --- people you write to -----------------------------------------------------------------

    def suggestions(self, *, include_dismissed: bool = False,
                    limit: int = 200) -> builtins.list[Correspondent]:  # fmt: skip
        """People you wrote to who are not in the book, most written to first (an address that
        has since reached the book is left out)."""
        mc, cp = s.mail_correspondents, s.contact_points
        statuses = ("open", "dismissed") if include_dismissed else ("open",)
        in_book = select(cp.c.id).where(cp.c.owner_id == mc.c.owner_id, cp.c.kind == "email",
                                        cp.c.normalized == mc.c.email).exists()  # fmt: skip
        with self._ctx.read() as conn:
            rows = conn.execute(
                select(mc)
                .where(mc.c.owner_id == self._ctx.owner_id, mc.c.sent_count > 0,
                       mc.c.status.in_(statuses), ~in_book)
                .order_by(mc.c.sent_count.desc(), mc.c.last_at.desc(), mc.c.id)
                .limit(max(1, min(limit, 1000)))
            ).all()  # fmt: skip
        return [_correspondent(r) for r in rows]

    def suggestion(self, ref: int | str) -> Correspondent:
        mc = s.mail_correspondents
        key = mc.c.id == int(ref) if str(ref).isdigit() else mc.c.email == str(ref).strip().lower()
        with self._ctx.read() as conn:
            row = conn.execute(select(mc).where(mc.c.owner_id == self._ctx.owner_id, key)).first()
        if row is None:
            raise NotFound(f"no proposed person {ref!r}")
        return _correspondent(row)

    def add_suggestion(self, ref: int | str, *, name: str | None = None) -> int:
        """Add a proposed correspondent to the book (name and address), or link them to the
        person who has their address already; the person's id."""
        from amity.book.people import People
        from amity.book.people.input import PersonInput

        found = self.suggestion(ref)
        cp = s.contact_points
        with self._ctx.read() as conn:
            existing = conn.execute(select(cp.c.person_id).where(
                cp.c.owner_id == self._ctx.owner_id, cp.c.kind == "email",
                cp.c.normalized == found.email)).scalar()  # fmt: skip
        if existing is None:
            label = (name or found.name or "").strip() or found.email
            existing = People(self._ctx).add(PersonInput(name=label, emails=[found.email])).id
        # "adding": the next run of each mail account logs their earlier mail with them
        self._set_status(found.id, "adding" if self._has_mail() else "added",
                         person_id=int(existing))  # fmt: skip
        return int(existing)

    def _has_mail(self) -> bool:
        t = s.sync_accounts
        with self._ctx.read() as conn:
            return conn.execute(select(t.c.id).where(t.c.owner_id == self._ctx.owner_id,
                                                     t.c.kind == "imap").limit(1)).first() is not None  # fmt: skip

    def pending_replays(self, *, limit: int = 20) -> builtins.list[str]:
        """Addresses of people added from the proposals whose earlier mail is not read yet."""
        mc = s.mail_correspondents
        with self._ctx.read() as conn:
            return list(conn.execute(select(mc.c.email).where(
                mc.c.owner_id == self._ctx.owner_id, mc.c.status == "adding")
                .order_by(mc.c.id).limit(limit)).scalars())  # fmt: skip

    def finish_replays(self, emails: Sequence[str]) -> None:
        mc = s.mail_correspondents
        with self._ctx.write() as conn:
            conn.execute(update(mc).where(mc.c.owner_id == self._ctx.owner_id,
                                          mc.c.status == "adding", mc.c.email.in_(list(emails)))
                         .values(status="added"))  # fmt: skip

    def dismiss_suggestion(self, ref: int | str) -> Correspondent:
        found = self.suggestion(ref)
        self._set_status(found.id, "dismissed")
        return self.suggestion(found.id)

    def _set_status(self, row_id: int, status: str, *, person_id: int | None = None) -> None:
        mc = s.mail_correspondents
        values: dict[str, Any] = {"status": status}
        if person_id is not None:
            values["person_id"] = person_id
        with self._ctx.write() as conn:
            conn.execute(update(mc).where(mc.c.owner_id == self._ctx.owner_id, mc.c.id == row_id)
                         .values(**values))  # fmt: skip


# --- helpers -----------------------------------------------------------------------------------


def account_address(options: dict[str, Any], username: str | None) -> str | None:
    address = str(options.get("address") or "").strip().lower()
    if not address and username and "@" in username:
        address = username.strip().lower()
    return address or None


def capture_address(options: dict[str, Any], username: str | None) -> str | None:
    """``local+amity@domain`` of the account's address (None without an address)."""
    address = account_address(options, username)
    if not address:
        return None
    local, _, domain = address.partition("@")
    return f"{local.split('+', 1)[0]}{CAPTURE_TAG}{domain}"


def _headers(raw: bytes) -> Headers | None:
    try:
        return Headers.parse(raw.decode("utf-8", errors="replace"))
    except Exception:  # a broken header block is an error outcome, never a crash
        return None


def _sent_to(headers: Headers, address: str) -> bool:
    for name in ("To", "Cc", "Delivered-To", "X-Original-To"):
        if any(a == address for _, a in addresses(headers, name)):
            return True
    return False


def _key(record: InteractionRecord) -> str:
    return (record.message_id or record.source_ref)[:1000]


def _label(record: InteractionRecord) -> str:
    return (record.subject or record.message_id or "(no subject)")[:300]


def _everyone(record: InteractionRecord) -> list[str]:
    found = [a.lower() for a in record.participant_emails]
    if record.sender_email and record.sender_email.lower() not in found:
        found.append(record.sender_email.lower())
    return found


class _Proposals:
    """Counts for ``mail_correspondents`` from one batch: outbound mail counts for each
    recipient not in the book, inbound mail for a sender not in the book."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}

    def count(self, record: InteractionRecord, strangers: list[str]) -> None:
        if record.direction == "outbound":
            targets, counter = strangers, "sent_count"
        else:
            sender = (record.sender_email or "").lower()
            targets, counter = ([sender] if sender in strangers else []), "received_count"
        for email in targets:
            if len(email) > 320:
                continue
            row = self.rows.setdefault(email, {"sent_count": 0, "received_count": 0,
                                               "first_at": record.occurred_at,
                                               "last_at": record.occurred_at,
                                               "name": None, "last_subject": None})  # fmt: skip
            row[counter] += 1
            row["first_at"] = min(row["first_at"], record.occurred_at)
            if record.occurred_at >= row["last_at"]:
                row["last_at"] = record.occurred_at
                row["last_subject"] = (record.subject or "")[:300] or None
            name = record.names_by_email.get(email)
            if name:
                row["name"] = " ".join(name.replace("\x00", "").split())[:300]

    def write(self, conn: Connection, ctx: BookContext, account_id: int) -> None:
        if not self.rows:
            return
        mc = s.mail_correspondents
        owner = ctx.owner_id
        existing = {r.email: r for r in conn.execute(select(mc).where(
            mc.c.owner_id == owner, mc.c.email.in_(sorted(self.rows))))}  # fmt: skip
        updates, inserts = [], []
        for email, row in self.rows.items():
            old = existing.get(email)
            if old is None:
                inserts.append({"owner_id": owner, "email": email, "status": "open",
                                "account_id": account_id, "created_at": ctx.now(), **row})  # fmt: skip
                continue
            last = max(filter(None, [old.last_at, row["last_at"]]))
            newer = old.last_at is None or row["last_at"] >= old.last_at
            updates.append({
                "row_id": old.id, "add_sent": row["sent_count"],
                "add_received": row["received_count"],
                "new_first": min(filter(None, [old.first_at, row["first_at"]])),
                "new_last": last, "new_name": row["name"] or old.name,
                "new_subject": row["last_subject"] if newer else old.last_subject,
            })  # fmt: skip
        if inserts:
            conn.execute(insert(mc), inserts)
        if updates:
            conn.execute(
                update(mc)
                .where(mc.c.id == bindparam("row_id"))
                .values(sent_count=mc.c.sent_count + bindparam("add_sent"),
                        received_count=mc.c.received_count + bindparam("add_received"),
                        first_at=bindparam("new_first"), last_at=bindparam("new_last"),
                        name=bindparam("new_name"), last_subject=bindparam("new_subject")),
                updates,
            )  # fmt: skip


def _correspondent(r: Any) -> Correspondent:
    return Correspondent(r.id, r.email, r.name, r.sent_count, r.received_count, r.first_at,
                         r.last_at, r.last_subject, r.status, r.person_id)  # fmt: skip
