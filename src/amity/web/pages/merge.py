"""Duplicates and the merge screen (issue 12 section 5): ``/people/duplicates`` lists likely
pairs (the same scoring as `amity dupes`), ``/people/merge?keep=&other=`` shows the two side
by side with a choice per field where they differ (lists are united), and the merge lands on
the kept person's page, whose "Last change" offers Undo."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from amity.book import Book
from amity.book.transfer.merge import CHOOSABLE
from amity.errors import AmityError, InvalidInput
from amity.model import Person
from amity.web.pages.common import BookDep
from amity.web.templating import render

router = APIRouter(include_in_schema=False)
LABELS = {"name": "Name", "given_name": "Given name", "family_name": "Family name",
          "nickname": "Nickname", "org": "Organisation", "title": "Title", "country": "Country",
          "timezone": "Time zone", "preferred_channel": "Preferred channel",
          "language": "Language", "best_time": "Best time", "how_met": "How you met",
          "met_where": "Where you met", "photo": "Photo"}  # fmt: skip
Id = Annotated[int, Query(ge=1, le=2**31 - 1)]


@router.get("/people/duplicates", response_class=HTMLResponse)
def duplicates(request: Request, book: BookDep) -> Response:
    pairs = book.transfer.dupes()[:100]
    return render(request, "merge_duplicates.html", {"pairs": pairs})


def compare(book: Book, keep: int, other: int) -> dict[str, Any]:
    a, b = book.people.get(keep), book.people.get(other)
    if a.id == b.id:
        raise InvalidInput("choose two different people", field="other")
    rows = []
    for name in CHOOSABLE:
        mine, theirs = getattr(a, name), getattr(b, name)
        if mine in (None, "") and theirs in (None, ""):
            continue
        rows.append({"field": name, "label": LABELS[name], "keep": mine, "other": theirs,
                     "choice": mine not in (None, "") and theirs not in (None, "")
                     and mine != theirs})  # fmt: skip
    united = [("E-mail addresses", a.emails, b.emails), ("Phones", a.phones, b.phones),
              ("Tags", a.tags, b.tags)]  # fmt: skip
    return {"a": a, "b": b, "rows": rows,
            "united": [(label, x, [v for v in y if v not in x]) for label, x, y in united
                       if x or y],
            "counts": _counts(a, b)}  # fmt: skip


def _counts(a: Person, b: Person) -> list[tuple[str, int, int]]:
    return [("facts", len(a.facts), len(b.facts)), ("dates", len(a.dates), len(b.dates)),
            ("questions", len(a.questions), len(b.questions))]  # fmt: skip


@router.get("/people/merge", response_class=HTMLResponse)
def merge_screen(request: Request, book: BookDep, keep: Id, other: Id) -> Response:
    return render(request, "merge.html", compare(book, keep, other))


@router.post("/people/merge", response_class=HTMLResponse)
async def merge(request: Request, book: BookDep, keep: Annotated[int, Form(ge=1, le=2**31 - 1)],
                other: Annotated[int, Form(ge=1, le=2**31 - 1)]) -> Response:  # fmt: skip
    raw = await request.form()
    take = [f for f in CHOOSABLE if raw.get(f"pick_{f}") == "other"]
    try:
        await run_in_threadpool(lambda: book.transfer.merge(keep, other, backup=False, take=take))
    except AmityError as exc:
        context = await run_in_threadpool(compare, book, keep, other)
        return render(request, "merge.html", {**context, "error": str(exc)}, status_code=400)
    return RedirectResponse(f"/people/{keep}?merged=1", status_code=303)
