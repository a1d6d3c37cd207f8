"""The Alembic history builds exactly the schema that store/schema.py declares, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from amity.book import open_engine
from amity.store.engine import current_revision, head_revision
from amity.store.migrations import include_object
from amity.store.schema import metadata


def test_migrations_match_the_declared_schema(db_url: str) -> None:
    engine = open_engine(db_url)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"include_object": include_object, "compare_type": False}
        )
        diff = compare_metadata(ctx, metadata)
    assert diff == []


def test_search_objects_exist(db_url: str) -> None:
    engine = open_engine(db_url)
    inspector = inspect(engine)
    if engine.dialect.name == "sqlite":
        assert "search_fts" in inspector.get_table_names()
    else:
        columns = {c["name"] for c in inspector.get_columns("search_docs")}
        assert "tsv" in columns


def test_upgrade_is_idempotent(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from amity.store.engine import make_engine, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        fks = conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
    assert mode == "wal"
    assert fks == 1
