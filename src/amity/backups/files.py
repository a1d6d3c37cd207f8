"""Backup files on disk: taking one, its manifest, restoring it into a scratch database and
checking it there. Used by :class:`amity.backups.Backups`; no records, no schedule here.

A backup is two files in the backup folder:

    amity-20261204T215500Z.sqlite        SQLite's online backup (``.jsonl.gz``: JSON lines)
                          [.enc]         ... encrypted with the passphrase (sealing.py)
    amity-20261204T215500Z.manifest.json when it was taken, the database's revision and, per
                                         table, the row count, checksum and sampled row
                                         digests (measure.py); no data
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, select

from amity.backups import sealing
from amity.rules.backups import backup_stem
from amity.store import schema as s
from amity.store.backup import measure, sqlite, stream
from amity.store.engine import current_revision, head_revision, make_engine

MANIFEST_FORMAT = "amity-backup-manifest"
SUFFIXES = {"sqlite": ".sqlite", "json": ".jsonl.gz"}


class BackupProblem(ValueError):
    """A backup that cannot be taken, read or restored, with the reason."""


@dataclass(frozen=True)
class Taken:
    manifest: dict[str, Any]
    path: Path


def make_private_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    work = folder / ".work"
    work.mkdir(exist_ok=True, mode=0o700)
    return folder


@contextmanager
def work_dir(folder: Path) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(dir=make_private_folder(folder) / ".work"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def free_stem(folder: Path, moment: datetime) -> str:
    serial = 0
    while any(folder.glob(backup_stem(moment, serial) + ".*")):
        serial += 1
    return backup_stem(moment, serial)


def take(engine: Engine, folder: Path, *, kind: str, now: datetime,
         passphrase: str | None) -> Taken:  # fmt: skip
    """Copy the database into the folder (encrypted when a passphrase is given) and write its
    manifest; the caller verifies it before keeping it."""
    stem = free_stem(make_private_folder(folder), now)
    payload_name = stem + SUFFIXES[kind] + (".enc" if passphrase else "")
    with work_dir(folder) as tmp:
        plain = tmp / ("payload" + SUFFIXES[kind])
        if kind == "sqlite":
            sqlite.online_backup(engine, plain)
            problems = sqlite.integrity_problems(plain)
            if problems:
                raise BackupProblem("the copy is not sound: " + "; ".join(problems))
            copy = sqlite.scratch_engine(plain)
            try:
                with copy.connect() as conn:
                    sums = measure.measure(conn)
                revision = current_revision(copy)
            finally:
                copy.dispose()
        else:
            with gzip.open(plain, "wt", encoding="utf-8", compresslevel=6) as out:
                sums = stream.dump(engine, out, now=now)
            with gzip.open(plain, "rt", encoding="utf-8") as lines:
                revision = stream.read_header(lines)["revision"]
        final = folder / payload_name
        partial = folder / (".partial-" + payload_name)
        with plain.open("rb") as source, _private_file(partial) as target:
            if passphrase:
                sealing.encrypt(source, target, passphrase)
            else:
                shutil.copyfileobj(source, target, 1 << 20)
        partial.replace(final)
    manifest = {
        "format": MANIFEST_FORMAT,
        "version": 1,
        "name": stem,
        "kind": kind,
        "payload": payload_name,
        "encrypted": bool(passphrase),
        "created_at": now.astimezone(UTC).isoformat(),
        "revision": revision,
        "dialect": engine.dialect.name,
        "bytes": final.stat().st_size,
        "sha256": file_sha256(final),
        "tables": {name: total.as_dict() for name, total in sums.items()},
    }
    write_manifest(folder, manifest)
    return Taken(manifest, final)


@contextmanager
def _private_file(path: Path) -> Iterator[IO[bytes]]:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        yield handle


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    path = folder / (manifest["name"] + ".manifest.json")
    partial = folder / (".partial-" + path.name)
    with _private_file(partial) as handle:
        handle.write(json.dumps(manifest, indent=1, sort_keys=True).encode())
    partial.replace(path)


def read_manifest(folder: Path, name: str) -> dict[str, Any]:
    path = folder / (name + ".manifest.json")
    if not path.is_file() or path.stat().st_size > 50_000_000:
        raise BackupProblem(f"no backup named {name!r} in {folder}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise BackupProblem(f"the manifest of {name} is damaged") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise BackupProblem(f"the manifest of {name} is not an Amity backup manifest")
    if manifest.get("kind") not in SUFFIXES or not isinstance(manifest.get("tables"), dict):
        raise BackupProblem(f"the manifest of {name} is damaged")
    payload = str(manifest.get("payload", ""))
    if "/" in payload or "\\" in payload or not payload.startswith(name):
        raise BackupProblem(f"the manifest of {name} names a file outside the backup folder")
    return manifest


def manifests(folder: Path) -> list[dict[str, Any]]:
    out = []
    for path in sorted(folder.glob("amity-*.manifest.json")) if folder.is_dir() else []:
        try:
            out.append(read_manifest(folder, path.name.removesuffix(".manifest.json")))
        except BackupProblem:
            continue
    return out


def clear_leftovers(folder: Path, *, older_than_s: float = 6 * 3600) -> list[str]:
    """Remove what an interrupted backup left (``.partial-*`` files, ``.work/`` folders)
    once it is older than ``older_than_s`` seconds (file times: the real clock)."""
    import time

    if not folder.is_dir():
        return []
    limit = time.time() - older_than_s
    removed = []
    work = folder / ".work"
    candidates = [*folder.glob(".partial-*"), *(work.iterdir() if work.is_dir() else [])]
    for path in candidates:
        try:
            if path.stat().st_mtime >= limit:
                continue
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        except OSError:
            continue
        removed.append(path.name)
    return removed


def remove(folder: Path, manifest: dict[str, Any]) -> None:
    (folder / manifest["payload"]).unlink(missing_ok=True)
    (folder / (manifest["name"] + ".manifest.json")).unlink(missing_ok=True)


# --- reading a backup back --------------------------------------------------------------


def open_plain(folder: Path, manifest: dict[str, Any], tmp: Path, passphrase: str | None) -> Path:
    """The backup's payload in clear (decrypted into ``tmp`` when encrypted), after checking
    that the file is the one that was taken."""
    payload = folder / str(manifest["payload"])
    if not payload.is_file():
        raise BackupProblem(f"the file {payload.name} is missing")
    if manifest.get("sha256") and file_sha256(payload) != manifest["sha256"]:
        raise BackupProblem(f"{payload.name} has changed since it was taken (damaged)")
    if not manifest.get("encrypted"):
        return payload
    plain = tmp / ("plain" + SUFFIXES[manifest["kind"]])
    try:
        with payload.open("rb") as source, plain.open("wb") as target:
            sealing.decrypt(source, target, passphrase or "")
    except sealing.NeedsPassphrase:
        raise BackupProblem(f"{manifest['name']} is encrypted: give its passphrase") from None
    except (sealing.WrongPassphrase, sealing.DamagedFile) as exc:
        raise BackupProblem(f"{manifest['name']}: {exc}") from None
    return plain


def restore_into_scratch(plain: Path, manifest: dict[str, Any], tmp: Path) -> Path:
    """A scratch SQLite database holding the backup: the copy itself, or the JSON lines
    loaded into a database built at the backup's schema revision."""
    scratch = tmp / "scratch.db"
    if manifest["kind"] == "sqlite":
        if not sqlite.is_sqlite_file(plain):
            raise BackupProblem(f"{manifest['name']} is not a SQLite database")
        shutil.copyfile(plain, scratch)
        return scratch
    engine = sqlite.scratch_engine(scratch)
    try:
        build_schema(engine, manifest.get("revision"))
        with gzip.open(plain, "rt", encoding="utf-8") as handle:
            load_lines(handle, engine)
    finally:
        engine.dispose()
    return scratch


