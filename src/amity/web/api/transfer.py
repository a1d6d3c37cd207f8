"""Search, export (the JSON backup, vCard, CSV) and import (preview, then apply).

Import and export go through ``book.transfer``: the upload and a format name (``auto``: detected
from its first bytes and the ``filename``) in, a report out. The JSON backup restores into an
empty book; the record formats (vCard, CSV flavours, iCalendar, mbox/.eml) go through the import
pipeline (parse -> match -> plan -> apply, idempotent). A new format is one entry in the Book's
format table; these routes do not change.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from amity.book import Book
from amity.book.transfer import ImportOptions, import_format_names
from amity.errors import InvalidInput
from amity.serialize import ref_json
from amity.web.api import errors as e
from amity.web.api.schemas import ImportReport, SearchResults, Str200, Str300
from amity.web.deps import get_book

router = APIRouter()
BookDep = Annotated[Book, Depends(get_book)]


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
    done = book.transfer.export(format, vcard_version=vcard_version)
    name = f"amity-{book.now().date().isoformat()}.{done.suffix}"
    return Response(
        done.text,
        media_type=done.media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


FormatQuery = Annotated[
    str,
    Query(
        description="The upload's format; auto guesses it",
        json_schema_extra={"enum": ["auto", *import_format_names()]},
    ),
]
FilenameQuery = Annotated[
    Str200 | None, Query(description="The file's name: for the history, and to guess the format")
]
CreatePeopleQuery = Annotated[
    bool, Query(description="Add unknown meeting attendees and correspondents as people")
]
BroadcastsQuery = Annotated[
    bool, Query(description="Keep meetings with many attendees and mailing-list or bulk mail")
]
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "description": "The file, as the request body",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


async def run_import(book: Book, request: Request, fmt: str, filename: str | None,
                     options: ImportOptions, *, apply: bool) -> dict[str, Any]:  # fmt: skip
    from starlette.concurrency import run_in_threadpool

    from amity.serialize import import_json

    raw = await request.body()
    if not raw.strip():
        raise InvalidInput("the upload is empty", field="body")
    step = book.transfer.run if apply else book.transfer.preview
    result = await run_in_threadpool(step, raw, fmt, filename=filename, options=options)
    return import_json(result, filename=filename or "")


@router.post(
    "/import/preview",
    response_model=ImportReport,
    tags=["import"],
    responses={**e.WRITE},
    openapi_extra=UPLOAD_BODY,
    summary="What importing a file would do (writes nothing)",
)
async def import_preview(
    book: BookDep,
    request: Request,
    format: FormatQuery = "auto",
    filename: FilenameQuery = None,
    create_people: CreatePeopleQuery = False,
    include_broadcasts: BroadcastsQuery = False,
) -> dict[str, Any]:
    options = ImportOptions(create_people, include_broadcasts)
    return await run_import(book, request, format, filename, options, apply=False)


@router.post(
    "/import",
    response_model=ImportReport,
    tags=["import"],
    responses={**e.WRITE, **e.R409},
    openapi_extra=UPLOAD_BODY,
    summary="Import a file: vCard, CSV, iCalendar, mbox/.eml, or a JSON backup",
)
async def import_apply(
    book: BookDep,
    request: Request,
    format: FormatQuery = "auto",
    filename: FilenameQuery = None,
    create_people: CreatePeopleQuery = False,
    include_broadcasts: BroadcastsQuery = False,
) -> dict[str, Any]:
    options = ImportOptions(create_people, include_broadcasts)
    return await run_import(book, request, format, filename, options, apply=True)
