"""Agenda commands: today, done, snooze, dismiss, replies, stats, health, digest, calendar."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import click

from amity.cli.options import console, date_option, emit_json, json_option, pass_state
from amity.cli.state import AppState
from amity.rules.words import counted, day_words

# --- today ----------------------------------------------------------------------------------


DEFAULT_TODAY_LIMIT = 50


@click.command()
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=DEFAULT_TODAY_LIMIT,
    show_default=True,
    help="At most this many items (the most important).",
)
@click.option("--all", "show_all", is_flag=True, help="Every item, however many.")
@click.option(
    "--backlog", is_flag=True, help="Only the stale items (replies waiting for months...)."
)
@date_option
@json_option
@pass_state
def today(state: AppState, limit: int, show_all: bool, backlog: bool, as_json: bool) -> None:
    """Today's actions, most important first, each with the reason it is there.

    Score = urgency x weight: urgency is the kind's weight times how pressing it is
    (days late, days since contact over the cadence); weight is the person's circle's.
    Act on an item with `amity done KEY`, `amity snooze KEY --for 3d`, `amity dismiss KEY`,
    and undo with `amity restore KEY`. --backlog lists the stale items only (the web page
    folds them into its Backlog): replies waiting over 30 days, people past 3x their cadence.
    """
    from amity.serialize import action_json

    book = state.book()
    if backlog:
        from amity.rules.agenda import split_backlog

        everything = book.agenda.items(today=state.today_override)
        items = split_backlog(everything, book.agenda.settings())[1]
        items = items if show_all else items[:limit]
    else:
        items = book.agenda.items(today=state.today_override, limit=None if show_all else limit)
    if as_json:
        emit_json([action_json(a) for a in items])
        return
    if not items:
        click.echo("Nothing on your agenda today.")
        return
    from rich.table import Table
    from rich.text import Text

    from amity.rules.digest import kind_label

    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("what", no_wrap=True)
    table.add_column("why", ratio=1)
    table.add_column("key", no_wrap=True, style="dim")
    table.add_column("score", justify="right")
    for number, a in enumerate(items, start=1):  # Text: user text is never read as markup
        table.add_row(
            str(number), kind_label(a.kind), Text(a.reason), Text(a.key), f"{a.score:.2f}"
        )
    console().print(table)


# --- done, snooze, dismiss ------------------------------------------------------------------


@click.command()
@click.argument("item", metavar="KEY|PROMISE-ID")
@date_option
@json_option
@pass_state
def done(state: AppState, item: str, as_json: bool) -> None:
    """Mark an agenda item or a promise done.

    The rule: an argument with a colon is an agenda KEY, as `amity today` shows it
    (keep_in_touch:p42:2026-11-03, promise:c12, date:birthday:d7:2026...); anything else is a
    PROMISE-ID, `P12` or `12` (as `amity promises` shows it). A done promise is kept, a
    done follow-up is closed, a done reply counts as answered, and a done keep-in-touch item
    counts as contact today.
    """
    from amity.rules.agenda import looks_like_item_key, parse_promise_id

    book = state.book()
    if looks_like_item_key(item):
        parsed = book.agenda.done(item)
        _report(as_json, {"key": parsed.key, "state": "done"}, f"Done: {parsed.key}")
        return
    try:
        promise_id = parse_promise_id(item)
    except ValueError:
        raise click.BadParameter(
            f"{item!r} is neither an agenda key (with a colon) nor a promise id like P12",
            param_hint="KEY|PROMISE-ID",
        ) from None
    from amity.serialize import commitment_json

    result = book.commitments.done(promise_id)
    _report(
        as_json,
        commitment_json(result),
        f"Kept: P{result.id} ({result.person.name}: {result.text})",
    )


def _report(as_json: bool, data: dict[str, Any], text: str) -> None:
    if as_json:
        emit_json(data)
    else:
        click.echo(text)


@click.command()
@click.argument("key")
@click.option("--until", "until_text", metavar="DATE", help="Bring it back on DATE.")
@click.option("--for", "for_text", metavar="DURATION", help="Bring it back after 3d, 2w, 1m...")
@date_option
@json_option
@pass_state
def snooze(
    state: AppState, key: str, until_text: str | None, for_text: str | None, as_json: bool
) -> None:
    """Hide agenda item KEY until a later day (--until DATE or --for 3d)."""
    from amity.rules.when import WhenError, parse_date, parse_duration_days

    if (until_text is None) == (for_text is None):
        raise click.UsageError("give one of --until DATE or --for DURATION")
    day = state.today()
    try:
        if until_text is not None:
            until = parse_date(until_text, day, future=True)
        else:
            until = day + timedelta(days=parse_duration_days(for_text or ""))
    except (WhenError, OverflowError) as exc:
        raise click.BadParameter(str(exc)) from None
    parsed = state.book().agenda.snooze(key, until, today=day)
    _report(
        as_json,
        {"key": parsed.key, "state": "snoozed", "until": until.isoformat()},
        f"Snoozed until {day_words(until)}: {parsed.key}",
    )


@click.command()
@click.argument("key")
@json_option
@pass_state
def dismiss(state: AppState, key: str, as_json: bool) -> None:
    """Hide agenda item KEY for good (its next occurrence still comes)."""
    parsed = state.book().agenda.dismiss(key)
    _report(as_json, {"key": parsed.key, "state": "dismissed"}, f"Dismissed: {parsed.key}")


@click.command()
@click.argument("key")
@json_option
@pass_state
def restore(state: AppState, key: str, as_json: bool) -> None:
    """Undo done, snooze or dismiss on agenda item KEY: it is back on the agenda, and what
    `done` closed (a promise, a follow-up, an answered message) is open again."""
    from amity.errors import NotFound

    if not state.book().agenda.restore(key):
        raise NotFound(f"nothing was done to {key!r}")
    _report(as_json, {"key": key.strip(), "state": "open"}, f"Restored {key.strip()}")


# --- replies --------------------------------------------------------------------------------


def _age(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    if hours < 24:
        return f"{hours} h"
    return counted(delta.days, "day")


@click.command()
@date_option
@json_option
@pass_state
def replies(state: AppState, as_json: bool) -> None:
    """Messages awaiting your reply, oldest first, with how long they have waited."""
    from amity.serialize import interaction_json

    waiting = state.book().replies.awaiting()
    if as_json:
        emit_json(
            [
                {
                    **interaction_json(w.interaction),
                    "waiting_days": w.days,
                    "waiting_hours": round(w.waiting.total_seconds() / 3600, 1),
                }
                for w in waiting
            ]
        )
        return
    if not waiting:
        click.echo("Nothing awaits your reply.")
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, header_style="bold", pad_edge=False)
    for col in ("id", "from", "received", "waiting", "about"):
        table.add_column(col)
    for w in waiting:
        i = w.interaction
        table.add_row(
            str(i.id),
            Text(", ".join(r.name for r in i.people)),
            day_words(i.occurred_at.date()),
            _age(w.waiting),
            Text((i.subject or i.notes or "")[:60]),
        )
    console().print(table)


@click.group()
def stats() -> None:
    """Statistics: response times (`amity stats replies`)."""


def _hours(delta: timedelta | None) -> str:
    if delta is None:
        return "-"
    hours = delta.total_seconds() / 3600
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"


@stats.command("replies")
@date_option
@json_option
@pass_state
def stats_replies(state: AppState, as_json: bool) -> None:
    """Median and 90th percentile time to reply, per person and overall."""
    from amity.serialize import ref_json, response_times_json

    result = state.book().replies.stats()
    if as_json:
        emit_json(
            {
                "overall": response_times_json(result.overall),
                "people": [
                    {"person": ref_json(ref), **response_times_json(times)}
                    for ref, times in result.per_person
                ],
            }
        )
        return
    if result.overall.count == 0:
        click.echo("No answered messages yet (log inbound ones with --needs-reply).")
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, header_style="bold", pad_edge=False)
    for col in ("who", "answered", "median", "90th percentile"):
        table.add_column(col)
    for ref, times in result.per_person:
        table.add_row(Text(ref.name), str(times.count), _hours(times.median), _hours(times.p90))
    o = result.overall
    table.add_row("[bold]overall[/bold]", str(o.count), _hours(o.median), _hours(o.p90))
    console().print(table)


# --- health ---------------------------------------------------------------------------------


@click.command()
@click.argument("person", required=False)
@click.option("--drifting", is_flag=True, help="The relationships sliding the most.")
@click.option(
    "--period",
    type=click.IntRange(1, 365),
    default=30,
    show_default=True,
    help="With --drifting: compare with this many days ago.",
)
@click.option("--limit", type=click.IntRange(min=1), help="At most this many.")
@date_option
@json_option
@pass_state
def health(
    state: AppState,
    person: str | None,
    drifting: bool,
    period: int,
    limit: int | None,
    as_json: bool,
) -> None:
    """Relationship health, 0-100, with its factors: recency against the cadence, frequency
    trend, reciprocity, promises kept, replies awaited. Without PERSON: everyone, weakest first."""
    from amity.serialize import drift_json, health_json

    book = state.book()
    day = state.today_override
    if drifting:
        if person:
            raise click.UsageError("--drifting lists everyone; leave PERSON out")
        drifts = book.health.drifting(today=day, period_days=period, limit=limit or 10)
        if as_json:
            emit_json([drift_json(d) for d in drifts])
        elif not drifts:
            click.echo(f"No relationship lost health in the last {period} days.")
        else:
            for d in drifts:
                click.echo(f"{d.change:+4d}  {d.reason}")
        return
    if person:
        result = book.health.of(person, today=day)
        if as_json:
            emit_json(health_json(result))
            return
        if not result.contacted:
            click.echo(f"{result.person.name}: no contact yet")
        else:
            click.echo(f"{result.person.name}: {result.score}/100")
        for f in result.factors:
            counted = "" if f.weight else " (not counted)"
            click.echo(f"  {f.name:<12} {f.score:>3}{counted}  {f.explanation}")
        return
    everyone = book.health.all(today=day)
    if limit:
        everyone = everyone[:limit]
    if as_json:
        emit_json([health_json(h) for h in everyone])
        return
    from rich.text import Text

    out = console()
    for h in everyone:
        weakest = min((f for f in h.factors if f.weight), key=lambda f: f.score, default=None)
        line = Text(f"{h.score if h.contacted else '-':>3}  {h.person.name}")
        if weakest:
            line.append(f"  {weakest.name}: {weakest.explanation}", style="dim")
        out.print(line)


# --- digest and calendar ----------------------------------------------------------------------


@click.command()
@click.option("--html", "as_html", is_flag=True, help="Print the HTML version.")
@click.option("--send", is_flag=True, help="E-mail it (smtp.* settings); once per day.")
@click.option("--force", is_flag=True, help="With --send: send even if today's went out.")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="Items shown in the digest.",
)
@date_option
@json_option
@pass_state
def digest(
    state: AppState, as_html: bool, send: bool, force: bool, limit: int, as_json: bool
) -> None:
    """Today's agenda as an e-mail digest: print it (text or --html) or --send it."""
    from amity.notify.digest import compose_digest, send_digest
    from amity.serialize import action_json

    book = state.book()
    if send:
        outcome, result = send_digest(book, today=state.today_override, limit=limit, force=force)
        messages = {
            "sent": f"Sent: {result.subject}",
            "already_sent": f"Already sent for {day_words(result.day)} (--force sends again).",
            "empty": "Nothing on the agenda: no digest sent.",
        }
        _report(
            as_json,
            {
                "outcome": outcome,
                "day": result.day.isoformat(),
                "subject": result.subject,
                "items": len(result.items),
            },
            messages[outcome],
        )
        return
    result = compose_digest(book, today=state.today_override, limit=limit)
    if as_json:
        emit_json(
            {
                "day": result.day.isoformat(),
                "subject": result.subject,
                "text": result.text,
                "html": result.html,
                "items": [action_json(a) for a in result.items],
            }
        )
        return
    click.echo(result.html if as_html else result.text, nl=False)


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    metavar="FILE",
    help="Write to FILE (default: standard output).",
)
@pass_state
def calendar(state: AppState, output: str | None) -> None:
    """Write the iCalendar feed: birthdays and other dates as yearly all-day events,
    due promises and follow-ups as dated events (stable UIDs: re-import updates in place)."""
    data = state.book().agenda.calendar_feed()
    if output is None:
        import sys

        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    import os
    import tempfile
    from pathlib import Path

    target = Path(output)
    try:
        handle, temp = tempfile.mkstemp(prefix=".amity-", suffix=".ics", dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise click.FileError(output, hint=exc.strerror or str(exc)) from None
    click.echo(f"Wrote {data.count(b'BEGIN:VEVENT')} events to {target}", err=True)
