"""Connected accounts (``book.connections``): accounts, leases, runs, outcomes, conflicts.

Generic over the source kind: a CardDAV address book, a CalDAV calendar, an ICS address or an
IMAP mailbox is one row of ``sync_accounts`` with its sealed secret, its options and its cursor
(opaque JSON that only the source's code reads). A run:

1. ``claim(account)`` takes the account's lease in one conditional UPDATE (``lease_until`` in
   the past), so one run at a time per account across processes and web workers; it returns a
   :class:`RunClaim` (or None when another run holds the lease);
2. the source's code records outcomes (``record``), in the same transaction as the data they
   describe when it writes through the Book (``record_in``), and moves the cursor
   (``save_cursor``) only after what it covers is stored, so a failure half-way resumes there;
3. ``finish(claim, error=...)`` closes the run, counts failures in a row and sets the next run
   time with back-off (:func:`amity.model.sync.backoff_minutes`), and releases the lease.
"""

from __future__ import annotations

import builtins
import json
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, Engine, delete, func, insert, or_, select, update

from amity.book.context import BookContext, insert_id
from amity.crypto import SecretBox
from amity.errors import Conflict, InvalidInput, NotFound
from amity.model.sync import (
    DIRECTIONS,
    OUTCOMES,
    SIDES,
    SOURCE_KINDS,
    ItemOutcome,
    RunClaim,
    SyncAccount,
    SyncConflict,
    SyncRun,
    backoff_minutes,
)
from amity.store import schema as s

LEASE = timedelta(minutes=15)
PURPOSE = "sync"  # the key of amity.crypto that seals connected accounts' passwords
MAX_NAME = 200
MAX_URL = 2000
MAX_ERROR = 2000
OPTION_BYTES = 20_000
CURSOR_BYTES = 1_000_000


