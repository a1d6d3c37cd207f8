"""Autocomplete for every field that names a person (issue 12, section 5): a small JSON
endpoint that amity.js reads into the page's ``<datalist id="people-names">``."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from amity.web.pages.common import BookDep

router = APIRouter(include_in_schema=False)
LIMIT = 10


@router.get("/autocomplete/people")
def people_names(book: BookDep, q: str = "") -> JSONResponse:
    """``[{"id", "name"}]`` for the last name being typed (``Ana, Be`` -> people like Be)."""
    typed = q.rsplit(",", maxsplit=1)[-1].strip()[:100]
    found = book.people.names_like(typed, limit=LIMIT) if typed else []
    return JSONResponse(
        [{"id": p.id, "name": p.name} for p in found],
        headers={"Cache-Control": "private, max-age=30"},
    )
