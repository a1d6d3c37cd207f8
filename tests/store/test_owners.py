"""Sharding by owner stays possible (docs/scaling.md): every table is either the
installation's or owned, and every owned table has a non-null ``owner_id`` and an index that
leads with it, in the database the migrations build, on both backends."""

from __future__ import annotations

from sqlalchemy import inspect

from amity.book import open_engine
from amity.store import schema as s
from amity.store.migrations import RAW_SQL_OBJECTS

NOT_DATA = {"alembic_version", *RAW_SQL_OBJECTS}
INSTALLATION = {t.name for t in s.INSTALLATION_TABLES}


def test_every_table_is_the_installations_or_owned() -> None:
    owned = {t.name for t in s.OWNED_TABLES}
    assert not owned & INSTALLATION
    assert owned | INSTALLATION == set(s.metadata.tables)
    assert all("owner_id" not in t.c for t in s.INSTALLATION_TABLES)


def test_owned_tables_lead_their_keys_with_owner_id(db_url: str) -> None:
    inspector = inspect(open_engine(db_url))
    tables = set(inspector.get_table_names()) - NOT_DATA
    assert tables == set(s.metadata.tables)
    problems = []
    for name in sorted(tables - INSTALLATION):
        owner = {c["name"]: c for c in inspector.get_columns(name)}.get("owner_id")
        if owner is None or owner["nullable"]:
            problems.append(f"{name}: owner_id missing or nullable")
            continue
        leading = [
            *(i["column_names"] for i in inspector.get_indexes(name)),
            *(u["column_names"] for u in inspector.get_unique_constraints(name)),
            inspector.get_pk_constraint(name)["constrained_columns"],
        ]
        if not any(columns and columns[0] == "owner_id" for columns in leading):
            problems.append(f"{name}: no index leads with owner_id")
    assert problems == []


def test_the_check_catches_a_table_without_an_owner_index(db_url: str) -> None:
    """The inspection above sees real indexes: a table only indexed by another column fails."""
    inspector = inspect(open_engine(db_url))
    leading = [i["column_names"][0] for i in inspector.get_indexes("login_attempts")]
    assert leading == ["key"]  # an installation table: indexed, but not by any owner
