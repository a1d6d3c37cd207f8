"""`amity user`: the installation's accounts from the command line, for whoever runs the
server: reset a forgotten password (issue 12 §7), list users, sign one out everywhere, reset a
lost second factor (issue 15)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

import click

from amity.cli.options import emit_json, json_option, pass_state
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


def _engine(state: AppState) -> tuple[Any, str]:
    from amity.book import open_engine
    from amity.config import resolve_url

    url = resolve_url(state.db)
    return open_engine(url), url


def _user(engine: Any, email: str) -> Any:
    from amity import accounts
    from amity.errors import NotFound

    user, _ = accounts.login_candidate(engine, email)
    if user is None:
        raise NotFound(f"no user {email!r} on this installation")
    return user


@user.command("list")
@json_option
@pass_state
def user_list(state: AppState, as_json: bool) -> None:
    """List users who can sign in, with their second factors and live sessions."""
    from amity import accounts

    engine, _ = _engine(state)
    now = state.now()
    rows = []
    for u in accounts.list_users(engine):
        factors = accounts.second_factors(engine, u.id)
        rows.append(
            {
                "id": u.id,
                "email": u.email,
                "name": u.name,
                "admin": u.is_admin,
                "totp": factors.totp,
                "passkeys": factors.passkeys,
                "recovery_codes_left": factors.recovery_left,
                "sessions": len(accounts.list_sessions(engine, u.id, now=now)),
            }
        )
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo("No users yet: the first visit to the web app creates the owner.")
    for r in rows:
        second = ", ".join(
            part
            for part in (
                "authenticator app" if r["totp"] else "",
                f"{r['passkeys']} passkey(s)" if r["passkeys"] else "",
            )
            if part
        )
        admin = " (admin)" if r["admin"] else ""
        click.echo(
            f"{r['id']:>4}  {r['email']:<32} {r['name']}{admin}  "
            f"second factor: {second or 'none'}  sessions: {r['sessions']}"
        )


@user.command("logout")
@click.argument("email")
@click.option("--tokens", is_flag=True, help="Also revoke API tokens and app passwords.")
@json_option
@pass_state
def user_logout(state: AppState, email: str, tokens: bool, as_json: bool) -> None:
    """End every session of a user on the server (and with --tokens, every API token)."""
    from amity import accounts

    engine, _ = _engine(state)
    found = _user(engine, email)
    now = state.now()
    sessions = accounts.revoke_sessions(engine, found.id, now=now)
    accounts.end_all_sessions(engine, found.id, now=now)
    revoked = accounts.revoke_all_api_tokens(engine, found.id, now=now) if tokens else 0
    if as_json:
        emit_json({"email": found.email, "sessions_ended": sessions, "tokens_revoked": revoked})
        return
    click.echo(f"{found.email}: {sessions} session(s) ended, {revoked} token(s) revoked.")


@user.command("reset-2fa")
@click.argument("email")
@json_option
@pass_state
def user_reset_2fa(state: AppState, email: str, as_json: bool) -> None:
    """Remove a user's authenticator app, recovery codes and passkeys (a lost device), and
    end their sessions; they sign in with their password and set a factor up again."""
    from amity import accounts

    engine, _ = _engine(state)
    found = _user(engine, email)
    accounts.reset_second_factors(engine, found.id)
    sessions = accounts.revoke_sessions(engine, found.id, now=state.now())
    if as_json:
        emit_json(
            {"email": found.email, "second_factors_removed": True, "sessions_ended": sessions}
        )
        return
    click.echo(
        f"{found.email}: second factors removed and {sessions} session(s) ended; "
        "they can sign in with their password and set a factor up again."
    )
