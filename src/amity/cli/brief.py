"""Brief commands: brief (before meeting someone) and prepare (a day's planned meetings)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from amity.cli.network import parse_day
from amity.cli.options import console, date_option, emit_json, json_option, pass_state
from amity.cli.state import AppState
from amity.serialize import brief_json, meeting_json

if TYPE_CHECKING:
    from amity.book.brief import Brief


@click.command()
@click.argument("person")
@date_option
@json_option
@pass_state
def brief(state: AppState, person: str, as_json: bool) -> None:
    """Everything to read before meeting PERSON."""
    result = state.book().briefs.brief(person, today=state.today())
    if as_json:
        emit_json(brief_json(result))
    else:
        print_brief(console(), result, state.now())


@click.command()
@click.option("--date", "day", metavar="DATE", help="The day to prepare (default: today).")
@json_option
@pass_state
def prepare(state: AppState, day: str | None, as_json: bool) -> None:
    """The briefs for everyone in the day's planned meetings."""
    when = parse_day(day, state) or state.today()
    meetings = state.book().briefs.prepare(when)
    if as_json:
        emit_json({"date": when.isoformat(), "meetings": [meeting_json(m) for m in meetings]})
        return
    out = console()
    from amity.rules.when import zone

    tz = zone(state.book().settings.get("timezone"))
    if not meetings:
        out.print(
            f"[dim]No planned meetings on {when}. Plan one with "
            'amity log PERSON --kind meeting --at "DATE TIME".[/dim]'
        )
    for m in meetings:
        i = m.interaction
        with_ = ", ".join(r.name for r in i.people)
        out.rule(
            f"{i.occurred_at.astimezone(tz).strftime('%H:%M')}  {i.kind} with {with_}"
            + (f": {i.subject}" if i.subject else "")
        )
        for b in m.briefs:
            print_brief(out, b, i.occurred_at)
            out.print()


def print_brief(out: Any, b: Brief, now: datetime | None = None) -> None:
    p = b.person
    role = " · ".join(x for x in (p.title, p.org) if x)
    out.print(f"[bold]{p.name}[/bold]  [dim]#{p.id}[/dim]" + (f"  {role}" if role else ""))
    met = " ".join(
        x
        for x in (
            p.how_met or "",
            f"at {b.met_event or p.met_where}" if (b.met_event or p.met_where) else "",
            f"on {p.met_on}" if p.met_on else "",
        )
        if x
    )
    lines = []
    if met:
        lines.append(("met", met))
    if p.introduced_by:
        lines.append(("introduced by", p.introduced_by.name))
    lines.extend(("introduction", x) for x in b.introductions)
    cadence = f"every {b.cadence_days} days" if b.cadence_days else "no cadence"
    health = ""
    if b.health:
        health = f", health {b.health.score}" if b.health.contacted else ", no contact yet"
    lines.append(("circle", f"{p.circle or '-'} ({cadence}{health})"))
    prefs = ", ".join(
        f"{k} {v}"
        for k, v in (
            ("channel", p.preferred_channel),
            ("time zone", _their_time(p.timezone, now)),
            ("language", p.language),
            ("best time", p.best_time),
        )
        if v
    )
    if prefs:
        lines.append(("reach them", prefs))
    if p.style_notes:
        lines.append(("style", p.style_notes))
    if b.balance and (b.balance.given or b.balance.received):
        lines.append(("give/receive", f"you gave {b.balance.given}, received {b.balance.received}"))
    for label, value in lines:
        out.print(f"  [dim]{label:<14}[/dim] {value}")
    _section(
        out,
        "What they care about",
        [f.text for f in b.interests]
        + [f"[dim]{f.kind}[/dim] {f.text}" for f in b.family + b.other_facts],
    )
    _section(out, "Ask next time", [f"[dim]Q{q.id}[/dim] {q.text}" for q in b.questions])
    _section(
        out,
        "You promised",
        [
            f"{c.text}" + (f" [dim](due {c.due_on})[/dim]" if c.due_on else "")
            for c in b.promises_mine
        ],
    )
    _section(
        out,
        "They promised",
        [
            f"{c.text}" + (f" [dim](due {c.due_on})[/dim]" if c.due_on else "")
            for c in b.promises_theirs
        ],
    )
    _section(
        out,
        "Awaiting your reply",
        [f"{i.occurred_at.date()} {i.subject or i.notes or i.kind}" for i in b.awaiting_reply],
    )
    _section(
        out,
        "Coming up",
        [f"{u.on} {u.label or u.kind}" + (f" ({u.years})" if u.years else "") for u in b.upcoming],
    )
    _section(
        out,
        "Last interactions",
        [
            f"{i.occurred_at.date()} {i.kind:<8} {(i.subject or '')} {('— ' + i.notes) if i.notes else ''}".strip()
            for i in b.recent
        ],
    )
    _section(
        out,
        "Articles you shared",
        [
            f"{a.shared_on} {a.title or a.url}"
            + (f" [dim]({', '.join(a.topics)})[/dim]" if a.topics else "")
            for a in b.shared
        ],
    )
    _section(
        out,
        "People you both know",
        [f"{m.person.name} [dim]({'; '.join(m.how)})[/dim]" for m in b.mutual[:10]],
    )


def _their_time(tz_name: str | None, now: datetime | None) -> str | None:
    """``Europe/Lisbon (09:10 there)``: the zone and, when known, what time it is there."""
    if not tz_name or now is None:
        return tz_name
    from amity.rules.when import WhenError, zone

    try:
        return f"{tz_name} ({now.astimezone(zone(tz_name)).strftime('%H:%M')} there)"
    except WhenError:
        return tz_name


def _section(out: Any, title: str, rows: list[str]) -> None:
    if not rows:
        return
    out.print(f"\n  [bold]{title}[/bold]")
    for row in rows:
        out.print(f"    {row}")