def build_schema(engine: Engine, revision: str | None) -> None:
    from amity.store.migrations import run_upgrade

    if not revision:
        raise BackupProblem("the backup does not say which schema it was taken with")
    try:
        run_upgrade(engine, revision)
    except Exception as exc:  # alembic: an unknown revision (a newer Amity's backup)
        raise BackupProblem(
            f"the backup's schema {revision} is unknown to this Amity (newest {head_revision()})"
            f": {str(exc).splitlines()[0][:200]}"
        ) from None


def load_lines(handle: Iterable[str], engine: Engine) -> dict[str, int]:
    try:
        lines = iter(handle)
        stream.read_header(lines)
        return stream.load(lines, engine)
    except (stream.DamagedBackup, OSError, EOFError, gzip.BadGzipFile) as exc:
        raise BackupProblem(f"the backup cannot be read back: {exc}") from None


def check_scratch(scratch: Path, manifest: dict[str, Any]) -> list[str]:
    """Integrity, foreign keys, counts, checksums and sampled rows of a restored copy."""
    problems = sqlite.integrity_problems(scratch)
    if problems:
        return problems
    engine = sqlite.scratch_engine(scratch)
    try:
        with engine.connect() as conn:
            return measure.compare(manifest["tables"], conn)
    finally:
        engine.dispose()


