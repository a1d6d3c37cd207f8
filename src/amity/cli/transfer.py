"""`amity import`, `amity export`, `amity dupes` and `amity merge`, all through
``book.transfer``.

Import reads any supported file through one pipeline (parse -> match -> plan -> apply); a JSON
backup restores into an empty book. Export writes JSON, vCard (one file, or one ``.vcf`` per
person in a folder: the vdirsyncer/khard layout) or CSV.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any, BinaryIO

import click

from amity.book.transfer import export_format_names, import_format_names
from amity.cli.options import console, emit_json, json_option, pass_state
from amity.cli.state import AppState
from amity.rules.words import counted

IMPORT_FORMATS = ["auto", *import_format_names()]
EXPORT_FORMATS = sorted(export_format_names(), key=lambda name: name != "json")  # json first
PROGRESS_FROM_BYTES = 512 * 1024  # smaller files finish before a bar would be worth drawing
_ROWS = (
    ("people_new", "New people"),
    ("people_merged", "Merged into existing people"),
    ("fields_updated", "Fields updated by merges"),
    ("people_unchanged", "People already up to date"),
    ("organisations_new", "New organisations"),
    ("organisations_merged", "Organisations filled in"),
    ("organisations_unchanged", "Organisations already up to date"),
    ("groups_new", "New groups"),
    ("groups_merged", "Groups with new members"),
    ("groups_unchanged", "Groups already up to date"),
    ("interactions_new", "Interactions to add"),
    ("interactions_skipped", "Interactions already imported"),
    ("skipped", "Skipped"),
    ("errors", "Errors"),
    ("warnings", "Warnings (kept in part)"),
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
def import_(state: AppState, file: Path, fmt: str, dry_run: bool, errors_file: Path | None,
            mapping: str | None, create_people: bool, include_broadcasts: bool,
            as_json: bool) -> None:  # fmt: skip
    """Import FILE: vCard, CSV (LinkedIn, Google, Outlook, any with --map), iCalendar, mbox,
    .eml, or a JSON backup. Re-importing the same file changes nothing."""
    from amity.book.transfer import ImportOptions

    options = ImportOptions(create_people, include_broadcasts, mapping)
    book = state.book()
    size = file.stat().st_size
    with file.open("rb") as raw:
        stream = CountingReader(raw)
        run = _with_progress if size >= PROGRESS_FROM_BYTES and not as_json else _quietly
        result = run(lambda progress: book.transfer.run(
            io.BufferedReader(stream), fmt, filename=file.name, options=options,
            dry_run=dry_run, progress=progress), stream, size)  # fmt: skip
    if result.backup is not None:
        _report_backup(result, file.name, as_json)
        return
    if errors_file is not None:
        _write_errors(errors_file, result.plan.errors)
    from amity.serialize import import_json

    if as_json:
        emit_json(import_json(result, filename=file.name))
        return
    _print_summary(result, file.name, result.format, dry_run, errors_file)


def _report_backup(result: Any, name: str, as_json: bool) -> None:
    counts = result.summary()
    if as_json:
        warnings = [{"line": w.line, "record": w.record, "reason": w.reason}
                    for w in result.plan.warnings]  # fmt: skip
        emit_json({"dry_run": True, "would_restore": counts, "book_is_empty": result.can_apply,
                   "warnings": warnings} if not result.applied
                  else {"dry_run": False, "restored": counts, "warnings": warnings})  # fmt: skip
        return
    verb = "Restored" if result.applied else "Would restore"
    click.echo(f"{verb} {counts.get('people', 0)} people and {counts.get('interactions', 0)} "
               f"interactions from {name}.")  # fmt: skip
    for warning in result.plan.warnings[:10]:
        click.echo(f"  warning at row {warning.line} of contact_points: "
                   f"{_one_line(warning.record)[:50]}: {_one_line(warning.reason)}")  # fmt: skip


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
    if dry_run:  # what each person gets or gains (the first 20)
        for d in result.plan.people[:20]:
            what = "new" if d.action == "new" else "gains"
            out.print(f"  {_one_line(d.record.name)[:50]} ({what}): "
                      f"{_one_line(', '.join(d.gains or d.changes)) or 'nothing'}", markup=False)  # fmt: skip
        if len(result.plan.people) > 20:
            out.print(f"  … and {len(result.plan.people) - 20} more people")
    for warning in result.plan.warnings[:10]:
        where = f"line {warning.line}" if warning.line is not None else "?"
        out.print(f"  warning at {where}: {_one_line(warning.record)[:50]}: "
                  f"{_one_line(warning.reason)}", markup=False)  # fmt: skip
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
def export(state: AppState, fmt: str, vcard_version: str, output_text: str | None,
           include_secrets: bool) -> None:  # fmt: skip
    """Export the book: JSON (a complete backup), vCard 3.0/4.0 or CSV."""
    book = state.book()
    output = Path(output_text).expanduser() if output_text else None
    folder = output_text and output and (output.is_dir() or output_text.endswith(("/", "\\")))
    if fmt == "vcard" and output and folder:
        output.mkdir(parents=True, exist_ok=True)
        written = 0
        for card in book.transfer.export_files("vcard", vcard_version=vcard_version):
            _atomic_write(output / card.name, card.text)
            written += 1
        click.echo(f"Wrote {written} cards to {output}/.", err=True)
        return
    done = book.transfer.export(fmt, vcard_version=vcard_version, include_secrets=include_secrets)
    _write_text(output, done.text, f"{done.count} {'cards' if fmt == 'vcard' else 'people'}")


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

    found = state.book().transfer.dupes(threshold=threshold)
    if as_json:
        emit_json([duplicate_json(d) for d in found])
        return
    if not found:
        click.echo("No likely duplicates.")
        return
    from rich.table import Table

    table = Table(title=counted(len(found), "possible duplicate"))
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
    result = state.book().transfer.merge(keep, other, backup=not no_backup)
    if as_json:
        from amity.serialize import merge_json

        emit_json(merge_json(result))
        return
    click.echo(result.line())
