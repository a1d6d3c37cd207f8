"""docs/scaling.md's migration: the owner-keys step runs on PostgreSQL and the Book works
unchanged on the re-keyed schema (every key between distributed tables holds owner_id, so a
cluster sharded by owner keeps each owner's rows and constraints on one node)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import create_engine, inspect, text

from amity.book import Book, InteractionInput, PersonInput, create_user, open_engine
from amity.store import schema as s
from amity.store import sharding
from tests.conftest import PG_ADMIN_URL, Clock, skip_or_fail


def test_every_table_is_either_referenced_or_distributed() -> None:
    reference = {t.name for t in sharding.reference_tables()}
    distributed = {t.name for t in sharding.distributed_tables()}
    assert not reference & distributed
    assert reference | distributed == set(s.metadata.tables)
    statements = "\n".join(sharding.citus_statements())
    for name in distributed - {"people"}:
        assert f"create_distributed_table('{name}', 'owner_id', colocate_with => 'people')" in (
            statements
        )
    for name in reference:
        assert f"create_reference_table('{name}')" in statements


@pytest.fixture
def rekeyed_url() -> Iterator[str]:
    """A new PostgreSQL database at the newest revision, then given the owner keys."""
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        skip_or_fail(f"PostgreSQL is not reachable: {exc.__class__.__name__}")
    name = f"amity_shard_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        engine = open_engine(url)
        with engine.begin() as conn:
            for statement in sharding.owner_key_statements():
                conn.execute(text(statement))
        yield url
    finally:
        from amity.book import _ENGINES

        engine = _ENGINES.pop(url, None)
        if engine is not None:
            engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.pg
def test_every_key_between_distributed_tables_holds_the_owner(rekeyed_url: str) -> None:
    inspector = inspect(open_engine(rekeyed_url))
    distributed = {t.name for t in sharding.distributed_tables()}
    missing = []
    for name in sorted(distributed):
        keys = [("pk", inspector.get_pk_constraint(name)["constrained_columns"])]
        keys += [("unique", u["column_names"]) for u in inspector.get_unique_constraints(name)]
        keys += [
            ("fk", fk["constrained_columns"])
            for fk in inspector.get_foreign_keys(name)
            if fk["referred_table"] in distributed
        ]
        missing += [f"{name} {kind} {cols}" for kind, cols in keys if "owner_id" not in cols]
    assert missing == []


@pytest.mark.pg
def test_the_book_works_on_the_rekeyed_schema(rekeyed_url: str, clock: Clock) -> None:
    engine = open_engine(rekeyed_url)
    book = Book(engine, create_user(engine, "shard@example.org"), rekeyed_url, clock)
    ana = book.people.add(PersonInput(name="Ana Lima", tags=["climate"], circle="close"))
    ben = book.people.add(PersonInput(name="Ben Ode", emails=["ben@example.org"]))
    logged = book.interactions.log(
        InteractionInput(people=[ana.id, ben.id], kind="meeting", subject="Lisbon offsite")
    )
    book.commitments.add(ana.id, "send the deck", due_on=date(2026, 11, 20))
    assert [h.title for h in book.search("ana") if h.kind == "person"] == ["Ana Lima"]
    assert book.search("lisbon")[0].id == logged.id
    assert any(a.kind == "promise_mine" for a in book.agenda.items(limit=50))
    book.people.purge(ben.id)  # cascades through the composite foreign keys
    assert [p.name for p in book.people.list()] == ["Ana Lima"]
    assert [r.name for r in book.interactions.get(logged.id).people] == ["Ana Lima"]
    other = Book(engine, create_user(engine, "other@example.org"), rekeyed_url, clock)
    assert other.people.list() == [] and other.search("ana") == []
