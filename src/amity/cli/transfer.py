"""`amity import`, `amity export`, `amity dupes` and `amity merge`.

Import reads any supported file through one pipeline (parse -> match -> plan -> apply); the
JSON backup keeps its own lossless restore (amity.cli.backup). Export writes JSON, vCard (one
file, or one ``.vcf`` per person in a folder: the vdirsyncer/khard layout) or CSV.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path
from typing import Any, BinaryIO

import click

from amity.cli import backup
from amity.cli.options import console, emit_json, json_option, pass_state
from amity.cli.state import AppState

IMPORT_FORMATS = ["auto", "vcard", "csv", "linkedin", "google", "outlook", "ics", "mbox", "eml",
                  "json"]  # fmt: skip
EXPORT_FORMATS = ["json", "vcard", "csv"]
PROGRESS_FROM_BYTES = 512 * 1024  # smaller files finish before a bar would be worth drawing
_ROWS = (
    ("people_new", "New people"),
    ("people_merged", "Merged into existing people"),
    ("fields_updated", "Fields updated by merges"),
    ("people_unchanged", "People already up to date"),
    ("interactions_new", "Interactions to add"),
    ("interactions_skipped", "Interactions already imported"),
    ("skipped", "Skipped"),
    ("errors", "Errors"),
    ("unknown_people", "Unknown people (not created)"),
)


class CountingReader(io.RawIOBase):
    """A binary stream that counts the bytes read, for the progress bar."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        self.done += len(data)
        return len(data)

    def close(self) -> None:
        self._stream.close()
        super().close()


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(IMPORT_FORMATS),
    default="auto",
    show_default=True,
    help="What FILE holds (auto: guessed from its content).",
)
@click.option("--dry-run", is_flag=True, help="Print the plan; write nothing.")
@click.option(
    "--errors",
    "errors_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the records that could not be read (line and reason) to this file.",
)
@click.option(
    "--map",
    "mapping",
    metavar="'Header=field,...'",
    help="CSV column mapping, e.g. 'E-mail=email,Given=first_name'.",
)
@click.option(
    "--create-people",
    is_flag=True,
    help="Add unknown meeting attendees and correspondents as people.",
)
@click.option(
    "--include-broadcasts",
    is_flag=True,
    help="Keep meetings with many attendees and mailing-list or bulk mail.",
)
@json_option
@pass_state
@click.pass_context
def import_(ctx: click.Context, state: AppState, file: Path, fmt: str, dry_run: bool,
            errors_file: Path | None, mapping: str | None, create_people: bool,
            include_broadcasts: bool, as_json: bool) -> None:  # fmt: skip
    """Import FILE: vCard, CSV (LinkedIn, Google, Outlook, any with --map), iCalendar, mbox,
    .eml, or a JSON backup. Re-importing the same file changes nothing."""
    from amity.book.imports import ReadOptions, parse_mapping, read_items
    from amity.formats.detect import detect_format

    if fmt == "auto":
        fmt = detect_format(file)
    if fmt == "json":
        ctx.invoke(backup.import_, file=file, fmt="json", dry_run=dry_run, as_json=as_json)
        return
    options = ReadOptions(parse_mapping(mapping), include_broadcasts)
    book = state.book()
    size = file.stat().st_size
    with file.open("rb") as raw:
        stream = CountingReader(raw)
        items = read_items(book.ctx, io.BufferedReader(stream), fmt, options)
        run = _with_progress if size >= PROGRESS_FROM_BYTES and not as_json else _quietly
        result = run(lambda progress: book.imports.run(
            items, fmt=fmt, filename=file.name, create_people=create_people, dry_run=dry_run,
            progress=progress), stream, size)  # fmt: skip
    if errors_file is not None:
        _write_errors(errors_file, result.plan.errors)
    from amity.serialize import import_json

    if as_json:
        emit_json(import_json(result, fmt=fmt, filename=file.name))
        return
    _print_summary(result, file.name, fmt, dry_run, errors_file)


def _quietly(work: Any, _stream: CountingReader, _size: int) -> Any:
    return work(None)


