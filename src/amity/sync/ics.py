"""ICS addresses: a calendar published at a secret URL (Google's "secret address in iCal
format", Outlook's published calendars, Fastmail, Nextcloud shares), read with HTTP GET.

- **The address is the secret** (whoever has it reads the calendar): it is sealed with the
  installation's key like a password, the account keeps only ``scheme://host/…`` in the clear
  (shown by ``amity sync list`` and Settings), and the full address is redacted from errors.
  ``webcal://`` is read as ``https://``.
- **Conditional GET**: the ETag and Last-Modified of the last complete pull go back as
  ``If-None-Match`` and ``If-Modified-Since``; a 304 costs one request and changes nothing
  (meetings whose time has come still move from planned to done).
- **A 200** hands the whole feed to ``book.calendar_sync.pull``: instances in the window
  become meetings, moved ones move, cancelled or vanished planned ones go. The validators are
  stored only after the feed is applied, so a failure half-way reads it all again next time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from amity.errors import InvalidInput
from amity.sync.dav import DavClient, DavError
from amity.sync.sources import Source, register

if TYPE_CHECKING:
    from amity.book import Book
    from amity.model.sync import RunClaim
    from amity.sync.runner import Session

FEED = ""  # the one resource of an ICS account in calendar_events


def real_url(url: str) -> str:
    """``webcal://`` (and ``webcals://``) as the ``https://`` it stands for."""
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme.lower() in ("webcal", "webcals"):
        return urlunsplit(("https", *parts[1:]))
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidInput("an ICS address starts with https://, http:// or webcal://",
                           field="url")  # fmt: skip
    return text


def masked(url: str) -> str:
    """What the account shows of a secret address: the scheme and host only."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}/…"


def prepare(session: Session, options: dict[str, Any]) -> dict[str, Any]:
    """Read the feed once: it must answer and be a calendar."""
    response = DavClient(session).request("GET", session.password or session.url)
    if response.status_code != 200:
        raise InvalidInput(f"the address answered {response.status_code}, not a calendar",
                           field="url")  # fmt: skip
    if b"BEGIN:VCALENDAR" not in response.content[:4096].upper():
        raise InvalidInput("the address does not serve an iCalendar (.ics) file", field="url")
    return dict(options)


def run(book: Book, claim: RunClaim, session: Session) -> None:
    url = session.password or session.url
    cursor = book.connections.cursor(claim.account.id)
    headers = {}
    if cursor.get("etag"):
        headers["If-None-Match"] = str(cursor["etag"])
    if cursor.get("last_modified"):
        headers["If-Modified-Since"] = str(cursor["last_modified"])
    response = DavClient(session).request("GET", url, headers=headers)
    if response.status_code == 304:
        claim.details["not_modified"] = True
    elif response.status_code == 200:
        read = book.calendar_sync.pull(claim, FEED, response.content,
                                       response.headers.get("etag"))  # fmt: skip
        claim.details["instances"] = read
        cursor = {"etag": response.headers.get("etag"),
                  "last_modified": response.headers.get("last-modified")}  # fmt: skip
        book.connections.save_cursor(claim, {k: v for k, v in cursor.items() if v})
    else:
        reason = "refused the request" if response.status_code in (401, 403) else "answered"
        raise DavError(f"GET {masked(url)}: the server {reason} ({response.status_code})",
                       response.status_code)  # fmt: skip
    claim.details["took_place"] = book.calendar_sync.advance(claim)
    claim.details["linked"] = book.calendar_sync.counts(claim.account.id).get("meeting", 0)


register(Source(
    "ics",
    "a calendar's secret address in iCalendar format (HTTP GET with ETag and If-Modified-Since)",
    prepare, run, needs_password=False, secret_url=True, public_url=masked, normalize=real_url,
))  # fmt: skip
