"""`amity sync`: connected accounts (add, set, list, status, run, remove, conflicts, resolve;
mail's suggestions in cli/sync_mail.py).

amity sync add carddav https://dav.example.org/ --username ana --password-file pw.txt
amity sync add imap imap.example.org --username ana@example.org --password-file pw.txt
amity sync run --all
amity sync status
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from amity.cli.options import emit_json, json_option, pass_state
from amity.cli.state import AppState
from amity.cli.sync_mail import has_mail_options, imap_account, imap_options, suggestions
from amity.errors import InvalidInput

MAX_PASSWORD_FILE = 4096


@click.group()
def sync() -> None:
    """Connected accounts: address books (CardDAV) kept in step, mail (IMAP) logged,
    calendars (CalDAV, ICS addresses) whose meetings log themselves."""


sync.add_command(suggestions)


@sync.command("add")
@click.argument("kind", type=click.Choice(["carddav", "imap", "caldav", "ics"]))
@click.argument("url", metavar="URL|HOST")
@click.option("--username", "-u", help="User name on the server.")
@click.option("--password-file", type=click.Path(dir_okay=False, allow_dash=True),
              help="File whose first line is the password or app password ('-': stdin).")  # fmt: skip
@click.option("--name", help="A name for the account (default: kind and host).")
@click.option("--addressbook", "addressbooks", multiple=True, metavar="NAME|HREF",
              help="Which address book(s) to sync when the server has several.")  # fmt: skip
@click.option("--calendar", "calendars", multiple=True, metavar="NAME|HREF",
              help="caldav: which calendar(s) to sync (default: every one with events).")  # fmt: skip
@click.option("--circle", "circles", multiple=True, help="Only people in this circle reach the "
              "server (repeat; with --tag, either one).")  # fmt: skip
@click.option("--tag", "tags", multiple=True, help="Only people with this tag reach the server.")
@click.option("--allow-delete", is_flag=True, help="Archiving someone in Amity deletes their card "
              "on the server (default: the card stays).")  # fmt: skip
@click.option("--pull-only", is_flag=True, help="Never change the server.")
@click.option("--share-notes", is_flag=True, help="Send Amity's notes as the card's NOTE.")
@click.option("--share-tags", is_flag=True, help="Send Amity's tags as the card's CATEGORIES.")
@click.option("--every", "interval", type=click.IntRange(1, 10080), default=15, show_default=True,
              metavar="MINUTES", help="How often the server's scheduler runs it.")  # fmt: skip
@imap_options
@json_option
@pass_state
def add(state: AppState, /, kind: str, url: str, username: str | None, password_file: str | None,
        name: str | None, addressbooks: tuple[str, ...], calendars: tuple[str, ...],
        circles: tuple[str, ...], tags: tuple[str, ...], allow_delete: bool, pull_only: bool,
        share_notes: bool, share_tags: bool, interval: int, as_json: bool,
        **mail: Any) -> None:  # fmt: skip
    """Connect an account of KIND at URL (discovery finds the address books or calendars),
    for imap the mail server HOST (TLS by default; the folders are checked), for ics a
    calendar's secret address (https:// or webcal://; kept sealed like a password). Events
    of calendars with people from the book become meetings."""
    from amity.sync.runner import add_account

    options: dict[str, Any] = {
        "addressbooks": list(addressbooks), "circles": list(circles), "tags": list(tags),
        "allow_delete": allow_delete, "push": not pull_only, "share_notes": share_notes,
        "share_tags": share_tags,
    }  # fmt: skip
    if kind == "imap":
        url, options = imap_account(url, mail)
    elif has_mail_options(mail):
        raise click.UsageError("--port, --folders... are options of `amity sync add imap`")
    if kind in ("caldav", "ics"):  # calendars are read only: the contact options mean nothing
        options = {"calendars": list(calendars)} if kind == "caldav" else {}
    password = _read_password(password_file)
    account = add_account(state.book(), kind, url, username=username, password=password,
                          name=name, options=options, interval_minutes=interval)  # fmt: skip
    if as_json:
        from amity.serialize_sync import sync_account_json

        emit_json(sync_account_json(account))
        return
    books = ", ".join(b.get("name") or b["href"] for b in account.options.get("collections", []))
    books = books or ", ".join(account.options.get("folders") or [])
    click.echo(f"Connected {account.name} (#{account.id}): {books or account.url}")
    click.echo("Run it now with `amity sync run " + str(account.id) + "`.")


def _read_password(path: str | None) -> str | None:
    if path is None:
        return None
    if path == "-":
        text = sys.stdin.read(MAX_PASSWORD_FILE)
    else:
        file = Path(path)
        if file.stat().st_size > MAX_PASSWORD_FILE:
            raise InvalidInput("the password file is too large", field="password-file")
        text = file.read_text(encoding="utf-8")
    lines = text.splitlines()
    password = lines[0] if lines else ""
    if not password:
        raise InvalidInput("the password file is empty", field="password-file")
    return password


@sync.command("list")
@json_option
@pass_state
def list_accounts(state: AppState, as_json: bool) -> None:
    """List connected accounts with their status."""
    accounts = state.book().connections.list()
    if as_json:
        from amity.serialize_sync import sync_account_json

        emit_json([sync_account_json(a) for a in accounts])
        return
    if not accounts:
        click.echo("No connected accounts. Add one with `amity sync add carddav URL`.")
    for a in accounts:
        last = a.last_run.finished_at or a.last_run.started_at if a.last_run else None
        when = f"last run {last:%Y-%m-%d %H:%M}" if last else "never run"
        click.echo(f"#{a.id:<3} {a.name:<30} {a.kind:<8} {a.status:<8} {when}")


@sync.command("status")
@click.argument("account", required=False)
@json_option
@pass_state
def status(state: AppState, account: str | None, as_json: bool) -> None:
    """The last run of each account (or of ACCOUNT): counts, errors and conflicts."""
    book = state.book()
    accounts = [book.connections.get(account)] if account else book.connections.list()
    problems = {a.id: _problems(book, a) for a in accounts}
    if as_json:
        from amity.serialize_sync import sync_account_json, sync_item_json

        emit_json([{**sync_account_json(a),
                    "problems": [sync_item_json(i) for i in problems[a.id]]}
                   for a in accounts])  # fmt: skip
        return
    for a in accounts:
        _print_status(a, problems[a.id])


def _problems(book: Any, account: Any) -> list[Any]:
    if account.last_run is None:
        return []
    return list(book.connections.items(account.last_run.id, outcomes=("error", "conflict"),
                                       limit=50))  # fmt: skip


def _print_status(a: Any, problems: list[Any]) -> None:
    click.echo(f"#{a.id} {a.name} ({a.kind}, {a.url}): {a.status}")
    click.echo(f"  {describe_options(a)}")
    run = a.last_run
    if run is None:
        click.echo("  never run")
        return
    counts = ", ".join(f"{n} {k}" for k, n in sorted(run.counts.items())) or "nothing to do"
    click.echo(f"  last run #{run.id} {run.status} at {run.started_at:%Y-%m-%d %H:%M}: {counts}")
    for warning in run.details.get("warnings", [])[:5]:
        click.echo(f"  warning: {warning}")
    reconciled = run.details.get("reconciled")
    if reconciled is not None:
        click.echo(f"  server {run.details.get('server_count')} cards, Amity "
                   f"{run.details.get('amity_count')} linked: "
                   f"{'reconciled' if reconciled else 'NOT reconciled'}")  # fmt: skip
    for folder, seen in (run.details.get("folders") or {}).items():  # mail accounts
        note = " (UIDVALIDITY changed: rescanned)" if seen.get("rescanned") else ""
        click.echo(f"  {folder}: {seen.get('new', 0)} new message(s){note}")
    if run.error:
        click.echo(f"  error: {run.error}")
    for item in problems:
        click.echo(f"  {item.outcome}: {item.label or item.remote_ref} ({item.reason})")
    if a.status == "failing" and a.next_run_at:
        click.echo(f"  {a.failures} failure(s) in a row; next try {a.next_run_at:%Y-%m-%d %H:%M}")


@sync.command("run")
@click.argument("account", required=False)
@click.option("--all", "run_all", is_flag=True, help="Run every enabled account.")
@json_option
@pass_state
def run(state: AppState, account: str | None, run_all: bool, as_json: bool) -> None:
    """Run ACCOUNT now (or --all)."""
    from amity.sync.runner import run_account

    book = state.book()
    if not account and not run_all:
        raise click.UsageError("name an ACCOUNT or pass --all")
    targets = [a for a in book.connections.list() if a.enabled] if run_all else [
        book.connections.get(account or "")]  # fmt: skip
    results = []
    for target in targets:
        result = run_account(book, target.id)
        results.append((target, result))
    if as_json:
        from amity.serialize_sync import sync_run_json

        emit_json([{"account_id": t.id, "run": sync_run_json(r) if r else None,
                    "busy": r is None} for t, r in results])  # fmt: skip
    else:
        for target, result in results:
            if result is None:
                click.echo(f"{target.name}: another run is under way")
                continue
            counts = ", ".join(f"{n} {k}" for k, n in sorted(result.counts.items()))
            line = f"{target.name}: {result.status}" + (f" ({counts})" if counts else "")
            click.echo(line + (f": {result.error}" if result.error else ""))
    if any(r is not None and r.status == "failed" for _, r in results):
        raise SystemExit(1)


@sync.command("set")
@click.argument("account")
@click.option("--username", "-u", help="A new user name on the server.")
@click.option("--password-file", type=click.Path(dir_okay=False, allow_dash=True),
              help="File whose first line is the new password ('-': stdin).")  # fmt: skip
@click.option("--circle", "circles", multiple=True, help="Only people in this circle reach the "
              "server (repeat; replaces the circles given before).")  # fmt: skip
@click.option("--tag", "tags", multiple=True, help="Only people with this tag reach the server "
              "(repeat; replaces the tags given before).")  # fmt: skip
@click.option("--everyone", is_flag=True, help="Drop the circle and tag scope: everyone syncs.")
@click.option("--allow-delete/--keep-cards", default=None, help="Whether archiving someone in "
              "Amity deletes their card on the server.")  # fmt: skip
@click.option("--push/--pull-only", default=None, help="Whether Amity's changes go to the server.")
@click.option("--share-notes/--no-share-notes", default=None, help="Send notes as NOTE.")
@click.option("--share-tags/--no-share-tags", default=None, help="Send tags as CATEGORIES.")
@click.option("--every", "interval", type=click.IntRange(1, 10080), metavar="MINUTES",
              help="How often the server's scheduler runs it.")  # fmt: skip
@click.option("--enable/--disable", "enabled", default=None,
              help="Pause or resume the scheduled runs.")  # fmt: skip
@json_option
@pass_state
def set_account(state: AppState, account: str, username: str | None, password_file: str | None,
                circles: tuple[str, ...], tags: tuple[str, ...], everyone: bool,
                allow_delete: bool | None, push: bool | None, share_notes: bool | None,
                share_tags: bool | None, interval: int | None, enabled: bool | None,
                as_json: bool) -> None:  # fmt: skip
    """Change ACCOUNT's options: scope, deletions, direction, schedule, credentials. Options
    not given stay as they are."""
    if everyone and (circles or tags):
        raise InvalidInput("--everyone drops the scope: give it without --circle or --tag")
    options: dict[str, Any] = {}
    if everyone:
        options.update(circles=[], tags=[])
    if circles or tags:
        options.update(circles=list(circles), tags=list(tags))
    for key, value in (("allow_delete", allow_delete), ("push", push),
                       ("share_notes", share_notes), ("share_tags", share_tags)):  # fmt: skip
        if value is not None:
            options[key] = value
    password = _read_password(password_file)
    changed = state.book().connections.configure(
        account, options=options or None, enabled=enabled, interval_minutes=interval,
        username=username, secret=password,
    )  # fmt: skip
    if as_json:
        from amity.serialize_sync import sync_account_json

        emit_json(sync_account_json(changed))
        return
    click.echo(f"Changed {changed.name} (#{changed.id}): {describe_options(changed)}")


def describe_options(account: Any) -> str:
    """The account's options in words, as `sync set` and `sync status` print them."""
    o = account.options
    if account.kind in ("caldav", "ics"):
        return ("reads the calendar; events with people in the book become meetings; "
                + (f"every {account.interval_minutes} min" if account.enabled else "paused"))  # fmt: skip
    scope = [f"circle {c}" for c in o.get("circles") or []] + [
        f"tag {t}" for t in o.get("tags") or []
    ]
    parts = [
        "scope: " + (", ".join(scope) if scope else "everyone"),
        "pushes changes" if o.get("push", True) else "pull only",
        "deletes cards of archived people" if o.get("allow_delete") else "keeps cards",
        f"every {account.interval_minutes} min" if account.enabled else "paused",
    ]
    return "; ".join(parts)


