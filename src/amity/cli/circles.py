"""Circle commands: `amity circles` lists them, `amity circle set NAME --every 30d` edits one."""

from __future__ import annotations

from typing import Any

import click

from amity.cli.options import date_option, emit_json, json_option, pass_state
from amity.cli.state import AppState
from amity.rules.normalize import format_cadence


def _line(c: dict[str, Any]) -> str:
    cadence = format_cadence(c["cadence_days"]) if c["cadence_days"] else "no reminders"
    return f"{c['name']:<14} every {cadence:<12} weight {c['weight']:<5g} {c['people']} people"


@click.command()
@date_option
@json_option
@pass_state
def circles(state: AppState, as_json: bool) -> None:
    """List circles with their default cadence, weight in the agenda and size."""
    rows = state.book().circle_settings.list()
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        click.echo(_line(row))


@click.group()
def circle() -> None:
    """Change a circle (`amity circle set close --every 30d`)."""


@circle.command("set")
@click.argument("name")
@click.option("--every", metavar="CADENCE", help="Default cadence: 30d, 6w, 3m, never.")
@click.option("--weight", type=float, help="Weight in the agenda's ranking (above 0).")
@click.option("--new", "create", is_flag=True, help="Add the circle when it does not exist.")
@json_option
@pass_state
def circle_set(
    state: AppState, name: str, every: str | None, weight: float | None, create: bool, as_json: bool
) -> None:
    """Set circle NAME's default cadence (--every) and/or weight."""
    row = state.book().circle_settings.set(name, every=every, weight=weight, create=create)
    if as_json:
        emit_json(row)
    else:
        click.echo(_line(row))