def verify(folder: Path, manifest: dict[str, Any], passphrase: str | None) -> list[str]:
    """Restore the backup into a scratch database and compare it with its manifest; the
    problems found (empty: the backup is good)."""
    with work_dir(folder) as tmp:
        try:
            plain = open_plain(folder, manifest, tmp, passphrase)
            scratch = restore_into_scratch(plain, manifest, tmp)
        except BackupProblem as exc:
            return [str(exc)]
        return check_scratch(scratch, manifest)


def counts(manifest: dict[str, Any]) -> tuple[int, int]:
    tables = manifest["tables"]
    return len(tables), sum(int(t.get("count", 0)) for t in tables.values())


# --- restoring into a new database ------------------------------------------------------


def restore(folder: Path, manifest: dict[str, Any], url: str, passphrase: str | None) -> None:
    """Restore the backup into the empty database at ``url`` (a new SQLite file, or an empty
    PostgreSQL database), check it against the manifest, then bring its schema up to date."""
    from amity.config import sqlite_path

    target_file = sqlite_path(url)
    with work_dir(folder) as tmp:
        plain = open_plain(folder, manifest, tmp, passphrase)
        scratch = restore_into_scratch(plain, manifest, tmp)
        problems = check_scratch(scratch, manifest)
        if problems:
            raise BackupProblem("the backup does not verify: " + "; ".join(problems[:5]))
        if target_file and target_file != ":memory:":
            target = Path(target_file)
            if target.exists() and target.stat().st_size > 0:
                raise BackupProblem(f"{target} exists: restore into a new file")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(scratch, target)
            engine = make_engine(url)
        else:
            engine = make_engine(url)
            _copy_into_empty(scratch, engine, manifest)
        try:
            with engine.connect() as conn:
                problems = measure.compare(manifest["tables"], conn)
            if problems:
                raise BackupProblem("the restored database differs: " + "; ".join(problems[:5]))
            from amity.store.engine import upgrade

            upgrade(engine)
        finally:
            engine.dispose()


def _copy_into_empty(scratch: Path, engine: Engine, manifest: dict[str, Any]) -> None:
    revision = current_revision(engine)
    if revision is not None:
        with engine.connect() as conn:
            if conn.execute(select(s.users.c.id).limit(1)).first() is not None:
                raise BackupProblem("that database holds data: restore into an empty one")
        if revision != manifest.get("revision"):
            raise BackupProblem("that database has another schema: restore into an empty one")
    else:
        build_schema(engine, manifest.get("revision"))
    source = sqlite.scratch_engine(scratch)
    try:
        # the rows go straight from one database to the other, line by line
        load_lines(_LineReader(source), engine)
    finally:
        source.dispose()


class _LineReader:
    """A database read as the JSON lines of a dump, produced as they are consumed."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __iter__(self) -> Iterator[str]:
        return stream.dump_lines(self.engine, now=datetime.now(UTC))
