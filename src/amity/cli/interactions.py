"""Interaction commands: log, timeline."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from amity.book.interactions import InteractionInput
from amity.cli.options import console, emit_json, json_option, pass_state
from amity.cli.state import AppState
from amity.model import INTERACTION_KINDS
from amity.serialize import interaction_json

if TYPE_CHECKING:
    from amity.book import Book


@click.command()
@click.argument("people", nargs=-1, required=True, metavar="PERSON...")
@click.option(
    "--kind", "-k", type=click.Choice(INTERACTION_KINDS), default="other", show_default=True
)
@click.option("--inbound", "direction", flag_value="inbound", help="They reached out.")
@click.option("--outbound", "direction", flag_value="outbound", help="You reached out.")
@click.option("--mutual", "direction", flag_value="mutual", help="Both (default).")
@click.option(
    "--at", "at", metavar="WHEN", help='When: 2026-11-02, "2026-11-02 15:00", "yesterday 15:00".'
)
@click.option("--needs-reply", is_flag=True, help="An inbound message that awaits your reply.")
@click.option("--subject", "-s", help="Subject or topic.")
@click.option("--thread", "thread_key", help="Thread key (ties replies to a conversation).")
@click.option("--channel", help="Channel: signal, whatsapp, linkedin...")
@click.option("--note", "-n", "note_opt", help="Notes (or give them as the last words).")
@click.option(
    "--asked",
    "asked",
    multiple=True,
    metavar="Q-ID[=ANSWER]",
    help="A question you asked (Q12), optionally with the answer (kept as a fact).",
)
@json_option
@pass_state
def log(
    state: AppState,
    people: tuple[str, ...],
    kind: str,
    direction: str | None,
    at: str | None,
    needs_reply: bool,
    subject: str | None,
    thread_key: str | None,
    channel: str | None,
    note_opt: str | None,
    asked: tuple[str, ...],
    as_json: bool,
) -> None:
    """Log an interaction with PERSON... ; a last argument that names nobody is the notes.

    Example: amity log Ana "Ben Ode" --kind call --at "yesterday 15:00" "talked about the move"
    """
    book = state.book()
    occurred = None
    if at:
        from amity.rules.when import WhenError, parse_datetime

        try:
            occurred = parse_datetime(at, state.now(), book.settings.get("timezone"))
        except WhenError as exc:
            raise click.BadParameter(str(exc), param_hint="--at") from None
    names, notes = _split_notes(book, list(people))
    from amity.book.brief import parse_question_ref

    questions = [parse_question_ref(q) for q in asked]
    book.briefs.check_questions([q for q, _ in questions], names)
    result = book.interactions.log(
        InteractionInput(
            people=names,
            kind=kind,
            direction=direction,
            occurred_at=occurred,
            subject=subject,
            notes=note_opt or notes,
            needs_reply=needs_reply,
            thread_key=thread_key,
            channel=channel,
        )
    )
    if questions:
        book.briefs.mark_asked(questions, interaction_id=result.id)
    if as_json:
        emit_json(interaction_json(result))
    else:
        who = ", ".join(r.name for r in result.people)
        click.echo(
            f"Logged {result.kind} with {who} on {result.occurred_at.date()} (id {result.id})."
        )


def _split_notes(book: Book, args: list[str]) -> tuple[list[str], str | None]:
    """People first, then NOTES: the last argument is the notes when it names nobody."""
    from amity.errors import NotFound

    if len(args) < 2:
        return args, None
    try:
        book.people.resolve(args[-1])
    except NotFound:
        return args[:-1], args[-1]
    return args, None


@click.command()
@click.argument("person", required=False)
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--kind", type=click.Choice(INTERACTION_KINDS))
@json_option
@pass_state
def timeline(
    state: AppState, person: str | None, limit: int, kind: str | None, as_json: bool
) -> None:
    """Show interactions (with PERSON, or with anyone), newest first."""
    items = state.book().interactions.timeline(person, limit=limit, kind=kind)
    if as_json:
        emit_json([interaction_json(i) for i in items])
        return
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    for col in ("id", "when", "kind", "direction", "with", "about"):
        table.add_column(col)
    for i in items:
        table.add_row(
            str(i.id),
            i.occurred_at.strftime("%Y-%m-%d %H:%M"),
            i.kind,
            i.direction,
            ", ".join(r.name for r in i.people),
            (i.subject or i.notes or "")[:60],
        )
    console().print(table)
