"""The `amity` entry point: global options, lazy command registry, error mapping.

Commands live in sibling modules and are imported only when run (or when their own --help
is asked for), so `amity --help` and the read commands start fast (PERF.md). To add a
command, add one line to COMMANDS.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from amity.cli.state import AppState

# name: (module, attribute, one-line help shown by `amity --help`)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "add": ("amity.cli.people", "add", "Add a person."),
    "edit": ("amity.cli.people", "edit", "Change a person's details."),
    "show": ("amity.cli.people", "show", "Show everything about a person."),
    "list": ("amity.cli.people", "list_people", "List people, filtered and sorted."),
    "rm": ("amity.cli.people", "rm", "Archive a person (--purge deletes)."),
    "tag": ("amity.cli.people", "tag", "Add (or --remove) tags on a person."),
    "fact": ("amity.cli.people", "fact", "Remember something a person cares about."),
    "ask": ("amity.cli.people", "ask", "Note a question to ask a person next time."),
    "log": ("amity.cli.interactions", "log", "Log an interaction with one or more people."),
    "timeline": ("amity.cli.interactions", "timeline", "Show interactions, newest first."),
    "search": ("amity.cli.search", "search", "Search people, notes and conversations."),
    "export": ("amity.cli.transfer", "export", "Export the book (JSON backup, vCard, CSV)."),
    "import": (
        "amity.cli.transfer",
        "import_",
        "Import vCard, CSV, iCalendar, mbox/.eml or a JSON backup.",
    ),
    "dupes": ("amity.cli.transfer", "dupes", "List people who may be duplicates."),
    "merge": ("amity.cli.transfer", "merge", "Merge one person into another (backup first)."),
    "demo": ("amity.cli.demo", "demo", "Fill a book with a realistic demo network."),
    "user": (
        "amity.cli.users",
        "user",
        "Accounts of this installation: list, logout, reset-password, reset-2fa.",
    ),
    "info": ("amity.cli.info", "info", "Show the database in use, schema version and counts."),
    "config": ("amity.cli.config", "config", "Read and change settings."),
    "serve": ("amity.cli.serve", "serve", "Run the web app (pages and REST API)."),
    "today": ("amity.cli.agenda", "today", "Today's actions, ranked, each with its reason."),
    "done": ("amity.cli.agenda", "done", "Mark an agenda item (KEY) or a promise (P12) done."),
    "snooze": ("amity.cli.agenda", "snooze", "Hide an agenda item until a later day."),
    "dismiss": ("amity.cli.agenda", "dismiss", "Hide an agenda item for good."),
    "restore": (
        "amity.cli.history",
        "restore",
        "Restore a trash entry (ID) or an agenda item (KEY: undo done/snooze/dismiss).",
    ),
    "replies": ("amity.cli.agenda", "replies", "Messages awaiting your reply, with their age."),
    "stats": ("amity.cli.agenda", "stats", "Statistics (response times: `stats replies`)."),
    "health": ("amity.cli.agenda", "health", "Relationship health 0-100 (--drifting)."),
    "digest": ("amity.cli.agenda", "digest", "The agenda as an e-mail digest (--send)."),
    "calendar": ("amity.cli.agenda", "calendar", "Write the iCalendar feed of dates and dues."),
    "promise": ("amity.cli.commitments", "promise", "Record a promise (yours, or --theirs)."),
    "promises": ("amity.cli.commitments", "promises", "List promises and the kept-on-time rate."),
    "drop": ("amity.cli.commitments", "drop", "Drop a promise."),
    "follow-up": ("amity.cli.commitments", "follow_up", "Plan a follow-up with someone."),
    "follow-ups": ("amity.cli.commitments", "follow_ups", "List planned follow-ups."),
    "org": ("amity.cli.organisations", "org", "Organisations: list, show, add, edit, delete."),
    "group": ("amity.cli.groups", "group", "Groups from group cards: list, show members."),
    "circles": ("amity.cli.circles", "circles", "List circles and their cadences."),
    "circle": ("amity.cli.circles", "circle", "Change a circle's cadence or weight."),
    # issue 6: brief, network, articles, feedback, review
    "brief": ("amity.cli.brief", "brief", "Everything to read before meeting someone."),
    "prepare": ("amity.cli.brief", "prepare", "Briefs for everyone in a day's planned meetings."),
    "event": ("amity.cli.network", "event", "Add an event or community; show who you met there."),
    "events": ("amity.cli.network", "events", "List events and communities."),
    "met": ("amity.cli.network", "met", "Record people you met at an event."),
    "relate": ("amity.cli.network", "relate", "Record how two people know each other."),
    "relationships": ("amity.cli.groups", "relationships", "List relationships (of a person)."),
    "intro": ("amity.cli.network", "intro", "Record an introduction (by you or someone)."),
    "intros": ("amity.cli.network", "intros", "List introductions and what came of them."),
    "intro-outcome": ("amity.cli.network", "intro_outcome", "Note what came of an introduction."),
    "path": ("amity.cli.network", "path", "Warm paths to a person, organisation or tag."),
    "gave": ("amity.cli.network", "gave", "Note something you gave someone (intro, advice...)."),
    "got": ("amity.cli.network", "got", "Note something someone gave you."),
    "balance": ("amity.cli.network", "balance", "The give/receive balance per person."),
    "coverage": ("amity.cli.network", "coverage", "Coverage targets against your network."),
    "article": ("amity.cli.articles", "article", "Add an article to your library; show one."),
    "articles": ("amity.cli.articles", "articles", "List your articles."),
    "share": ("amity.cli.articles", "share", "Share an article (or `share suggest` who'd care)."),
    "feedback": ("amity.cli.feedback", "feedback", "Feedback log; add, ask for, themes."),
    "goal": ("amity.cli.feedback", "goal", "Add an improvement goal; check in on it."),
    "goals": ("amity.cli.feedback", "goals", "List goals with progress and next check-in."),
    "review": ("amity.cli.review", "review", "Weekly or monthly review against the period before."),
    # issue 13: AI assistants, notifications, webhooks
    "mcp": ("amity.cli.mcp", "mcp", "Serve the book to an AI assistant over MCP (stdio)."),
    "notify": ("amity.cli.outbound", "notify", "Notification channels (Apprise URLs)."),
    "webhook": ("amity.cli.outbound", "webhook", "Signed webhooks for changes in the book."),
    # issue 15: history, undo and the trash
    "history": ("amity.cli.history", "history", "What changed: who, when, which door, fields."),
    "undo": ("amity.cli.history", "undo", "Undo the last change (or a given one)."),
    "trash": ("amity.cli.history", "trash", "Deleted records, restorable for 30 days."),
    # issue 10: connected accounts
    "sync": (
        "amity.cli.sync",
        "sync",
        "Connected accounts: address books in step (CardDAV), mail logged (IMAP).",
    ),
    # issue 12: edit and delete every kind of record (event, article, goal and feedback carry
    # `edit` and `delete` in their own groups)
    "interaction": ("amity.cli.records", "interaction", "Edit or delete a logged interaction."),
    "question": ("amity.cli.records", "question", "Edit or delete a question to ask."),
    "date": ("amity.cli.records", "date", "Edit or delete a person's date."),
    "relationship": ("amity.cli.records", "relationship", "Edit or delete a relationship."),
    "fact edit": ("amity.cli.records", "fact_edit", "Change a fact."),
    "fact delete": ("amity.cli.records", "fact_delete", "Delete a fact."),
    "promise edit": ("amity.cli.records", "promise_edit", "Change a promise."),
    "promise delete": ("amity.cli.records", "promise_delete", "Delete a promise."),
    "follow-up edit": ("amity.cli.records", "follow_up_edit", "Change a follow-up."),
    "follow-up delete": ("amity.cli.records", "follow_up_delete", "Delete a follow-up."),
    # issue 15: backups that are checked
    "backup": ("amity.cli.backup", "backup", "Backups of the installation, checked before kept."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        import importlib

        module = importlib.import_module(entry[0])
        command: click.Command = getattr(module, entry[1])
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """`amity fact edit 12`: a command named by two words (the noun is a command too)."""
        if len(args) >= 2 and f"{args[0]} {args[1]}" in COMMANDS:
            name = f"{args[0]} {args[1]}"
            return name, self.get_command(ctx, name), args[2:]
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--db",
    metavar="PATH|URL",
    envvar="AMITY_DB",
    help="SQLite file or SQLAlchemy URL (default: $AMITY_DATABASE_URL, then the user data folder).",
)
@click.option(
    "--user",
    "user",
    metavar="EMAIL",
    help="Open this user's book in a shared database (created on first use).",
)
@click.version_option(package_name="amity", prog_name="amity")
@click.pass_context
def cli(ctx: click.Context, db: str | None, user: str | None) -> None:
    """Amity: remember people, follow up, keep promises.

    PERSON arguments accept an id, an e-mail address, an exact name or an unambiguous
    prefix of a name. Read commands take --json for scripts.
    """
    ctx.obj = AppState(db=db, user=user)


def run(argv: list[str] | None = None) -> None:
    from amity.cli.errors import handle
    from amity.cli.state import startup_begins

    startup_begins()  # the collector rare until the book is open (startup_done)
    try:
        cli.main(args=argv, prog_name="amity", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        sys.exit(handle(exc))


def main(*args: Any) -> None:  # pragma: no cover - alias
    run(list(args) or None)
