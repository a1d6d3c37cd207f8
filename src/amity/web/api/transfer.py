"""Search, export (the JSON backup) and import (preview, then apply).

Import formats are a registry: ``IMPORTERS[name] = Importer(preview, apply)``, each taking the
uploaded bytes. The JSON backup restores into an empty book; the record formats (vCard, CSV
flavours, iCalendar, mbox/.eml) go through ``book.imports`` (parse -> match -> plan -> apply,
idempotent). A new format is one :func:`register_importer` call; the routes do not change.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from amity.book import Book
from amity.errors import InvalidInput
from amity.serialize import ref_json
from amity.web.api import errors as e
from amity.web.api.schemas import ImportReport, SearchResults, Str200, Str300
from amity.web.deps import get_book

router = APIRouter()
BookDep = Annotated[Book, Depends(get_book)]
BOOK_DATA_TABLES = ("people", "interactions", "events", "articles", "feedback", "goals")


@dataclass(frozen=True)
class Importer:
    """One import format. Both take the uploaded bytes and return an ImportReport's fields
    (without ``format`` and ``applied``); ``preview`` writes nothing."""

    preview: Callable[[Book, bytes, str | None], dict[str, Any]]
    apply: Callable[[Book, bytes, str | None], dict[str, Any]]


IMPORTERS: dict[str, Importer] = {}


def register_importer(name: str, importer: Importer) -> None:
    IMPORTERS[name] = importer


# --- the JSON backup --------------------------------------------------------------------------


def parse_backup(raw: bytes) -> dict[str, Any]:
    from amity.book.backup import validate_document

    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):
        raise InvalidInput("the upload is not valid JSON", field="body") from None
    validate_document(doc)
    return doc  # type: ignore[no-any-return]


def book_has_data(book: Book) -> bool:
    counts = book.counts()
    return any(counts.get(name, 0) for name in BOOK_DATA_TABLES)


def preview_backup(book: Book, raw: bytes, filename: str | None) -> dict[str, Any]:
    doc = parse_backup(raw)
    counts = {name: len(rows) for name, rows in doc["tables"].items()}
    problems = (
        ["this book already holds data; a JSON backup restores into an empty book only"]
        if book_has_data(book)
        else []
    )
    return {"can_apply": not problems, "problems": problems, "counts": counts}


def apply_backup(book: Book, raw: bytes, filename: str | None) -> dict[str, Any]:
    counts = book.restore_json(parse_backup(raw))
    return {"can_apply": True, "problems": [], "counts": counts}


register_importer("json", Importer(preview_backup, apply_backup))


# --- record formats: the import pipeline of amity.book.imports ------------------------------


def record_importer(fmt: str) -> Importer:
    def run(book: Book, raw: bytes, filename: str | None, *, dry_run: bool) -> dict[str, Any]:
        from amity.book.imports import read_items
        from amity.serialize import import_json

        items = read_items(book.ctx, io.BytesIO(raw), fmt)
        result = book.imports.run(items, fmt=fmt, filename=filename, dry_run=dry_run)
        report = import_json(result, fmt=fmt, filename=filename or "")
        return {
            "can_apply": True,
            "problems": [],
            **{k: report[k] for k in ("counts", "merged", "errors", "skipped", "unknown_people")},
        }

    return Importer(
        lambda b, r, f: run(b, r, f, dry_run=True), lambda b, r, f: run(b, r, f, dry_run=False)
    )


RECORD_FORMATS = ("vcard", "csv", "linkedin", "google", "outlook", "ics", "mbox", "eml")
for _fmt in RECORD_FORMATS:
    register_importer(_fmt, record_importer(_fmt))


def detect(raw: bytes) -> str:
    """The format of an upload from its first bytes, as `amity import --format auto` does."""
    from amity.formats.detect import csv_format, format_of_text

    head = raw[:65536].decode("utf-8", errors="replace").lstrip("\ufeff")
    return format_of_text(head) or csv_format(head)


# --- routes -----------------------------------------------------------------------------------


@router.get(
    "/search",
    response_model=SearchResults,
    responses=e.READ,
    tags=["search"],
    summary="Full-text search over people and interactions",
)
def search(
    book: BookDep,
    q: Annotated[Str300, Query(min_length=1)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    hits = book.search(q, limit=limit)
    return {
        "query": q,
        "hits": [
            {
                "kind": h.kind,
                "id": h.id,
                "title": h.title,
                "snippet": h.snippet,
                "score": h.score,
                "people": [ref_json(r) for r in h.people],
            }
            for h in hits
        ],
    }


EXPORT_TYPES = {
    "json": "application/json",
    "vcard": "text/vcard; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}
EXPORT_SUFFIX = {"json": "json", "vcard": "vcf", "csv": "csv"}


@router.get(
    "/export",
    tags=["export"],
    response_class=Response,
    responses={
        **e.R401,
        **e.R422,
        200: {
            "description": "A download: the whole book as a JSON backup, or its people as vCard "
            "or CSV",
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "text/vcard": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        },
    },
    summary="Download the book: JSON backup (complete), vCard or CSV (people)",
)
def export(
    book: BookDep,
    format: Literal["json", "vcard", "csv"] = "json",
    vcard_version: Literal["3.0", "4.0"] = "3.0",
) -> Response:
    day = book.ctx.now().date().isoformat()
    disposition = {
        "Content-Disposition": f'attachment; filename="amity-{day}.{EXPORT_SUFFIX[format]}"'
    }
    if format == "json":
        return JSONResponse(book.export_json(), headers=disposition)
    from amity.book.imports import people_records

    records = list(people_records(book.ctx))
    if format == "csv":
        from amity.formats.csv_import import write_csv

        body = write_csv(records)
    else:
        from amity.formats.vcard import write_vcards

        body = write_vcards(records, vcard_version)
    return Response(body, media_type=EXPORT_TYPES[format], headers=disposition)


ImportFormat = Literal[
    "auto", "json", "vcard", "csv", "linkedin", "google", "outlook", "ics", "mbox", "eml"
]
FormatQuery = Annotated[ImportFormat, Query(description="The upload's format; auto guesses it")]
FilenameQuery = Annotated[Str200 | None, Query(description="The file's name, for the history")]
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "description": "The file, as the request body",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


async def run_import(
    book: Book, request: Request, fmt: str, filename: str | None, *, apply: bool
) -> dict[str, Any]:
    from starlette.concurrency import run_in_threadpool

    raw = await request.body()
    if not raw.strip():
        raise InvalidInput("the upload is empty", field="body")
    name = detect(raw) if fmt == "auto" else fmt
    importer = IMPORTERS[name]
    step = importer.apply if apply else importer.preview
    report = await run_in_threadpool(step, book, raw, filename)
    return {"format": name, "applied": apply, **report}


@router.post(
    "/import/preview",
    response_model=ImportReport,
    tags=["import"],
    responses={**e.WRITE},
    openapi_extra=UPLOAD_BODY,
    summary="What importing a file would do (writes nothing)",
)
async def import_preview(
    book: BookDep, request: Request, format: FormatQuery = "auto", filename: FilenameQuery = None
) -> dict[str, Any]:
    return await run_import(book, request, format, filename, apply=False)


@router.post(
    "/import",
    response_model=ImportReport,
    tags=["import"],
    responses={**e.WRITE, **e.R409},
    openapi_extra=UPLOAD_BODY,
    summary="Import a file: vCard, CSV, iCalendar, mbox/.eml, or a JSON backup",
)
async def import_apply(
    book: BookDep, request: Request, format: FormatQuery = "auto", filename: FilenameQuery = None
) -> dict[str, Any]:
    return await run_import(book, request, format, filename, apply=True)
