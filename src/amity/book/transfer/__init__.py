"""``book.transfer``: the one part of the Book for data in and out.

A door hands it a file (a path, bytes or a binary stream) and a format name (``auto``:
detected) plus the person's choices, and gets back a preview or a result; a sync source hands
it records it parsed itself (`ParsedItems`). Every file is read through the one format table
(``amity.formats.registry``) with the book's settings, so the CLI, the web page, the REST API
and the sync sources read the same file the same way.

    reading.py   format detection, reader options from the settings, the backup document
    keys.py      what a record means for matching (UID, e-mail, E.164 phone, profile)
    plan.py      match and plan, batch by batch (Planner, ImportPlan)
    apply.py     write a plan (Applier), then analyse mail threads
    pipeline.py  plan, apply or both one batch at a time; the import history
    export.py    people as records for vCard and CSV
    backup.py    the lossless JSON backup and its restore into an empty book
    dupes.py     candidate duplicates (scored by ``amity.rules.dupes``)
    merge.py     merge two people, a backup written first
    uploads.py   uploads awaiting a previewed import (quota, clean-up)
    results.py   what the doors hand in and get back
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import TYPE_CHECKING, Any

from amity.book.context import BookContext
from amity.book.transfer.plan import ImportPlan
from amity.book.transfer.results import (
    BackupContents,
    Export,
    ExportFile,
    FormatInfo,
    ImportOptions,
    ImportResult,
    ParsedItems,
    Progress,
)
from amity.errors import InvalidInput
from amity.formats import registry
from amity.formats.records import PersonRecord, Source

if TYPE_CHECKING:
    from amity.book.people import People
    from amity.book.transfer.dupes import Duplicate
    from amity.book.transfer.merge import MergeResult
    from amity.book.transfer.pipeline import Pipeline
    from amity.book.transfer.uploads import Uploads

__all__ = [
    "BackupContents",
    "Export",
    "ExportFile",
    "FormatInfo",
    "ImportOptions",
    "ImportResult",
    "ParsedItems",
    "Transfer",
    "export_format_names",
    "import_format_names",
]


def import_format_names() -> list[str]:
    """Every format ``book.transfer`` imports (for a door's choices, before a Book exists)."""
    return registry.import_names()


def export_format_names() -> list[str]:
    return registry.export_names()


class Transfer:
    def __init__(self, ctx: BookContext, people: People) -> None:
        self._ctx = ctx
        self._people = people

    @cached_property
    def _pipeline(self) -> Pipeline:
        from amity.book.transfer.pipeline import Pipeline

        return Pipeline(self._ctx)

    @cached_property
    def uploads(self) -> Uploads:
        from amity.book.transfer.uploads import Uploads

        return Uploads(self._ctx, self)

    # --- formats ----------------------------------------------------------------------

    def formats(self) -> list[FormatInfo]:
        return [FormatInfo(f.name, f.label, f.extensions, f.imports, f.exports)
                for f in registry.FORMATS.values()]  # fmt: skip

    def detect(self, source: Source, fmt: str = "auto", *, filename: str | None = None) -> str:
        """The format ``source`` is read as: ``fmt`` checked, or (``auto``) detected from its
        first bytes, then its name."""
        from amity.book.transfer.reading import resolve_format

        form, _ = resolve_format(source, fmt, filename)
        if not form.imports:
            raise InvalidInput(f"{form.label} cannot be imported", field="format")
        return form.name

    # --- import -----------------------------------------------------------------------

    def preview(self, source: Source | ParsedItems, fmt: str = "auto", *,
                filename: str | None = None, options: ImportOptions | None = None,
                progress: Progress | None = None) -> ImportResult:  # fmt: skip
        """What importing ``source`` would do; writes nothing. A backup reports its tables
        and whether it can be restored here."""
        return self.run(source, fmt, filename=filename, options=options, dry_run=True,
                        progress=progress)  # fmt: skip

    def run(self, source: Source | ParsedItems, fmt: str = "auto", *,
            filename: str | None = None, options: ImportOptions | None = None,
            dry_run: bool = False, progress: Progress | None = None) -> ImportResult:  # fmt: skip
        """Import ``source`` (records: parse -> match -> plan -> apply, one batch at a time,
        idempotent; the JSON backup: restore into an empty book)."""
        opts = options or ImportOptions()
        if isinstance(source, ParsedItems):
            return self._run_items(source.items, source.origin, filename, opts, dry_run, progress)
        from amity.book.transfer.reading import read_records, resolve_format

        form, source = resolve_format(source, fmt, filename)
        if form.is_document:
            return self._run_backup(form, source, dry_run)
        items = read_records(self._ctx, form, source, opts)
        return self._run_items(items, form.name, filename, opts, dry_run, progress)

    def plan(self, source: Source | ParsedItems, fmt: str = "auto", *,
             options: ImportOptions | None = None) -> ImportPlan:  # fmt: skip
        """The whole plan, every decision kept (``apply`` writes it); for small sources."""
        opts = options or ImportOptions()
        if isinstance(source, ParsedItems):
            items: Any = source.items
        else:
            from amity.book.transfer.reading import read_records, resolve_format

            form, source = resolve_format(source, fmt, None)
            items = read_records(self._ctx, form, source, opts)
        return self._pipeline.plan(items, create_people=opts.create_people)

    def apply(self, plan: ImportPlan, *, progress: Progress | None = None) -> ImportResult:
        return self._pipeline.apply(plan, "plan", progress=progress)

    def history(self, limit: int = 20) -> list[dict[str, Any]]:
        """Earlier imports, newest first: format, file name, times and counts."""
        return self._pipeline.history(limit)

    def _run_items(self, items: Any, fmt: str, filename: str | None, options: ImportOptions,
                   dry_run: bool, progress: Progress | None) -> ImportResult:  # fmt: skip
        if dry_run:
            plan = self._pipeline.plan(items, create_people=options.create_people,
                                       keep_decisions=False, progress=progress)  # fmt: skip
            return ImportResult(fmt, plan, False)
        return self._pipeline.run(items, fmt, filename=filename,
                                  create_people=options.create_people, progress=progress)  # fmt: skip

    def _run_backup(self, form: registry.Format, source: Source, dry_run: bool) -> ImportResult:
        from amity.book.transfer.backup import backup_contents
        from amity.book.transfer.reading import load_document

        doc = load_document(form, source)
        plan = ImportPlan()
        if dry_run:
            contents = backup_contents(self._ctx, doc)
        else:
            contents = BackupContents(self.restore_backup(doc))
        from amity.book.transfer.backup_emails import email_warnings

        plan.warnings = email_warnings(doc)  # values that are not addresses: to the notes
        return ImportResult(form.name, plan, not dry_run, backup=contents)

    # --- export -----------------------------------------------------------------------

    def export(self, fmt: str = "json", *, vcard_version: str = "3.0",
               include_secrets: bool = False) -> Export:  # fmt: skip
        """The book as one file: the JSON backup (everything), or its people (vCard, CSV)."""
        from amity.book.transfer.reading import format_of

        form = format_of(fmt)
        if form.dump is not None:
            doc = self.backup(include_secrets=include_secrets)
            people = len(doc["tables"].get("people", []))
            return Export(form.name, form.dump(doc), form.media_type, form.suffix, people)
        records = [*self.people_records(), *self.organisation_records(), *self._groups(form)]
        text = self._write(form, records, vcard_version)
        return Export(form.name, text, form.media_type, form.suffix, len(records))

    def export_files(
        self, fmt: str = "vcard", *, vcard_version: str = "3.0"
    ) -> Iterator[ExportFile]:
        """One file per person (the vdirsyncer/khard layout of a vCard folder)."""
        from amity.book.transfer.export import vcard_file_name
        from amity.book.transfer.reading import format_of

        form = format_of(fmt)
        for record in [*self.people_records(), *self.organisation_records(), *self._groups(form)]:
            text = self._write(form, [record], vcard_version)
            yield ExportFile(f"{vcard_file_name(record.uid or record.name)}.{form.suffix}", text)

    def people_records(self) -> Iterator[PersonRecord]:
        """Every active person as a record, as the writers take them, by name."""
        from amity.book.transfer.export import people_records

        return people_records(self._ctx)

    def organisation_records(self) -> list[PersonRecord]:
        """Every organisation as a company card (see export.organisation_records)."""
        from amity.book.transfer.export import organisation_records

        return organisation_records(self._ctx)

    def _groups(self, form: registry.Format) -> list[PersonRecord]:
        """Group cards, in vCard only (a CSV row has no members): see export.group_records."""
        from amity.book.transfer.export import group_records

        return group_records(self._ctx) if form.name == "vcard" else []

    def _write(self, form: registry.Format, records: list[PersonRecord], version: str) -> str:
        if form.write is None:
            raise InvalidInput(f"people cannot be exported as {form.label}", field="format")
        try:
            return form.write(records, registry.WriteOptions(vcard_version=version))
        except registry.UnknownFormat as exc:
            raise InvalidInput(str(exc), field="version") from None

    # --- the JSON backup --------------------------------------------------------------

    def backup(self, *, include_secrets: bool = False) -> dict[str, Any]:
        """The whole book as the lossless, deterministic JSON backup document."""
        from amity.book.transfer.backup import export_document

        return export_document(self._ctx, include_secrets=include_secrets)

    def restore_backup(self, doc: dict[str, Any]) -> dict[str, int]:
        """Load a backup document into this empty book (else NotEmpty); rows per table."""
        from amity.book.transfer.backup import restore_document

        return restore_document(self._ctx, doc)

    # --- duplicates and merging -------------------------------------------------------

    def dupes(self, *, threshold: float | None = None) -> list[Duplicate]:
        """People who may be the same person, best first, with a score and why."""
        from amity.book.transfer.dupes import Dupes
        from amity.rules.dupes import DEFAULT_THRESHOLD

        return Dupes(self._ctx).find(
            threshold=DEFAULT_THRESHOLD if threshold is None else threshold
        )

    def merge(self, keep: str | int, other: str | int, *, backup: bool = True,
              take: Iterable[str] = ()) -> MergeResult:  # fmt: skip
        """Merge OTHER into KEEP (everything moves; ``take``: fields whose value comes from
        OTHER, see merge.CHOOSABLE); a JSON backup is written first."""
        from amity.book.transfer.merge import Merger

        return Merger(self._ctx, self._people, self.backup).merge(keep, other, backup=backup,
                                                                   take=take)  # fmt: skip
