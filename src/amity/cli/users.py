"""`amity user`: the installation's accounts from the command line (issue 12 §7)."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import click

from amity.cli.options import pass_state
from amity.cli.state import AppState


@click.group()
def user() -> None:
    """The accounts of this installation (web sign-in)."""


@user.command("reset-password")
@click.argument("email")
@click.option(
    "--link",
    is_flag=True,
    help="Print a one-time link (valid an hour, at $AMITY_BASE_URL) instead of asking here.",
)
@click.option(
    "--password-file",
    type=click.File("r"),
    help="Read the new password from this file's first line ('-': standard input).",
)
@pass_state
def reset_password(state: AppState, email: str, link: bool, password_file: object) -> None:
    """Set a new password for the account with EMAIL (it signs that user out everywhere),
    or with --link print a one-time link for them to choose it."""
    from amity import password_reset
    from amity.book import open_engine
    from amity.config import resolve_url
    from amity.errors import InvalidInput
    from amity.security import hash_password, password_problem

    engine = open_engine(resolve_url(state.db))
    now = datetime.now(UTC)
    if link:
        made = password_reset.create_reset(engine, email, now=now)
        if made is None:
            raise InvalidInput(
                f"no user with a password and the e-mail {email!r} (or 3 links in the last hour)",
                field="email",
            )
        base = (os.environ.get("AMITY_BASE_URL") or "http://127.0.0.1:8787").rstrip("/")
        click.echo(f"{base}/reset/{made.token}")
        click.echo(f"Valid until {made.expires_at:%Y-%m-%d %H:%M} UTC, once.", err=True)
        return
    if password_file is not None:
        password = password_file.readline().rstrip("\r\n")  # type: ignore[attr-defined]
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(password)
    if problem:
        raise InvalidInput(problem, field="password")
    changed = password_reset.set_new_password(engine, email, hash_password(password), now=now)
    click.echo(f"New password set for {changed.email}; their sessions have ended.")
