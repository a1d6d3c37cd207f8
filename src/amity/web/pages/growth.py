"""Issue 6 pages, part two: Articles (add, list, who would care, share) and Feedback & Goals
(log feedback, ask for it, goals with check-ins, themes with counts and trend)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from amity.book import Book
from amity.book.feedback import CHECK_INS
from amity.errors import InvalidInput, NotFound
from amity.model.types import FEEDBACK_KINDS
from amity.web.pages.common import (
    BookDep,
    Text,
    Texts,
    optional,
    short_text,
    split_list,
    user_today,
)
from amity.web.pages.network import answer, attempt, bounded_day, own
from amity.web.templating import render

router = APIRouter(include_in_schema=False)
SUGGESTIONS = 10
MAX_ARTICLE_TEXT = 1_000_000


# --- articles ---------------------------------------------------------------------------------


def articles_context(book: Book) -> dict[str, Any]:
    return {"articles": book.articles.list(), "error": None}


@router.get("/articles", response_class=HTMLResponse)
def articles_page(request: Request, book: BookDep) -> Response:
    return render(request, "network/articles.html", articles_context(book))


@router.post("/articles", response_class=HTMLResponse)
def add_article(
    request: Request,
    book: BookDep,
    url: Text = "",
    title: Text = "",
    text: Text = "",
    topics: Text = "",
) -> Response:
    made: list[Any] = []
    error = attempt(
        lambda: made.append(
            book.articles.add(
                short_text(url, "url", limit=2000),
                title=optional(short_text(title, "title")),
                text=optional(short_text(text, "text", limit=MAX_ARTICLE_TEXT)),
                topics=split_list(short_text(topics, "topics", limit=2000)),
            )
        )
    )
    target = f"/articles/{made[0].id}" if made else "/articles"
    return answer(request, "network/articles.html", articles_context(book), error, target)


def article_context(book: Book, article_id: int) -> dict[str, Any]:
    article = book.articles.get(article_id)
    return {
        "article": article,
        "suggestions": book.articles.suggest(article_id, limit=SUGGESTIONS),
        "shared": book.articles.shares(article_id),
        "result": None,
        "error": None,
    }


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, book: BookDep, article_id: int) -> Response:
    return render(
        request, "network/article.html", article_context(book, own(article_id, "article"))
    )


@router.post("/articles/{article_id}/share", response_class=HTMLResponse)
def share_article(
    request: Request,
    book: BookDep,
    article_id: int,
    person_id: Texts = [],  # noqa: B006 - FastAPI form lists
    names: Text = "",
    note: Text = "",
) -> Response:
    book.articles.get(own(article_id, "article"))  # another user's article is not found
    ticked = [p.strip() for p in person_id if p.strip().isdigit() and len(p.strip()) < 10]
    people: list[str | int] = []
    people += [int(p) for p in ticked][:200]
    people += split_list(short_text(names, "names", limit=3000))[:50]
    result: list[Any] = []

    def share() -> None:
        if not people:
            raise InvalidInput("tick or name at least one person", field="people")
        result.append(
            book.articles.share(article_id, people, note=optional(short_text(note, "note")))
        )

    error = attempt(share)
    context = {**article_context(book, article_id), "result": result[0] if result else None}
    return answer(request, "network/article.html", context, error, f"/articles/{article_id}")


# --- feedback and goals -----------------------------------------------------------------------


def feedback_context(book: Book, theme: str = "") -> dict[str, Any]:
    today = user_today(book)
    return {
        "feedback": book.feedback.list(theme=theme or None)[:100],
        "theme": theme,
        "themes": book.feedback.themes(today=today),
        "goals": book.feedback.goals(today=today),
        "requests": book.feedback.requests(),
        "kinds": FEEDBACK_KINDS,
        "check_ins": tuple(CHECK_INS),
        "today": today,
        "error": None,
    }


@router.get("/feedback", response_class=HTMLResponse)
def feedback_page(request: Request, book: BookDep, theme: str = "") -> Response:
    return render(request, "network/feedback.html", feedback_context(book, theme.strip()[:100]))


@router.post("/feedback", response_class=HTMLResponse)
def add_feedback(
    request: Request,
    book: BookDep,
    text: Text = "",
    kind: Text = "positive",
    person: Text = "",
    context: Text = "",
    themes: Text = "",
    on: Text = "",
) -> Response:
    error = attempt(
        lambda: book.feedback.add(
            short_text(text, "text"),
            kind=kind,
            person=optional(short_text(person, "from", limit=300)),
            context=optional(short_text(context, "context")),
            themes=split_list(short_text(themes, "themes", limit=1100)),
            on=bounded_day(on, "on"),
        )
    )
    return answer(request, "network/feedback.html", feedback_context(book), error, "/feedback")


@router.post("/feedback/requests", response_class=HTMLResponse)
def ask_for_feedback(
    request: Request,
    book: BookDep,
    person: Text = "",
    about: Text = "",
    by: Text = "",
    asked: Text = "",
) -> Response:
    error = attempt(
        lambda: book.feedback.ask(
            short_text(person, "person", limit=300),
            short_text(about, "about"),
            by=bounded_day(by, "by"),
            asked=bool(asked),
        )
    )
    return answer(request, "network/feedback.html", feedback_context(book), error, "/feedback")


@router.post("/feedback/requests/{request_id}", response_class=HTMLResponse)
def act_on_request(
    request: Request, book: BookDep, request_id: int, action: Text = "asked"
) -> Response:
    if request_id not in {r.id for r in book.feedback.requests(status=None)}:
        raise NotFound(f"no feedback request with id {request_id}")
    if action == "asked":
        book.feedback.mark_requested(request_id)
    elif action == "drop":
        book.feedback.drop_request(request_id)
    else:
        raise InvalidInput("asked or drop", field="action")
    return answer(request, "network/feedback.html", feedback_context(book), None, "/feedback")


@router.post("/goals", response_class=HTMLResponse)
def add_goal(
    request: Request,
    book: BookDep,
    title: Text = "",
    theme: Text = "",
    check_in: Text = "",
    until: Text = "",
) -> Response:
    error = attempt(
        lambda: book.feedback.add_goal(
            short_text(title, "title"),
            theme=optional(short_text(theme, "theme", limit=200)),
            check_in=optional(check_in[:20]),
            until=bounded_day(until, "until"),
        )
    )
    return answer(request, "network/feedback.html", feedback_context(book), error, "/feedback")


@router.post("/goals/{goal_id}/check-in", response_class=HTMLResponse)
def check_in(
    request: Request, book: BookDep, goal_id: int, progress: Text = "", note: Text = ""
) -> Response:
    if goal_id not in {g.goal.id for g in book.feedback.goals(include_closed=True)}:
        raise NotFound(f"no goal with id {goal_id}")

    def record() -> None:
        value = progress.strip()
        if not value.isdigit() or len(value) > 3:
            raise InvalidInput("progress is a whole number from 0 to 100", field="progress")
        book.feedback.check_in(goal_id, int(value), optional(short_text(note, "note")))

    error = attempt(record)
    return answer(request, "network/feedback.html", feedback_context(book), error, "/feedback")


@router.post("/goals/{goal_id}/status", response_class=HTMLResponse)
def set_goal_status(
    request: Request, book: BookDep, goal_id: int, status: Text = "done"
) -> Response:
    if goal_id not in {g.goal.id for g in book.feedback.goals(include_closed=True)}:
        raise NotFound(f"no goal with id {goal_id}")
    error = attempt(lambda: book.feedback.set_goal_status(goal_id, status))
    return answer(request, "network/feedback.html", feedback_context(book), error, "/feedback")
