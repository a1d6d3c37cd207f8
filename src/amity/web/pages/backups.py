"""Settings → Backups (admins only: a backup holds every user's book): take one now, check
one again, restore one into a new database, the schedule, retention and passphrase. The same
calls as `amity backup`; Today shows a failed check (:func:`backup_warning`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from amity.backups import BackupRun, Backups
from amity.book import Book
from amity.errors import AmityError, InvalidInput, NotFound
from amity.web.deps import config
from amity.web.pages.common import BookDep, Text
from amity.web.pages.settings import _done

router = APIRouter(include_in_schema=False)
SECTION = "backups"


def _is_admin(request: Request) -> bool:
    return bool(getattr(getattr(request.state, "user", None), "is_admin", False))


def _backups(request: Request) -> Backups:
    cfg = config(request)
    return Backups(cfg.engine, cfg.url, cfg.clock)


def _admin_backups(request: Request) -> Backups:
    if not _is_admin(request):
        raise NotFound("no such page")
    return _backups(request)


def backup_warning(request: Request) -> BackupRun | None:
    """The failed backup or check Today warns an admin about (None: all is well)."""
    return _backups(request).failing() if _is_admin(request) else None


def backups_context(request: Request) -> dict[str, Any]:
    """What the Backups section shows (added to the Settings page's context)."""
    if not _is_admin(request):
        return {"backups_shown": False}
    from amity.rules.backups import describe_interval

    backups = _backups(request)
    settings = backups.settings()
    return {"backups_shown": True, "backup_settings": settings,
            "backup_every": describe_interval(settings.every), "backup_files": backups.kept(),
            "backup_runs": backups.runs(limit=8), "backup_failing": backups.failing()}  # fmt: skip


def _outcome(request: Request, book: Book, run: BackupRun, what: str) -> Response:
    if run.status == "ok":
        return _done(request, book, SECTION, message=f"{what} {run.name}: {run.rows} rows in "
                     f"{run.tables} tables, checked in a scratch database.")  # fmt: skip
    return _done(request, book, SECTION, error=f"{what} {run.name or ''} failed: {run.error}")


@router.post("/settings/backups/now", response_class=HTMLResponse)
async def back_up_now(request: Request, book: BookDep) -> Response:
    backups = _admin_backups(request)
    try:
        run = await run_in_threadpool(backups.now)
    except AmityError as exc:
        message = str(exc)
        return await run_in_threadpool(lambda: _done(request, book, SECTION, error=message))
    return await run_in_threadpool(_outcome, request, book, run, "Backup")


@router.post("/settings/backups/verify", response_class=HTMLResponse)
async def verify_backup(request: Request, book: BookDep, name: Text = "") -> Response:
    backups = _admin_backups(request)
    try:
        run = await run_in_threadpool(backups.verify, name[:100] or None)
    except AmityError as exc:
        message = str(exc)
        return await run_in_threadpool(lambda: _done(request, book, SECTION, error=message))
    return await run_in_threadpool(_outcome, request, book, run, "Check of")


@router.post("/settings/backups/restore", response_class=HTMLResponse)
async def restore_backup(request: Request, book: BookDep, name: Text = "") -> Response:
    """Restore into a new SQLite file beside the database (never over the one in use)."""
    backups = _admin_backups(request)
    target = backups.folder / f"restored-{name[:100]}.db"
    try:
        counts = await run_in_threadpool(backups.restore, name[:100], str(target))
    except AmityError as exc:
        message = str(exc)
        return await run_in_threadpool(lambda: _done(request, book, SECTION, error=message))
    message = (f"Restored {name} into {target} ({sum(counts.values())} rows, identical to the "
               f"backup). Serve it with `amity serve --db {target}`.")  # fmt: skip
    return await run_in_threadpool(lambda: _done(request, book, SECTION, message=message))


@router.post("/settings/backups/config", response_class=HTMLResponse)
def configure_backups(
    request: Request, book: BookDep, every: Text = "", keep: Text = ""
) -> Response:
    backups = _admin_backups(request)
    try:
        backups.configure(every=every[:20] or None, keep=keep[:40] or None)
    except AmityError as exc:
        return _done(request, book, SECTION, error=str(exc))
    return _done(request, book, SECTION, message="Saved.")


@router.post("/settings/backups/passphrase", response_class=HTMLResponse)
def set_backup_passphrase(
    request: Request, book: BookDep, passphrase: Text = "", again: Text = "", clear: Text = ""
) -> Response:
    backups = _admin_backups(request)
    try:
        if clear:
            backups.set_passphrase(None)
            return _done(request, book, SECTION, message="Later backups are not encrypted.")
        if passphrase != again:
            raise InvalidInput("the two passphrases differ", field="passphrase")
        backups.set_passphrase(passphrase)
    except AmityError as exc:
        return _done(request, book, SECTION, error=str(exc))
    return _done(request, book, SECTION, message="Later backups are encrypted with this "
                 "passphrase. Keep it safe: without it they cannot be restored.")  # fmt: skip
