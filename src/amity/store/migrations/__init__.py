"""Alembic migrations, run in process when a book is opened (see engine.upgrade)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

HEAD = "0021_agenda_shares"

# objects the migrations create with raw SQL, invisible to autogenerate (STACK.md G12)
RAW_SQL_OBJECTS = {
    "search_fts",
    "search_fts_data",
    "search_fts_idx",
    "search_fts_content",
    "search_fts_docsize",
    "search_fts_config",
}


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    if type_ == "table" and name in RAW_SQL_OBJECTS:
        return False
    if type_ == "column" and name == "tsv":
        return False
    return not (type_ == "index" and name and name.startswith("ix_search_docs_tsv"))


HERE = Path(__file__).parent


def alembic_config(connection: object | None = None) -> object:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def run_upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade under a lock, so that two processes opening a new database do it once."""
    from alembic import command

    with engine.connect().execution_options(amity_write=True) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(7426489)"))
            conn.commit()
        try:
            command.upgrade(alembic_config(conn), revision)  # type: ignore[arg-type]
            conn.commit()
        finally:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_unlock(7426489)"))
                conn.commit()
