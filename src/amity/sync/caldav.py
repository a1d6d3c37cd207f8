"""CalDAV calendars (RFC 4791), read only, on the same small DAV client as CardDAV (not the
``caldav`` package: it pulls urllib3-future, which takes over urllib3; STACK.md G1).

- **Discovery** (on ``amity sync add caldav``): the URL itself when it is a calendar; else its
  ``current-user-principal`` (trying ``/.well-known/caldav``, RFC 6764), the principal's
  ``calendar-home-set`` and the calendars in it that hold events. Every such calendar is synced
  unless ``--calendar`` names some.
- **Listing**: ``sync-collection`` (RFC 6578) with the stored sync-token where the server offers
  it; otherwise, and on the first run, and once a day, a ``calendar-query`` REPORT with a
  time range (the sync window) listing the ETags of the events in it, compared with the ETags
  Amity stored. The daily listing also fetches again what was read more than a day ago, so an
  event that had been beyond the window comes in when the window reaches it.
- **Fetching**: ``calendar-multiget`` in batches; each event resource goes to
  ``book.calendar_sync.pull`` (meetings, moves, cancellations, outcomes). A deleted resource
  removes its planned meetings. The token is stored only after everything it covers is in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from amity.errors import InvalidInput
from amity.sync.dav import (
    CALDAV,
    DavClient,
    DavError,
    InvalidSyncToken,
    discover_collections,
    escape_xml,
    same_path,
)
from amity.sync.sources import Source, register

if TYPE_CHECKING:
    from amity.book import Book
    from amity.model.sync import RunClaim
    from amity.sync.runner import Session

MULTIGET_BATCH = 100
MAX_EVENTS = 100_000  # per calendar: a listing longer than this is refused
FULL_CHECK = timedelta(hours=24)
FALLBACK_STATUSES = {400, 403, 404, 405, 409, 412, 415, 422, 501}
_PROPS = ("d:resourcetype", "d:displayname", "d:current-user-principal",
          "cal:calendar-home-set", "cal:supported-calendar-component-set")  # fmt: skip


# --- discovery ---------------------------------------------------------------------------------


def discover(dav: DavClient, url: str) -> list[dict[str, str]]:
    """The calendars with events reachable from ``url``: ``[{"href": path, "name": ...}]``."""
    return discover_collections(
        dav, url, props=_PROPS, home_prop="cal:calendar-home-set",
        well_known="/.well-known/caldav", is_collection=_is_event_calendar,
        listing_props=[*_PROPS[:2], *_PROPS[4:]],
        not_found="no CalDAV calendar found at this address (tried the address, "
        "/.well-known/caldav and the user's principal)",
    )  # fmt: skip


def _is_event_calendar(response: Any) -> bool:
    if not response.has_child("d:resourcetype", f"{{{CALDAV}}}calendar"):
        return False
    components = response.props.get("cal:supported-calendar-component-set")
    if components is None or len(components) == 0:
        return True  # the server does not say: assume it may hold events
    return any(c.get("name", "").upper() == "VEVENT" for c in components)


def prepare(session: Session, options: dict[str, Any]) -> dict[str, Any]:
    """Discover the calendars and keep the chosen ones (all of them when none is named)."""
    calendars = discover(DavClient(session), session.url)
    if not calendars:
        raise InvalidInput("the server has no calendar with events for this user", field="url")
    wanted = [str(w) for w in options.get("calendars") or []]
    chosen = [c for c in calendars if any(_is(c, w) for w in wanted)] if wanted else calendars
    missing = [w for w in wanted if not any(_is(c, w) for c in calendars)]
    if missing:
        names = ", ".join(f"{c['name'] or '?'} ({c['href']})" for c in calendars)
        raise InvalidInput(f"no calendar {missing[0]!r}; found: {names}", field="calendar")
    return {**options, "collections": chosen}


def _is(calendar: dict[str, str], wanted: str) -> bool:
    return calendar["name"].casefold() == wanted.casefold() or same_path(calendar["href"], wanted)


# --- one run -----------------------------------------------------------------------------------


def run(book: Book, claim: RunClaim, session: Session) -> None:
    dav = DavClient(session)
    cursor = book.connections.cursor(claim.account.id)
    states = cursor.setdefault("collections", {})
    for collection in claim.account.options.get("collections") or []:
        href = collection["href"]
        state = states.setdefault(href, {})
        pull(book, claim, dav, href, state)
        book.connections.save_cursor(claim, cursor)
    claim.details["took_place"] = book.calendar_sync.advance(claim)
    claim.details["linked"] = book.calendar_sync.counts(claim.account.id).get("meeting", 0)


def pull(book: Book, claim: RunClaim, dav: DavClient, href: str, state: dict[str, Any]) -> None:
    """Bring one calendar's changes in, then move its token (and the time of its last full
    listing) in ``state``."""
    url = dav.absolute(href)
    known = book.calendar_sync.resources(claim.account.id)
    now = book.now()
    checked = state.get("checked_at")
    full = (not state.get("token") or not checked
            or now - datetime.fromisoformat(checked) > FULL_CHECK)  # fmt: skip
    token = state.get("token")
    if full:
        listing = time_range_listing(dav, url, *book.calendar_sync.window())
        members = {h: e for h, e in listing.items() if not same_path(h, href)}
        stale = now - FULL_CHECK
        fetch = [h for h, e in members.items()
                 if h not in known or known[h][0] != e or known[h][1] < stale]  # fmt: skip
        deleted = [h for h in known if h not in members and _inside(h, href)]
        token = _fresh_token(dav, url, state)
    else:
        changes, token, _complete = _changes_since(dav, url, state)
        changes = {h: e for h, e in changes.items() if not same_path(h, href)}
        fetch = [h for h, e in changes.items() if e is not None and known.get(h, ("",))[0] != e]
        deleted = [h for h, e in changes.items() if e is None and h in known]
    for start in range(0, len(fetch), MULTIGET_BATCH):
        for resource, etag, text in multiget(dav, url, fetch[start : start + MULTIGET_BATCH]):
            book.calendar_sync.pull(claim, resource, text.encode("utf-8"), etag)
    book.calendar_sync.remove(claim, deleted)
    if full:
        state["checked_at"] = now.isoformat()
    if token is not None:
        state["token"] = token


def _inside(resource: str, collection: str) -> bool:
    return resource.rstrip("/").rsplit("/", 1)[0] == collection.rstrip("/")


def time_range_listing(dav: DavClient, url: str, start: datetime,
                       end: datetime) -> dict[str, str | None]:  # fmt: skip
    """``href -> ETag`` of the calendar's events that touch ``[start, end]``."""
    body = ('<?xml version="1.0" encoding="utf-8"?>'
            f'<cal:calendar-query xmlns:d="DAV:" xmlns:cal="{CALDAV}"><d:prop><d:getetag/>'
            '</d:prop><cal:filter><cal:comp-filter name="VCALENDAR">'
            '<cal:comp-filter name="VEVENT">'
            f'<cal:time-range start="{_stamp(start)}" end="{_stamp(end)}"/>'
            "</cal:comp-filter></cal:comp-filter></cal:filter></cal:calendar-query>")  # fmt: skip
    result = dav.report(url, body)
    if len(result.responses) > MAX_EVENTS:
        raise DavError(f"the calendar lists more than {MAX_EVENTS} events")
    return {r.href: r.text("d:getetag") for r in result.responses if r.status != 404}


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _fresh_token(dav: DavClient, url: str, state: dict[str, Any]) -> str | None:
    """A sync-token for the next run (the listing it comes with is not needed: the
    time-range listing was); None when the server lacks sync-collection."""
    if not state.get("sync_collection", True):
        return None
    try:
        return dav.report(url, _sync_body("")).sync_token
    except DavError as exc:
        if exc.status not in FALLBACK_STATUSES:
            raise
        state["sync_collection"] = False
        return None


