"""Feedback and goals: feedback (add, ask, asked, requests, themes), goal, goals."""

from __future__ import annotations

import click

from amity.cli.network import parse_day
from amity.cli.options import console, date_option, emit_json, json_option, pass_state
from amity.cli.records import delete_command, edit_command
from amity.cli.state import AppState
from amity.serialize import (
    check_in_json,
    feedback_json,
    feedback_request_json,
    goal_json,
    goal_status_json,
)


@click.group(invoke_without_command=True)
@click.option("--theme", help="Only feedback on this theme.")
@click.option("--since", metavar="DATE", help="Only feedback received since DATE.")
@click.option("--from", "person", metavar="PERSON", help="Only feedback from PERSON.")
@json_option
@click.pass_context
def feedback(
    ctx: click.Context, theme: str | None, since: str | None, person: str | None, as_json: bool
) -> None:
    """Your feedback log (newest first); `feedback add`, `feedback ask` record more."""
    if ctx.invoked_subcommand is not None:
        return
    state = ctx.find_object(AppState)
    assert state is not None
    rows = state.book().feedback.list(
        theme=theme, since=parse_day(since, state, "--since"), person=person
    )
    if as_json:
        emit_json([feedback_json(f) for f in rows])
        return
    out = console()
    if not rows:
        out.print("[dim]No feedback yet: amity feedback add --kind positive TEXT[/dim]")
    for f in rows:
        colour = "green" if f.kind == "positive" else "yellow"
        who = f.person.name if f.person else "anonymous"
        themes = f"  [dim]#{' #'.join(f.themes)}[/dim]" if f.themes else ""
        out.print(f"{f.received_on}  [{colour}]{f.kind:<12}[/{colour}] {who}: {f.text}{themes}")
        if f.context:
            out.print(f"            [dim]{f.context}[/dim]")


@feedback.command("add")
@click.argument("text", nargs=-1, required=True)
@click.option("--from", "person", metavar="PERSON", help="Who gave it.")
@click.option("--kind", type=click.Choice(("positive", "constructive")), required=True)
@click.option("--context", help="Where or about what (a meeting, a project...).")
@click.option("--theme", "themes", multiple=True, help="Theme (repeatable).")
@click.option("--on", "on", metavar="DATE", help="When you received it (default: today).")
@json_option
@pass_state
def feedback_add(
    state: AppState,
    text: tuple[str, ...],
    person: str | None,
    kind: str,
    context: str | None,
    themes: tuple[str, ...],
    on: str | None,
    as_json: bool,
) -> None:
    """Log feedback you received."""
    result = state.book().feedback.add(
        " ".join(text),
        kind=kind,
        person=person,
        context=context,
        themes=list(themes),
        on=parse_day(on, state, "--on"),
    )
    if as_json:
        emit_json(feedback_json(result))
    else:
        click.echo(f"Logged {result.kind} feedback (id {result.id}).")


@feedback.command("ask")
@click.argument("person")
@click.option("--about", required=True, help="What you want feedback on.")
@click.option("--by", "by", metavar="DATE", help="When you would like it by.")
@click.option("--asked", is_flag=True, help="You have already asked (the agenda then follows up).")
@json_option
@pass_state
def feedback_ask(
    state: AppState, person: str, about: str, by: str | None, asked: bool, as_json: bool
) -> None:
    """Plan a feedback request to PERSON: the agenda reminds you to ask, then to follow up."""
    result = state.book().feedback.ask(person, about, by=parse_day(by, state, "--by"), asked=asked)
    if as_json:
        emit_json(feedback_request_json(result))
    else:
        click.echo(
            f"Feedback request R{result.id} to {result.person.name}"
            + (
                " (asked)."
                if result.asked_on
                else f"; `amity feedback asked {result.id}` once you have asked."
            )
        )


@feedback.command("asked")
@click.argument("request_id", metavar="REQUEST")
@json_option
@pass_state
def feedback_asked(state: AppState, request_id: str, as_json: bool) -> None:
    """Mark a feedback request (R12 or 12) as asked."""
    result = state.book().feedback.mark_requested(_request_id(request_id))
    if as_json:
        emit_json(feedback_request_json(result))
    else:
        click.echo(f"Asked {result.person.name} on {result.asked_on}.")


@feedback.command("drop")
@click.argument("request_id", metavar="REQUEST")
@pass_state
def feedback_drop(state: AppState, request_id: str) -> None:
    """Drop a feedback request."""
    result = state.book().feedback.drop_request(_request_id(request_id))
    click.echo(f"Dropped the feedback request to {result.person.name}.")


def _request_id(text: str) -> int:
    digits = text.strip().lstrip("Rr")
    if not digits.isdigit():
        raise click.BadParameter(f"a request is R<number>, not {text!r}")
    return int(digits)


