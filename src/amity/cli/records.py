"""`amity <thing> edit ID ...` and `amity <thing> delete ID` for every kind of record
(issue 12): interactions, facts, questions, dates, promises, follow-ups, events,
relationships, articles, goals and feedback. Each calls ``book.records``.

The commands are made here from one table of fields; `cli/main.py` registers them (``fact
edit``, ``interaction delete``...) and the existing groups (event, article, goal, feedback)
carry them too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import click

from amity import serialize as j
from amity.cli.options import emit_json, json_option, pass_state
from amity.cli.state import AppState

# per kind: field -> (option, help); list fields take the option several times
FIELDS: dict[str, dict[str, tuple[str, str]]] = {
    "interaction": {
        "people": ("--with", "A participant (repeat; replaces the participants)."),
        "kind": ("--kind", "meeting, call, video, email, message, social, event, other."),
        "direction": ("--direction", "inbound, outbound or mutual."),
        "occurred_at": ("--at", 'When: 2026-11-02, "2026-11-02 15:00", "yesterday 15:00".'),
        "subject": ("--subject", "Subject or topic."),
        "notes": ("--notes", "Notes."),
        "channel": ("--channel", "Channel: signal, whatsapp, linkedin..."),
        "location": ("--location", "Where."),
        "needs_reply": ("--needs-reply", "yes or no: an inbound message awaiting your reply."),
    },
    "fact": {
        "kind": ("--kind", "interest, family, pet, preference, goal, life_event, other."),
        "text": ("--text", "What to remember."),
        "happened_on": ("--on", "When it happened (life events), YYYY-MM-DD."),
    },
    "question": {
        "text": ("--text", "The question."),
        "answer": ("--answer", "Their answer."),
    },
    "date": {
        "kind": ("--kind", "birthday, anniversary or custom."),
        "when": ("--when", "1990-04-15, --04-15 or 04-15."),
        "label": ("--label", "What the date is."),
    },
    "promise": {
        "text": ("--text", "What was promised."),
        "person": ("--person", "Who the promise is with."),
        "direction": ("--direction", "mine (I promised) or theirs."),
        "due_on": ("--due", "Due date, YYYY-MM-DD."),
        "status": ("--status", "open, done or dropped."),
    },
    "follow_up": {
        "text": ("--text", "What to follow up on."),
        "person": ("--person", "With whom."),
        "due_on": ("--due", "When, YYYY-MM-DD."),
    },
    "event": {
        "name": ("--name", "The event's name."),
        "kind": ("--kind", "conference, workshop, meetup, online, community, other."),
        "starts_on": ("--from", "First day, YYYY-MM-DD."),
        "ends_on": ("--to", "Last day, YYYY-MM-DD."),
        "location": ("--location", "Where."),
        "url": ("--url", "Its web page."),
        "notes": ("--notes", "Notes."),
    },
    "relationship": {
        "kind": ("--kind", "colleague, friend, family, spouse, mentor..."),
        "note": ("--note", "A note."),
    },
    "article": {
        "url": ("--url", "Its address."),
        "title": ("--title", "Its title."),
        "text": ("--text", "Its text (for matching)."),
        "topics": ("--topic", "A topic (repeat; replaces the topics)."),
    },
    "goal": {
        "title": ("--title", "The goal."),
        "theme": ("--theme", "A feedback theme it answers."),
        "check_in_days": ("--check-in", "weekly, monthly or a number of days."),
        "until": ("--until", "Target date, YYYY-MM-DD."),
        "status": ("--status", "active, done or dropped."),
    },
    "feedback": {
        "text": ("--text", "What was said."),
        "kind": ("--kind", "positive or constructive."),
        "person": ("--person", "From whom."),
        "context": ("--context", "Where or about what."),
        "themes": ("--theme", "A theme (repeat; replaces the themes)."),
        "received_on": ("--on", "When, YYYY-MM-DD."),
    },
}
LISTS = ("people", "topics", "themes")
SERIALIZERS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "interaction": j.interaction_json,
    "fact": j.fact_json,
    "question": j.question_json,
    "date": j.date_json,
    "promise": j.commitment_json,
    "follow_up": j.follow_up_json,
    "event": j.event_json,
    "relationship": j.relationship_json,
    "article": j.article_json,
    "goal": j.goal_json,
    "feedback": j.feedback_json,
}


def record_id(text: str) -> int:
    """``12``, or with the letter lists show (``P12``, ``Q3``, ``A7``, ``G2``)."""
    match = re.fullmatch(r"[A-Za-z]?(\d{1,10})", text.strip())
    if match is None:
        raise click.BadParameter(f"{text!r} is not an id like 12", param_hint="ID")
    return int(match.group(1))


def _label(kind: str) -> str:
    return kind.replace("_", "-")


def edit_command(kind: str) -> click.Command:
    fields = FIELDS[kind]

    @pass_state
    def run(
        state: AppState, /, ident: str, clear: tuple[str, ...], as_json: bool, **kw: Any
    ) -> None:
        book = state.book()
        changes: dict[str, Any] = {}
        for name, value in kw.items():
            if name in LISTS:
                if value:
                    changes[name] = list(value)
            elif value is not None:
                changes[name] = value
        for option in clear:
            named = next((f for f, (o, _) in fields.items() if o == f"--{option}"), None)
            name = named or option.replace("-", "_")
            changes[name] = [] if name in LISTS else None
        if isinstance(changes.get("needs_reply"), str):
            answer = changes["needs_reply"].strip().lower()
            if answer not in ("yes", "no", "true", "false"):
                raise click.BadParameter("yes or no", param_hint="--needs-reply")
            changes["needs_reply"] = answer in ("yes", "true")
        if isinstance(changes.get("occurred_at"), str):
            from amity.rules.when import WhenError, parse_datetime

            try:
                changes["occurred_at"] = parse_datetime(
                    changes["occurred_at"], state.now(), book.settings.get("timezone")
                )
            except WhenError as exc:
                raise click.BadParameter(str(exc), param_hint="--at") from None
        if not changes:
            raise click.UsageError("say what to change (see --help)")
        edited = book.records.edit(kind, record_id(ident), changes)
        if as_json:
            emit_json(SERIALIZERS[kind](edited))
            return
        click.echo(f"Changed {_label(kind)} {edited.id}.")

    params: list[click.Parameter] = [click.Argument(["ident"], metavar="ID")]
    for name, (option, help_text) in fields.items():
        params.append(
            click.Option([option, name], multiple=name in LISTS, help=help_text, metavar="TEXT")
        )
    params.append(
        click.Option(
            ["--clear"],
            multiple=True,
            metavar="FIELD",
            help="Empty an optional field (its option's name without dashes, e.g. due).",
        )
    )
    command = click.Command(
        "edit",
        callback=run,
        params=params,
        help=f"Change a {_label(kind)}: only the options given change.",
    )
    return json_option(command)


def delete_command(kind: str) -> click.Command:
    @pass_state
    def run(state: AppState, ident: str) -> None:
        number = record_id(ident)
        state.book().records.delete(kind, number)
        click.echo(f"Deleted {_label(kind)} {number}.")

    return click.Command(
        "delete",
        callback=run,
        params=[click.Argument(["ident"], metavar="ID")],
        help=f"Delete a {_label(kind)}.",
    )


def record_group(kind: str, help_text: str) -> click.Group:
    group = click.Group(_label(kind), help=help_text)
    group.add_command(edit_command(kind))
    group.add_command(delete_command(kind))
    return group


interaction = record_group("interaction", "Edit or delete a logged interaction (ids: timeline).")
question = record_group("question", "Edit or delete a question to ask (ids: show PERSON).")
date = record_group("date", "Edit or delete a person's date (ids: show PERSON --json).")
relationship = record_group("relationship", "Edit or delete a relationship between two people.")
fact_edit, fact_delete = edit_command("fact"), delete_command("fact")
promise_edit, promise_delete = edit_command("promise"), delete_command("promise")
follow_up_edit, follow_up_delete = edit_command("follow_up"), delete_command("follow_up")
