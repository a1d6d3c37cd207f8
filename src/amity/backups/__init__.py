"""The installation's backups: taken on a schedule or on demand, each one restored into a
scratch database and checked before it is kept (issue 15).

Like :mod:`amity.accounts`, this is a door to installation-level data (the whole database,
every user's book), used by `amity backup` and by the admin's Settings page and the web
app's scheduler. The engine is :mod:`amity.store.backup`; file handling and checks are
``files.py``; encryption with a passphrase is ``sealing.py``; which backups to keep is the
pure rule :mod:`amity.rules.backups`.

- **Kinds**: SQLite through its online backup API (a consistent copy while others write);
  PostgreSQL (or SQLite with ``kind="json"``) as gzip-compressed JSON lines read in one
  snapshot. Both restore into SQLite or PostgreSQL.
- **Checked**: after taking, the file is decrypted and restored into a scratch SQLite
  database, which must pass ``PRAGMA integrity_check`` and ``foreign_key_check`` and match
  the manifest's row count and checksum per table and its sampled rows. A backup that fails
  is deleted and the failure recorded (``backup_runs``): Today and Settings show it.
- **Where**: ``$AMITY_BACKUP_DIR``, else ``backups/`` in the data folder.
- **Settings** (``backup_config``; the environment wins): ``AMITY_BACKUP_EVERY`` (24h,
  daily, off...), ``AMITY_BACKUP_KEEP`` (7d,4w,12m), ``AMITY_BACKUP_PASSPHRASE``; a stored
  passphrase is sealed with the installation secret (amity.crypto, purpose ``backup``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, desc, insert, select, update

from amity.backups import files
from amity.config import data_folder
from amity.errors import InvalidInput, NotFound
from amity.rules.backups import (
    Retention,
    RetentionError,
    backup_due,
    backups_to_keep,
    parse_interval,
    parse_retention,
    taken_at,
)
from amity.store import engine as store_engine
from amity.store import schema as s

DIR_ENV = "AMITY_BACKUP_DIR"
EVERY_ENV = "AMITY_BACKUP_EVERY"
KEEP_ENV = "AMITY_BACKUP_KEEP"
PASSPHRASE_ENV = "AMITY_BACKUP_PASSPHRASE"
DEFAULT_EVERY = "daily"
DEFAULT_KEEP = "7d,4w,12m"
PURPOSE = "backup"

__all__ = ["BackupFile", "BackupRun", "BackupSettings", "Backups", "open_backups"]


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Path | timedelta):
        return str(value)
    return value


class _AsJson:
    def as_json(self) -> dict[str, Any]:
        """The stable JSON keys of `--json` (and of any API)."""
        return {k: _json_value(getattr(self, k)) for k in self.__dataclass_fields__}  # type: ignore[attr-defined]


@dataclass(frozen=True)
class BackupRun(_AsJson):
    """One backup taken or verified (or restored), as recorded."""

    id: int
    action: str
    trigger: str
    kind: str | None
    name: str | None
    bytes: int | None
    encrypted: bool
    status: str
    error: str | None
    tables: int | None
    rows: int | None
    started_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class BackupFile(_AsJson):
    """A kept backup in the folder, with its latest check."""

    name: str
    taken_at: datetime
    kind: str
    file: str
    bytes: int
    encrypted: bool
    tables: int
    rows: int
    checked: str | None  # ok, failed, or None (never checked here)
    checked_at: datetime | None
    error: str | None


@dataclass(frozen=True)
class BackupSettings(_AsJson):
    folder: Path
    every: timedelta | None
    every_text: str
    keep: Retention
    encrypted: bool  # a passphrase is set (environment or stored)
    passphrase_from: str | None  # "environment", "stored" or None
    kind: str  # sqlite or json


def open_backups(db: str | None = None, *, clock: Callable[[], datetime] | None = None) -> Backups:
    """The backups of the database at ``db`` (``--db``, else the configured one)."""
    from amity.book import open_engine
    from amity.config import resolve_url

    url = resolve_url(db)
    return Backups(open_engine(url), url, clock or _now)


def _now() -> datetime:
    return datetime.now(UTC)


class Backups:
    def __init__(self, engine: Engine, url: str, clock: Callable[[], datetime] = _now) -> None:
        self.engine = engine
        self.url = url
        self.clock = clock

    # --- settings -------------------------------------------------------------------------

    @property
    def folder(self) -> Path:
        configured = os.environ.get(DIR_ENV, "").strip()
        if configured:
            return Path(configured).expanduser()
        return data_folder(self.url) / "backups"

    def _config(self) -> dict[str, str]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(s.backup_config.c.key, s.backup_config.c.value))
            return {r.key: r.value for r in rows}

    def settings(self) -> BackupSettings:
        stored = self._config()
        every_text = os.environ.get(EVERY_ENV) or stored.get("every") or DEFAULT_EVERY
        keep_text = os.environ.get(KEEP_ENV) or stored.get("keep") or DEFAULT_KEEP
        try:
            every, keep = parse_interval(every_text), parse_retention(keep_text)
        except RetentionError:
            every, keep = parse_interval(DEFAULT_EVERY), parse_retention(DEFAULT_KEEP)
        source = ("environment" if os.environ.get(PASSPHRASE_ENV)
                  else "stored" if stored.get("passphrase") else None)  # fmt: skip
        return BackupSettings(self.folder, every, every_text, keep, source is not None, source,
                              self.kind())  # fmt: skip

    def kind(self) -> str:
        return "sqlite" if self.engine.dialect.name == "sqlite" else "json"

    def configure(self, *, every: str | None = None, keep: str | None = None) -> BackupSettings:
        """Store the schedule (``every``: 24h, daily, off...) and retention (7d,4w,12m)."""
        values = {}
        try:
            if every is not None:
                parse_interval(every)
                values["every"] = every.strip().lower()
            if keep is not None:
                values["keep"] = parse_retention(keep).describe()
        except RetentionError as exc:
            raise InvalidInput(str(exc), field="every" if "every" in str(exc) else "keep") from None
        self._store(values)
        return self.settings()

    def set_passphrase(self, passphrase: str | None) -> None:
        """Encrypt later backups with ``passphrase`` (None or "": stop encrypting). It is
        kept sealed with the installation secret, never in clear."""
        if passphrase is None or passphrase == "":
            with store_engine.write_transaction(self.engine) as conn:
                conn.execute(delete(s.backup_config).where(s.backup_config.c.key == "passphrase"))
            return
        if len(passphrase) < 8 or len(passphrase) > 1000:
            raise InvalidInput("a backup passphrase has 8 to 1000 characters", field="passphrase")
        from amity.crypto import secret_box

        self._store({"passphrase": secret_box(self.url).seal(PURPOSE, passphrase)})

    def _store(self, values: dict[str, str]) -> None:
        table = s.backup_config
        with store_engine.write_transaction(self.engine) as conn:
            for key, value in values.items():
                conn.execute(delete(table).where(table.c.key == key))
                conn.execute(insert(table).values(key=key, value=value))

    def _passphrase(self, given: str | None) -> str | None:
        if given:
            return given
        env = os.environ.get(PASSPHRASE_ENV)
        if env:
            return env
        sealed = self._config().get("passphrase")
        if not sealed:
            return None
        from amity.crypto import DecryptionFailed, secret_box

        try:
            return secret_box(self.url).unseal_text(PURPOSE, sealed)
        except DecryptionFailed:
            raise InvalidInput(
                "the stored backup passphrase cannot be opened (the installation secret "
                "changed): set it again",
                field="passphrase",
            ) from None

    # --- taking, checking, keeping ---------------------------------------------------------

    def now(self, *, trigger: str = "manual", kind: str | None = None,
            passphrase: str | None = None) -> BackupRun:  # fmt: skip
        """Take a backup, verify it in a scratch database, keep it (and apply the retention)
        or delete it; the run as recorded (status ok or failed)."""
        kind = kind or self.kind()
        if kind not in files.SUFFIXES:
            raise InvalidInput("a backup is sqlite or json", field="kind")
        if kind == "sqlite" and self.engine.dialect.name != "sqlite":
            raise InvalidInput("this database is PostgreSQL: its backups are JSON", field="kind")
        secret = self._passphrase(passphrase)
        run_id = self._start("backup", trigger, kind=kind, encrypted=bool(secret))
        try:
            taken = files.take(self.engine, self.folder, kind=kind, now=self.clock(),
                               passphrase=secret)  # fmt: skip
        except Exception as exc:  # disk full, a database error...: recorded, shown
            return self._finish(run_id, error=f"the backup could not be taken: {_short(exc)}")
        manifest = taken.manifest
        tables, rows = files.counts(manifest)
        details = {"name": manifest["name"], "bytes": manifest["bytes"], "tables": tables,
                   "rows": rows}  # fmt: skip
        problems = files.verify(self.folder, manifest, secret)
        if problems:
            files.remove(self.folder, manifest)
            return self._finish(run_id, error="verification failed: " + "; ".join(problems[:5]),
                                **details)  # fmt: skip
        run = self._finish(run_id, **details)
        self.prune()
        return run

    def verify(self, name: str | None = None, *, passphrase: str | None = None,
               trigger: str = "manual") -> BackupRun:  # fmt: skip
        """Check a kept backup again (the newest when ``name`` is None)."""
        manifest = self._manifest(name)
        tables, rows = files.counts(manifest)
        run_id = self._start("verify", trigger, kind=manifest["kind"], name=manifest["name"],
                             encrypted=bool(manifest.get("encrypted")))  # fmt: skip
        try:
            secret = self._passphrase(passphrase) if manifest.get("encrypted") else None
            problems = files.verify(self.folder, manifest, secret)
        except InvalidInput as exc:
            problems = [str(exc)]
        error = "verification failed: " + "; ".join(problems[:5]) if problems else None
        return self._finish(run_id, error=error, name=manifest["name"],
                            bytes=manifest.get("bytes"), tables=tables, rows=rows)  # fmt: skip

    def restore(self, name: str, into: str, *, passphrase: str | None = None) -> dict[str, int]:
        """Restore backup ``name`` into a new, empty database (a SQLite path or a URL); the
        rows per table. The live database is never overwritten."""
        from amity.config import resolve_url

        manifest = self._manifest(name)
        url = resolve_url(into)
        if url == self.url:
            raise InvalidInput("restore into a new database, not the one in use", field="into")
        secret = self._passphrase(passphrase) if manifest.get("encrypted") else None
        run_id = self._start("restore", "manual", kind=manifest["kind"], name=manifest["name"],
                             encrypted=bool(manifest.get("encrypted")))  # fmt: skip
        try:
            files.restore(self.folder, manifest, url, secret)
        except files.BackupProblem as exc:
            self._finish(run_id, error=str(exc), name=manifest["name"])
            raise InvalidInput(str(exc), field="into") from None
        tables, rows = files.counts(manifest)
        self._finish(run_id, name=manifest["name"], tables=tables, rows=rows)
        return {t: int(v["count"]) for t, v in manifest["tables"].items()}

    def run_due(self) -> BackupRun | None:
        """The scheduler's round: take a backup when the schedule says one is due."""
        every = self.settings().every
        table = s.backup_runs
        with self.engine.connect() as conn:
            last = conn.execute(
                select(table.c.started_at)
                .where(table.c.action == "backup", table.c.trigger == "scheduled")
                .order_by(desc(table.c.started_at))
                .limit(1)
            ).scalar()
        if not backup_due(last, self.clock(), every):
            return None
        return self.now(trigger="scheduled")

    def prune(self) -> list[str]:
        """Delete the kept backups the retention no longer keeps (and what interrupted
        backups left behind); their names."""
        files.clear_leftovers(self.folder)
        kept_files = files.manifests(self.folder)
        moments = {m["name"]: taken_at(m["name"] + ".") for m in kept_files}
        keep = backups_to_keep(
            [t for t in moments.values() if t], self.settings().keep, self.clock()
        )
        removed = []
        for manifest in kept_files:
            moment = moments[manifest["name"]]
            if moment is not None and moment not in keep:
                files.remove(self.folder, manifest)
                removed.append(manifest["name"])
        return removed

    # --- what there is ----------------------------------------------------------------------

    def kept(self) -> list[BackupFile]:
        """The kept backups, newest first, each with its latest check."""
        checks = self._latest_checks()
        out = []
        for manifest in files.manifests(self.folder):
            moment = taken_at(manifest["name"] + ".")
            if moment is None:
                continue
            tables, rows = files.counts(manifest)
            check = checks.get(manifest["name"])
            out.append(BackupFile(
                manifest["name"], moment, manifest["kind"], manifest["payload"],
                int(manifest.get("bytes") or 0), bool(manifest.get("encrypted")), tables, rows,
                check.status if check else None, check.finished_at if check else None,
                check.error if check else None,
            ))  # fmt: skip
        return sorted(out, key=lambda f: f.taken_at, reverse=True)

    def runs(self, limit: int = 10) -> list[BackupRun]:
        table = s.backup_runs
        with self.engine.connect() as conn:
            rows = conn.execute(select(table).order_by(desc(table.c.id)).limit(limit))
            return [_run(r._mapping) for r in rows]

    def failing(self) -> BackupRun | None:
        """The latest backup or check, when it failed (what Today's banner shows)."""
        table = s.backup_runs
        with self.engine.connect() as conn:
            row = conn.execute(
                select(table)
                .where(table.c.action.in_(("backup", "verify")), table.c.status != "running")
                .order_by(desc(table.c.id))
                .limit(1)
            ).first()
        if row is None or row.status != "failed":
            return None
        return _run(row._mapping)

    def _latest_checks(self) -> dict[str, BackupRun]:
        out: dict[str, BackupRun] = {}
        for run in reversed(self.runs(limit=500)):
            if run.name and run.action in ("backup", "verify") and run.status != "running":
                out[run.name] = run
        return out

    def _manifest(self, name: str | None) -> dict[str, Any]:
        if name is None:
            kept = self.kept()
            if not kept:
                raise NotFound(f"no backups in {self.folder}")
            name = kept[0].name
        name = name.strip().removesuffix(".manifest.json")
        for suffix in (".enc", ".gz", ".jsonl", ".sqlite"):
            name = name.removesuffix(suffix)
        if taken_at(name + ".") is None:
            raise NotFound(f"{name!r} is not a backup name (like amity-20261204T215500Z)")
        try:
            return files.read_manifest(self.folder, name)
        except files.BackupProblem as exc:
            raise NotFound(str(exc)) from None

    # --- records ------------------------------------------------------------------------------

    def _start(self, action: str, trigger: str, **values: Any) -> int:
        with store_engine.write_transaction(self.engine) as conn:
            result = conn.execute(insert(s.backup_runs).values(
                action=action, trigger=trigger, status="running", started_at=self.clock(),
                **values))  # fmt: skip
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    def _finish(self, run_id: int, *, error: str | None = None, **values: Any) -> BackupRun:
        table = s.backup_runs
        with store_engine.write_transaction(self.engine) as conn:
            conn.execute(update(table).where(table.c.id == run_id).values(
                status="failed" if error else "ok", error=error, finished_at=self.clock(),
                **values))  # fmt: skip
            row = conn.execute(select(table).where(table.c.id == run_id)).one()
        return _run(row._mapping)


def _run(row: Any) -> BackupRun:
    return BackupRun(**{name: row[name] for name in BackupRun.__dataclass_fields__})


def _short(exc: Exception) -> str:
    return (str(exc).splitlines() or [exc.__class__.__name__])[0][:300]
