"""Import (upload, preview the plan, confirm) and Export (JSON backup, vCard, CSV, calendar)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from amity import accounts
from amity.book import Book
from amity.errors import AmityError, InvalidInput, NotFound
from amity.store.engine import data_folder
from amity.web.deps import check_csrf, config, get_book
from amity.web.limits import FORM_LIMITS, MAX_UPLOAD
from amity.web.pages.common import BookDep, part
from amity.web.templating import render

router = APIRouter(include_in_schema=False)
UPLOADS = "uploads"
UPLOAD_ID = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
PREVIEW_ROWS = 20
UPLOAD_LIFETIME = 24 * 3600


# --- import ---------------------------------------------------------------------------------


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request, book: BookDep) -> Response:
    imports = part(book, "imports")
    history = imports.history() if imports is not None else []
    return render(request, "import.html", {"history": history, "preview": None, "error": None})


def upload_folder(request: Request) -> Path:
    folder = data_folder(config(request).url) / UPLOADS
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def forget_old_uploads(folder: Path, *, max_age_seconds: float = UPLOAD_LIFETIME) -> None:
    """Uploads previewed but never confirmed are removed after a day."""
    import time

    cutoff = time.time() - max_age_seconds
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue


@router.post("/import", response_class=HTMLResponse)
async def upload_and_preview(request: Request) -> Response:
    """Keep the upload (owner-scoped name) and show what importing it would do."""
    book = await get_book(request)
    await check_csrf(request)
    form = await request.form(**FORM_LIMITS)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return render(
            request,
            "import.html",
            {"history": [], "preview": None, "error": "Choose a file to import."},
            status_code=422,
        )
    fmt = str(form.get("format") or "auto")
    create_people = form.get("create_people") in ("1", "on")
    upload_id = os.urandom(18).hex()
    folder = upload_folder(request)
    await run_in_threadpool(forget_old_uploads, folder)
    path = folder / f"{book.owner_id}-{upload_id}"
    size = 0
    with path.open("wb") as out:
        while chunk := await upload.read(1024 * 1024):
            size += len(chunk)
            if size > MAX_UPLOAD:
                out.close()
                path.unlink(missing_ok=True)
                raise InvalidInput("the file is larger than 25 MB", field="file")
            out.write(chunk)
    try:
        preview = await run_in_threadpool(
            preview_file, book, path, fmt, upload.filename, create_people
        )
    except AmityError as exc:
        path.unlink(missing_ok=True)
        return render(
            request,
            "import.html",
            {"history": [], "preview": None, "error": str(exc)},
            status_code=422,
        )
    preview.update(upload_id=upload_id, filename=upload.filename, create_people=create_people)
    return render(request, "import.html", {"history": [], "preview": preview, "error": None})


@router.post("/import/apply", response_class=HTMLResponse)
async def apply_import(request: Request) -> Response:
    book = await get_book(request)
    await check_csrf(request)
    form = await request.form(**FORM_LIMITS)
    upload_id = str(form.get("upload_id") or "")
    if not UPLOAD_ID.match(upload_id):
        raise NotFound("this upload is unknown; upload the file again")
    path = upload_folder(request) / f"{book.owner_id}-{upload_id}"
    if not path.exists():
        raise NotFound("this upload is unknown; upload the file again")
    fmt = str(form.get("format") or "auto")
    filename = str(form.get("filename") or "")[:200]
    create_people = form.get("create_people") in ("1", "on", "True", "true")
    try:
        result = await run_in_threadpool(apply_file, book, path, fmt, filename, create_people)
    except AmityError as exc:
        return render(
            request,
            "import.html",
            {"history": [], "preview": None, "error": str(exc)},
            status_code=409 if exc.code == "not_empty" else 422,
        )
    finally:
        path.unlink(missing_ok=True)
    imports = part(book, "imports")
    history = await run_in_threadpool(imports.history) if imports is not None else []
    return render(
        request, "import.html", {"history": history, "preview": None, "error": None, "done": result}
    )


def file_format(path: Path, fmt: str) -> str:
    if fmt != "auto":
        return fmt
    from amity.formats.detect import detect_format

    return detect_format(path)


def read_backup(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"not a valid JSON backup: {exc}") from None
    from amity.book.backup import validate_document

    validate_document(doc)
    return dict(doc)


def records_of(book: Book, path: Path, fmt: str) -> Iterator[Any]:
    """Parsed records of a contacts/calendar/mail file (formats as the importers know them)."""
    region = book.settings.get("phone.region")
    if fmt == "vcard":
        from amity.formats.vcard import iter_vcards

        return iter_vcards(path, default_region=region)
    if fmt in ("csv", "linkedin", "google", "outlook"):
        from amity.formats.csv_import import iter_csv

        return iter_csv(path, flavour=None if fmt == "csv" else fmt, default_region=region)
    if fmt == "ics":
        from amity.formats.ical import iter_calendar

        return iter_calendar(path, now=book.ctx.now())
    if fmt in ("mbox", "eml"):
        from amity.formats.mail import iter_mail

        return iter_mail(path, own_addresses=book.settings.get("me.emails") or [])
    raise InvalidInput(f"cannot import the format {fmt!r}", field="format")


def preview_file(
    book: Book, path: Path, fmt: str, filename: str, create_people: bool
) -> dict[str, Any]:
    fmt = file_format(path, fmt)
    if fmt == "json":
        doc = read_backup(path)
        counts = {name: len(rows) for name, rows in doc["tables"].items() if rows}
        return {"format": "json", "backup": counts, "empty": book.counts().get("people", 0) == 0}
    imports = part(book, "imports")
    if imports is None:
        raise InvalidInput("only JSON backups can be imported in this version", field="format")
    plan = imports.plan(records_of(book, path, fmt), create_people=create_people)
    return {
        "format": fmt,
        "summary": plan.summary(),
        "people": [(d.action, d.record.name, d.changes) for d in plan.people[:PREVIEW_ROWS]],
        "more_people": max(0, len(plan.people) - PREVIEW_ROWS),
        "errors": [(e.line, e.reason) for e in plan.errors[:PREVIEW_ROWS]],
        "more_errors": max(0, len(plan.errors) - PREVIEW_ROWS),
        "unknown": len(plan.unknown),
    }


def apply_file(
    book: Book, path: Path, fmt: str, filename: str, create_people: bool
) -> dict[str, Any]:
    fmt = file_format(path, fmt)
    if fmt == "json":
        return {"format": "json", "restored": book.restore_json(read_backup(path))}
    imports = part(book, "imports")
    if imports is None:
        raise InvalidInput("only JSON backups can be imported in this version", field="format")
    result = imports.run(
        records_of(book, path, fmt), fmt=fmt, filename=filename, create_people=create_people
    )
    return {"format": fmt, "summary": result.summary()}


# --- export ---------------------------------------------------------------------------------


@router.get("/export", response_class=HTMLResponse)
def export_page(request: Request, book: BookDep) -> Response:
    cfg = config(request)
    token = accounts.calendar_token(cfg.engine, book.owner_id)
    base = cfg.base_url
    return render(
        request,
        "export.html",
        {"feed_url": f"{base}/calendar/{token}.ics", "formats": export_formats()},
    )


def export_formats() -> list[tuple[str, str]]:
    return [
        ("json", "JSON backup (everything, lossless)"),
        ("vcf", "vCard 3.0 (contacts apps)"),
        ("csv", "CSV (spreadsheets)"),
    ]


@router.post("/export/calendar-token")
def renew_calendar_token(request: Request, book: BookDep) -> Response:
    """A new secret feed URL; the old one stops working."""
    accounts.calendar_token(config(request).engine, book.owner_id, renew=True)
    return Response(status_code=303, headers={"Location": "/export"})


@router.get("/export/amity-backup.json")
def export_backup(book: BookDep) -> Response:
    doc = book.export_json()
    stamp = datetime.now().strftime("%Y%m%d")
    return Response(
        json.dumps(doc, ensure_ascii=False, indent=1),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="amity-{stamp}.json"'},
    )


def people_records(book: Book) -> list[Any]:
    """Everyone as import/export records (the same records `amity export` writes)."""
    from amity.book.imports import people_records as records

    return list(records(book.ctx))


@router.get("/export/amity-people.vcf")
def export_vcards(book: BookDep) -> Response:
    from amity.formats.vcard import write_vcards

    return Response(
        write_vcards(people_records(book)),
        media_type="text/vcard; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="amity-people.vcf"'},
    )


@router.get("/export/amity-people.csv")
def export_csv(book: BookDep) -> Response:
    from amity.formats.csv_import import write_csv

    return Response(
        write_csv(people_records(book)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="amity-people.csv"'},
    )


@router.get("/calendar/{token}.ics")
def calendar_feed(request: Request, token: str) -> Response:
    """The secret-URL iCalendar feed calendar apps subscribe to (no session: the URL is the key)."""
    cfg = config(request)
    owner_id = accounts.owner_of_calendar_token(cfg.engine, token)
    agenda = None
    if owner_id is not None:
        agenda = part(Book(cfg.engine, owner_id, cfg.url, cfg.clock), "agenda")
    if agenda is None:
        raise NotFound("no such calendar")
    return Response(
        agenda.calendar_feed(),
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300"},
    )
