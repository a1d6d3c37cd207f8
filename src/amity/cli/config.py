"""`amity config`: read and change settings."""

from __future__ import annotations

import click

from amity.cli.options import emit_json, json_option, pass_state
from amity.cli.state import AppState


@click.group()
def config() -> None:
    """Read and change settings (time zone, phone region, SMTP, agenda thresholds...)."""


@config.command("list")
@json_option
@pass_state
def config_list(state: AppState, as_json: bool) -> None:
    """Show every setting with its value (secrets masked)."""
    values = state.book().settings.all()
    if as_json:
        emit_json(values)
        return
    for key, value in values.items():
        click.echo(f"{key} = {value}")


@config.command("get")
@click.argument("key")
@json_option
@pass_state
def config_get(state: AppState, key: str, as_json: bool) -> None:
    """Print one setting."""
    values = state.book().settings.all()
    if key not in values:
        raise click.BadParameter(f"unknown setting {key!r}", param_hint="KEY")
    if as_json:
        emit_json({key: values[key]})
    else:
        click.echo(values[key] if not isinstance(values[key], list) else ",".join(values[key]))


@config.command("set")
@click.argument("key")
@click.argument("value")
@pass_state
def config_set(state: AppState, key: str, value: str) -> None:
    """Set KEY to VALUE (lists are comma-separated: me.emails a@x.org,b@y.org)."""
    stored = state.book().settings.set(key, value)
    shown = "********" if "password" in key else stored
    click.echo(f"{key} = {shown}")


@config.command("unset")
@click.argument("key")
@pass_state
def config_unset(state: AppState, key: str) -> None:
    """Return KEY to its default."""
    state.book().settings.unset(key)
    click.echo(f"{key} reset to its default")
