"""`amity org list|show|add|edit|delete`: organisations (company cards), and who works there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from amity.book.organisations import OrganisationInput
from amity.cli.options import console, emit_json, json_option, pass_state
from amity.cli.state import AppState
from amity.model.organisations import Member, Organisation
from amity.serialize import organisation_json

F = TypeVar("F", bound=Callable[..., Any])


@click.group()
def org() -> None:
    """Organisations: companies and other bodies people work at (`amity org list`)."""


def _fields(func: F) -> F:
    for option in reversed((
        click.option("--website", help="The organisation's web site."),
        click.option("--email", "emails", multiple=True, help="An e-mail address (repeatable)."),
        click.option("--phone", "phones", multiple=True, help="A phone number (repeatable)."),
        click.option("--address", help="Its postal address, on one line."),
        click.option("--note", help="Notes."),
    )):  # fmt: skip
        func = option(func)
    return func


@org.command("list")
@click.option("--search", "q", metavar="TEXT", help="Only names containing TEXT.")
@json_option
@pass_state
def org_list(state: AppState, q: str | None, as_json: bool) -> None:
    """List organisations with how many people work there now."""
    found = state.book().organisations.list(q)
    if as_json:
        emit_json([organisation_json(o) for o in found])
        return
    if not found:
        click.echo("No organisations.")
    for o in found:
        people = f"{o.people_count} {'person' if o.people_count == 1 else 'people'}"
        click.echo(f"#{o.id:<5} {o.name}  ({people})")


@org.command("show")
@click.argument("organisation")
@json_option
@pass_state
def org_show(state: AppState, organisation: str, as_json: bool) -> None:
    """Show ORGANISATION (a name, any case, or #id) and the people who work there."""
    book = state.book()
    found = book.organisations.get(organisation.removeprefix("#"))
    people = book.organisations.people(found.id)  # type: ignore[arg-type]
    if as_json:
        emit_json(organisation_json(found, people))
        return
    _print(found, people)


@org.command("add")
@click.argument("name")
@_fields
@json_option
@pass_state
def org_add(state: AppState, name: str, website: str | None, emails: tuple[str, ...],
            phones: tuple[str, ...], address: str | None, note: str | None,
            as_json: bool) -> None:  # fmt: skip
    """Add an organisation called NAME."""
    data = OrganisationInput(name=name, website=website, emails=list(emails),
                             phones=list(phones), address=address, notes=note)  # fmt: skip
    created = state.book().organisations.add(data)
    if as_json:
        emit_json(organisation_json(created))
    else:
        click.echo(f"Added {created.name} (#{created.id}).")


@org.command("edit")
@click.argument("organisation")
@click.option("--name", help="A new name.")
@_fields
@json_option
@pass_state
def org_edit(state: AppState, organisation: str, name: str | None, website: str | None,
             emails: tuple[str, ...], phones: tuple[str, ...], address: str | None,
             note: str | None, as_json: bool) -> None:  # fmt: skip
    """Change ORGANISATION; --email and --phone replace its lists."""
    data = OrganisationInput(name=name, website=website, emails=list(emails) or None,
                             phones=list(phones) or None, address=address, notes=note)  # fmt: skip
    changed = state.book().organisations.edit(organisation.removeprefix("#"), data)
    if as_json:
        emit_json(organisation_json(changed))
    else:
        click.echo(f"Updated {changed.name} (#{changed.id}).")


@org.command("from-person")
@click.argument("person")
@json_option
@pass_state
def org_from_person(state: AppState, person: str, as_json: bool) -> None:
    """PERSON is really a company (a company card imported as a person): keep it as an
    organisation instead (the person goes to the trash)."""
    made = state.book().organisations.from_person(person)
    if as_json:
        emit_json(organisation_json(made))
    else:
        click.echo(f"{made.name} is now an organisation (#{made.id}).")


@org.command("delete")
@click.argument("organisation")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_state
def org_delete(state: AppState, organisation: str, yes: bool) -> None:
    """Delete ORGANISATION (people keep their jobs; `amity trash` can restore it)."""
    book = state.book()
    found = book.organisations.get(organisation.removeprefix("#"))
    if not yes:
        click.confirm(f"Delete {found.name}?", abort=True)
    book.organisations.delete(found.id)  # type: ignore[arg-type]
    click.echo(f"Deleted {found.name}.")


def _print(o: Organisation, people: list[Member]) -> None:
    from rich.markup import escape

    out = console()
    out.print(f"[bold]{escape(o.name)}[/bold]  [dim]#{o.id}[/dim]")
    for label, value in (("website", o.website), ("address", o.address), ("notes", o.notes)):
        if value:
            out.print(f"  {label}: {value}", markup=False)
    for value in o.emails:
        out.print(f"  e-mail: {value}", markup=False)
    for value in o.phones:
        out.print(f"  phone: {value}", markup=False)
    if not people:
        out.print("  Nobody in your book works here.")
    for m in people:
        role = f", {m.title}" if m.title else ""
        out.print(f"  {'' if m.current else '(former) '}{m.name}{role}  #{m.person_id}",
                  markup=False)  # fmt: skip
