"""`amity sync` for mail: the IMAP options of `amity sync add imap HOST` and
`amity sync suggestions` (people you write to who are not in the book).

amity sync add imap imap.example.org --username ana@example.org --password-file pw.txt
amity sync suggestions
amity sync suggestions add dee@example.net
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from amity.cli.options import emit_json, json_option, pass_state
from amity.cli.state import AppState
from amity.errors import InvalidInput

F = TypeVar("F", bound=Callable[..., Any])

_OPTIONS = [
    click.option(
        "--port",
        type=click.IntRange(1, 65535),
        help="imap: the server's port (default 993, or 143 with --starttls or --insecure).",
    ),
    click.option(
        "--folders",
        metavar="A,B",
        help="imap: folders to read (default: INBOX and the Sent folder).",
    ),
    click.option(
        "--with-snippets",
        is_flag=True,
        help="imap: keep the first 500 characters of each message's text (default: headers only).",
    ),
    click.option(
        "--starttls", is_flag=True, help="imap: STARTTLS on the plain port instead of IMAPS."
    ),
    click.option(
        "--insecure",
        is_flag=True,
        help="imap: no TLS at all (only to a loopback address, e.g. a local bridge).",
    ),
    click.option(
        "--ca-file",
        type=click.Path(dir_okay=False, exists=True),
        help="imap: trust this CA certificate (a private or self-signed server).",
    ),
    click.option(
        "--capture-folder",
        metavar="FOLDER",
        help="imap: messages filed here become notes on the people they name.",
    ),
    click.option(
        "--address",
        metavar="EMAIL",
        help="imap: your address on this account (default: the user name when it is an address).",
    ),
]


def imap_options(func: F) -> F:
    for option in reversed(_OPTIONS):
        func = option(func)
    return func


def imap_account(host: str, mail: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """``amity sync add imap``'s HOST and options -> the account's address and options."""
    from amity.sync.imap import endpoint_url

    if mail.get("insecure") and mail.get("starttls"):
        raise InvalidInput("--insecure and --starttls exclude each other", field="insecure")
    tls = "none" if mail.get("insecure") else "starttls" if mail.get("starttls") else "ssl"
    url = endpoint_url(host, mail.get("port"), tls)
    folders = [f.strip() for f in (mail.get("folders") or "").split(",") if f.strip()]
    options: dict[str, Any] = {"tls": tls, "folders": folders,
                               "snippets": bool(mail.get("with_snippets"))}  # fmt: skip
    for key in ("ca_file", "capture_folder", "address"):
        if mail.get(key):
            options[key] = str(mail[key]).strip()
    if options.get("ca_file"):
        from pathlib import Path

        options["ca_file"] = str(Path(options["ca_file"]).resolve())
    return url, options


def has_mail_options(mail: dict[str, Any]) -> bool:
    return any(v for v in mail.values())


@click.group(invoke_without_command=True)
@click.option("--all", "show_all", is_flag=True, help="Also list dismissed ones.")
@json_option
@click.pass_context
def suggestions(ctx: click.Context, show_all: bool, as_json: bool) -> None:
    """People you write to who are not in the book (from mail sync), most written to first."""
    if ctx.invoked_subcommand is not None:
        return
    state = ctx.find_object(AppState)
    assert state is not None
    found = state.book().mail_sync.suggestions(include_dismissed=show_all)
    if as_json:
        from amity.serialize_sync import correspondent_json

        emit_json([correspondent_json(c) for c in found])
        return
    if not found:
        click.echo("No one to propose: everyone you write to is in the book.")
    for c in found:
        last = f"last {c.last_at:%Y-%m-%d}" if c.last_at else ""
        name = f"{c.name} <{c.email}>" if c.name else c.email
        mark = " (dismissed)" if c.status == "dismissed" else ""
        click.echo(f"#{c.id:<4} {name}: you wrote {c.sent_count}, they wrote "
                   f"{c.received_count}; {last}{mark}")  # fmt: skip
    if found:
        click.echo("Add one with `amity sync suggestions add ID|EMAIL`.")


@suggestions.command("add")
@click.argument("ref")
@click.option("--name", help="The name to give them (default: the name their mail shows).")
@pass_state
def add_suggestion(state: AppState, ref: str, name: str | None) -> None:
    """Add a proposed person (ID or e-mail address) to the book."""
    book = state.book()
    person_id = book.mail_sync.add_suggestion(ref, name=name)
    click.echo(f"Added {book.people.get(person_id).name} (#{person_id}).")


@suggestions.command("dismiss")
@click.argument("ref")
@pass_state
def dismiss_suggestion(state: AppState, ref: str) -> None:
    """Stop proposing someone (ID or e-mail address)."""
    gone = state.book().mail_sync.dismiss_suggestion(ref)
    click.echo(f"No longer proposing {gone.email}.")
