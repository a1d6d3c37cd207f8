"""`amity group list|show`: contact groups (group cards), their members in the book and those
the card names who are not; `amity relationships`: how people are related, imported or not."""

from __future__ import annotations

import click

from amity.cli.options import emit_json, json_option, pass_state
from amity.cli.state import AppState
from amity.serialize import group_json


@click.group()
def group() -> None:
    """Groups from group cards (vCard KIND:group, Apple groups): their tag and members."""


@group.command("list")
@json_option
@pass_state
def group_list(state: AppState, as_json: bool) -> None:
    """List groups with how many members are in the book and how many are not."""
    found = state.book().groups.list()
    if as_json:
        emit_json([group_json(g) for g in found])
        return
    if not found:
        click.echo("No groups.")
    for g in found:
        missing = f", {len(g.missing)} not in your book" if g.missing else ""
        click.echo(f"#{g.id:<5} {g.name}  (tag {g.tag!r}: {len(g.members)} in your book{missing})")


@group.command("show")
@click.argument("name")
@json_option
@pass_state
def group_show(state: AppState, name: str, as_json: bool) -> None:
    """Show group NAME (its name or tag, any case, or #id): its members."""
    found = state.book().groups.get(name.removeprefix("#"))
    if as_json:
        emit_json(group_json(found))
        return
    click.echo(f"{found.name}  (tag {found.tag!r})")
    for m in found.members:
        click.echo(f"  #{m.id:<5} {m.name}")
    for missing, n in found.missing_counts:
        label = missing if missing.endswith("not in your book") else f"{missing} (not in your book)"
        click.echo(f"  {label}{f' x{n}' if n > 1 else ''}")


@click.command("relationships")
@click.argument("person", required=False)
@json_option
@pass_state
def relationships(state: AppState, person: str | None, as_json: bool) -> None:
    """List relationships (of PERSON): people in the book, or names from cards not in it."""
    from amity.serialize import relationship_json

    found = state.book().network.relationships.list(person)
    if as_json:
        emit_json([relationship_json(r) for r in found])
        return
    if not found:
        click.echo("No relationships.")
    for r in found:
        other = r.b.name if r.b.id else f"{r.b.name} (not in your book)"
        click.echo(f"#{r.id:<5} {r.a.name} — {r.kind} — {other}")
