"""The owner's address book as a CardDAV collection (``book.address_book``), for ``/dav/``.

Every live person is a card named ``<uid>.vcf``. A card's text is the card a client last
PUT (so properties Amity does not know, a photo, labels, come back to the phone untouched)
with Amity's fields written over it; a person no client ever sent is a fresh vCard 3.0.

Changes are numbered per owner (``dav_state.seq``): each ``refresh`` compares every person's
synced fields with what was served (a hash per card), gives changed cards a new ETag and the
next number, and turns archived or deleted people into tombstones. The sync-token is the
highest number, so ``sync-collection`` answers "what changed since N" exactly, deletions
included. ETags are strong: a hash of the exact card text served.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update

from amity.book.context import BookContext
from amity.errors import AmityError, InvalidInput, NotFound
from amity.formats.records import RecordError
from amity.formats.vcard_sync import MAX_CARD_BYTES, edit_card, new_card, read_card, record_fields
from amity.rules.sync_merge import changed_fields
from amity.store import schema as s

TOKEN_PREFIX = "http://amity.invalid/ns/sync/"
#: ``dav_cards.state`` of a company card a client sent: it is an organisation, served as sent
ORGANISATION = "organisation:"
GROUP = "group:"  # a group card from a client: kept as sent, its group in book.groups


class PreconditionFailed(AmityError):
    """If-Match or If-None-Match does not hold (HTTP 412)."""

    code = "precondition_failed"


class InvalidSyncToken(AmityError):
    """A sync-token this address book never gave (HTTP 403, DAV:valid-sync-token)."""

    code = "invalid_sync_token"


@dataclass(frozen=True)
class Member:
    name: str
    etag: str


@dataclass(frozen=True)
class Changes:
    changed: list[Member]
    deleted: list[str]
    token: str


class AddressBook:
    def __init__(self, ctx: BookContext) -> None:
        self._ctx = ctx

    # --- reading -----------------------------------------------------------------------------

    def members(self) -> tuple[list[Member], str]:
        """Every live card and the current sync-token (after bringing them up to date)."""
        seq = self.refresh()
        d = s.dav_cards
        with self._ctx.read() as conn:
            rows = conn.execute(select(d.c.name, d.c.etag).where(
                d.c.owner_id == self._ctx.owner_id, d.c.deleted_at.is_(None))
                .order_by(d.c.name)).all()  # fmt: skip
        return [Member(r.name, r.etag) for r in rows], token_for(seq)

    def changes_since(self, token: str) -> Changes:
        """What changed after ``token`` ('' = everything live)."""
        seq = self.refresh()
        since = 0 if not token else seq_of(token)
        if since > seq:
            raise InvalidSyncToken("this sync-token was not given by this address book")
        d = s.dav_cards
        with self._ctx.read() as conn:
            rows = conn.execute(select(d.c.name, d.c.etag, d.c.deleted_at).where(
                d.c.owner_id == self._ctx.owner_id, d.c.seq > since)
                .order_by(d.c.seq, d.c.name)).all()  # fmt: skip
        changed = [Member(r.name, r.etag) for r in rows if r.deleted_at is None]
        deleted = [r.name for r in rows if r.deleted_at is not None and since > 0]
        return Changes(changed, deleted, token_for(seq))

    def card(self, name: str) -> tuple[str, str]:
        """The card's text and strong ETag; NotFound for anything not live."""
        self.refresh()
        with self._ctx.read() as conn:
            row = self._row(conn, name)
            if row is not None and row.deleted_at is None and _kept_of(row) is not None:
                return row.body, row.etag
            if row is None or row.deleted_at is not None or row.person_id is None:
                raise NotFound(f"no card {name}")
            text = self._render(conn, row.person_id, row.body, row.uid)
        return text, row.etag

    def cards(self, names: list[str]) -> dict[str, tuple[str, str]]:
        """Several cards at once (addressbook-multiget); missing names are left out."""
        self.refresh()
        d = s.dav_cards
        out: dict[str, tuple[str, str]] = {}
        with self._ctx.read() as conn:
            rows = conn.execute(select(d).where(d.c.owner_id == self._ctx.owner_id,
                                                d.c.name.in_(names[:1000]),
                                                d.c.deleted_at.is_(None))).all()  # fmt: skip
            for row in rows:
                if _kept_of(row) is not None:
                    out[row.name] = (row.body, row.etag)
                elif row.person_id is not None:
                    out[row.name] = (self._render(conn, row.person_id, row.body, row.uid), row.etag)
        return out

    # --- writing -----------------------------------------------------------------------------

    def put(self, name: str, text: str, *, if_match: str | None = None,
            if_none_match: bool = False) -> str | None:  # fmt: skip
        """Store a client's card; the new ETag, or None when Amity serves it changed."""
        _check_name(name)
        if len(text.encode("utf-8", "surrogatepass")) > MAX_CARD_BYTES:
            raise InvalidInput("the card is too large", field="card")
        self.refresh()
        with self._ctx.write() as conn:
            region = self._ctx.setting("phone.region", conn) or None
            record = read_card(text, region=region)
            if isinstance(record, RecordError):
                raise InvalidInput(f"not a usable vCard: {record.reason}", field="card")
            row = self._row(conn, name)
            live = row is not None and row.deleted_at is None and row.person_id is not None
            there = live or (row is not None and row.deleted_at is None
                             and _kept_of(row) is not None)  # fmt: skip
            if (if_none_match and there) or (if_match is not None and (
                    not there or row is None or if_match.strip('"') != row.etag)):  # fmt: skip
                raise PreconditionFailed("the card changed on the server")
            if (record.is_org or record.is_group) and not live:
                return self._store_organisation(conn, name, row, record, text)
            if live and row is not None:
                person_id = self._update_person(conn, row, record, region)
            else:
                person_id = self._create_person(conn, record)
            return self._store(conn, name, row, person_id, text, record.uid)

    def delete(self, name: str, *, if_match: str | None = None) -> None:
        """A client deleted the card: the person is archived (restorable), never purged."""
        self.refresh()
        p, d = s.people, s.dav_cards
        with self._ctx.write() as conn:
            row = self._row(conn, name)
            if row is None or row.deleted_at is not None or (
                    row.person_id is None and _kept_of(row) is None):  # fmt: skip
                raise NotFound(f"no card {name}")
            if if_match is not None and if_match.strip('"') != row.etag:
                raise PreconditionFailed("the card changed on the server")
            if row.person_id is not None:  # a company card's organisation stays in the book
                conn.execute(update(p).where(p.c.owner_id == self._ctx.owner_id,
                                             p.c.id == row.person_id)
                             .values(archived_at=self._ctx.now(), version=p.c.version + 1))  # fmt: skip
            conn.execute(update(d).where(d.c.id == row.id).values(
                deleted_at=self._ctx.now(), seq=self._next_seq(conn)))  # fmt: skip

    # --- keeping cards in step with the book -------------------------------------------------

    def refresh(self) -> int:
        """New ETags for changed people, tombstones for gone ones; the current number."""
        from amity.book.contact_fields import load_fields

        owner, p, d = self._ctx.owner_id, s.people, s.dav_cards
        with self._ctx.read() as conn:
            live = dict(conn.execute(select(p.c.id, p.c.uid).where(
                p.c.owner_id == owner, p.c.archived_at.is_(None))).all())  # fmt: skip
            rows = conn.execute(select(d.c.id, d.c.person_id, d.c.name, d.c.body, d.c.state,
                                       d.c.etag, d.c.deleted_at, d.c.uid)
                                .where(d.c.owner_id == owner)).all()  # fmt: skip
            fields = load_fields(conn, owner, sorted(live))
            seq = self._seq(conn)
            o, g = s.organisations, s.contact_groups
            kept = {f"{ORGANISATION}{i}" for i in conn.execute(select(o.c.id).where(
                o.c.owner_id == owner)).scalars()} | {f"{GROUP}{i}" for i in conn.execute(
                select(g.c.id).where(g.c.owner_id == owner)).scalars()}  # fmt: skip
        by_person = {r.person_id: r for r in rows if r.person_id is not None}
        stale = [r for r in rows if r.deleted_at is None and r.person_id not in live
                 and _kept_of(r) not in kept]  # fmt: skip
        work = []
        for person_id in live:
            row = by_person.get(person_id)
            state = _state(fields[person_id], row.body if row else None)
            if row is None or row.state != state or row.deleted_at is not None:
                work.append((person_id, row, state))
        if not work and not stale:
            return seq
        with self._ctx.write() as conn:
            seq = self._next_seq(conn)
            for row in stale:
                conn.execute(update(d).where(d.c.id == row.id).values(deleted_at=self._ctx.now(),
                                                                      seq=seq))  # fmt: skip
            taken = {r.name for r in rows}
            for person_id, row, state in work:
                self._refresh_one(conn, person_id, row, state, live[person_id], seq, taken,
                                  fields[person_id])  # fmt: skip
        return seq

    def _refresh_one(self, conn: Connection, person_id: int, row: Any, state: str,
                     uid: str | None, seq: int, taken: set[str],
                     fields: dict[str, Any]) -> None:  # fmt: skip
        from amity.book.contact_sync import _resource_name
        from amity.book.transfer.export import export_uid

        d = s.dav_cards
        if row is None:
            card_uid = uid or export_uid(self._ctx.owner_id, person_id)
            name = _resource_name(card_uid)
            if name in taken:
                name = f"p{person_id}-{name}"
            taken.add(name)
            text = self._render(conn, person_id, None, card_uid, fields)
            conn.execute(insert(d).values(owner_id=self._ctx.owner_id, person_id=person_id,
                                          name=name, uid=card_uid, state=state, etag=_etag(text),
                                          seq=seq))  # fmt: skip
            return
        etag = _etag(self._render(conn, person_id, row.body, row.uid, fields))
        values: dict[str, Any] = {"state": state, "deleted_at": None}
        if etag != row.etag or row.deleted_at is not None:
            values.update(etag=etag, seq=seq)
        conn.execute(update(d).where(d.c.id == row.id).values(**values))

    def _render(self, conn: Connection, person_id: int, body: str | None, uid: str | None,
                fields: dict[str, Any] | None = None) -> str:  # fmt: skip
        from amity.book.contact_fields import load_fields

        if fields is None:
            fields = load_fields(conn, self._ctx.owner_id, [person_id])[person_id]
        region = self._ctx.setting("phone.region", conn) or None
        if not body:
            return new_card(fields, uid or "", region=region)
        record = read_card(body, region=region)
        if isinstance(record, RecordError):
            return new_card(fields, uid or "", region=region)
        names = changed_fields(fields, record_fields(record))
        return edit_card(body, {n: fields.get(n) for n in names}, region=region)

    def _update_person(self, conn: Connection, row: Any, record: Any, region: str | None) -> int:
        """The client's card changed: its changed fields go into the person."""
        from amity.book.connections import Connections
        from amity.book.contact_fields import load_fields
        from amity.book.contact_sync import ContactSync

        person_id = int(row.person_id)
        served = self._render(conn, person_id, row.body, row.uid)
        before = read_card(served, region=region)
        base = record_fields(before) if not isinstance(before, RecordError) else None
        new = record_fields(record)
        names = changed_fields(new, base)
        if names:
            current = load_fields(conn, self._ctx.owner_id, [person_id])[person_id]
            ContactSync(self._ctx, Connections(self._ctx)).apply_fields(
                conn, person_id, {n: new.get(n) for n in names}, current, region,
                source="carddav")  # fmt: skip
        return person_id

    def _create_person(self, conn: Connection, record: Any) -> int:
        """A new card from a client: the import pipeline finds or creates its person."""
        from amity.book.transfer.apply import Applier
        from amity.book.transfer.plan import ImportPlan, Planner, PlanOptions
        from amity.book.transfer.reading import own_addresses

        planner = Planner(self._ctx, PlanOptions(False, own_addresses(self._ctx), True))
        plan = ImportPlan()
        planner.plan(conn, [record], plan)
        applier = Applier(self._ctx)
        applier.apply_people(conn, plan.people)
        target = planner.target_of(record)
        if target is None:
            raise InvalidInput("the card has no name, e-mail or organisation", field="card")
        return applier.id_of(target)

    def _store_organisation(self, conn: Connection, name: str, row: Any, record: Any,
                            text: str) -> str:  # fmt: skip
        """A company card from a client is an organisation, a group card a group (never a
        person); the card is kept and served as sent, so the phone keeps it; deleting it leaves
        the organisation or group in the book."""
        from amity.book.groups import Groups
        from amity.book.organisations import Organisations
        from amity.book.transfer.keys import group_card, organisation_card

        if record.is_group:
            _, group_id = Groups(self._ctx).upsert_in(conn, group_card(record))
            state = f"{GROUP}{group_id}"
        else:
            _, org_id = Organisations(self._ctx).upsert_in(conn, organisation_card(record))
            state = f"{ORGANISATION}{org_id}"
        d = s.dav_cards
        values = {"person_id": None, "body": text, "state": state,
                  "etag": _etag(text), "seq": self._next_seq(conn), "deleted_at": None,
                  "uid": record.uid}  # fmt: skip
        if row is None:
            conn.execute(insert(d).values(owner_id=self._ctx.owner_id, name=name, **values))
        else:
            conn.execute(update(d).where(d.c.id == row.id).values(**values))
        return _etag(text)

    def _store(self, conn: Connection, name: str, row: Any, person_id: int, text: str,
               uid: str | None) -> str | None:  # fmt: skip
        from amity.book.contact_fields import load_fields

        d = s.dav_cards
        seq = self._next_seq(conn)
        served = self._render(conn, person_id, text, uid)
        fields = load_fields(conn, self._ctx.owner_id, [person_id])[person_id]
        values = {"person_id": person_id, "body": text, "state": _state(fields, text),
                  "etag": _etag(served), "seq": seq, "deleted_at": None, "uid": uid}  # fmt: skip
        other = conn.execute(select(d.c.id).where(
            d.c.owner_id == self._ctx.owner_id, d.c.person_id == person_id,
            d.c.name != name)).scalar()  # fmt: skip
        if other is not None:  # the person had another card: this one replaces it
            conn.execute(update(d).where(d.c.id == other).values(
                person_id=None, deleted_at=self._ctx.now(), seq=seq))  # fmt: skip
        if row is None:
            conn.execute(insert(d).values(owner_id=self._ctx.owner_id, name=name, **values))
        else:
            conn.execute(update(d).where(d.c.id == row.id).values(**values))
        return _etag(served) if served == text else None

    # --- helpers -----------------------------------------------------------------------------

    def _row(self, conn: Connection, name: str) -> Any:
        d = s.dav_cards
        return conn.execute(select(d).where(d.c.owner_id == self._ctx.owner_id,
                                            d.c.name == name)).first()  # fmt: skip

    def _seq(self, conn: Connection) -> int:
        t = s.dav_state
        value = conn.execute(select(t.c.seq).where(t.c.owner_id == self._ctx.owner_id)).scalar()
        return int(value or 0)

    def _next_seq(self, conn: Connection) -> int:
        """The next change number (the row lock serialises writers on PostgreSQL)."""
        t = s.dav_state
        done = conn.execute(update(t).where(t.c.owner_id == self._ctx.owner_id)
                            .values(seq=t.c.seq + 1)).rowcount  # fmt: skip
        if done == 0:
            conn.execute(insert(t).values(owner_id=self._ctx.owner_id, seq=1))
        return self._seq(conn)


def token_for(seq: int) -> str:
    return f"{TOKEN_PREFIX}{seq}"


def seq_of(token: str) -> int:
    text = token.strip()
    number = text.removeprefix(TOKEN_PREFIX)
    if text == number or not number.isdigit() or len(number) > 9:
        raise InvalidSyncToken("this sync-token was not given by this address book")
    return int(number)


def _kept_of(row: Any) -> str | None:
    """What a card kept as sent stands for: "organisation:ID" for a company card (see
    `ORGANISATION`), "group:ID" for a group card (see `GROUP`); None for a person's card."""
    state = row.state or ""
    return state if state.startswith((ORGANISATION, GROUP)) else None


def _etag(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _state(fields: dict[str, Any], body: str | None) -> str:
    data = json.dumps(fields, sort_keys=True) + "\x00" + (body or "")
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()


def _check_name(name: str) -> None:
    if not name or len(name) > 300 or "/" in name or name in (".", "..") or "\x00" in name:
        raise InvalidInput("not a card name", field="name")