class Connections:
    """``book.connections``: the one connected-accounts mechanism every source kind shares."""

    def __init__(self, ctx: BookContext) -> None:
        self._ctx = ctx

    # --- accounts --------------------------------------------------------------------------

    def add(
        self,
        kind: str,
        url: str,
        *,
        name: str | None = None,
        username: str | None = None,
        secret: str | None = None,
        options: dict[str, Any] | None = None,
        interval_minutes: int = 15,
    ) -> SyncAccount:
        """A new account, due at once; ``secret`` is sealed before it is stored."""
        if kind not in SOURCE_KINDS:
            raise InvalidInput(f"unknown account kind {kind!r}; kinds: {', '.join(SOURCE_KINDS)}",
                               field="kind")  # fmt: skip
        url = _checked_url(url)
        username = _checked_text(username, 320, "username")
        options_text = _json(options or {}, OPTION_BYTES, "options")
        _check_interval(interval_minutes)
        now = self._ctx.now()
        t = s.sync_accounts
        with self._ctx.write() as conn:
            chosen = self._free_name(conn, name or _default_name(kind, url))
            account_id = insert_id(conn, insert(t).values(
                owner_id=self._ctx.owner_id, kind=kind, name=chosen, url=url, username=username,
                options=options_text, cursor="{}", enabled=True, interval_minutes=interval_minutes,
                next_run_at=now, failures=0, created_at=now))  # fmt: skip
            if secret:
                conn.execute(
                    update(t)
                    .where(t.c.id == account_id)
                    .values(secret=self._seal(secret, account_id))
                )
            return self._load(conn, account_id)

    def _free_name(self, conn: Connection, wanted: str) -> str:
        base = " ".join(wanted.split())[: MAX_NAME - 4] or "account"
        t = s.sync_accounts
        taken = set(conn.execute(select(t.c.name).where(t.c.owner_id == self._ctx.owner_id))
                    .scalars())  # fmt: skip
        if base not in taken:
            return base
        return next(f"{base} {n}" for n in range(2, 10_000) if f"{base} {n}" not in taken)

    def list(self) -> builtins.list[SyncAccount]:
        """Every account with its last run, oldest first."""
        t = s.sync_accounts
        with self._ctx.read() as conn:
            rows = conn.execute(select(t).where(t.c.owner_id == self._ctx.owner_id)
                                .order_by(t.c.id)).all()  # fmt: skip
            accounts = [self._account(r) for r in rows]
            last = self._last_runs(conn, [a.id for a in accounts])
        for account in accounts:
            account.last_run = last.get(account.id)
        return accounts

    def get(self, ref: str | int) -> SyncAccount:
        with self._ctx.read() as conn:
            account = self._load(conn, self._resolve(conn, ref))
            account.last_run = self._last_runs(conn, [account.id]).get(account.id)
            return account

    def remove(self, ref: str | int) -> SyncAccount:
        """Forget the account, its runs, links and conflicts; the people it brought stay."""
        with self._ctx.write() as conn:
            account = self._load(conn, self._resolve(conn, ref))
            conn.execute(delete(s.sync_accounts).where(
                s.sync_accounts.c.owner_id == self._ctx.owner_id,
                s.sync_accounts.c.id == account.id))  # fmt: skip
            return account

    def configure(
        self,
        ref: str | int,
        *,
        options: dict[str, Any] | None = None,
        enabled: bool | None = None,
        interval_minutes: int | None = None,
        username: str | None = None,
        secret: str | None = None,
    ) -> SyncAccount:
        """Change what is given (``options`` are merged into the account's)."""
        t = s.sync_accounts
        with self._ctx.write() as conn:
            account = self._load(conn, self._resolve(conn, ref))
            values: dict[str, Any] = {}
            if options is not None:
                merged = {**account.options, **options}
                values["options"] = _json(merged, OPTION_BYTES, "options")
            if enabled is not None:
                values["enabled"] = enabled
                values["next_run_at"] = self._ctx.now() if enabled else account.next_run_at
            if interval_minutes is not None:
                _check_interval(interval_minutes)
                values["interval_minutes"] = interval_minutes
            if username is not None:
                values["username"] = _checked_text(username, 320, "username")
            if secret is not None:
                values["secret"] = self._seal(secret, account.id) if secret else None
            if values:
                conn.execute(update(t).where(t.c.owner_id == self._ctx.owner_id,
                                             t.c.id == account.id).values(**values))  # fmt: skip
            return self._load(conn, account.id)

    def secret(self, ref: str | int) -> str | None:
        """The account's password, opened for the source's client; never shown or logged."""
        t = s.sync_accounts
        with self._ctx.read() as conn:
            account_id = self._resolve(conn, ref)
            sealed = conn.execute(select(t.c.secret).where(t.c.id == account_id)).scalar()
        if not sealed:
            return None
        return self._box().unseal_text(PURPOSE, str(sealed), context=self._context(account_id))

    def cursor(self, ref: str | int) -> dict[str, Any]:
        t = s.sync_accounts
        with self._ctx.read() as conn:
            account_id = self._resolve(conn, ref)
            text = conn.execute(select(t.c.cursor).where(t.c.id == account_id)).scalar()
        return dict(json.loads(text or "{}"))

    def failing(self) -> builtins.list[SyncAccount]:
        """Enabled accounts whose last run failed: the banner on Today."""
        return [a for a in self.list() if a.status == "failing"]

    # --- runs --------------------------------------------------------------------------------

    def claim(self, ref: str | int, *, trigger: str = "manual",
              lease: timedelta = LEASE) -> RunClaim | None:  # fmt: skip
        """Take the account's lease and open a run; None when another run holds it."""
        now = self._ctx.now()
        token = secrets.token_hex(16)
        t, r = s.sync_accounts, s.sync_runs
        with self._ctx.write() as conn:
            account_id = self._resolve(conn, ref)
            taken = conn.execute(
                update(t)
                .where(t.c.owner_id == self._ctx.owner_id, t.c.id == account_id,
                       or_(t.c.lease_until.is_(None), t.c.lease_until < now))
                .values(lease_until=now + lease, lease_token=token, last_run_at=now)
            ).rowcount  # fmt: skip
            if taken != 1:
                return None
            run_id = insert_id(conn, insert(r).values(
                owner_id=self._ctx.owner_id, account_id=account_id, trigger=trigger[:20],
                status="running", started_at=now))  # fmt: skip
            return RunClaim(self._load(conn, account_id), run_id, token)

    def record(self, claim: RunClaim, outcomes: Sequence[ItemOutcome]) -> None:
        """Store outcomes in a transaction of their own (the source wrote nothing in Amity)."""
        if not outcomes:
            return
        with self._ctx.write() as conn:
            self.record_in(conn, claim, outcomes)

    def record_in(self, conn: Connection, claim: RunClaim, outcomes: Sequence[ItemOutcome]) -> None:
        """Store outcomes in the caller's transaction and count them on the claim."""
        rows = []
        for item in outcomes:
            if item.outcome not in OUTCOMES or item.direction not in DIRECTIONS:
                raise ValueError(f"unknown outcome {item.outcome!r}/{item.direction!r}")
            claim.count(item.outcome)
            rows.append({"owner_id": self._ctx.owner_id, "run_id": claim.run_id,
                         "direction": item.direction, "outcome": item.outcome,
                         "remote_ref": _cut(item.remote_ref, 1000), "uid": _cut(item.uid, 300),
                         "record_kind": item.record_kind, "record_id": item.record_id,
                         "label": _cut(item.label, 300), "reason": _cut(item.reason, MAX_ERROR)})  # fmt: skip
        if rows:
            conn.execute(insert(s.sync_items), rows)
        self._save_counts(conn, claim)

    def save_cursor(self, claim: RunClaim, cursor: dict[str, Any],
                    conn: Connection | None = None) -> None:  # fmt: skip
        """Move the account's cursor (after what it covers is stored) and extend the lease."""
        text = _json(cursor, CURSOR_BYTES, "cursor")
        t = s.sync_accounts
        statement = (
            update(t)
            .where(t.c.owner_id == self._ctx.owner_id, t.c.id == claim.account.id,
                   t.c.lease_token == claim.lease_token)
            .values(cursor=text, lease_until=self._ctx.now() + LEASE)
        )  # fmt: skip
        if conn is not None:
            self._holding(conn.execute(statement).rowcount)
            return
        with self._ctx.write() as c:
            self._holding(c.execute(statement).rowcount)

    @staticmethod
    def _holding(rowcount: int) -> None:
        if rowcount != 1:
            raise Conflict("this run lost its lease on the account (another run took over)")

    def finish(self, claim: RunClaim, *, error: str | None = None) -> SyncRun:
        """Close the run (failed when ``error``), schedule the next one, release the lease."""
        now = self._ctx.now()
        t, r = s.sync_accounts, s.sync_runs
        error = _cut(error, MAX_ERROR)
        with self._ctx.write() as conn:
            row = conn.execute(select(t.c.failures, t.c.interval_minutes, t.c.lease_token).where(
                t.c.owner_id == self._ctx.owner_id, t.c.id == claim.account.id)).one()  # fmt: skip
            failures = row.failures + 1 if error else 0
            values: dict[str, Any] = {
                "failures": failures,
                "last_error": error,
                "next_run_at": now + timedelta(minutes=backoff_minutes(failures,
                                                                       row.interval_minutes)),
            }  # fmt: skip
            if not error:
                values["last_success_at"] = now
            if row.lease_token == claim.lease_token:
                values.update(lease_until=None, lease_token=None)
            conn.execute(update(t).where(t.c.owner_id == self._ctx.owner_id,
                                         t.c.id == claim.account.id).values(**values))  # fmt: skip
            conn.execute(update(r).where(r.c.owner_id == self._ctx.owner_id,
                                         r.c.id == claim.run_id).values(
                status="failed" if error else "ok", finished_at=now, error=error,
                counts=json.dumps(dict(claim.counts)), details=json.dumps(claim.details)))  # fmt: skip
            return self._run(conn, claim.run_id)

    def runs(self, ref: str | int, *, limit: int = 10) -> builtins.list[SyncRun]:
        r = s.sync_runs
        with self._ctx.read() as conn:
            account_id = self._resolve(conn, ref)
            rows = conn.execute(select(r).where(r.c.owner_id == self._ctx.owner_id,
                                                r.c.account_id == account_id)
                                .order_by(r.c.id.desc()).limit(limit)).all()  # fmt: skip
        return [_run_from(row) for row in rows]

    def items(self, run_id: int, *, outcomes: Iterable[str] = (),
              limit: int = 200) -> builtins.list[ItemOutcome]:  # fmt: skip
        """What a run did per item (``outcomes`` filters: e.g. only errors and conflicts)."""
        i, r = s.sync_items, s.sync_runs
        with self._ctx.read() as conn:
            mine = conn.execute(select(r.c.id).where(r.c.owner_id == self._ctx.owner_id,
                                                     r.c.id == run_id)).first()  # fmt: skip
        if mine is None:
            raise NotFound(f"no sync run #{run_id}")
        query = select(i).where(i.c.owner_id == self._ctx.owner_id, i.c.run_id == run_id)
        wanted = list(outcomes)
        if wanted:
            query = query.where(i.c.outcome.in_(wanted))
        with self._ctx.read() as conn:
            rows = conn.execute(query.order_by(i.c.id).limit(limit)).all()
        return [ItemOutcome(r.outcome, r.direction, r.remote_ref, r.uid, r.record_kind,
                            r.record_id, r.label, r.reason) for r in rows]  # fmt: skip

    # --- conflicts ---------------------------------------------------------------------------

    def add_conflict(self, conn: Connection, claim: RunClaim, *, person_id: int | None,
                     remote_ref: str | None, field: str, base: Any, amity: Any, server: Any,
                     kept: str) -> None:  # fmt: skip
        """Record (in the caller's transaction) that both sides changed ``field``."""
        if kept not in SIDES:
            raise ValueError(f"kept must be one of {SIDES}")
        conn.execute(insert(s.sync_conflicts).values(
            owner_id=self._ctx.owner_id, account_id=claim.account.id, run_id=claim.run_id,
            person_id=person_id, remote_ref=_cut(remote_ref, 1000), field=field[:50],
            base_value=json.dumps(base), amity_value=json.dumps(amity),
            server_value=json.dumps(server), kept=kept, created_at=self._ctx.now()))  # fmt: skip

    def conflicts(self, ref: str | int | None = None, *,
                  include_resolved: bool = False) -> builtins.list[SyncConflict]:  # fmt: skip
        c, p = s.sync_conflicts, s.people
        query = (select(c, p.c.name.label("person_name"))
                 .select_from(c.outerjoin(p, p.c.id == c.c.person_id))
                 .where(c.c.owner_id == self._ctx.owner_id))  # fmt: skip
        if not include_resolved:
            query = query.where(c.c.resolved_at.is_(None))
        with self._ctx.read() as conn:
            if ref is not None:
                query = query.where(c.c.account_id == self._resolve(conn, ref))
            rows = conn.execute(query.order_by(c.c.id)).all()
        return [_conflict_from(r) for r in rows]

    def conflict(self, conflict_id: int) -> SyncConflict:
        c, p = s.sync_conflicts, s.people
        with self._ctx.read() as conn:
            row = conn.execute(select(c, p.c.name.label("person_name"))
                               .select_from(c.outerjoin(p, p.c.id == c.c.person_id))
                               .where(c.c.owner_id == self._ctx.owner_id,
                                      c.c.id == conflict_id)).first()  # fmt: skip
        if row is None:
            raise NotFound(f"no sync conflict #{conflict_id}")
        return _conflict_from(row)

    def mark_resolved(self, conn: Connection, conflict_id: int, side: str) -> None:
        c = s.sync_conflicts
        conn.execute(update(c).where(c.c.owner_id == self._ctx.owner_id, c.c.id == conflict_id)
                     .values(resolved_at=self._ctx.now(), resolution=side))  # fmt: skip

    # --- helpers -----------------------------------------------------------------------------

    def _resolve(self, conn: Connection, ref: str | int) -> int:
        t = s.sync_accounts
        text = str(ref).strip()
        mine = t.c.owner_id == self._ctx.owner_id
        if text.isdigit() and len(text) < 10:
            found = conn.execute(select(t.c.id).where(mine, t.c.id == int(text))).scalar()
        else:
            found = conn.execute(select(t.c.id).where(mine, t.c.name == text)).scalar()
        if found is None:
            raise NotFound(f"no connected account {text!r}")
        return int(found)

    def _load(self, conn: Connection, account_id: int) -> SyncAccount:
        t = s.sync_accounts
        row = conn.execute(select(t).where(t.c.owner_id == self._ctx.owner_id,
                                           t.c.id == account_id)).one()  # fmt: skip
        return self._account(row)

    def _account(self, r: Any) -> SyncAccount:
        running = r.lease_until is not None and r.lease_until > self._ctx.now()
        return SyncAccount(r.id, r.kind, r.name, r.url, r.username, bool(r.secret),
                           dict(json.loads(r.options or "{}")), bool(r.enabled),
                           r.interval_minutes, r.next_run_at, r.failures, r.last_error,
                           r.last_run_at, r.last_success_at, r.created_at, running)  # fmt: skip

    def _last_runs(self, conn: Connection, ids: builtins.list[int]) -> dict[int, SyncRun]:
        if not ids:
            return {}
        r = s.sync_runs
        latest = (select(func.max(r.c.id)).where(r.c.owner_id == self._ctx.owner_id,
                                                 r.c.account_id.in_(ids))
                  .group_by(r.c.account_id))  # fmt: skip
        rows = conn.execute(select(r).where(r.c.id.in_(latest))).all()
        return {row.account_id: _run_from(row) for row in rows}

    def _run(self, conn: Connection, run_id: int) -> SyncRun:
        r = s.sync_runs
        return _run_from(conn.execute(select(r).where(r.c.id == run_id)).one())

    def _save_counts(self, conn: Connection, claim: RunClaim) -> None:
        r = s.sync_runs
        conn.execute(update(r).where(r.c.id == claim.run_id)
                     .values(counts=json.dumps(dict(claim.counts))))  # fmt: skip

    def _box(self) -> SecretBox:
        from amity.crypto import secret_box

        return secret_box(self._ctx.url)

    def _seal(self, secret: str, account_id: int) -> str:
        return self._box().seal(PURPOSE, secret, context=self._context(account_id))

    def _context(self, account_id: int) -> str:
        return f"sync-account:{self._ctx.owner_id}:{account_id}"


