"""Options shared by many commands (--json, --date) and output helpers."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import click

from amity.cli.state import AppState

F = TypeVar("F", bound=Callable[..., Any])


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(func)


def _set_date(ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    from amity.rules.when import WhenError, parse_date

    try:
        day = parse_date(value, date.today())
    except WhenError as exc:
        raise click.BadParameter(str(exc)) from None
    state = ctx.find_object(AppState)
    if state is not None:
        state.today_override = day
    return day


def date_option(func: F) -> F:
    return click.option(
        "--date",
        "as_of",
        metavar="DATE",
        callback=_set_date,
        expose_value=False,
        is_eager=True,
        help="Answer as if today were DATE (YYYY-MM-DD).",
    )(func)


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


pass_state = click.make_pass_decorator(AppState)