@feedback.command("requests")
@click.option("--all", "show_all", is_flag=True, help="Include received and dropped ones.")
@json_option
@pass_state
def feedback_requests(state: AppState, show_all: bool, as_json: bool) -> None:
    """Feedback requests (open ones by default)."""
    rows = state.book().feedback.requests(status=None if show_all else "open")
    if as_json:
        emit_json([feedback_request_json(r) for r in rows])
        return
    out = console()
    for r in rows:
        asked = f"asked {r.asked_on}" if r.asked_on else "not asked yet"
        by = f", by {r.by_date}" if r.by_date else ""
        out.print(f"R{r.id}  {r.person.name}: {r.about}  [dim]({r.status}, {asked}{by})[/dim]")


@feedback.command("themes")
@date_option
@json_option
@pass_state
def feedback_themes(state: AppState, as_json: bool) -> None:
    """Themes across your feedback: counts, trend over 90 days, linked goals."""
    rows = state.book().feedback.themes(today=state.today())
    if as_json:
        emit_json(rows)
        return
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    for col in (
        "theme",
        "total",
        "positive",
        "constructive",
        "last 90 days",
        "before",
        "trend",
        "goals",
    ):
        table.add_column(col)
    for r in rows:
        goals = ", ".join(str(g["title"]) for g in r["goals"])
        table.add_row(
            str(r["theme"]),
            str(r["total"]),
            str(r["positive"]),
            str(r["constructive"]),
            str(r["recent"]),
            str(r["previous"]),
            str(r["trend"]),
            goals,
        )
    console().print(table)


# --- goals -----------------------------------------------------------------------------------


@click.group()
def goal() -> None:
    """Improvement goals: add one, check in on it."""


@goal.command("add")
@click.argument("title", nargs=-1, required=True)
@click.option("--theme", help="The feedback theme it answers.")
@click.option(
    "--check-in",
    "check_in",
    metavar="weekly|monthly|DAYS",
    help="How often to check in (the agenda reminds you).",
)
@click.option("--until", metavar="DATE", help="Target date.")
@json_option
@pass_state
def goal_add(
    state: AppState,
    title: tuple[str, ...],
    theme: str | None,
    check_in: str | None,
    until: str | None,
    as_json: bool,
) -> None:
    """Add an improvement goal."""
    result = state.book().feedback.add_goal(
        " ".join(title), theme=theme, check_in=check_in, until=parse_day(until, state, "--until")
    )
    if as_json:
        emit_json(goal_json(result))
    else:
        click.echo(f"Added goal G{result.id}: {result.title}")


@goal.command("check-in")
@click.argument("ref", metavar="GOAL")
@click.option("--progress", type=click.IntRange(0, 100), required=True, help="0-100.")
@click.argument("note", nargs=-1)
@json_option
@pass_state
def goal_check_in(
    state: AppState, ref: str, progress: int, note: tuple[str, ...], as_json: bool
) -> None:
    """Record progress on GOAL (an id like G3, or a title prefix), with an optional NOTE."""
    result = state.book().feedback.check_in(ref, progress, " ".join(note) or None)
    if as_json:
        emit_json(check_in_json(result))
    else:
        done = " Goal done!" if progress == 100 else ""
        click.echo(f"Checked in at {result.progress}% on {result.checked_on}.{done}")


@goal.command("done")
@click.argument("ref", metavar="GOAL")
@pass_state
def goal_done(state: AppState, ref: str) -> None:
    """Mark GOAL done."""
    result = state.book().feedback.set_goal_status(ref, "done")
    click.echo(f"Goal G{result.id} done.")


@goal.command("drop")
@click.argument("ref", metavar="GOAL")
@pass_state
def goal_drop(state: AppState, ref: str) -> None:
    """Drop GOAL."""
    result = state.book().feedback.set_goal_status(ref, "dropped")
    click.echo(f"Goal G{result.id} dropped.")


@click.command()
@click.option("--all", "show_all", is_flag=True, help="Include done and dropped goals.")
@date_option
@json_option
@pass_state
def goals(state: AppState, show_all: bool, as_json: bool) -> None:
    """Your goals with their latest progress and next check-in."""
    rows = state.book().feedback.goals(include_closed=show_all, today=state.today())
    if as_json:
        emit_json([goal_status_json(g) for g in rows])
        return
    out = console()
    if not rows:
        out.print("[dim]No goals yet: amity goal add TITLE --check-in weekly[/dim]")
    today = state.today()
    for g in rows:
        progress = "-" if g.progress is None else f"{g.progress}%"
        due = ""
        if g.next_check_in is not None:
            late = g.next_check_in <= today
            due = f"  {'[yellow]' if late else '[dim]'}check in {g.next_check_in}{'[/yellow]' if late else '[/dim]'}"
        theme = f"  [dim]#{g.goal.theme}[/dim]" if g.goal.theme else ""
        status = "" if g.goal.status == "active" else f" ({g.goal.status})"
        out.print(f"G{g.goal.id}  {g.goal.title}{status}  {progress}{due}{theme}")


# issue 12: `amity feedback edit ID ...` and `... delete ID`
feedback.add_command(edit_command("feedback"))
feedback.add_command(delete_command("feedback"))
goal.add_command(edit_command("goal"))
goal.add_command(delete_command("goal"))
