"""`amity backup`: the installation's backups, checked before they are kept.

amity backup now                       take one (verified in a scratch database)
amity backup list                      kept backups and their latest check
amity backup verify [NAME]             check one again (default: the newest)
amity backup restore NAME --into NEW.db
amity backup config --every daily --keep 7d,4w,12m
amity backup passphrase                encrypt later backups (asked twice, stored sealed)

The per-user JSON document of one book stays `amity export --format json`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from amity.cli.options import emit_json, json_option, pass_state
from amity.cli.state import AppState
from amity.errors import InvalidInput

if TYPE_CHECKING:
    from amity.backups import BackupRun, Backups

MAX_PASSPHRASE_FILE = 4096
passphrase_option = click.option(
    "--passphrase-file", type=click.Path(dir_okay=False, allow_dash=True), metavar="FILE",
    help="File whose first line is the passphrase ('-': stdin); default: "
    "$AMITY_BACKUP_PASSPHRASE, then the stored one.",
)  # fmt: skip


def _backups(state: AppState) -> Backups:
    from amity.backups import open_backups

    return open_backups(state.db, clock=state.now)


def _read_passphrase(path: str | None) -> str | None:
    if path is None:
        return None
    if path == "-":
        text = sys.stdin.read(MAX_PASSPHRASE_FILE)
    else:
        file = Path(path)
        if not file.is_file():
            raise InvalidInput(f"no file {path}", field="passphrase-file")
        text = file.read_text(encoding="utf-8")[:MAX_PASSPHRASE_FILE]
    line = (text.splitlines() or [""])[0]
    if not line:
        raise InvalidInput("the passphrase file is empty", field="passphrase-file")
    return line


@click.group()
def backup() -> None:
    """The installation's backups (every user's book), checked before they are kept."""


def _report(run: BackupRun, as_json: bool, what: str) -> None:
    if as_json:
        emit_json(run.as_json())
    elif run.status == "ok":
        size = f", {run.bytes / 1e6:.1f} MB" if run.bytes else ""
        lock = ", encrypted" if run.encrypted else ""
        click.echo(f"{what} {run.name}: {run.rows} rows in {run.tables} tables{size}{lock}; "
                   "verified in a scratch database")  # fmt: skip
    else:
        click.echo(f"amity: {what.lower()} {run.name or ''} FAILED: {run.error}", err=True)
    if run.status != "ok":
        raise SystemExit(1)


@backup.command("now")
@click.option("--kind", type=click.Choice(["sqlite", "json"]),
              help="sqlite: the online backup API (SQLite only, the default there); json: "
              "streamed JSON lines (PostgreSQL's, restorable into either).")  # fmt: skip
@passphrase_option
@json_option
@pass_state
def now(state: AppState, kind: str | None, passphrase_file: str | None, as_json: bool) -> None:
    """Take a backup now, check it, keep it (exit 1 when the check fails)."""
    run = _backups(state).now(kind=kind, passphrase=_read_passphrase(passphrase_file))
    _report(run, as_json, "Backup")


@backup.command("list")
@json_option
@pass_state
def list_backups(state: AppState, as_json: bool) -> None:
    """Kept backups, newest first, with their latest check."""
    backups = _backups(state)
    kept = backups.kept()
    if as_json:
        emit_json([f.as_json() for f in kept])
        return
    click.echo(f"Backups in {backups.folder}:")
    if not kept:
        click.echo("  none yet (`amity backup now`)")
    for f in kept:
        check = f.checked or "not checked"
        lock = " encrypted" if f.encrypted else ""
        click.echo(f"  {f.name}  {f.kind:6} {f.bytes / 1e6:8.1f} MB  {f.rows:>9} rows{lock}  "
                   f"{check}{': ' + f.error if f.error else ''}")  # fmt: skip


@backup.command("verify")
@click.argument("name", required=False)
@passphrase_option
@json_option
@pass_state
def verify(state: AppState, name: str | None, passphrase_file: str | None, as_json: bool) -> None:
    """Restore backup NAME (default: the newest) into a scratch database and check it."""
    run = _backups(state).verify(name, passphrase=_read_passphrase(passphrase_file))
    _report(run, as_json, "Backup")


@backup.command("restore")
@click.argument("name")
@click.option(
    "--into",
    required=True,
    metavar="PATH|URL",
    help="A new SQLite file or an empty PostgreSQL database (never the one in use).",
)
@passphrase_option
@json_option
@pass_state
def restore(state: AppState, name: str, into: str, passphrase_file: str | None,
            as_json: bool) -> None:  # fmt: skip
    """Restore backup NAME into a new database, checked against the backup."""
    counts = _backups(state).restore(name, into, passphrase=_read_passphrase(passphrase_file))
    if as_json:
        emit_json({"name": name, "into": into, "tables": counts})
        return
    click.echo(f"Restored {name} into {into}: {sum(counts.values())} rows in {len(counts)} "
               "tables, identical to the backup.")  # fmt: skip
    click.echo(f"Use it with `amity --db {into} ...` or AMITY_DATABASE_URL.")


@backup.command("config")
@click.option("--every", help="How often the server's scheduler backs up: daily, 12h, 1w, off.")
@click.option("--keep", help="How many to keep, like 7d,4w,12m (days, weeks, months).")
@json_option
@pass_state
def config(state: AppState, every: str | None, keep: str | None, as_json: bool) -> None:
    """Show (or change) where backups go, how often and how many are kept."""
    from amity.rules.backups import describe_interval

    backups = _backups(state)
    settings = backups.configure(every=every, keep=keep) if every or keep else backups.settings()
    if as_json:
        emit_json(settings.as_json())
        return
    click.echo(f"Folder:     {settings.folder}")
    click.echo(f"Schedule:   {describe_interval(settings.every)} (by `amity serve`)")
    click.echo(f"Keep:       {settings.keep.describe()} and everything of the last day")
    click.echo(f"Kind:       {settings.kind}")
    click.echo(
        f"Encrypted:  {'yes (' + str(settings.passphrase_from) + ')' if settings.encrypted else 'no'}"
    )


@backup.command("passphrase")
@click.option("--clear", is_flag=True, help="Stop encrypting later backups.")
@passphrase_option
@pass_state
def passphrase(state: AppState, clear: bool, passphrase_file: str | None) -> None:
    """Encrypt later backups with a passphrase (stored sealed, never in clear).

    Without it an encrypted backup cannot be restored: keep it somewhere safe."""
    backups = _backups(state)
    if clear:
        backups.set_passphrase(None)
        click.echo("Later backups are not encrypted (existing ones keep their passphrase).")
        return
    secret = _read_passphrase(passphrase_file) or click.prompt(
        "Passphrase", hide_input=True, confirmation_prompt=True
    )
    backups.set_passphrase(secret)
    click.echo("Later backups are encrypted with this passphrase.")
