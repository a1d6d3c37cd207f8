"""People commands: add, edit, show, list, rm, tag, fact, ask."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import click

from amity.book.people import SORTS, PersonInput
from amity.cli.options import (
    console,
    date_option,
    emit_json,
    json_option,
    pass_state,
    print_columns,
)
from amity.cli.state import AppState
from amity.model import FACT_KINDS, Person
from amity.rules.normalize import format_cadence
from amity.rules.words import counted
from amity.serialize import fact_json, person_json, question_json

F = TypeVar("F", bound=Callable[..., Any])


def _parse_day(value: str | None, state: AppState) -> date | None:
    if value is None:
        return None
    from amity.rules.when import WhenError, parse_date

    try:
        return parse_date(value, state.now().date())
    except WhenError as exc:
        raise click.BadParameter(str(exc)) from None


def person_options(func: F) -> F:
    options = [
        click.option(
            "--email", "emails", multiple=True, metavar="ADDRESS", help="E-mail (repeatable)."
        ),
        click.option(
            "--phone",
            "phones",
            multiple=True,
            metavar="NUMBER",
            help="Phone, normalised to E.164 (repeatable).",
        ),
        click.option("--url", "urls", multiple=True, help="Web or profile URL (repeatable)."),
        click.option("--org", help="Organisation (current job)."),
        click.option("--title", help="Job title."),
        click.option("--tag", "tags", multiple=True, help="Tag (repeatable)."),
        click.option("--circle", help="Circle: inner, close, network, acquaintance..."),
        click.option(
            "--every",
            "cadence",
            metavar="CADENCE",
            help="Stay-in-touch cadence override: 30d, 6w, 3m, never; '' clears.",
        ),
        click.option("--birthday", metavar="DATE", help="1990-04-15, --04-15 or 04-15."),
        click.option("--met-at", "met_where", metavar="WHERE", help="Where you met."),
        click.option("--met-on", "met_on", metavar="DATE", help="When you met."),
        click.option("--how-met", help="How you met (conference, LinkedIn, intro...)."),
        click.option("--introduced-by", metavar="PERSON", help="Who introduced you."),
        click.option(
            "--channel", "preferred_channel", help="Preferred channel (signal, email...)."
        ),
        click.option(
            "--tz", "timezone", metavar="ZONE", help="Their time zone, e.g. Europe/Lisbon."
        ),
        click.option(
            "--country",
            metavar="COUNTRY",
            help="Their country (GB, United Kingdom): reads their national phone numbers.",
        ),
        click.option("--language", help="Their preferred language."),
        click.option("--note", help="A note about them."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _person_input(state: AppState, name: str | None, **kw: object) -> PersonInput:
    met_on = _parse_day(kw.pop("met_on", None), state)  # type: ignore[arg-type]
    data = PersonInput(name=name, met_on=met_on)
    for key, value in kw.items():
        if value is None:
            continue
        setattr(data, key, list(value) if isinstance(value, tuple) else value)
    return data


@click.command()
@click.argument("name")
@person_options
@json_option
@pass_state
def add(state: AppState, /, name: str, as_json: bool, **kw: object) -> None:
    """Add a person called NAME (a warning names anyone who already has one of the e-mails)."""
    book = state.book()
    data = _person_input(state, name, **kw)
    same = book.people.sharing_emails(data.emails or [])
    person = book.people.add(data)
    for email, other in same:
        click.echo(
            f"Warning: {other.name} (id {other.id}) already has {email}; if they are the same "
            f"person: amity merge {other.id} {person.id}",
            err=True,
        )
    if as_json:
        emit_json(person_json(person, details=True))
    else:
        click.echo(f"Added {person.name} (id {person.id}).")


@click.command()
@click.argument("person")
@click.option("--name", help="A new name.")
@person_options
@click.option("--remove-email", multiple=True, help="Remove an e-mail address.")
@click.option("--remove-phone", multiple=True, help="Remove a phone number.")
@json_option
@pass_state
def edit(
    state: AppState,
    /,
    person: str,
    name: str | None,
    remove_email: tuple[str, ...],
    remove_phone: tuple[str, ...],
    as_json: bool,
    **kw: object,
) -> None:
    """Change PERSON's details; list options (--email, --tag...) add to what is there."""
    result = state.book().people.edit(
        person,
        _person_input(state, name, **kw),
        remove_emails=remove_email,
        remove_phones=remove_phone,
    )
    if as_json:
        emit_json(person_json(result, details=True))
    else:
        click.echo(f"Updated {result.name} (id {result.id}).")


