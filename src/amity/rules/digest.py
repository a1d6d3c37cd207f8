"""The agenda as an e-mail digest: a plain-text and an HTML rendering, both pure.

The items keep the agenda's order (most important first). Each shows its reason and its key,
so that ``amity done KEY`` / ``amity snooze KEY`` work from the mail. The HTML is a single
table with inline styles (what mail clients render reliably); every piece of user text is
escaped with :func:`html.escape`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from amity.model.types import Action
from amity.rules.dates import long_date_with_year, plural

KIND_LABELS = {
    "reply": "Reply",
    "promise_mine": "Your promise",
    "promise_theirs": "Their promise",
    "follow_up": "Follow up",
    "event_follow_up": "After an event",
    "keep_in_touch": "Keep in touch",
    "date": "Date",
    "give": "Give back",
    "share": "Share",
    "goal_checkin": "Goal check-in",
    "feedback_request": "Feedback",
}
_KIND_COLOURS = {
    "reply": "#b42318",
    "promise_mine": "#b54708",
    "promise_theirs": "#a15c07",
    "follow_up": "#175cd3",
    "event_follow_up": "#175cd3",
    "keep_in_touch": "#067647",
    "date": "#6941c6",
}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def digest_subject(actions: Sequence[Action], today: date) -> str:
    """``Amity: 5 things for Friday 15 May 2026``."""
    if not actions:
        return f"Amity: nothing to do on {long_date_with_year(today)}"
    return f"Amity: {plural(len(actions), 'thing')} for {long_date_with_year(today)}"


def _greeting(owner_name: str) -> str:
    name = owner_name.strip()
    return f"Hello {name}," if name else "Hello,"


def _summary(actions: Sequence[Action]) -> str:
    if not actions:
        return "Nothing on your agenda today. Enjoy the day."
    return f"{plural(len(actions), 'thing')} to do today, most important first:"


def render_digest_text(
    actions: Sequence[Action], today: date, owner_name: str, *, limit: int | None = None
) -> str:
    """The digest as plain text."""
    shown = list(actions if limit is None else actions[:limit])
    lines = [
        f"Your agenda for {long_date_with_year(today)}",
        "",
        _greeting(owner_name),
        _summary(actions),
        "",
    ]
    width = len(str(len(shown)))
    for number, action in enumerate(shown, start=1):
        lead = f"{number:>{width}}. "
        lines.append(f"{lead}{kind_label(action.kind)}: {action.reason}")
        lines.append(f"{' ' * len(lead)}key {action.key}, score {action.score:.2f}")
    hidden = len(actions) - len(shown)
    if hidden > 0:
        lines += ["", f"... and {plural(hidden, 'more item')}: run `amity today` to see them all."]
    if shown:
        lines += ["", "Mark an item with `amity done KEY`, `amity snooze KEY --for 3d` or"]
        lines.append("`amity dismiss KEY`.")
    return "\n".join(lines) + "\n"


_BODY = (
    "margin:0;padding:24px;background:#f6f7f9;"
    "font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#1d2939"
)
_CARD = "max-width:640px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px"
_ROW = "padding:10px 0;border-top:1px solid #eaecf0;vertical-align:top"
_KEY = "color:#667085;font-size:12px;font-family:Menlo,Consolas,monospace"


def render_digest_html(
    actions: Sequence[Action], today: date, owner_name: str, *, limit: int | None = None
) -> str:
    """The digest as a small HTML document with inline styles."""
    shown = list(actions if limit is None else actions[:limit])
    title = escape(f"Your agenda for {long_date_with_year(today)}")
    rows = "".join(_html_row(number, action) for number, action in enumerate(shown, start=1))
    hidden = len(actions) - len(shown)
    more = (
        f'<p style="color:#667085">... and {escape(plural(hidden, "more item"))}: '
        "run <code>amity today</code> to see them all.</p>"
        if hidden > 0
        else ""
    )
    table = (
        f'<table role="presentation" width="100%" cellspacing="0" cellpadding="0" '
        f'style="border-collapse:collapse">{rows}</table>'
        if shown
        else ""
    )
    return (
        "<!DOCTYPE html>\n"
        '<html><head><meta charset="utf-8">'
        f"<title>{title}</title></head>"
        f'<body style="{_BODY}"><div style="{_CARD}">'
        f'<h1 style="font-size:20px;margin:0 0 16px">{title}</h1>'
        f"<p>{escape(_greeting(owner_name))}<br>{escape(_summary(actions))}</p>"
        f"{table}{more}"
        '<p style="color:#667085;font-size:12px;margin-top:24px">Mark an item with '
        "<code>amity done KEY</code>, <code>amity snooze KEY --for 3d</code> or "
        "<code>amity dismiss KEY</code>.</p>"
        "</div></body></html>\n"
    )


def _html_row(number: int, action: Action) -> str:
    colour = _KIND_COLOURS.get(action.kind, "#475467")
    badge = (
        f'<span style="display:inline-block;padding:1px 8px;border-radius:10px;'
        f'font-size:12px;color:#ffffff;background:{colour}">'
        f"{escape(kind_label(action.kind))}</span>"
    )
    return (
        f'<tr><td style="{_ROW};width:28px;color:#667085">{number}.</td>'
        f'<td style="{_ROW}">{badge} {escape(action.reason)}<br>'
        f'<span style="{_KEY}">{escape(action.key)} &middot; score {action.score:.2f}'
        "</span></td></tr>"
    )
