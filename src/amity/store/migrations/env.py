"""Alembic environment: runs on the connection that Amity hands over (never from an ini file)."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine

from amity.store.migrations import include_object
from amity.store.schema import metadata


def run() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is None:  # `alembic` CLI during development: AMITY_DATABASE_URL
        from amity.config import resolve_url

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