@sync.command("remove")
@click.argument("account")
@pass_state
def remove(state: AppState, account: str) -> None:
    """Disconnect ACCOUNT (its people stay in Amity; nothing changes on the server)."""
    gone = state.book().connections.remove(account)
    click.echo(f"Disconnected {gone.name}.")


@sync.command("conflicts")
@click.argument("account", required=False)
@click.option("--all", "show_all", is_flag=True, help="Also list resolved conflicts.")
@json_option
@pass_state
def conflicts(state: AppState, account: str | None, show_all: bool, as_json: bool) -> None:
    """Fields both sides changed, and which side the rule kept (see docs/sync.md)."""
    rows = state.book().connections.conflicts(account, include_resolved=show_all)
    if as_json:
        from amity.serialize_sync import sync_conflict_json

        emit_json([sync_conflict_json(c) for c in rows])
        return
    if not rows:
        click.echo("No conflicts.")
    for c in rows:
        done = f" resolved: {c.resolution}" if c.resolved_at else ""
        click.echo(f"#{c.id} {c.person_name or '?'} {c.field}: Amity {c.amity_value!r}, "
                   f"server {c.server_value!r}; kept {c.kept}{done}")  # fmt: skip


@sync.command("resolve")
@click.argument("conflict_id", type=int)
@click.option("--keep", type=click.Choice(["amity", "server"]), required=True,
              help="Which side's value to keep (the next run sends it).")  # fmt: skip
@pass_state
def resolve(state: AppState, conflict_id: int, keep: str) -> None:
    """Resolve a conflict by keeping Amity's or the server's value."""
    conflict = state.book().contact_sync.resolve(conflict_id, keep)
    click.echo(f"Kept the {keep}'s {conflict.field} for {conflict.person_name or '?'}.")
