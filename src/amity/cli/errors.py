"""Errors -> one line on stderr and an exit status, in one place."""

from __future__ import annotations

import click

from amity.errors import Ambiguous, AmityError

EXIT_INPUT = 2  # bad input, ambiguous or unknown reference: nothing was written


def handle(exc: Exception) -> int:
    if isinstance(exc, Ambiguous):
        click.echo(f"amity: {exc}", err=True)
        for ident, label in exc.candidates:
            click.echo(f"  {ident:>6}  {label}", err=True)
        return EXIT_INPUT
    if isinstance(exc, AmityError):
        click.echo(f"amity: {exc}", err=True)
        return EXIT_INPUT
    from sqlalchemy.exc import OperationalError

    if isinstance(exc, OperationalError):
        click.echo(f"amity: database error: {exc.orig}", err=True)
        return 1
    raise exc  # a bug: let the traceback show
