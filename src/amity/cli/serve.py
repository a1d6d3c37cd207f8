"""`amity serve`: the web app (pages and REST API) on uvicorn.

FastAPI is imported only here, when the command runs, never by the other commands.
"""

from __future__ import annotations

import os

import click

from amity.cli.options import pass_state
from amity.cli.state import AppState


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0: every interface; put HTTPS in front).",
)
@click.option("--port", default=8787, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes; with PostgreSQL, one per core (docs/scaling.md).",
)
@click.option(
    "--db",
    "db",
    metavar="PATH|URL",
    default=None,
    help="SQLite file or SQLAlchemy URL (overrides the global --db).",
)
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
)
@pass_state
def serve(
    state: AppState, host: str, port: int, workers: int, db: str | None, log_level: str
) -> None:
    """Run the web app: open the printed address in a browser.

    The first visit creates the owner account. The server also sends the daily digest at the
    time set in Settings, notifications and webhooks (no cron needed), and answers AI
    assistants over MCP at /mcp with an API token. As a server: `--workers 4` over PostgreSQL
    (AMITY_DATABASE_URL); each worker's connection pool is sized to fit the database and one
    worker at a time runs the scheduled jobs.
    """
    from amity.config import describe_url, resolve_url
    from amity.web.server import LOOPBACK, address, run

    url = resolve_url(db or state.db)
    click.echo(f"Amity is running at {address(host, port)}  (database: {describe_url(url)})")
    if host not in LOOPBACK:
        click.echo(
            "Listening beyond this machine: serve it behind HTTPS (cookies are marked "
            "Secure for HTTPS requests; set AMITY_SECURE_COOKIES=1 to force it)."
        )
    click.echo("Press Ctrl+C to stop.")
    # the address people use for links (invitations, calendar feed); set AMITY_BASE_URL when
    # the app sits behind a proxy or a domain name
    os.environ.setdefault("AMITY_BASE_URL", address(host, port))
    from amity.cli.state import startup_done

    startup_done()  # a server: the collector at its usual pace from here
    run(url, host=host, port=port, workers=workers, log_level=log_level)
