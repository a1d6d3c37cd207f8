"""Promise and follow-up commands: promise, promises, drop, follow-up, follow-ups."""

from __future__ import annotations

from datetime import date, timedelta

import click

from amity.cli.options import console, date_option, emit_json, json_option, pass_state
from amity.cli.state import AppState


def _day(text: str, state: AppState, hint: str) -> date:
    from amity.rules.when import WhenError, parse_date

    try:
        return parse_date(text, state.today(), future=True)
    except (WhenError, OverflowError) as exc:
        raise click.BadParameter(str(exc), param_hint=hint) from None


def _promise_id(text: str) -> int:
    from amity.rules.agenda import parse_promise_id

    try:
        return parse_promise_id(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="PROMISE-ID") from None


@click.command()
@click.argument("person")
@click.argument("text", nargs=-1, required=True)
@click.option("--theirs", is_flag=True, help="PERSON promised you (default: you promised).")
@click.option("--due", metavar="DATE", help="Due date: 2026-12-01, 3d, 2w, friday...")
@date_option
@json_option
@pass_state
def promise(
    state: AppState,
    person: str,
    text: tuple[str, ...],
    theirs: bool,
    due: str | None,
    as_json: bool,
) -> None:
    """Record a promise: yours to PERSON, or (--theirs) PERSON's to you.

    Example: amity promise Ana "send the slides" --due 3d
    """
    from amity.serialize import commitment_json

    due_on = None if due is None else _day(due, state, "--due")
    result = state.book().commitments.add(
        person, " ".join(text), direction="theirs" if theirs else "mine", due_on=due_on
    )
    if as_json:
        emit_json(commitment_json(result))
        return
    who = f"{result.person.name} promised" if theirs else f"You promised {result.person.name}"
    when = f", due {result.due_on.isoformat()}" if result.due_on else ""
    click.echo(f"P{result.id}: {who}: {result.text}{when}")


@click.command()
@click.option("--mine", "direction", flag_value="mine", help="Only your promises.")
@click.option("--theirs", "direction", flag_value="theirs", help="Only promises made to you.")
@click.option("--open", "status", flag_value="open", default=True, help="Open ones (default).")
@click.option("--overdue", "status", flag_value="overdue", help="Open and past their due date.")
@click.option("--done", "status", flag_value="done", help="Kept ones.")
@click.option("--dropped", "status", flag_value="dropped", help="Dropped ones.")
@click.option("--all", "status", flag_value="all", help="All of them.")
@click.option("--person", metavar="PERSON", help="Only with PERSON.")
@date_option
@json_option
@pass_state
def promises(
    state: AppState, direction: str | None, status: str, person: str | None, as_json: bool
) -> None:
    """List promises, soonest due first, with the kept-on-time rate."""
    from amity.serialize import commitment_json, kept_rate_json

    book = state.book()
    items = book.commitments.list(
        direction=direction, status=status, person=person, today=state.today_override
    )
    rates = {
        d: book.commitments.reliability(direction=d, today=state.today_override).overall
        for d in ("mine", "theirs")
    }
    if as_json:
        emit_json(
            {
                "promises": [commitment_json(c) for c in items],
                "kept_on_time": {d: kept_rate_json(r) for d, r in rates.items()},
            }
        )
        return
    day = state.today()
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, header_style="bold", pad_edge=False)
    for col in ("id", "who", "promise", "due", "status"):
        table.add_column(col)
    for c in items:
        late = c.status == "open" and c.due_on is not None and c.due_on < day
        due = (
            "-"
            if c.due_on is None
            else c.due_on.isoformat() + (" [red](late)[/red]" if late else "")
        )
        who = f"you -> {c.person.name}" if c.direction == "mine" else f"{c.person.name} -> you"
        table.add_row(f"P{c.id}", Text(who), Text(c.text), due, c.status)
    out = console()
    if items:
        out.print(table)
    else:
        out.print("No promises match.")
    for d, rate in rates.items():
        label = "Yours" if d == "mine" else "Theirs"
        share = "" if rate.rate is None else f" ({rate.rate:.0%})"
        out.print(f"[dim]{label}: {rate.explain()}{share}[/dim]")


@click.command()
@click.argument("promise_id", metavar="PROMISE-ID")
@json_option
@pass_state
def drop(state: AppState, promise_id: str, as_json: bool) -> None:
    """Drop a promise (P12 or 12): no longer expected, and not judged kept or late."""
    from amity.serialize import commitment_json

    result = state.book().commitments.drop(_promise_id(promise_id))
    if as_json:
        emit_json(commitment_json(result))
    else:
        click.echo(f"Dropped P{result.id} ({result.person.name}: {result.text})")


@click.command("follow-up")
@click.argument("person")
@click.argument("text", nargs=-1, required=True)
@click.option("--in", "in_text", metavar="DURATION", help="In 3d, 2w, 1m...")
@click.option("--on", "on_text", metavar="DATE", help="On DATE.")
@date_option
@json_option
@pass_state
def follow_up(
    state: AppState,
    person: str,
    text: tuple[str, ...],
    in_text: str | None,
    on_text: str | None,
    as_json: bool,
) -> None:
    """Plan to follow up with PERSON (--in 3d or --on DATE) about TEXT."""
    from amity.rules.when import WhenError, parse_duration_days
    from amity.serialize import follow_up_json

    if (in_text is None) == (on_text is None):
        raise click.UsageError("give one of --in DURATION or --on DATE")
    if in_text is not None:
        try:
            due_on = state.today() + timedelta(days=parse_duration_days(in_text))
        except (WhenError, OverflowError) as exc:
            raise click.BadParameter(str(exc), param_hint="--in") from None
    else:
        due_on = _day(on_text or "", state, "--on")
    result = state.book().follow_ups.add(person, " ".join(text), due_on)
    if as_json:
        emit_json(follow_up_json(result))
    else:
        click.echo(
            f"Follow up with {result.person.name} on {result.due_on.isoformat()}: {result.text}"
        )


@click.command("follow-ups")
@click.option("--all", "include_done", is_flag=True, help="Include done ones.")
@date_option
@json_option
@pass_state
def follow_ups(state: AppState, include_done: bool, as_json: bool) -> None:
    """List planned follow-ups, soonest first."""
    from amity.serialize import follow_up_json

    items = state.book().follow_ups.list(include_done=include_done)
    if as_json:
        emit_json([follow_up_json(f) for f in items])
        return
    if not items:
        click.echo("No follow-ups planned.")
    for f in items:
        status = " (done)" if f.done_at else ""
        click.echo(
            f"{f.due_on.isoformat()}  {f.person.name}: {f.text}{status}  [follow_up:f{f.id}]"
        )
