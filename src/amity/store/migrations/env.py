"""Alembic environment: runs on the connection that Amity hands over (never from an ini file)."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine

from amity.store.schema import metadata

# objects the migrations create with raw SQL, invisible to autogenerate (STACK.md G12)
RAW_SQL_OBJECTS = {"search_fts", "search_fts_data", "search_fts_idx", "search_fts_content",
                   "search_fts_docsize", "search_fts_config"}


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    if type_ == "table" and name in RAW_SQL_OBJECTS:
        return False
    if type_ == "column" and name == "tsv":
        return False
    return not (type_ == "index" and name and name.startswith("ix_search_docs_tsv"))


def run() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is None:  # `alembic` CLI during development: AMITY_DATABASE_URL
        from amity.store.engine import resolve_url

        engine = create_engine(resolve_url())
        with engine.connect() as conn:
            _migrate(conn)
            conn.commit()
        return
    _migrate(connection)


def _migrate(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
