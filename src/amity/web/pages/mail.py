"""Mail sync in the web app: Settings → Mail (connect an IMAP mailbox) and the "People you
write to" page (people you wrote to who are not in the book, added with one click). The same
Book calls as `amity sync add imap` and `amity sync suggestions`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from amity.errors import AmityError, InvalidInput
from amity.web.pages.common import BookDep, Text, split_list
from amity.web.pages.settings import _done
from amity.web.templating import render

router = APIRouter(include_in_schema=False)
SECTION = "mail"


@router.post("/settings/connections/mail", response_class=HTMLResponse)
def add_mailbox(
    request: Request,
    book: BookDep,
    host: Text = "",
    port: Text = "",
    security: Text = "ssl",
    username: Text = "",
    password: Text = "",
    name: Text = "",
    folders: Text = "",
    capture_folder: Text = "",
    address: Text = "",
    snippets: Text = "",
) -> Response:
    from amity.sync.imap import TLS_MODES, endpoint_url
    from amity.sync.runner import add_account

    try:
        if max(len(host), len(username), len(password), len(name), len(folders),
               len(capture_folder), len(address)) > 1000:  # fmt: skip
            raise InvalidInput("a field is too long", field="host")
        if security not in TLS_MODES:
            raise InvalidInput("choose IMAPS, STARTTLS or none", field="security")
        if port.strip() and not port.strip().isdigit():
            raise InvalidInput("the port is a number", field="port")
        url = endpoint_url(host, int(port) if port.strip() else None, security)
        options = {"tls": security, "folders": split_list(folders)[:20],
                   "snippets": bool(snippets)}  # fmt: skip
        if capture_folder.strip():
            options["capture_folder"] = capture_folder.strip()
        if address.strip():
            options["address"] = address.strip()
        account = add_account(book, "imap", url, username=username.strip() or None,
                              password=password or None, name=name.strip() or None,
                              options=options)  # fmt: skip
    except AmityError as exc:
        return _done(request, book, SECTION, error=str(exc))
    folders_read = ", ".join(account.options.get("folders") or [])
    return _done(request, book, SECTION, message=f"Connected {account.name} ({folders_read}). "
                 "Run it now, or the server runs it every 15 minutes.")  # fmt: skip


@router.get("/mail/suggestions", response_class=HTMLResponse)
def suggestions_page(request: Request, book: BookDep, message: str = "") -> Response:
    found = book.mail_sync.suggestions()
    return render(request, "mail_suggestions.html",
                  {"suggestions": found, "message": message[:300]})  # fmt: skip


@router.post("/mail/suggestions/{suggestion_id}/add", response_class=HTMLResponse)
def add_suggestion(request: Request, book: BookDep, suggestion_id: int) -> Response:
    person_id = book.mail_sync.add_suggestion(suggestion_id)
    if request.headers.get("HX-Request"):
        person = book.people.get(person_id)
        return HTMLResponse(f'<li class="added">Added <a href="/people/{person_id}">'
                            f"{_escape(person.name)}</a>.</li>")  # fmt: skip
    return RedirectResponse(f"/people/{person_id}", status_code=303)


@router.post("/mail/suggestions/{suggestion_id}/dismiss", response_class=HTMLResponse)
def dismiss_suggestion(request: Request, book: BookDep, suggestion_id: int) -> Response:
    gone = book.mail_sync.dismiss_suggestion(suggestion_id)
    if request.headers.get("HX-Request"):
        return HTMLResponse("")
    from urllib.parse import quote

    text = quote(f"No longer proposing {gone.email}.")
    return RedirectResponse(f"/mail/suggestions?message={text}", status_code=303)


def _escape(text: str) -> str:
    from html import escape

    return escape(text, quote=True)
