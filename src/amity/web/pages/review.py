"""The Review page: the week or month against the one before, as server-rendered SVG charts
(interactions by kind, people reached by circle, promises and follow-ups on time, median reply
time, give/receive, feedback themes, goal progress)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from amity.errors import InvalidInput
from amity.rules.review import Compared, Review
from amity.web.pages.charts import Row, compared_bars, shares_as_percent
from amity.web.pages.common import BookDep, user_today
from amity.web.pages.network import bounded_day
from amity.web.templating import render

router = APIRouter(include_in_schema=False)
PERIODS = ("week", "month")


def rows(measures: dict[str, Compared]) -> list[Row]:
    return [Row(name.replace("_", " "), c.current, c.previous) for name, c in measures.items()]


def charts(review: Review) -> list[tuple[str, str, Any]]:
    """(id, heading, svg) for every chart of the page."""
    kept = shares_as_percent(
        [
            Row(
                "promises on time",
                review.promises_kept_on_time.current,
                review.promises_kept_on_time.previous,
            ),
            Row(
                "follow-ups on time",
                review.follow_ups_on_time.current,
                review.follow_ups_on_time.previous,
            ),
        ]
    )
    reply = [
        Row(
            "median reply time",
            review.median_reply_hours.current,
            review.median_reply_hours.previous,
        )
    ]
    ledger = [
        Row("given", review.given.current, review.given.previous),
        Row("received", review.received.current, review.received.previous),
    ]
    goals = [Row(g.title, g.progress.current, g.progress.previous) for g in review.goal_progress]
    return [
        (
            "interactions",
            "Interactions by kind",
            compared_bars(rows(review.interactions_by_kind), title="Interactions by kind"),
        ),
        (
            "reached",
            "People reached by circle",
            compared_bars(rows(review.people_reached_by_circle), title="People reached by circle"),
        ),
        (
            "reliability",
            "Promises and follow-ups on time",
            compared_bars(
                kept,
                title="Promises and follow-ups on time",
                unit="%",
                scale_max=100,
                empty="Nothing was due in either period",
            ),
        ),
        (
            "replies",
            "Median reply time",
            compared_bars(
                reply,
                title="Median reply time (hours)",
                unit=" h",
                empty="No answered messages in either period",
            ),
        ),
        ("ledger", "Give and receive", compared_bars(ledger, title="Given and received")),
        (
            "themes",
            "Feedback themes",
            compared_bars(
                rows(review.feedback_themes),
                title="Feedback themes",
                empty="No feedback in either period",
            ),
        ),
        (
            "goals",
            "Goal progress",
            compared_bars(
                goals,
                title="Goal progress (latest check-in)",
                unit="%",
                scale_max=100,
                empty="No goals yet",
            ),
        ),
    ]


@router.get("/review", response_class=HTMLResponse)
def review_page(
    request: Request,
    book: BookDep,
    period: str = "week",
    typed: Annotated[str, Query(alias="date")] = "",
) -> Response:
    if period not in PERIODS:
        raise InvalidInput("review a week or a month", field="period")
    day = bounded_day(typed, "date") or user_today(book)
    review = book.reviews.review(period, today=day)
    return render(
        request,
        "network/review.html",
        {"r": review, "charts": charts(review), "period": period, "periods": PERIODS, "day": day},
    )