@click.command()
@click.argument("person")
@date_option
@json_option
@pass_state
def show(state: AppState, person: str, as_json: bool) -> None:
    """Show everything about PERSON."""
    book = state.book()
    found = book.people.get(person)
    recent = book.interactions.timeline(found.id, limit=10)
    if as_json:
        from amity.serialize import interaction_json

        data = person_json(found, details=True)
        data["recent_interactions"] = [interaction_json(i) for i in recent]
        emit_json(data)
        return
    _print_person(found, recent, state.today())


def _print_person(p: Person, recent: list, today: date) -> None:  # type: ignore[type-arg]
    from rich.table import Table

    out = console()
    role = " · ".join(x for x in (p.title, p.org) if x)
    out.print(f"[bold]{p.name}[/bold]  [dim]#{p.id}[/dim]" + (f"  {role}" if role else ""))
    if p.archived_at:
        out.print("[yellow]archived[/yellow]")
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim")
    facts.add_column()
    for point in p.contact_points:
        facts.add_row(point.kind + (f" ({point.label})" if point.label else ""), point.value)
    circle = p.circle or "-"
    cadence = format_cadence(p.cadence_days) if p.cadence_days is not None else "circle default"
    facts.add_row("circle", f"{circle} (cadence {cadence})")
    if p.tags:
        facts.add_row("tags", ", ".join(p.tags))
    for d in p.dates:
        facts.add_row(d.label or d.kind, str(d.when))
    met = " ".join(
        x
        for x in (
            p.how_met or "",
            f"at {p.met_where}" if p.met_where else "",
            f"on {p.met_on}" if p.met_on else "",
        )
        if x
    )
    if met:
        facts.add_row("met", met)
    if p.introduced_by:
        facts.add_row("introduced by", p.introduced_by.name)
    for label, value in (
        ("channel", p.preferred_channel),
        ("time zone", p.timezone),
        ("country", p.country),
        ("language", p.language),
        ("best time", p.best_time),
    ):
        if value:
            facts.add_row(label, value)
    facts.add_row("last contact", _ago(p.last_interaction_at, today))
    if p.notes:
        facts.add_row("notes", p.notes)
    out.print(facts)
    if p.jobs:
        out.print("\n[bold]Jobs[/bold]")
        for j in p.jobs:
            span = f"{j.start_date or '?'} – {j.end_date or 'now'}"
            out.print(
                f"  {j.title or ''} {'at ' if j.title else ''}{j.organisation}  [dim]{span}[/dim]"
            )
    if p.facts:
        out.print("\n[bold]What they care about[/bold]")
        for f in p.facts:
            out.print(f"  [dim]{f.kind}[/dim]  {f.text}")
    open_questions = [q for q in p.questions if q.asked_at is None]
    if open_questions:
        out.print("\n[bold]Ask next time[/bold]")
        for q in open_questions:
            out.print(f"  [dim]Q{q.id}[/dim]  {q.text}")
    if recent:
        out.print("\n[bold]Recent interactions[/bold]")
        for i in recent:
            others = ", ".join(r.name for r in i.people if r.id != p.id)
            text = i.subject or i.notes or ""
            out.print(
                f"  {i.occurred_at.date()}  {i.kind:<8} {i.direction:<8} {text[:60]}"
                + (f"  [dim](with {others})[/dim]" if others else "")
            )


def _ago(when: datetime | None, today: date) -> str:
    if when is None:
        return "never"
    days = (today - when.astimezone(UTC).date()).days
    if days <= 0:
        return f"{when.date()} (today)"
    return f"{when.date()} ({counted(days, 'day')} ago)"


