"""`amity demo`: fill the current (empty) book with a realistic, deterministic demo network."""

from __future__ import annotations

import time
from typing import Any

import click

from amity.cli.options import date_option, emit_json, json_option, pass_state
from amity.cli.state import AppState

STAGES = {
    "generating": "Inventing people",
    "writing": "Writing the book",
    "indexing": "Indexing for search",
}


@click.command()
@click.option(
    "--people",
    "people",
    type=click.IntRange(1, 500_000),
    default=200,
    show_default=True,
    help="How many people.",
)
@click.option(
    "--years",
    type=click.IntRange(1, 30),
    default=3,
    show_default=True,
    help="Years of history, ending now (or at --date).",
)
@click.option(
    "--seed", type=int, default=42, show_default=True, help="Same seed and same day: the same book."
)
@date_option
@json_option
@pass_state
def demo(state: AppState, people: int, years: int, seed: int, as_json: bool) -> None:
    """Fill the current book with a demo network (it must be empty: use --db NEW.db).

    People in circles with jobs, birthdays and contact points; years of interactions of
    every kind (a few people often, most rarely); promises both ways, replies awaited,
    events with attendees, introductions, exchanges, feedback and goals.
    """
    book = state.book()
    started = time.perf_counter()
    with _ProgressBar(quiet=as_json) as report:
        counts = book.fill_demo(people=people, years=years, seed=seed, progress=report)
    seconds = round(time.perf_counter() - started, 2)
    if as_json:
        emit_json(
            {"people": people, "years": years, "seed": seed, "seconds": seconds, "counts": counts}
        )
        return
    from amity.book import LOCAL_OWNER_EMAIL

    owner = book.owner()
    whose = "the book"
    if owner["email"] != LOCAL_OWNER_EMAIL:  # the web owner's own book (or --user's)
        whose = f"the book of {owner['name'] or owner['email']} <{owner['email']}>"
    click.echo(
        f"Filled {whose} with {counts.get('people', 0):,} people, "
        f"{counts.get('interactions', 0):,} interactions, {counts.get('events', 0):,} events "
        f"and {counts.get('commitments', 0):,} promises over {years} year(s) "
        f"in {seconds:.1f} s (seed {seed})."
    )
    click.echo("Try: amity list --sort last-contact --limit 10, amity search python, amity info.")


class _ProgressBar:
    """A Rich progress bar on stderr fed by the Book's progress callback (silent with --json)."""

    def __init__(self, *, quiet: bool) -> None:
        self.quiet = quiet
        self.progress: Any = None
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> Any:
        if self.quiet:
            return None
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.progress = Progress(
            TextColumn("{task.description:<22}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self.progress.start()
        return self.report

    def report(self, stage: str, done: int, total: int) -> None:
        task = self.tasks.get(stage)
        if task is None:
            task = self.tasks[stage] = self.progress.add_task(STAGES.get(stage, stage), total=total)
        self.progress.update(task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()
