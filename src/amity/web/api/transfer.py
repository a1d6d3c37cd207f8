"""Search, export (the JSON backup) and import (preview, then apply).

Import formats are a registry: ``IMPORTERS[name] = Importer(preview, apply)``, each taking the
uploaded bytes. The JSON backup is built in; the other formats (vCard, CSV, iCalendar, mbox)
plug in through :func:`register_importer` once their Book pipeline exists (see
``amity.book.imports``), with no change to the routes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from amity.book import Book
from amity.errors import InvalidInput
from amity.serialize import ref_json
from amity.web.api import errors as e
from amity.web.api.schemas import ImportApplied, ImportPlan, SearchResults, Str300
from amity.web.deps import get_book

router = APIRouter()
BookDep = Annotated[Book, Depends(get_book)]
BOOK_DATA_TABLES = ("people", "interactions", "events", "articles", "feedback", "goals")


@dataclass(frozen=True)
class Importer:
    """One import format: ``preview`` writes nothing; ``apply`` writes in transactions."""

    preview: Callable[[Book, bytes], dict[str, Any]]  # -> ImportPlan's fields but "format"
    apply: Callable[[Book, bytes], dict[str, int]]     # -> counts per kind of record
    description: str = ""


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


def preview_backup(book: Book, raw: bytes) -> dict[str, Any]:
    doc = parse_backup(raw)
    counts = {name: len(rows) for name, rows in doc["tables"].items()}
    problems = (["this book already holds data; a JSON backup restores into an empty book only"]
                if book_has_data(book) else [])
    return {"can_apply": not problems, "problems": problems, "counts": counts}


def apply_backup(book: Book, raw: bytes) -> dict[str, int]:
    return book.restore_json(parse_backup(raw))


register_importer("json", Importer(preview_backup, apply_backup,
                                   "Amity's JSON backup, into an empty book"))


# --- routes -----------------------------------------------------------------------------------


@router.get("/search", response_model=SearchResults, responses=e.READ, tags=["search"],
            summary="Full-text search over people and interactions")
def search(book: BookDep, q: Annotated[Str300, Query(min_length=1)],
           limit: Annotated[int, Query(ge=1, le=100)] = 20) -> dict[str, Any]:
    hits = book.search(q, limit=limit)
    return {"query": q, "hits": [
        {"kind": h.kind, "id": h.id, "title": h.title, "snippet": h.snippet, "score": h.score,
         "people": [ref_json(r) for r in h.people]} for h in hits]}


@router.get("/export", tags=["export"], responses={
    **e.R401, 200: {"description": "The whole book as an Amity JSON backup (a download)",
                    "content": {"application/json": {"schema": {"type": "object"}}}}},
    summary="Download the JSON backup of this book")
def export(book: BookDep) -> JSONResponse:
    day = book.ctx.now().date().isoformat()
    return JSONResponse(book.export_json(), headers={
        "Content-Disposition": f'attachment; filename="amity-backup-{day}.json"'})


FormatQuery = Annotated[str, Query(max_length=20, description="The upload's format")]
UPLOAD_BODY = {"requestBody": {"required": True, "description": "The file, as the request body",
                               "content": {"application/json": {"schema": {"type": "object"}},
                                           "application/octet-stream": {
                                               "schema": {"type": "string", "format": "binary"}}}}}


def importer_for(name: str) -> Importer:
    importer = IMPORTERS.get(name)
    if importer is None:
        raise InvalidInput(f"import format is one of {', '.join(sorted(IMPORTERS))}, not {name!r}",
                           field="format")
    return importer


@router.post("/import/preview", response_model=ImportPlan, tags=["import"],
             responses={**e.WRITE}, openapi_extra=UPLOAD_BODY,
             summary="What an import would do (writes nothing)")
async def import_preview(book: BookDep, request: Request, format: FormatQuery = "json") -> dict[str, Any]:
    from starlette.concurrency import run_in_threadpool

    importer = importer_for(format)
    plan = await run_in_threadpool(importer.preview, book, await request.body())
    return {"format": format, **plan}


@router.post("/import", response_model=ImportApplied, tags=["import"],
             responses={**e.WRITE, **e.R409}, openapi_extra=UPLOAD_BODY,
             summary="Import a file into this book")
async def import_apply(book: BookDep, request: Request, format: FormatQuery = "json") -> dict[str, Any]:
    from starlette.concurrency import run_in_threadpool

    importer = importer_for(format)
    counts = await run_in_threadpool(importer.apply, book, await request.body())
    return {"format": format, "counts": counts}
