"""`amity mcp`: the book for an AI assistant, over MCP on stdin/stdout.

Desktop assistants (Claude Desktop and others) start it as a subprocess; it opens the same
book as every other command (--db, --user, $AMITY_DATABASE_URL). Nothing is printed on stdout
but the protocol.
"""

from __future__ import annotations

import click

from amity.cli.options import pass_state
from amity.cli.state import AppState


@click.command()
@click.option("--read-only", is_flag=True, help="Refuse the tools that change the book.")
@pass_state
def mcp(state: AppState, read_only: bool) -> None:
    """Serve the book to an AI assistant over MCP (stdio).

    Tools: today, person, search, brief, awaiting_replies, promises, warm_path,
    share_suggestions, review; and add_person, log_interaction, add_fact, ask, promise,
    follow_up, done, snooze. Resources: amity://people/{id}, amity://agenda/today. Prompts:
    prepare_for_today, weekly_review. Over HTTP, `amity serve` answers at /mcp with an API
    token.
    """
    import logging

    from amity.assistant.server import run_stdio

    logging.basicConfig(level=logging.WARNING)  # on stderr: stdout is the protocol's
    run_stdio(state.book().acting("mcp"), read_only=read_only)
