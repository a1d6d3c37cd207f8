"""History, undo and the trash: history, undo, trash, restore (issue 15)."""

from __future__ import annotations

from typing import Any

import click

from amity.cli.options import console, emit_json, json_option, pass_state
from amity.cli.state import AppState


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else ""


def _value(value: Any) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:39] + "…"


@click.command()
@click.argument("person", required=False)
@click.option("--limit", type=click.IntRange(1, 500), default=20, show_default=True)
@click.option("--fields", "show_fields", is_flag=True, help="Show each field before and after.")
@json_option
@pass_state
def history(
    state: AppState, person: str | None, limit: int, show_fields: bool, as_json: bool
) -> None:
    """What changed, newest first: who, when, through which door (cli, web, api, mcp, sync,
    import), and the fields before and after. With PERSON, only changes about them."""
    groups = state.book().history.groups(person=person, limit=limit)
    if as_json:
        from amity.serialize_history import change_group_json

        emit_json([change_group_json(g) for g in groups])
        return
    if not groups:
        click.echo("No changes recorded yet.")
        return
    out = console()
    for g in groups:
        mark = " [dim](undone)[/dim]" if g.undone_at else ""
        mark += " [yellow](in the trash)[/yellow]" if g.in_trash else ""
        who = f"{g.door}" + (f", {g.actor}" if g.actor else "")
        out.print(
            f"[bold]{g.id}[/bold]  {_when(g.at)}  {who}  {g.summary}{mark}",
            highlight=False,
            soft_wrap=True,
        )
        if show_fields:
            for c in g.changes:
                if c.op == "bulk":
                    out.print(f"      {c.record}: {c.count} added", highlight=False, soft_wrap=True)
                    continue
                head = f"      {c.op} {c.record} {c.key}" + (f" ({c.label})" if c.label else "")
                out.print(head, highlight=False, soft_wrap=True)
                if c.op == "update":
                    for f in c.fields:
                        out.print(f"        {f.name}: {_value(f.before)!r} -> {_value(f.after)!r}",
                                  highlight=False, soft_wrap=True)  # fmt: skip


@click.command()
@click.argument("change", type=click.IntRange(1, 2**31 - 1), required=False)
@click.option("--force", is_flag=True, help="Undo even when later changes touched the same rows.")
@json_option
@pass_state
def undo(state: AppState, change: int | None, force: bool, as_json: bool) -> None:
    """Undo the last change (or change CHANGE from `amity history`). A later change to the
    same records is refused unless --force."""
    result = state.book().history.undo(change, force=force)
    if as_json:
        from amity.serialize_history import undo_json

        emit_json(undo_json(result))
        return
    click.echo(result.line())


@click.command()
@click.option("--limit", type=click.IntRange(1, 500), default=100, show_default=True)
@json_option
@pass_state
def trash(state: AppState, limit: int, as_json: bool) -> None:
    """Deleted people, interactions, facts and other records, restorable for 30 days
    (`amity restore ID`); merges are here too."""
    entries = state.book().history.trash(limit=limit)
    if as_json:
        from amity.serialize_history import trash_entry_json

        emit_json([trash_entry_json(t) for t in entries])
        return
    if not entries:
        click.echo("The trash is empty.")
        return
    out = console()
    for t in entries:
        related = f" (+{t.related} related)" if t.related else ""
        out.print(
            f"[bold]{t.id}[/bold]  {_when(t.deleted_at)}  {t.summary}{related}  "
            f"[dim]until {t.until:%Y-%m-%d}, {t.door}[/dim]",
            highlight=False,
            soft_wrap=True,
        )


@click.command()
@click.argument("target", metavar="ID|KEY")
@click.option(
    "--force", is_flag=True, help="Restore even when later changes touched the same rows."
)
@json_option
@pass_state
@click.pass_context
def restore(ctx: click.Context, state: AppState, target: str, force: bool, as_json: bool) -> None:
    """Put back what trash entry ID deleted (a merge: both people as they were), or, with an
    agenda KEY (promise:c12...), undo done, snooze or dismiss on that item."""
    text = target.strip()
    if not text.isdigit():
        from amity.cli.agenda import restore as restore_item

        ctx.invoke(restore_item, key=target, as_json=as_json)
        return
    number = int(text)
    if not 1 <= number < 2**31:
        raise click.BadParameter("not a trash entry's id", param_hint="ID")
    result = state.book().history.restore(number, force=force)
    if as_json:
        from amity.serialize_history import undo_json

        emit_json(undo_json(result))
        return
    click.echo(f"Restored: {result.group.summary} ({result.restored} row(s) back).")
