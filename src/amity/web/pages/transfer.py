"""Import (upload, preview the plan, confirm) and Export (JSON backup, vCard, CSV, calendar).

Everything goes through ``book.transfer``: the upload is kept by ``book.transfer.uploads`` with
the format and options decided on the first step, and the confirmation imports that same file
the same way (per-user quota, removed once applied or cancelled, or after an hour).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from amity import accounts
from amity.book import Book
from amity.book.transfer import ImportOptions, ImportResult
from amity.errors import AmityError, NotFound
from amity.web.deps import check_csrf, config, get_book
from amity.web.limits import FORM_LIMITS, MAX_UPLOAD
from amity.web.pages.common import BookDep
from amity.web.templating import render

router = APIRouter(include_in_schema=False)
PREVIEW_ROWS = 20
EXPORT_LABELS = {
    "json": "JSON backup (everything, lossless)",
    "vcard": "vCard 3.0 (contacts apps)",
    "csv": "CSV (spreadsheets)",
}
EXPORT_PATHS = {
    "json": "/export/amity-backup.json",
    "vcard": "/export/amity-people.vcf",
    "csv": "/export/amity-people.csv",
}


# --- import ---------------------------------------------------------------------------------


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request, book: BookDep) -> Response:
    return page(request, book, history=book.transfer.history())


def page(request: Request, book: Book, *, status_code: int = 200, **context: Any) -> Response:
    formats = [f for f in book.transfer.formats() if f.imports]
    accept = ",".join(sorted({e for f in formats for e in f.extensions} | {".txt"}))
    values = {"history": [], "preview": None, "error": None, "formats": formats, "accept": accept}
    return render(request, "import.html", {**values, **context}, status_code=status_code)


@router.post("/import", response_class=HTMLResponse)
async def upload_and_preview(request: Request) -> Response:
    """Keep the upload and show what importing it would do."""
    book = await get_book(request)
    await check_csrf(request)
    form = await request.form(**FORM_LIMITS)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return page(request, book, error="Choose a file to import.", status_code=422)
    options = ImportOptions(
        create_people=form.get("create_people") in ("1", "on"),
        include_broadcasts=form.get("include_broadcasts") in ("1", "on"),
    )
    try:
        pending, result = await run_in_threadpool(
            book.transfer.uploads.keep_and_preview, upload.file, upload.filename,
            fmt=str(form.get("format") or "auto"), options=options, max_bytes=MAX_UPLOAD,
        )  # fmt: skip
    except AmityError as exc:
        return page(request, book, error=str(exc), status_code=422)
    preview = preview_view(result)
    preview.update(upload_id=pending.id, filename=pending.filename)
    return page(request, book, preview=preview)


def preview_view(result: ImportResult) -> dict[str, Any]:
    """What the preview card shows: counts, the first people and problems."""
    plan = result.plan
    view: dict[str, Any] = {"format": result.format, "problems": result.problems}
    if result.backup is not None:
        warnings = [(w.line, w.record, w.reason) for w in plan.warnings[:PREVIEW_ROWS]]
        return {**view, "backup": {k: v for k, v in result.backup.tables.items() if v},
                "warnings": warnings}  # fmt: skip
    return {
        **view,
        "summary": result.summary(),
        "people": [
            (d.action, d.record.name, d.gains or d.changes) for d in plan.people[:PREVIEW_ROWS]
        ],
        "more_people": max(0, len(plan.people) - PREVIEW_ROWS),
        "organisations": [
            ("new" if d.action == "new" else "fill in", d.record.org or d.record.name)
            for d in plan.organisations[:PREVIEW_ROWS]
        ],
        "errors": [(e.line, e.reason) for e in plan.errors[:PREVIEW_ROWS]],
        "more_errors": max(0, len(plan.errors) - PREVIEW_ROWS),
        "warnings": [(w.line, w.record, w.reason) for w in plan.warnings[:PREVIEW_ROWS]],
        "unknown": len(plan.unknown),
    }


@router.post("/import/apply", response_class=HTMLResponse)
async def apply_import(request: Request) -> Response:
    book = await get_book(request)
    await check_csrf(request)
    form = await request.form(**FORM_LIMITS)
    upload_id = str(form.get("upload_id") or "")
    try:
        result = await run_in_threadpool(book.transfer.uploads.apply, upload_id)
    except NotFound:
        raise
    except AmityError as exc:
        status = 409 if exc.code == "not_empty" else 422
        return page(request, book, error=str(exc), status_code=status)
    done = {"format": result.format, "summary": result.summary(),
            "warnings": [(w.line, w.record, w.reason) for w in result.plan.warnings[:PREVIEW_ROWS]]}  # fmt: skip
    if result.backup is not None:
        done = {"format": result.format, "restored": result.summary(),
                "warnings": done["warnings"]}  # fmt: skip
    history = await run_in_threadpool(book.transfer.history)
    return page(request, book, history=history, done=done)


@router.post("/import/cancel")
async def cancel_import(request: Request) -> Response:
    """Forget an upload that was previewed but not wanted."""
    book = await get_book(request)
    await check_csrf(request)
    form = await request.form(**FORM_LIMITS)
    await run_in_threadpool(book.transfer.uploads.cancel, str(form.get("upload_id") or ""))
    return Response(status_code=303, headers={"Location": "/import"})


# --- export ---------------------------------------------------------------------------------


@router.get("/export", response_class=HTMLResponse)
def export_page(request: Request, book: BookDep) -> Response:
    cfg = config(request)
    token = accounts.calendar_token(cfg.engine, book.owner_id)
    base = cfg.base_url
    return render(
        request,
        "export.html",
        {"feed_url": f"{base}/calendar/{token}.ics", "formats": export_formats(book)},
    )


@router.post("/export/calendar-token")
def renew_calendar_token(request: Request, book: BookDep) -> Response:
    """A new secret feed URL; the old one stops working."""
    accounts.calendar_token(config(request).engine, book.owner_id, renew=True)
    return Response(status_code=303, headers={"Location": "/export"})


def export_formats(book: Book) -> list[tuple[str, str]]:
    """(download address, label) of every format the book exports."""
    return [(EXPORT_PATHS[f.name], EXPORT_LABELS.get(f.name, f.label))
            for f in book.transfer.formats() if f.name in EXPORT_PATHS]  # fmt: skip


def download(book: Book, fmt: str, name: str) -> Response:
    done = book.transfer.export(fmt)
    return Response(
        done.text,
        media_type=done.media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}.{done.suffix}"'},
    )


@router.get("/export/amity-backup.json")
def export_backup(book: BookDep) -> Response:
    return download(book, "json", f"amity-{book.today():%Y%m%d}")


@router.get("/export/amity-people.vcf")
def export_vcards(book: BookDep) -> Response:
    return download(book, "vcard", "amity-people")


@router.get("/export/amity-people.csv")
def export_csv(book: BookDep) -> Response:
    return download(book, "csv", "amity-people")


@router.get("/calendar/{token}.ics")
def calendar_feed(request: Request, token: str) -> Response:
    """The secret-URL iCalendar feed calendar apps subscribe to (no session: the URL is the key)."""
    cfg = config(request)
    owner_id = accounts.owner_of_calendar_token(cfg.engine, token)
    if owner_id is None:
        raise NotFound("no such calendar")
    return Response(
        Book(cfg.engine, owner_id, cfg.url, cfg.clock).agenda.calendar_feed(),
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300"},
    )
