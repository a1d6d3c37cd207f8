"""Article commands: article add/show, articles, share (and share suggest)."""

from __future__ import annotations

from pathlib import Path

import click

from amity.cli.options import console, emit_json, json_option, pass_state
from amity.cli.records import delete_command, edit_command
from amity.cli.state import AppState
from amity.serialize import article_json, match_json, share_result_json

MAX_FILE_BYTES = 5_000_000


@click.group()
def article() -> None:
    """Your articles library: add one (no network access needed), show one."""


@article.command("add")
@click.argument("url")
@click.option("--title", help="The title (default: the saved page's <title>).")
@click.option("--text", "text", help="The text, given here.")
@click.option(
    "--text-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The text, from a saved page (HTML) or a text file.",
)
@click.option(
    "--topics",
    "topics",
    multiple=True,
    metavar="TOPIC",
    help="Topics (repeatable, or comma-separated).",
)
@json_option
@pass_state
def article_add(
    state: AppState,
    url: str,
    title: str | None,
    text: str | None,
    text_file: Path | None,
    topics: tuple[str, ...],
    as_json: bool,
) -> None:
    """Add the article at URL to your library."""
    if text is not None and text_file is not None:
        raise click.UsageError("give --text or --text-file, not both")
    if text_file is not None:
        from amity.book.articles import text_from_saved

        if text_file.stat().st_size > MAX_FILE_BYTES:
            raise click.BadParameter("the file is larger than 5 MB", param_hint="--text-file")
        page_title, text = text_from_saved(text_file.read_text(encoding="utf-8", errors="replace"))
        title = title or page_title
    result = state.book().articles.add(url, title=title, text=text, topics=list(topics))
    if as_json:
        emit_json(article_json(result))
    else:
        click.echo(
            f"Added article {result.id}: {result.title or result.url}"
            + (f" [{', '.join(result.topics)}]" if result.topics else "")
        )


@article.command("show")
@click.argument("ref", metavar="ARTICLE")
@json_option
@pass_state
def article_show(state: AppState, ref: str, as_json: bool) -> None:
    """Show ARTICLE and whom you shared it with."""
    articles = state.book().articles
    found = articles.get(ref)
    shares = articles.shares(found.id or 0)
    if as_json:
        emit_json(
            {
                **article_json(found, text=True),
                "shared_with": [
                    {"person": {"id": p.id, "name": p.name}, "shared_at": at.isoformat()}
                    for p, at in shares
                ],
            }
        )
        return
    out = console()
    out.print(f"[bold]{found.title or found.url}[/bold]  [dim]#{found.id}[/dim]")
    out.print(f"  {found.url}")
    if found.topics:
        out.print(f"  topics: {', '.join(found.topics)}")
    for p, at in shares:
        out.print(f"  shared with {p.name} on {at.date()}")


@click.command()
@json_option
@pass_state
def articles(state: AppState, as_json: bool) -> None:
    """List your articles, newest first, with how many people you shared each with."""
    rows = state.book().articles.list()
    if as_json:
        emit_json([{**article_json(r.article), "shared_with": r.shared_with} for r in rows])
        return
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    for col in ("id", "title", "topics", "shared"):
        table.add_column(col)
    for r in rows:
        a = r.article
        table.add_row(str(a.id), (a.title or a.url)[:60], ", ".join(a.topics), str(r.shared_with))
    console().print(table)


@click.command(context_settings={"ignore_unknown_options": False})
@click.argument("args", nargs=-1, required=True, metavar="ARTICLE PERSON... | suggest ARTICLE")
@click.option("--note", help="What you wrote with it (share).")
@click.option("--channel", help="How you sent it: email, signal, linkedin... (share).")
@click.option(
    "--limit",
    type=click.IntRange(1, 100),
    default=10,
    show_default=True,
    help="How many suggestions (suggest).",
)
@click.option(
    "--ranker",
    type=click.Choice(("lexical", "semantic")),
    default="lexical",
    show_default=True,
    help="semantic needs the optional extra (suggest).",
)
@json_option
@pass_state
def share(
    state: AppState,
    args: tuple[str, ...],
    note: str | None,
    channel: str | None,
    limit: int,
    ranker: str,
    as_json: bool,
) -> None:
    """Share ARTICLE with PERSON... (logged as an outbound message and an article you gave),
    or `share suggest ARTICLE`: people whose interests match, skipping those who have it."""
    book = state.book()
    if args[0] == "suggest":
        if len(args) != 2:
            raise click.UsageError("usage: amity share suggest ARTICLE")
        matches = book.articles.suggest(args[1], limit=limit, ranker=ranker)
        if as_json:
            emit_json([match_json(m) for m in matches])
            return
        out = console()
        if not matches:
            out.print(
                "[dim]Nobody matches yet: add interests (amity fact PERSON interest ...) "
                "or tags.[/dim]"
            )
        for n, m in enumerate(matches, 1):
            star = " [green]strong[/green]" if m.strong else ""
            out.print(f"{n:>2}. {m.person.name}  [dim]{m.score:.2f}[/dim]{star}  {m.reason()}")
        return
    if len(args) < 2:
        raise click.UsageError("usage: amity share ARTICLE PERSON...")
    result = book.articles.share(args[0], list(args[1:]), note=note, channel=channel)
    if as_json:
        emit_json(share_result_json(result))
        return
    click.echo(
        f"Shared “{result.article.title or result.article.url}” with "
        f"{', '.join(r.name for r in result.shared)}."
    )
    if result.skipped:
        click.echo(f"Skipped (had it already): {', '.join(r.name for r in result.skipped)}.")


# issue 12: `amity article edit ID ...` and `... delete ID`
article.add_command(edit_command("article"))
article.add_command(delete_command("article"))
