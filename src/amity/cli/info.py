"""`amity info`: the database in use, its schema version, and counts."""

from __future__ import annotations

from typing import Any

import click

from amity.cli.options import console, emit_json, json_option, pass_state
from amity.cli.state import AppState


@click.command()
@json_option
@pass_state
def info(state: AppState, as_json: bool) -> None:
    """Show the database in use, the schema version and what the book holds."""
    from amity import __version__

    book = state.book()
    where = book.info()
    data: dict[str, Any] = {
        "version": __version__,
        "database": where.database,
        "backend": where.backend,
        "schema_version": where.schema_version,
        "schema_head": where.schema_head,
        "owner": book.owner(),
        "counts": book.counts(),
    }
    if as_json:
        emit_json(data)
        return
    out = console()
    out.print(f"Amity {data['version']}")
    out.print(f"database  {data['database']} ({data['backend']})")
    out.print(f"schema    {data['schema_version']} (newest {data['schema_head']})")
    out.print(f"owner     {data['owner']['email']} (user {data['owner']['id']})")
    counts = {k: v for k, v in data["counts"].items() if v}
    for key in sorted(counts):
        out.print(f"  {key:<26}{counts[key]:>8}")
