"""Files uploaded for an import preview, kept until applied, cancelled or an hour old.

A door that shows a preview before importing (the web Import page) hands the upload to
``book.transfer.uploads.keep``, which stores it under ``<data folder>/uploads/<owner id>/``
with a note of what was decided on the first step: the file's name, the format it is read
as and the options chosen. ``preview`` and ``apply`` read the file again through the same
registry entry with the same options, so the two steps cannot dispatch differently.

Each owner keeps at most `MAX_PENDING` uploads and `MAX_BYTES` in all (a new upload removes the
oldest beyond that); an upload is removed once applied or cancelled, and any older than
`LIFETIME` (by the book's clock, from the time in its id) is removed on the next upload by
anyone, so abandoned previews do not pile up.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from amity.book.context import BookContext
from amity.book.transfer.results import ImportOptions, ImportResult
from amity.config import data_folder
from amity.errors import AmityError, InvalidInput, NotFound

if TYPE_CHECKING:
    from amity.book.transfer import Transfer

MAX_PENDING = 5
MAX_BYTES = 100 * 1024 * 1024
MAX_UPLOAD_BYTES = 25 * 1024 * 1024  # one file; a door may ask for less
LIFETIME = timedelta(hours=1)
CHUNK = 1024 * 1024
UPLOAD_ID = re.compile(r"^(\d{1,12})-[0-9a-f]{32}$")  # seconds since the epoch, then random
GONE = "this upload is unknown or expired; upload the file again"


@dataclass(frozen=True)
class PendingUpload:
    id: str
    filename: str
    format: str
    options: ImportOptions
    size: int


class Uploads:
    """``book.transfer.uploads``: one owner's uploads awaiting their import."""

    def __init__(self, ctx: BookContext, transfer: Transfer) -> None:
        self._ctx = ctx
        self._transfer = transfer

    def keep(self, stream: BinaryIO, filename: str, *, fmt: str = "auto",
             options: ImportOptions | None = None,
             max_bytes: int = MAX_UPLOAD_BYTES) -> PendingUpload:  # fmt: skip
        """Store an upload and decide its format (``auto``: detected); refused when larger
        than ``max_bytes``, empty, or of no format Amity reads."""
        self.forget_expired()
        upload_id = f"{int(self._ctx.now().timestamp())}-{os.urandom(16).hex()}"
        path = self._folder(create=True) / upload_id
        try:
            size = _copy(stream, path, max_bytes)
            name = (filename or "upload").replace("\x00", "")[-200:]
            detected = self._transfer.detect(path, fmt, filename=name)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        pending = PendingUpload(upload_id, name, detected, options or ImportOptions(), size)
        _note_path(path).write_text(json.dumps(_note(pending)), encoding="utf-8")
        self._keep_within_quota(upload_id)
        return pending

    def keep_and_preview(self, stream: BinaryIO, filename: str, *, fmt: str = "auto",
                         options: ImportOptions | None = None,
                         max_bytes: int = MAX_UPLOAD_BYTES) -> tuple[PendingUpload, ImportResult]:  # fmt: skip
        """`keep`, then `preview`: the first step of an import with a preview."""
        pending = self.keep(stream, filename, fmt=fmt, options=options, max_bytes=max_bytes)
        return pending, self.preview(pending.id)

    def get(self, upload_id: str) -> PendingUpload:
        path = self._path(upload_id)
        if int(upload_id.split("-", 1)[0]) < self._cutoff():
            self.cancel(upload_id)
            raise NotFound(GONE)
        try:
            note = json.loads(_note_path(path).read_text(encoding="utf-8"))
            options = ImportOptions(**note["options"])
            return PendingUpload(upload_id, note["filename"], note["format"], options,
                                 path.stat().st_size)  # fmt: skip
        except (OSError, ValueError, KeyError, TypeError):
            raise NotFound(GONE) from None

    def preview(self, upload_id: str) -> ImportResult:
        """What applying the upload would do; an upload that cannot be read is removed."""
        pending = self.get(upload_id)
        try:
            return self._transfer.preview(self._path(upload_id), pending.format,
                                          filename=pending.filename, options=pending.options)  # fmt: skip
        except AmityError:
            self.cancel(upload_id)
            raise

    def apply(self, upload_id: str) -> ImportResult:
        """Import the upload as previewed, then remove it (also when the import fails)."""
        pending = self.get(upload_id)
        try:
            return self._transfer.run(self._path(upload_id), pending.format,
                                      filename=pending.filename, options=pending.options)  # fmt: skip
        finally:
            self.cancel(upload_id)

    def cancel(self, upload_id: str) -> None:
        path = self._path(upload_id)
        path.unlink(missing_ok=True)
        _note_path(path).unlink(missing_ok=True)

    def pending(self) -> list[PendingUpload]:
        """This owner's uploads awaiting their import, oldest first."""
        found = []
        for path in _uploads_in(self._folder()):
            try:
                found.append(self.get(path.name))
            except NotFound:
                continue
        return found

    def forget_expired(self) -> None:
        """Remove every upload older than `LIFETIME`, whoever made it (only the time in its
        name is read), and any half-written file left by a crash."""
        cutoff = self._cutoff()
        root = self._root()
        owners = [p for p in root.iterdir() if p.is_dir()] if root.is_dir() else []
        for folder in owners:
            for path in folder.iterdir():
                found = UPLOAD_ID.match(path.name.removesuffix(".json").removesuffix(".part"))
                if found is None or int(found.group(1)) < cutoff:
                    path.unlink(missing_ok=True)

    def _cutoff(self) -> int:
        return int((self._ctx.now() - LIFETIME).timestamp())

    def _keep_within_quota(self, newest: str) -> None:
        uploads = [p for p in _uploads_in(self._folder()) if p.name != newest]
        total = sum(_size(p) for p in uploads) + _size(self._path(newest))
        while uploads and (len(uploads) + 1 > MAX_PENDING or total > MAX_BYTES):
            oldest = uploads.pop(0)
            total -= _size(oldest)
            self.cancel(oldest.name)

    def _root(self) -> Path:
        return data_folder(self._ctx.url) / "uploads"

    def _folder(self, *, create: bool = False) -> Path:
        folder = self._root() / str(self._ctx.owner_id)
        if create:
            folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _path(self, upload_id: str) -> Path:
        if not UPLOAD_ID.match(upload_id):
            raise NotFound(GONE)
        return self._folder() / upload_id


def _copy(stream: BinaryIO, path: Path, max_bytes: int) -> int:
    size = 0
    partial = path.with_name(path.name + ".part")
    with partial.open("wb") as out:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                out.close()
                partial.unlink(missing_ok=True)
                raise InvalidInput(f"the file is larger than {max_bytes // 2**20} MB", field="file")
            out.write(chunk)
    partial.replace(path)
    return size


def _uploads_in(folder: Path) -> list[Path]:
    """Upload files (not notes), oldest first: by the time in the id, then as written."""
    if not folder.is_dir():
        return []
    files = [p for p in folder.iterdir() if UPLOAD_ID.match(p.name)]
    return sorted(files, key=lambda p: (int(p.name.split("-", 1)[0]), _mtime(p)))


def _note(pending: PendingUpload) -> dict[str, object]:
    return {"filename": pending.filename, "format": pending.format,
            "options": asdict(pending.options)}  # fmt: skip


def _note_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0
