"""The give/receive ledger: what you gave people and what they gave you (intros, referrals,
advice, articles, favours), and the balance per person, so the network stays two-way."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, case, func, insert, select

from amity.book.context import BookContext, insert_id, required
from amity.book.people import People
from amity.errors import InvalidInput
from amity.model import EXCHANGE_KINDS, Exchange, PersonRef
from amity.store import schema as s


@dataclass
class Balance:
    person: PersonRef
    given: int
    received: int
    last_given: date | None = None
    last_received: date | None = None
    exchanges: list[Exchange] = field(default_factory=list)

    @property
    def balance(self) -> int:
        """Positive: you gave more than you received."""
        return self.given - self.received


def exchange_kind(kind: str) -> str:
    value = kind.strip().lower().replace("favor", "favour")
    if value not in EXCHANGE_KINDS:
        raise InvalidInput(
            f"an exchange is one of {', '.join(EXCHANGE_KINDS)}, not {kind!r}", field="kind"
        )
    return value


def _given() -> Any:
    return s.exchanges.c.direction == "given"


def balance_counts(owner_id: int) -> Any:
    """Per person: given, received and the last day of each (one GROUP BY); filter and
    order it further as needed."""
    x, p = s.exchanges, s.people
    given, received = _given(), s.exchanges.c.direction == "received"
    return (
        select(
            x.c.person_id,
            p.c.name,
            func.sum(case((given, 1), else_=0)).label("given"),
            func.sum(case((received, 1), else_=0)).label("received"),
            func.max(case((given, x.c.occurred_on))).label("last_given"),
            func.max(case((received, x.c.occurred_on))).label("last_received"),
        )
        .join(p, p.c.id == x.c.person_id)
        .where(x.c.owner_id == owner_id)
        .group_by(x.c.person_id, p.c.name)
    )


def balance_of(row: Any) -> Balance:
    return Balance(
        PersonRef(row.person_id, row.name),
        int(row.given),
        int(row.received),
        row.last_given,
        row.last_received,
    )


class Ledger:
    def __init__(self, ctx: BookContext, people: People) -> None:
        self._ctx = ctx
        self._people = people

    def gave(self, person: str | int, kind: str, text: str, *, on: date | None = None) -> Exchange:
        return self.record(person, "given", kind, text, on=on)

    def got(self, person: str | int, kind: str, text: str, *, on: date | None = None) -> Exchange:
        return self.record(person, "received", kind, text, on=on)

    def record(
        self, person: str | int, direction: str, kind: str, text: str, *, on: date | None = None
    ) -> Exchange:
        kind, body = exchange_kind(kind), required(text, "an exchange", "text")
        day = on or self._ctx.today()
        with self._ctx.write() as conn:
            ref = self._people.resolve_in(conn, person)
            return self.record_in(conn, ref, direction, kind, body, day)

    def record_in(
        self,
        conn: Connection,
        ref: PersonRef,
        direction: str,
        kind: str,
        text: str,
        day: date,
        *,
        interaction_id: int | None = None,
        article_id: int | None = None,
    ) -> Exchange:
        """Record an exchange inside a caller's transaction (a share, an introduction)."""
        if direction not in ("given", "received"):
            raise InvalidInput("an exchange is given or received", field="direction")
        xid = insert_id(
            conn,
            insert(s.exchanges).values(
                owner_id=self._ctx.owner_id,
                person_id=ref.id,
                direction=direction,
                kind=exchange_kind(kind),
                text=text,
                occurred_on=day,
                interaction_id=interaction_id,
                article_id=article_id,
                created_at=self._ctx.now(),
            ),
        )
        return Exchange(ref, direction, kind, text, day, int(xid))

    def exchanges(
        self,
        person: str | int | None = None,
        *,
        since: date | None = None,
        until: date | None = None,
    ) -> list[Exchange]:
        """Exchanges, newest first; with ``person`` only theirs."""
        with self._ctx.read() as conn:
            person_id = None if person is None else self._people.resolve_in(conn, person).id
            return self._exchanges_in(conn, person_id, since=since, until=until)

    def _exchanges_in(
        self,
        conn: Connection,
        person_id: int | None,
        *,
        since: date | None = None,
        until: date | None = None,
    ) -> list[Exchange]:
        x, p = s.exchanges, s.people
        query = (
            select(x, p.c.name)
            .join(p, p.c.id == x.c.person_id)
            .where(x.c.owner_id == self._ctx.owner_id)
        )
        if person_id is not None:
            query = query.where(x.c.person_id == person_id)
        if since is not None:
            query = query.where(x.c.occurred_on >= since)
        if until is not None:
            query = query.where(x.c.occurred_on <= until)
        rows = conn.execute(query.order_by(x.c.occurred_on.desc(), x.c.id.desc()))
        return [
            Exchange(
                PersonRef(r.person_id, r.name), r.direction, r.kind, r.text, r.occurred_on, r.id
            )
            for r in rows
        ]

    def balance(self, person: str | int | None = None) -> list[Balance]:
        """Given and received per person, the most one-sided (they gave more) first; for one
        person, with their exchanges (newest first)."""
        with self._ctx.read() as conn:
            if person is None:
                rows = conn.execute(balance_counts(self._ctx.owner_id))
                found = [balance_of(r) for r in rows]
                return sorted(found, key=lambda b: (b.balance, b.person.name, b.person.id))
            ref = self._people.resolve_in(conn, person)
            one = self.balance_in(conn, ref)
            one.exchanges = self._exchanges_in(conn, ref.id)
        return [one]

    def balance_in(self, conn: Connection, ref: PersonRef) -> Balance:
        """One person's balance (without the exchanges themselves)."""
        x = s.exchanges
        row = conn.execute(
            balance_counts(self._ctx.owner_id).where(x.c.person_id == ref.id)
        ).first()
        return Balance(ref, 0, 0) if row is None else balance_of(row)


__all__ = ["Balance", "Ledger", "balance_counts", "exchange_kind"]
