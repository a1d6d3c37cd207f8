"""Migrations from 0.1.0 on are new revisions: a book made by 0.1.0 (its rows at revision
0001, tests/store/fixtures/book-0.1.0.json) upgrades to the newest schema on both backends
and is whole afterwards: same rows, found by search, listed, extended."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import Engine, MetaData, func, select, text

from amity.book import Book, InteractionInput, PersonInput, find_user
from amity.store.engine import current_revision, head_revision, make_engine, upgrade
from amity.store.migrations import HEAD, HERE, run_upgrade
from tests.conftest import PG_ADMIN_URL, Clock, skip_or_fail
from tests.store.release_book import load_release_book

FIXTURE = Path(__file__).parent / "fixtures" / "book-0.1.0.json"


def revisions_after(base: str) -> list[str]:
    """Every revision from ``base`` (excluded) to the head, oldest first, read from Alembic's
    script directory: a revision added later is in this list without touching this file."""
    from alembic.script import ScriptDirectory

    from amity.store.migrations import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    chain = [r.revision for r in script.walk_revisions(base="base", head="heads")][::-1]
    return chain[chain.index(base) + 1 :]


def test_the_revisions_form_one_line_to_head() -> None:
    """One head, the one the code names (engine.upgrade stops there), reached from the released
    baseline through every revision file: none branches off, none is left out of the upgrade."""
    from alembic.script import ScriptDirectory

    from amity.store.migrations import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_heads() == [HEAD] == [head_revision()]
    files = {p.stem for p in (HERE / "versions").glob("*.py") if not p.stem.startswith("_")}
    chain = ["0001", *revisions_after("0001")]
    assert chain[-1] == HEAD
    assert len(chain) == len(set(chain)) == len(files)
    for older, newer in pairwise(chain):
        assert script.get_revision(newer).down_revision == older


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    from sqlalchemy import create_engine

    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        skip_or_fail(f"PostgreSQL is not reachable: {exc.__class__.__name__}")
    name = f"amity_release_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def counts(engine: Engine, names: list[str]) -> dict[str, int]:
    meta = MetaData()
    meta.reflect(engine, only=names)
    with engine.connect() as conn:
        return {
            n: int(conn.execute(select(func.count()).select_from(meta.tables[n])).scalar_one())
            for n in names
        }


def test_a_book_made_by_0_1_0_upgrades_whole(empty_url: str, clock: Clock) -> None:
    doc = json.loads(FIXTURE.read_text())
    assert doc["revision"] == "0001" and doc["made_by"] == "amity 0.1.0"
    engine = make_engine(empty_url)
    run_upgrade(engine, doc["revision"])
    load_release_book(engine, doc)
    assert current_revision(engine) == "0001"
    before = counts(engine, list(doc["tables"]))
    assert before == {name: len(t["rows"]) for name, t in doc["tables"].items()}

    for revision in revisions_after(doc["revision"]):  # each one on the released rows
        run_upgrade(engine, revision)
        assert current_revision(engine) == revision
        assert counts(engine, list(doc["tables"])) == before, revision
    upgrade(engine)  # what opening the book does: nothing left to do
    assert current_revision(engine) == head_revision() != "0001"
    assert counts(engine, list(doc["tables"])) == before

    owner = find_user(engine, None)
    assert owner is not None
    book = Book(engine, owner, empty_url, clock)
    people = book.people.list()
    assert len(people) == before["people"]
    assert [h.title for h in book.search("angstrom") if h.kind == "person"] == ["Zoë Ångström"]
    assert any(h.kind == "interaction" for h in book.search("upgrade check"))
    assert book.agenda.items(limit=50)  # the agenda reads every upgraded table
    assert book.settings.get("digest.enabled") is True
    added = book.people.add(PersonInput(name="New After Upgrade", tags=["ceramics"]))
    book.interactions.log(InteractionInput(people=[added.id], subject="first after upgrade"))
    assert added.id > max(p.id for p in people)  # sequences carried on
    assert {h.id for h in book.search("ceramics") if h.kind == "person"} >= {added.id}
    assert len(book.export_json()["tables"]["people"]) == before["people"] + 1
    engine.dispose()


def test_revision_0001_still_builds_the_released_schema(empty_url: str) -> None:
    """The baseline is frozen: revision 0001 makes exactly the tables and columns 0.1.0 had."""
    doc = json.loads(FIXTURE.read_text())
    engine = make_engine(empty_url)
    run_upgrade(engine, "0001")
    meta = MetaData()
    meta.reflect(engine)
    for name, table in doc["tables"].items():
        columns = [c.name for c in meta.tables[name].columns if c.name != "tsv"]
        assert columns == table["columns"], name
    engine.dispose()
