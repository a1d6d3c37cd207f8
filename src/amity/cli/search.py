"""`amity search`."""

from __future__ import annotations

import click

from amity.cli.options import console, emit_json, json_option, pass_state
from amity.cli.state import AppState
from amity.serialize import ref_json


@click.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", type=click.IntRange(min=1, max=500), default=20, show_default=True)
@json_option
@pass_state
def search(state: AppState, query: tuple[str, ...], limit: int, as_json: bool) -> None:
    """Search names, organisations, e-mails, phones, tags, facts, questions and notes."""
    hits = state.book().search(" ".join(query), limit=limit)
    if as_json:
        emit_json(
            [
                {
                    "kind": h.kind,
                    "id": h.id,
                    "title": h.title,
                    "snippet": h.snippet,
                    "score": h.score,
                    "people": [ref_json(r) for r in h.people],
                }
                for h in hits
            ]
        )
        return
    out = console()
    if not hits:
        out.print("No matches.")
        return
    from rich.markup import escape

    for h in hits:
        label = f"#{h.id}" if h.kind == "person" else f"interaction {h.id}"
        who = (
            ""
            if h.kind == "person"
            else "  [dim]with " + escape(", ".join(r.name for r in h.people)) + "[/dim]"
        )
        out.print(f"[bold]{escape(h.title)}[/bold] [dim]{label}[/dim]{who}")
        if h.snippet:
            out.print(f"    [dim]{escape(h.snippet)}[/dim]")
