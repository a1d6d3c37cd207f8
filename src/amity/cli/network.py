"""Network commands: event, events, met, relate, intro, path, gave, got, balance, coverage."""

from __future__ import annotations

from datetime import date

import click

from amity.book.network import RELATIONSHIP_KINDS
from amity.cli.options import console, date_option, emit_json, json_option, pass_state
from amity.cli.records import delete_command, edit_command
from amity.cli.state import AppState
from amity.model import EVENT_KINDS, EXCHANGE_KINDS
from amity.serialize import (
    balance_json,
    coverage_json,
    event_detail_json,
    event_json,
    event_summary_json,
    exchange_json,
    introduction_json,
    path_result_json,
    ref_json,
    relationship_json,
)


def parse_day(value: str | None, state: AppState, option: str = "--date") -> date | None:
    """A date typed by the user (2026-11-02, 3d, "next friday"), or None."""
    if value is None:
        return None
    from amity.rules.when import WhenError, parse_date

    try:
        return parse_date(value, state.today())
    except WhenError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from None


# --- events ---------------------------------------------------------------------------------


@click.group()
def event() -> None:
    """Events and communities: add one, show who you met there."""


@event.command("add")
@click.argument("name")
@click.option("--kind", "-k", type=click.Choice(EVENT_KINDS), required=True)
@click.option("--from", "starts", metavar="DATE", help="First day.")
@click.option("--to", "ends", metavar="DATE", help="Last day (default: the first).")
@click.option("--where", "location", help="Place (or 'online').")
@click.option("--url", help="The event's or community's web page.")
@click.option("--note", help="Notes.")
@json_option
@pass_state
def event_add(
    state: AppState,
    name: str,
    kind: str,
    starts: str | None,
    ends: str | None,
    location: str | None,
    url: str | None,
    note: str | None,
    as_json: bool,
) -> None:
    """Add an event or a community called NAME."""
    result = state.book().network.events.add(
        name,
        kind,
        starts_on=parse_day(starts, state, "--from"),
        ends_on=parse_day(ends, state, "--to"),
        location=location,
        url=url,
        notes=note,
    )
    if as_json:
        emit_json(event_json(result))
    else:
        click.echo(f"Added {result.kind} {result.name} (id {result.id}).")


@event.command("show")
@click.argument("ref", metavar="EVENT")
@json_option
@pass_state
def event_show(state: AppState, ref: str, as_json: bool) -> None:
    """Show EVENT: who you met there and whom you followed up with since."""
    detail = state.book().network.events.get(ref)
    if as_json:
        emit_json(event_detail_json(detail))
        return
    e = detail.event
    out = console()
    when = f"{e.starts_on}" + (f" – {e.ends_on}" if e.ends_on and e.ends_on != e.starts_on else "")
    out.print(
        f"[bold]{e.name}[/bold]  [dim]#{e.id} {e.kind}[/dim]  {when if e.starts_on else ''}"
        + (f"  {e.location}" if e.location else "")
    )
    if e.url:
        out.print(f"  {e.url}")
    if e.notes:
        out.print("\n[bold]Notes[/bold]")
        for line in e.notes.splitlines():
            out.print(f"  {line}")
    if detail.participation:
        out.print("\n[bold]Your participation[/bold]")
        for p in detail.participation:
            out.print(f"  {p.day.isoformat()}  {p.text}")
    if e.notes or detail.participation:
        out.print()
    if not detail.attendees:
        out.print("[dim]Nobody recorded yet: amity met PERSON... --at EVENT[/dim]")
    for a in detail.attendees:
        mark = (
            "[green]followed up[/green]"
            if a.followed_up
            else "[yellow]not yet followed up[/yellow]"
        )
        role = f" ({a.role})" if a.role and a.role != "attendee" else ""
        note = f"  [dim]{a.note}[/dim]" if a.note else ""
        out.print(f"  {a.person.name}{role}  {mark}{note}")


@event.command("log")
@click.argument("ref", metavar="EVENT")
@click.argument("text", nargs=-1, required=True)
@click.option("--on", "on", metavar="DATE", help="When (default: today).")
@json_option
@pass_state
def event_log(
    state: AppState, ref: str, text: tuple[str, ...], on: str | None, as_json: bool
) -> None:
    """Log your own participation in EVENT or a community (a talk, a forum answer...)."""
    book = state.book()
    result = book.network.events.log_participation(
        ref, " ".join(text), on=parse_day(on, state, "--on")
    )
    if as_json:
        emit_json(event_detail_json(book.network.events.get(result.id or 0)))
    else:
        click.echo(f"Logged your participation in {result.name}.")


@click.command()
@json_option
@pass_state
def events(state: AppState, as_json: bool) -> None:
    """List events and communities, newest first."""
    rows = state.book().network.events.list()
    if as_json:
        emit_json([event_summary_json(r) for r in rows])
        return
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    for col in ("id", "name", "kind", "when", "where", "people"):
        table.add_column(col)
    for r in rows:
        e = r.event
        table.add_row(
            str(e.id), e.name, e.kind, str(e.starts_on or ""), e.location or "", str(r.people)
        )
    console().print(table)


