"""Jinja2 templates (autoescaped) and the few helpers every page uses."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from amity.rules.words import count_label, counted, with_article
from amity.web.deps import csrf_token

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.autoescape = True  # every user text is escaped; never `|safe` on user data


def _days_ago(value: Any, today: date | None = None) -> str:
    if value is None:
        return "never"
    day = value.date() if isinstance(value, datetime) else value
    ref = today or date.today()
    delta = (ref - day).days
    if delta <= 0:
        return "today"
    if delta == 1:
        return "yesterday"
    return f"{delta} days ago"


TEMPLATES.env.filters["counted"] = lambda n, noun: counted(int(n), noun)  # 1 person, 2 people
TEMPLATES.env.filters["count_label"] = lambda n, key: count_label(int(n), str(key))
TEMPLATES.env.filters["with_article"] = with_article
TEMPLATES.env.filters["days_ago"] = _days_ago


def _register_display_filters() -> None:
    from amity.web.display import FILTERS, country_choices

    TEMPLATES.env.filters.update(FILTERS)
    TEMPLATES.env.globals["country_choices"] = country_choices


_register_display_filters()


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    ctx = {
        "csrf": csrf_token(request),
        "user": getattr(request.state, "user", None),
        "path": request.url.path,
    }
    ctx.update(context or {})
    if "locale" not in ctx:
        book = getattr(request.state, "book", None)
        if book is not None:
            from amity.web.display import display_context

            for key, value in display_context(book).items():
                ctx.setdefault(key, value)
    response: HTMLResponse = TEMPLATES.TemplateResponse(
        request, name, ctx, status_code=status_code, headers=headers
    )
    return response


def render_error(request: Request, message: str, status_code: int) -> HTMLResponse:
    if request.headers.get("hx-request"):
        return render(request, "partials/error.html", {"message": message}, status_code=status_code)
    return render(
        request, "error.html", {"message": message, "status": status_code}, status_code=status_code
    )