def due_accounts(
    engine: Engine, now: datetime, *, limit: int = 100
) -> builtins.list[tuple[int, int]]:
    """(owner id, account id) of enabled accounts due to run and not leased, across owners:
    what the scheduler runs next (each run still claims its lease)."""
    t = s.sync_accounts
    with engine.connect() as conn:
        rows = conn.execute(
            select(t.c.owner_id, t.c.id)
            .where(t.c.enabled.is_(True), or_(t.c.next_run_at.is_(None), t.c.next_run_at <= now),
                   or_(t.c.lease_until.is_(None), t.c.lease_until < now))
            .order_by(t.c.next_run_at, t.c.id)
            .limit(limit)
        ).all()  # fmt: skip
    return [(int(r.owner_id), int(r.id)) for r in rows]


def _run_from(r: Any) -> SyncRun:
    return SyncRun(r.id, r.account_id, r.trigger, r.status, r.started_at, r.finished_at,
                   dict(json.loads(r.counts or "{}")), dict(json.loads(r.details or "{}")),
                   r.error)  # fmt: skip


def _conflict_from(r: Any) -> SyncConflict:
    return SyncConflict(r.id, r.account_id, r.person_id, r.person_name, r.remote_ref, r.field,
                        _loads(r.base_value), _loads(r.amity_value), _loads(r.server_value),
                        r.kept, r.created_at, r.resolved_at, r.resolution)  # fmt: skip


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _default_name(kind: str, url: str) -> str:
    host = urlsplit(url).hostname or url
    return f"{kind} {host}"


def _checked_url(url: str) -> str:
    text = (url or "").strip()
    if not text:
        raise InvalidInput("an account needs an address", field="url")
    if len(text) > MAX_URL or any(ord(ch) < 32 for ch in text):
        raise InvalidInput("the address is too long or has control characters", field="url")
    return text


def _checked_text(value: str | None, limit: int, field: str) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if len(text) > limit or "\x00" in text:
        raise InvalidInput(f"the {field} is too long or has a NUL character", field=field)
    return text or None


def _check_interval(minutes: int) -> None:
    if not 1 <= minutes <= 7 * 24 * 60:
        raise InvalidInput("the interval is between 1 minute and 7 days", field="interval")


def _json(value: dict[str, Any], limit: int, field: str) -> str:
    text = json.dumps(value, sort_keys=True)
    if len(text) > limit:
        raise InvalidInput(f"the {field} are too large", field=field)
    return text


def _cut(value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    clean = value.replace("\x00", "")
    return clean if len(clean) <= limit else clean[:limit]