@click.command()
@click.argument("people", nargs=-1, required=True, metavar="PERSON...")
@click.option("--at", "at", required=True, metavar="EVENT", help="The event (id or name).")
@click.option("--note", help="A note about meeting them there.")
@click.option("--role", type=click.Choice(("attendee", "speaker", "organiser", "member")))
@click.option("--not-first", is_flag=True, help="You knew them already (not your first meeting).")
@json_option
@pass_state
def met(
    state: AppState,
    people: tuple[str, ...],
    at: str,
    note: str | None,
    role: str | None,
    not_first: bool,
    as_json: bool,
) -> None:
    """Record that you met PERSON... at EVENT."""
    found, refs = state.book().network.events.met(
        list(people), at, note=note, role=role, first_met=not not_first
    )
    if as_json:
        emit_json({"event": event_json(found), "people": [ref_json(r) for r in refs]})
    else:
        click.echo(f"Met {', '.join(r.name for r in refs)} at {found.name}.")


# --- relationships and introductions ---------------------------------------------------------


@click.command()
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@click.option(
    "--as", "kind", required=True, type=click.Choice(RELATIONSHIP_KINDS), help="How A relates to B."
)
@click.option("--note", help="A note.")
@json_option
@pass_state
def relate(state: AppState, a: str, b: str, kind: str, note: str | None, as_json: bool) -> None:
    """Record how two people in your book know each other."""
    result = state.book().network.relationships.relate(a, b, kind, note=note)
    if as_json:
        emit_json(relationship_json(result))
    else:
        click.echo(f"{result.a.name} and {result.b.name}: {result.kind} (id {result.id}).")


@click.command()
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@click.option("--by", metavar="PERSON", help="Who introduced them (default: you).")
@click.option("--note", help="What the introduction was about.")
@click.option("--on", "on", metavar="DATE", help="When (default: today).")
@json_option
@pass_state
def intro(
    state: AppState, a: str, b: str, by: str | None, note: str | None, on: str | None, as_json: bool
) -> None:
    """Record an introduction of A and B (by you, or --by someone)."""
    result = state.book().network.introductions.add(
        a, b, by=by, note=note, on=parse_day(on, state, "--on")
    )
    if as_json:
        emit_json(introduction_json(result))
        return
    who = result.by.name if result.by else "You"
    click.echo(f"{who} introduced {result.a.name} and {result.b.name} (id {result.id}).")
    if result.by is None:
        click.echo("Logged as an intro you gave to each of them (amity balance).")


@click.command()
@click.argument("person", required=False)
@json_option
@pass_state
def intros(state: AppState, person: str | None, as_json: bool) -> None:
    """Introductions (involving PERSON), newest first, with what came of them."""
    rows = state.book().network.introductions.list(person)
    if as_json:
        emit_json([introduction_json(i) for i in rows])
        return
    out = console()
    if not rows:
        out.print("[dim]No introductions yet: amity intro A B [--by C][/dim]")
    for i in rows:
        who = i.by.name if i.by else "you"
        outcome = f"  -> {i.outcome}" if i.outcome else ""
        out.print(
            f"#{i.id}  {i.occurred_on}  {i.a.name} & {i.b.name}  [dim]by {who}[/dim]{outcome}"
        )


@click.command("intro-outcome")
@click.argument("intro_id", type=int, metavar="ID")
@click.argument("text", nargs=-1, required=True)
@json_option
@pass_state
def intro_outcome(state: AppState, intro_id: int, text: tuple[str, ...], as_json: bool) -> None:
    """Note what came of introduction ID."""
    result = state.book().network.introductions.set_outcome(intro_id, " ".join(text))
    if as_json:
        emit_json(introduction_json(result))
    else:
        click.echo(f"Noted the outcome of introduction {result.id}.")


@click.command()
@click.argument("target", metavar="TARGET")
@click.option("--limit", type=click.IntRange(1, 50), default=5, show_default=True)
@click.option(
    "--hops",
    type=click.IntRange(1, 5),
    default=3,
    show_default=True,
    help="At most this many links in a chain.",
)
@date_option
@json_option
@pass_state
def path(state: AppState, target: str, limit: int, hops: int, as_json: bool) -> None:
    """Warm paths to TARGET: a person, an organisation or a tag (org:NAME, tag:NAME to be
    explicit), ranked by the strength of each link, with the reason for each hop."""
    result = state.book().network.paths.find(
        target, today=state.today(), limit=limit, max_hops=hops
    )
    if as_json:
        emit_json(path_result_json(result))
        return
    out = console()
    t = result.target
    out.print(
        f"[bold]Paths to {t.kind} {t.label}[/bold] "
        f"[dim]({len(t.people)} {'person' if len(t.people) == 1 else 'people'})[/dim]"
    )
    if not result.paths:
        out.print("[dim]No path found.[/dim]")
    for n, p in enumerate(result.paths, 1):
        out.print(f"{n}. [bold]{p.strength:.2f}[/bold]  you")
        for hop in p.hops:
            out.print(f"     -> {hop.target.name}  [dim]{hop.strength:.2f} {hop.reason}[/dim]")