def _with_progress(work: Any, stream: CountingReader, size: int) -> Any:
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
               TextColumn("{task.fields[records]} records"), TimeRemainingColumn())  # fmt: skip
    with Progress(*columns, console=_stderr_console(), transient=True) as bar:
        task = bar.add_task("Importing", total=size, records=0)

        def report(done: int) -> None:
            bar.update(task, completed=min(stream.done, size), records=done)

        return work(report)


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _write_errors(path: Path, errors: list[Any]) -> None:
    lines = [f"line {e.line if e.line is not None else '?'}\t{_one_line(e.record)}\t"
             f"{_one_line(e.reason)}" for e in errors]  # fmt: skip
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _print_summary(
    result: Any, name: str, fmt: str, dry_run: bool, errors_file: Path | None
) -> None:
    from rich.table import Table

    out = console()
    summary = result.summary()
    title = f"{'Plan for' if dry_run else 'Imported'} {name} ({fmt})"
    table = Table(title=title + (" — dry run, nothing written" if dry_run else ""))
    table.add_column("")
    table.add_column("count", justify="right")
    for key, label in _ROWS:
        table.add_row(label, str(summary[key]))
    if not dry_run and result.awaiting_reply:
        table.add_row("Messages awaiting your reply", str(result.awaiting_reply))
    out.print(table)
    for error in result.plan.errors[:10]:
        where = f"line {error.line}" if error.line is not None else "?"
        out.print(f"  error at {where}: {_one_line(error.record)[:50]}: {_one_line(error.reason)}",
                  markup=False)  # fmt: skip
    hidden = len(result.plan.errors) - 10
    if hidden > 0:
        out.print(f"  … and {hidden} more" + ("" if errors_file else " (--errors FILE lists them)"))
    if result.plan.unknown and not dry_run:
        sample = ", ".join(sorted(result.plan.unknown)[:5])
        out.print(f"  unknown: {sample}{' …' if len(result.plan.unknown) > 5 else ''} "
                  "(--create-people adds them)", markup=False)  # fmt: skip


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="json", show_default=True
)
@click.option(
    "--version",
    "vcard_version",
    type=click.Choice(["3.0", "4.0"]),
    default="3.0",
    show_default=True,
    help="vCard version.",
)
@click.option(
    "-o",
    "--output",
    "output_text",
    metavar="FILE|DIR/",
    help="A file, or for vCard an existing folder or one ending in / (one .vcf per "
    "person, the vdirsyncer/khard layout); default: standard output.",
)
@click.option("--include-secrets", is_flag=True, help="JSON: keep the SMTP password.")
@pass_state
@click.pass_context
def export(ctx: click.Context, state: AppState, fmt: str, vcard_version: str,
           output_text: str | None, include_secrets: bool) -> None:  # fmt: skip
    """Export the book: JSON (a complete backup), vCard 3.0/4.0 or CSV."""
    output = Path(output_text).expanduser() if output_text else None
    if fmt == "json":
        ctx.invoke(backup.export, fmt="json", output=output, include_secrets=include_secrets)
        return
    from amity.book.imports import people_records

    records = list(people_records(state.book().ctx))
    if fmt == "csv":
        from amity.formats.csv_import import write_csv

        _write_text(output, write_csv(records), f"{len(records)} people")
        return
    from amity.formats.vcard import write_vcard, write_vcards

    if output_text and output and (output.is_dir() or output_text.endswith(("/", "\\"))):
        output.mkdir(parents=True, exist_ok=True)
        for record in records:
            path = output / f"{vcard_file_name(record.uid or record.name)}.vcf"
            _atomic_write(path, write_vcard(record, vcard_version))
        click.echo(f"Wrote {len(records)} cards to {output}/.", err=True)
        return
    _write_text(output, write_vcards(records, vcard_version), f"{len(records)} cards")


def vcard_file_name(uid: str) -> str:
    """A safe file name from a UID (vdirsyncer's rule: keep it when it is safe)."""
    safe = re.sub(r"[^A-Za-z0-9._@+-]", "_", uid).strip(".")
    return safe[:200] or "card"


def _write_text(output: Path | None, text: str, what: str) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    _atomic_write(output, text)
    click.echo(f"Wrote {output} ({what}).", err=True)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(text.encode("utf-8"))
    tmp.replace(path)


@click.command()
@click.option(
    "--threshold",
    type=click.FloatRange(0, 100),
    default=80.0,
    show_default=True,
    help="Lowest score listed.",
)
@json_option
@pass_state
def dupes(state: AppState, threshold: float, as_json: bool) -> None:
    """List people who may be the same person, with a score and why."""
    from amity.serialize import duplicate_json

    found = state.book().dupes.find(threshold=threshold)
    if as_json:
        emit_json([duplicate_json(d) for d in found])
        return
    if not found:
        click.echo("No likely duplicates.")
        return
    from rich.table import Table

    table = Table(title=f"{len(found)} possible duplicate{'s' if len(found) != 1 else ''}")
    for column in ("score", "person", "and", "why"):
        table.add_column(column, justify="right" if column == "score" else "left")
    for d in found:
        table.add_row(f"{d.score:.0f}", f"{d.a.name} ({d.a.id})", f"{d.b.name} ({d.b.id})",
                      "; ".join(d.reasons))  # fmt: skip
    console().print(table)
    click.echo("Merge a pair with: amity merge KEEP OTHER")


@click.command()
@click.argument("keep")
@click.argument("other")
@click.option("--no-backup", is_flag=True, help="Do not write the JSON backup first.")
@json_option
@pass_state
def merge(state: AppState, keep: str, other: str, no_backup: bool, as_json: bool) -> None:
    """Merge OTHER into KEEP: everything about OTHER moves to KEEP, and OTHER goes.

    A JSON backup of the book is written first (to the data folder's backups/), so a merge is
    undone by restoring it into an empty book."""
    result = state.book().merge(keep, other, backup=not no_backup)
    if as_json:
        from amity.serialize import merge_json

        emit_json(merge_json(result))
        return
    click.echo(result.line())
