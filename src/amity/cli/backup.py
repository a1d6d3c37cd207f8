"""`amity export` and `amity import`.

The JSON backup lives here; other formats (vCard, CSV, iCalendar, mail) plug into the same
two commands through amity.formats (see FORMAT_HANDLERS).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from amity.cli.options import emit_json, json_option, pass_state
from amity.cli.state import AppState
from amity.errors import InvalidInput

EXPORT_FORMATS = ["json"]
IMPORT_FORMATS = ["auto", "json"]


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="json", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=True, path_type=Path),
    help="Write to this file (default: standard output).",
)
@click.option("--include-secrets", is_flag=True, help="Keep the SMTP password in the backup.")
@pass_state
def export(state: AppState, fmt: str, output: Path | None, include_secrets: bool) -> None:
    """Export the book. JSON is a complete, lossless backup."""
    doc = state.book().export_json(include_secrets=include_secrets)
    text = json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    tmp = output.with_name(output.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(output)
    people = len(doc["tables"].get("people", []))
    click.echo(f"Wrote {output} ({people} people).", err=True)


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(IMPORT_FORMATS), default="auto", show_default=True
)
@click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing.")
@json_option
@pass_state
def import_(state: AppState, file: Path, fmt: str, dry_run: bool, as_json: bool) -> None:
    """Import FILE. A JSON backup restores into an empty book."""
    if fmt == "auto":
        fmt = "json" if file.suffix.lower() == ".json" else "unknown"
    if fmt != "json":
        raise InvalidInput(f"cannot tell the format of {file.name}; pass --format")
    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{file.name} is not valid JSON: {exc}") from None
    book = state.book()
    if dry_run:
        from amity.book.backup import book_is_empty, validate_document

        validate_document(doc)
        with book.ctx.read() as conn:
            empty = book_is_empty(conn, book.owner_id)
        counts = {name: len(rows) for name, rows in doc["tables"].items()}
        result = {"dry_run": True, "would_restore": counts, "book_is_empty": empty}
    else:
        counts = book.restore_json(doc)
        result = {"dry_run": False, "restored": counts}
    if as_json:
        emit_json(result)
        return
    people = counts.get("people", 0)
    interactions = counts.get("interactions", 0)
    verb = "Would restore" if dry_run else "Restored"
    click.echo(f"{verb} {people} people and {interactions} interactions from {file.name}.")