@click.command("list")
@click.option("--tag", help="Only people with this tag.")
@click.option("--circle", help="Only people in this circle.")
@click.option("--org", help="Only people whose organisation contains this.")
@click.option(
    "--sort",
    type=click.Choice(SORTS),
    default="name",
    show_default=True,
    help="last-contact: most recent first; added: newest first.",
)
@click.option("--reverse", is_flag=True, help="Reverse the order.")
@click.option("--limit", type=click.IntRange(min=0), help="At most this many.")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many.")
@click.option("--archived", is_flag=True, help="List archived people instead.")
@date_option
@json_option
@pass_state
def list_people(
    state: AppState,
    tag: str | None,
    circle: str | None,
    org: str | None,
    sort: str,
    reverse: bool,
    limit: int | None,
    offset: int,
    archived: bool,
    as_json: bool,
) -> None:
    """List people."""
    filters: dict[str, Any] = {"tag": tag, "circle": circle, "org": org, "sort": sort, "reverse": reverse,
               "limit": limit, "offset": offset, "only_archived": archived}  # fmt: skip
    if as_json:
        emit_json([person_json(p) for p in state.book().people.list(**filters)])
        return
    people = state.book().people.lines(**filters)  # what the columns show, nothing more
    today = state.today()
    said: dict[date, str] = {}  # "last contact" per UTC day: a few hundred days, not 10,000

    def ago(when: datetime | None) -> str:
        if when is None or when.utcoffset():
            return _ago(when, today)
        text = said.get(day := when.date())
        if text is None:
            text = said[day] = _ago(when, today)
        return text

    rows = [[str(p.id), p.name, f"{p.title} · {p.org}" if p.title and p.org else
             p.title or p.org or "", p.circle or "", ", ".join(p.tags),
             ago(p.last_interaction_at)] for p in people]  # fmt: skip
    if rows:
        print_columns(["id", "name", "organisation", "circle", "tags", "last contact"], rows,
                      right=frozenset({0}), limits={1: 40, 2: 48, 4: 40})  # fmt: skip
    count = f"{len(people)} {'person' if len(people) == 1 else 'people'}"
    click.echo(click.style(count, dim=True))  # not Rich: its console costs 0.05 s to import


@click.command()
@click.argument("person")
@click.option("--purge", is_flag=True, help="Delete for good, with their own records.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation of --purge.")
@click.option("--restore", is_flag=True, help="Bring an archived person back.")
@pass_state
def rm(state: AppState, person: str, purge: bool, yes: bool, restore: bool) -> None:
    """Archive PERSON (hidden from lists and the agenda, history kept)."""
    people = state.book().people
    if restore:
        ref = people.restore(person)
        click.echo(f"Restored {ref.name} (id {ref.id}).")
        return
    if purge:
        ref = people.resolve(person)
        if not yes:
            click.confirm(
                f"Delete {ref.name} (id {ref.id}) and their own records (kept 30 days in the "
                "trash)?",
                abort=True,
            )
        people.purge(ref.id)
        click.echo(
            f"Deleted {ref.name} (id {ref.id}): in the trash for 30 days "
            "(`amity trash`, `amity restore ID`)."
        )
        return
    ref = people.archive(person)
    click.echo(
        f"Archived {ref.name} (id {ref.id}); `amity rm {ref.id} --restore` brings them back."
    )


@click.command()
@click.argument("person")
@click.argument("tags", nargs=-1, required=True)
@click.option("--remove", is_flag=True, help="Remove these tags instead.")
@json_option
@pass_state
def tag(state: AppState, person: str, tags: tuple[str, ...], remove: bool, as_json: bool) -> None:
    """Tag PERSON with TAGS."""
    people = state.book().people
    result = people.untag(person, tags) if remove else people.tag(person, tags)
    if as_json:
        emit_json(person_json(result))
    else:
        click.echo(f"{result.name}: {', '.join(result.tags) or 'no tags'}")


@click.command()
@click.argument("person")
@click.argument("kind", type=click.Choice(FACT_KINDS, case_sensitive=False), metavar="KIND")
@click.argument("text", nargs=-1, required=True)
@click.option("--on", "happened_on", metavar="DATE", help="When it happened (life events).")
@json_option
@pass_state
def fact(
    state: AppState,
    person: str,
    kind: str,
    text: tuple[str, ...],
    happened_on: str | None,
    as_json: bool,
) -> None:
    """Remember what PERSON cares about. KIND: interest, family, pet, preference, goal,
    life_event, other."""
    result = state.book().people.add_fact(
        person, kind, " ".join(text), happened_on=_parse_day(happened_on, state)
    )
    if as_json:
        emit_json(fact_json(result))
    else:
        click.echo(f"Noted ({result.kind}): {result.text}")


@click.command()
@click.argument("person")
@click.argument("text", nargs=-1, required=True)
@json_option
@pass_state
def ask(state: AppState, person: str, text: tuple[str, ...], as_json: bool) -> None:
    """Note a question to ask PERSON next time."""
    result = state.book().people.add_question(person, " ".join(text))
    if as_json:
        emit_json(question_json(result))
    else:
        click.echo(f"Will ask (Q{result.id}): {result.text}")
