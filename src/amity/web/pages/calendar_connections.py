"""Settings → Connected accounts → Add a calendar: a CalDAV calendar or a calendar's secret ICS
address, whose events with people from the book become meetings. The same Book calls as
`amity sync add caldav|ics`; running, options and removal are the section's own."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from amity.errors import AmityError, InvalidInput
from amity.web.pages.common import BookDep, Text, split_list
from amity.web.pages.connections import SECTION
from amity.web.pages.settings import _done

router = APIRouter(include_in_schema=False)


@router.post("/settings/connections/calendar", response_class=HTMLResponse)
def add_calendar(
    request: Request,
    book: BookDep,
    kind: Text = "ics",
    url: Text = "",
    username: Text = "",
    password: Text = "",
    name: Text = "",
    calendar: Text = "",
) -> Response:
    from amity.sync.runner import add_account

    try:
        if kind not in ("ics", "caldav"):
            raise InvalidInput("choose a CalDAV calendar or an ICS address", field="kind")
        if len(url) > 2000 or len(username) > 320 or len(password) > 1000 or len(name) > 200:
            raise InvalidInput("a field is too long", field="url")
        caldav = kind == "caldav"  # an ICS address is its own secret: no user, no password
        options = {"calendars": split_list(calendar)[:10]} if caldav else {}
        account = add_account(book, kind, url.strip(),
                              username=(username.strip() or None) if caldav else None,
                              password=(password or None) if caldav else None,
                              name=name.strip() or None, options=options)  # fmt: skip
    except AmityError as exc:
        return _done(request, book, SECTION, error=str(exc))
    return _done(request, book, SECTION, message=f"Connected {account.name}. Its events with "
                 "people from your book become meetings; run it now, or the server runs it "
                 "every 15 minutes.")  # fmt: skip
