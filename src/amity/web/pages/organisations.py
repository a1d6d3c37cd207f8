"""Organisations (issue 12 section 4): the list with an add form, one organisation with its
people, edit and delete; reachable from More and from a person's job (``/organisations/find``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from amity.book import Book
from amity.book.organisations import OrganisationInput
from amity.errors import AmityError
from amity.web.pages.common import BookDep, Text, short_text, split_list
from amity.web.pages.network import own
from amity.web.templating import render

router = APIRouter(include_in_schema=False)
FIELDS = ("name", "website", "emails", "phones", "address", "notes")


def organisation_input(form: dict[str, str]) -> OrganisationInput:
    """The form's fields (e-mails and phones comma-separated); each bounded."""
    text = {k: short_text(form.get(k, ""), k, limit=100_000 if k == "notes" else 10_000)
            for k in FIELDS}  # fmt: skip
    return OrganisationInput(name=text["name"], website=text["website"],
                             emails=split_list(text["emails"]), phones=split_list(text["phones"]),
                             address=text["address"], notes=text["notes"])  # fmt: skip


def list_context(book: Book, q: str = "", form: dict[str, str] | None = None,
                 error: str | None = None) -> dict[str, Any]:  # fmt: skip
    return {"organisations": book.organisations.list(q[:300] or None), "q": q[:300],
            "form": form or {}, "error": error}  # fmt: skip


@router.get("/organisations", response_class=HTMLResponse)
def organisations_page(request: Request, book: BookDep, q: str = "", name: str = "") -> Response:
    return render(request, "organisations/list.html",
                  list_context(book, q, {"name": name[:300]}))  # fmt: skip


@router.post("/organisations", response_class=HTMLResponse)
def add_organisation(request: Request, book: BookDep, name: Text = "", website: Text = "",
                     emails: Text = "", phones: Text = "", address: Text = "",
                     notes: Text = "") -> Response:  # fmt: skip
    form = {"name": name, "website": website, "emails": emails, "phones": phones,
            "address": address, "notes": notes}  # fmt: skip
    try:
        made = book.organisations.add(organisation_input(form))
    except AmityError as exc:
        return render(request, "organisations/list.html", list_context(book, "", form, str(exc)),
                      status_code=409 if exc.code == "conflict" else 422)  # fmt: skip
    return RedirectResponse(f"/organisations/{made.id}", status_code=303)


@router.get("/organisations/find")
def find_organisation(book: BookDep, name: str = "") -> Response:
    """From a person's job: the organisation of that name, else the list offering to add it."""
    found = book.organisations.find(name[:300])
    if found is not None:
        return RedirectResponse(f"/organisations/{found.id}", status_code=303)
    return RedirectResponse(f"/organisations?name={quote(name[:300])}#add", status_code=303)


def detail_context(book: Book, organisation_id: int, form: dict[str, str] | None = None,
                   error: str | None = None) -> dict[str, Any]:  # fmt: skip
    org = book.organisations.get(own(organisation_id, "organisation"))
    people = book.organisations.people(organisation_id)
    if form is None:
        form = {"name": org.name, "website": org.website or "", "emails": ", ".join(org.emails),
                "phones": ", ".join(org.phones), "address": org.address or "",
                "notes": org.notes or ""}  # fmt: skip
    return {"o": org, "current": [m for m in people if m.current],
            "former": [m for m in people if not m.current], "form": form, "error": error}  # fmt: skip


@router.get("/organisations/{organisation_id}", response_class=HTMLResponse)
def organisation_page(request: Request, book: BookDep, organisation_id: int) -> Response:
    return render(request, "organisations/organisation.html", detail_context(book, organisation_id))


@router.post("/organisations/{organisation_id}/edit", response_class=HTMLResponse)
def edit_organisation(request: Request, book: BookDep, organisation_id: int, name: Text = "",
                      website: Text = "", emails: Text = "", phones: Text = "",
                      address: Text = "", notes: Text = "") -> Response:  # fmt: skip
    form = {"name": name, "website": website, "emails": emails, "phones": phones,
            "address": address, "notes": notes}  # fmt: skip
    book.organisations.get(own(organisation_id, "organisation"))  # another user's: not found
    try:
        book.organisations.edit(organisation_id, organisation_input(form))
    except AmityError as exc:
        return render(request, "organisations/organisation.html",
                      detail_context(book, organisation_id, form, str(exc)),
                      status_code=409 if exc.code == "conflict" else 422)  # fmt: skip
    return RedirectResponse(f"/organisations/{organisation_id}?saved=1", status_code=303)


@router.post("/organisations/{organisation_id}/delete")
def delete_organisation(book: BookDep, organisation_id: int) -> Response:
    gone = book.organisations.delete(own(organisation_id, "organisation"))
    return RedirectResponse(f"/organisations?deleted={quote(gone.name)}", status_code=303)


@router.post("/people/{person_id}/organisation", response_class=HTMLResponse)
def person_to_organisation(request: Request, book: BookDep, person_id: int) -> Response:
    """From the Delete page: someone who is really a company becomes an organisation."""
    person = book.people.get(own(person_id, "person"))  # another user's: not found
    try:
        made = book.organisations.from_person(person.id)
    except AmityError as exc:
        return render(request, "person_delete.html", {"p": person, "error": str(exc)},
                      status_code=422)  # fmt: skip
    return RedirectResponse(f"/organisations/{made.id}", status_code=303)