# --- the ledger ------------------------------------------------------------------------------


def _exchange(direction: str):  # type: ignore[no-untyped-def]
    verb = "gave" if direction == "given" else "got"

    @click.command(name=verb)
    @click.argument("person")
    @click.argument("kind", type=click.Choice((*EXCHANGE_KINDS, "favor")), metavar="KIND")
    @click.argument("text", nargs=-1, required=True)
    @click.option("--on", "on", metavar="DATE", help="When (default: today).")
    @json_option
    @pass_state
    def command(
        state: AppState,
        person: str,
        kind: str,
        text: tuple[str, ...],
        on: str | None,
        as_json: bool,
    ) -> None:
        day = parse_day(on, state, "--on")
        record = state.book().network.ledger.record(person, direction, kind, " ".join(text), on=day)
        if as_json:
            emit_json(exchange_json(record))
        else:
            to = "to" if direction == "given" else "from"
            click.echo(f"Noted: {record.kind} {to} {record.person.name} on {record.occurred_on}.")

    command.help = (
        f"Note something you {'gave PERSON' if direction == 'given' else 'got from PERSON'}. "
        f"KIND: {', '.join(EXCHANGE_KINDS)}."
    )
    return command


gave = _exchange("given")
got = _exchange("received")


@click.command()
@click.argument("person", required=False)
@json_option
@pass_state
def balance(state: AppState, person: str | None, as_json: bool) -> None:
    """The give/receive balance, per person (or with PERSON, with every exchange)."""
    rows = state.book().network.ledger.balance(person)
    if as_json:
        emit_json([balance_json(b) for b in rows] if person is None else balance_json(rows[0]))
        return
    out = console()
    if person is not None:
        b = rows[0]
        out.print(f"[bold]{b.person.name}[/bold]: you gave {b.given}, received {b.received}")
        for x in b.exchanges:
            arrow = "->" if x.direction == "given" else "<-"
            out.print(f"  {x.occurred_on}  {arrow} {x.kind:<14} {x.text}")
        return
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    for col in ("person", "given", "received", "balance"):
        table.add_column(col)
    for b in rows:
        style = "yellow" if b.balance < 0 else ""
        table.add_row(b.person.name, str(b.given), str(b.received), f"{b.balance:+d}", style=style)
    out.print(table if rows else "[dim]Nothing given or received yet: amity gave / amity got[/dim]")


# --- coverage --------------------------------------------------------------------------------


@click.group(invoke_without_command=True)
@json_option
@click.pass_context
def coverage(ctx: click.Context, as_json: bool) -> None:
    """Coverage targets against your network (`coverage add` sets one)."""
    if ctx.invoked_subcommand is not None:
        return
    state = ctx.find_object(AppState)
    assert state is not None
    rows = state.book().network.coverage.list()
    if as_json:
        emit_json([coverage_json(c) for c in rows])
        return
    out = console()
    if not rows:
        out.print("[dim]No targets yet: amity coverage add NAME --tag T --want N[/dim]")
    for c in rows:
        mark = "[green]covered[/green]" if c.gap == 0 else f"[yellow]{c.gap} to go[/yellow]"
        out.print(
            f"[bold]{c.name}[/bold] [dim]#{c.id} {c.selector_kind}={c.selector}[/dim]  "
            f"{c.have}/{c.wanted}  {mark}"
        )
        for label, found in c.groups.items() if c.groups else [("", c.people)]:
            names = ", ".join(p.name for p in found[:8]) or "[yellow]nobody yet[/yellow]"
            prefix = f"{label}: " if label else ""
            if found or label:
                out.print(f"  {prefix}{names}{' …' if len(found) > 8 else ''}")


@coverage.command("add")
@click.argument("name")
@click.option("--tag", help="People with this tag.")
@click.option("--org", help="People at this organisation.")
@click.option("--title", help="People whose job title contains this.")
@click.option(
    "--want",
    type=click.IntRange(min=1),
    help="How many you want (default 1; with A,B,C: someone at each).",
)
@json_option
@pass_state
def coverage_add(
    state: AppState,
    name: str,
    tag: str | None,
    org: str | None,
    title: str | None,
    want: int | None,
    as_json: bool,
) -> None:
    """Add a coverage target NAME: people by --tag, --org or --title; a comma-separated list
    (--org "Acme,Globex,Initech") wants someone at each."""
    chosen = [(k, v) for k, v in (("tag", tag), ("org", org), ("title", title)) if v]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of --tag, --org, --title")
    kind, value = chosen[0]
    result = state.book().network.coverage.add(name, kind, value, want)
    if as_json:
        emit_json(coverage_json(result))
    else:
        click.echo(f"Added coverage target {result.name} (id {result.id}).")


@coverage.command("rm")
@click.argument("target_id", type=int, metavar="ID")
@pass_state
def coverage_rm(state: AppState, target_id: int) -> None:
    """Remove a coverage target."""
    state.book().network.coverage.remove(target_id)
    click.echo(f"Removed coverage target {target_id}.")


# issue 12: `amity event edit ID ...` and `... delete ID`
event.add_command(edit_command("event"))
event.add_command(delete_command("event"))