def _changes_since(dav: DavClient, url: str,
                   state: dict[str, Any]) -> tuple[dict[str, str | None], str | None, bool]:  # fmt: skip
    """``(href -> ETag, or None when deleted; the new token; complete?)`` since the token."""
    try:
        result = dav.report(url, _sync_body(str(state.get("token") or "")))
    except InvalidSyncToken:
        state.pop("token", None)
        state.pop("checked_at", None)  # the next run lists the window again
        return {}, None, False
    if len(result.responses) > MAX_EVENTS:
        raise DavError(f"the calendar lists more than {MAX_EVENTS} changes")
    changes = {r.href: (None if r.status == 404 else r.text("d:getetag")) for r in result.responses}
    return changes, result.sync_token, False


def _sync_body(token: str) -> str:
    return ('<?xml version="1.0" encoding="utf-8"?><d:sync-collection xmlns:d="DAV:">'
            f"<d:sync-token>{escape_xml(token)}</d:sync-token><d:sync-level>1</d:sync-level>"
            "<d:prop><d:getetag/></d:prop></d:sync-collection>")  # fmt: skip


def multiget(dav: DavClient, url: str, hrefs: Iterable[str]) -> list[tuple[str, str | None, str]]:
    """``(href, ETag, iCalendar text)`` of each event resource the server still has."""
    wanted = list(hrefs)
    if not wanted:
        return []
    body = ('<?xml version="1.0" encoding="utf-8"?><cal:calendar-multiget xmlns:d="DAV:" '
            f'xmlns:cal="{CALDAV}"><d:prop><d:getetag/><cal:calendar-data/></d:prop>'
            + "".join(f"<d:href>{escape_xml(h)}</d:href>" for h in wanted)
            + "</cal:calendar-multiget>")  # fmt: skip
    result = dav.report(url, body)
    return [(r.href, r.text("d:getetag"), r.text("cal:calendar-data") or "")
            for r in result.responses if r.status != 404
            and r.props.get("cal:calendar-data") is not None]  # fmt: skip


register(Source(
    "caldav",
    "a CalDAV calendar (discovery, sync-collection or a time-range listing, read only)",
    prepare, run,
))  # fmt: skip
