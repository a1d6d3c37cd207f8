"""The review command: the week (or month) against the one before."""

from __future__ import annotations

from typing import Any

import click

from amity.cli.options import console, date_option, emit_json, json_option, pass_state
from amity.cli.state import AppState
from amity.rules.words import day_words
from amity.serialize import review_json


@click.command()
@click.option("--week", "kind", flag_value="week", default=True, help="The last 7 days (default).")
@click.option("--month", "kind", flag_value="month", help="The last 30 days.")
@date_option
@json_option
@pass_state
def review(state: AppState, kind: str, as_json: bool) -> None:
    """Your review: people reached, interactions, follow-ups and promises on time, reply time,
    drifting relationships, give/receive, feedback themes and goals, against the period before."""
    result = state.book().reviews.review(kind, today=state.today())
    if as_json:
        emit_json(review_json(result))
        return
    from rich.table import Table

    out = console()
    now, before = result.period, result.previous_period
    out.print(
        f"[bold]Review of the {kind}[/bold] {day_words(now.start)} – {day_words(now.end)} "
        f"[dim](against {day_words(before.start)} – {day_words(before.end)})[/dim]"
    )
    table = Table(box=None, header_style="bold", pad_edge=False)
    for col, justify in (("", "left"), ("now", "right"), ("before", "right"), ("change", "right")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    rows: list[tuple[str, Any]] = [("people reached", result.people_reached)]
    rows += [(f"  {k}", v) for k, v in result.people_reached_by_circle.items()]
    rows.append(("interactions", result.interactions))
    rows += [(f"  {k}", v) for k, v in result.interactions_by_kind.items()]
    rows += [
        ("new people", result.new_people),
        ("follow-ups due", result.follow_ups_due),
        ("  done on time", result.follow_ups_on_time),
        ("promises due", result.promises_judged),
        ("  kept on time", result.promises_kept_on_time),
        ("median reply (hours)", result.median_reply_hours),
        ("drifting relationships", result.drifting),
        ("given", result.given),
        ("received", result.received),
    ]
    if result.feedback_themes:
        rows.append(("feedback themes", None))
        rows += [(f"  {k}", v) for k, v in result.feedback_themes.items()]
    if result.goal_progress:
        rows.append(("goal progress (%)", None))
        rows += [(f"  {g.title[:40]}", g.progress) for g in result.goal_progress]
    for label, value in rows:
        if value is None:
            table.add_row(f"[bold]{label}[/bold]", "", "", "")
            continue
        share = "on time" in label
        lower_is_better = label.startswith(("drifting", "median reply"))
        table.add_row(
            label,
            _fmt(value.current, share),
            _fmt(value.previous, share),
            _change(value.change, share, lower_is_better),
        )
    out.print(table)
    if result.drifting_people:
        out.print("\n[bold]Drifting[/bold]")
        for reason in result.drifting_people:
            out.print(f"  {reason}")


def _fmt(value: float | None, share: bool) -> str:
    if value is None:
        return "-"
    if share:
        return f"{value:.0%}"
    return f"{value:g}"


def _change(value: float | None, share: bool, lower_is_better: bool = False) -> str:
    if value is None or value == 0:
        return "" if value is None else "="
    text = f"{value:+.0%}" if share else f"{value:+g}"
    good = (value < 0) if lower_is_better else (value > 0)
    return f"[green]{text}[/green]" if good else f"[red]{text}[/red]"
