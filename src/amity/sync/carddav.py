"""CardDAV (RFC 6352): discovery, then pull and push through ``book.contact_sync``.

- **Discovery** (on ``amity sync add``): the URL itself when it is an address book; else its
  ``current-user-principal`` (trying ``/.well-known/carddav``, RFC 6764), the principal's
  ``addressbook-home-set``, and the address books in it. The user picks with ``--addressbook``
  when there are several.
- **Pull**: ``sync-collection`` (RFC 6578) with the stored sync-token; a server that lacks it
  is listed with a ``PROPFIND`` of ``getetag`` instead, diffed against the ETags Amity linked.
  Changed cards come in ``addressbook-multiget`` batches; each batch is applied in one
  transaction, and the token is stored only after the whole listing is in, so a failure
  half-way resumes from the last good token and re-fetches only what is not linked yet.
- **Push**: ``PUT`` with ``If-Match`` (``If-None-Match: *`` for new cards); a 412 fetches the
  card, merges it field by field, and retries once. ``DELETE`` only with ``allow_delete``.

A run with no changes sends one request (the ``sync-collection`` REPORT, or the PROPFIND).
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from amity.errors import InvalidInput
from amity.sync.dav import (
    CARDDAV,
    DavClient,
    DavError,
    InvalidSyncToken,
    Multistatus,
    PreconditionFailed,
    ResponseTooLarge,
    discover_collections,
    escape_xml,
    same_path,
)
from amity.sync.sources import Source, register

if TYPE_CHECKING:
    from amity.book import Book
    from amity.book.contact_sync import PushItem
    from amity.model.sync import RunClaim
    from amity.sync.runner import Session

MULTIGET_BATCH = 250  # cards per addressbook-multiget (halved while the answer is too large)
MAX_CARDS = 200_000  # per address book: a listing longer than this is refused
MAX_FAILED_KEPT = 1000
FULL_CHECK = timedelta(hours=6)  # compare every person at least this often
FALLBACK_STATUSES = {400, 403, 404, 405, 409, 412, 415, 422, 501}
_PROPS = ("d:resourcetype", "d:displayname", "d:current-user-principal",
          "c:addressbook-home-set")  # fmt: skip


# --- discovery ---------------------------------------------------------------------------------


def discover(dav: DavClient, url: str) -> list[dict[str, str]]:
    """The address books reachable from ``url``: ``[{"href": path, "name": display name}]``."""
    return discover_collections(
        dav, url, props=_PROPS, home_prop="c:addressbook-home-set",
        well_known="/.well-known/carddav",
        is_collection=lambda r: r.has_child("d:resourcetype", f"{{{CARDDAV}}}addressbook"),
        listing_props=["d:resourcetype", "d:displayname"],
        not_found="no CardDAV address book found at this address (tried the address, "
        "/.well-known/carddav and the user's principal)",
    )  # fmt: skip


def prepare(session: Session, options: dict[str, Any]) -> dict[str, Any]:
    """Discover the address books and keep the chosen ones in the options."""
    books = discover(DavClient(session), session.url)
    wanted = [str(w) for w in options.get("addressbooks") or []]
    if wanted:
        chosen = [b for b in books if any(_is(b, w) for w in wanted)]
        missing = [w for w in wanted if not any(_is(b, w) for b in books)]
        if missing:
            raise InvalidInput(f"no address book {missing[0]!r}; found: {_names(books)}",
                               field="addressbook")  # fmt: skip
    elif len(books) == 1:
        chosen = books
    elif not books:
        raise InvalidInput("the server has no address book for this user", field="url")
    else:
        raise InvalidInput(f"the server has several address books; choose with --addressbook: "
                           f"{_names(books)}", field="addressbook")  # fmt: skip
    return {**options, "collections": chosen}


def _is(book: dict[str, str], wanted: str) -> bool:
    return book["name"].casefold() == wanted.casefold() or same_path(book["href"], wanted)


def _names(books: Iterable[dict[str, str]]) -> str:
    return ", ".join(f"{b['name'] or '?'} ({b['href']})" for b in books)


# --- one run -----------------------------------------------------------------------------------


def run(book: Book, claim: RunClaim, session: Session) -> None:
    dav = DavClient(session)
    cursor = book.connections.cursor(claim.account.id)
    states = cursor.setdefault("collections", {})
    totals: dict[str, Any] = {"server_count": 0, "amity_count": 0}
    for collection in claim.account.options.get("collections") or []:
        href = collection["href"]
        state = states.setdefault(href, {})
        pull(book, claim, dav, href, state)
        book.contact_sync.save_cursor(claim, href, cursor)
        if _amity_may_have_changed(book, claim, href, state):
            added = push(book, claim, dav, href)
            state["count"] = max(0, int(state.get("count", 0)) + added)
            state["fingerprint"] = book.contact_sync.fingerprint(claim, href)
            state["checked_at"] = book.now().isoformat()
            book.connections.save_cursor(claim, cursor)
        counts = book.contact_sync.reconcile(claim, href, int(state.get("count", 0)))
        totals["server_count"] += counts["server_count"]
        totals["amity_count"] += counts["amity_count"]
    totals["reconciled"] = totals["server_count"] == totals["amity_count"]
    claim.details.update(totals)


def _amity_may_have_changed(book: Book, claim: RunClaim, href: str,
                            state: dict[str, Any]) -> bool:  # fmt: skip
    """False when the book's fingerprint is what it was after the last push and that push
    compared everyone less than ``FULL_CHECK`` ago (then a no-change run reads no person)."""
    from datetime import datetime

    checked = state.get("checked_at")
    if not checked or state.get("fingerprint") != book.contact_sync.fingerprint(claim, href):
        return True
    return book.now() - datetime.fromisoformat(checked) > FULL_CHECK


def pull(book: Book, claim: RunClaim, dav: DavClient, href: str, state: dict[str, Any]) -> None:
    """Bring the collection's changes in, then move its sync-token in ``state``."""
    from amity.book.contact_sync import RemoteCard

    url = dav.absolute(href)
    known = book.contact_sync.link_etags(claim.account.id, href)
    listing, token, complete = list_changes(dav, url, state)
    members = {h: e for h, e in listing.items() if not same_path(h, href)}
    failed_before = set(state.get("failed") or [])
    fetch = [h for h, e in members.items() if e is not None and (known.get(h) != e or
                                                                   h in failed_before)]  # fmt: skip
    fetch += [h for h in failed_before if h not in members and h not in known and not complete]
    deleted = [h for h, e in members.items() if e is None and h in known]
    if complete:
        deleted += [h for h in known if h not in members]
    failed: list[str] = []
    batches = [fetch[i : i + MULTIGET_BATCH] for i in range(0, len(fetch), MULTIGET_BATCH)]
    # the next batch is fetched while this one is applied: the server's time to answer and
    # Amity's to apply overlap (one request in flight at a time, as before; a fetch that
    # fails is raised after the batches before it are applied, as before)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="carddav-fetch") as pool:
        ahead = pool.submit(fetch_cards, dav, url, batches[0]) if batches else None
        for n in range(len(batches)):
            assert ahead is not None
            fetched = ahead.result()
            ahead = pool.submit(fetch_cards, dav, url, batches[n + 1]) if n + 1 < len(
                batches) else None  # fmt: skip
            cards = [RemoteCard(h, e, t) for h, e, t in fetched]
            try:
                outcomes = book.contact_sync.apply_pull(claim, href, cards)
            except BaseException:
                if ahead is not None:
                    ahead.cancel()
                raise
            failed += [o.remote_ref for o in outcomes if o.outcome == "error" and o.remote_ref]
    book.contact_sync.apply_deletions(claim, deleted)
    state["count"] = _count(state, members, known, failed_before, complete)
    state["failed"] = failed[:MAX_FAILED_KEPT]
    if token is not None or complete:
        state["token"] = token


def _count(state: dict[str, Any], members: dict[str, str | None], known: dict[str, Any],
           failed_before: set[str], complete: bool) -> int:  # fmt: skip
    """How many cards the server holds in the collection (a full listing counts them; a
    sync-collection answer adds the new ones and takes off the deleted ones)."""
    if complete:
        return sum(1 for e in members.values() if e is not None)
    seen = set(known) | failed_before
    added = sum(1 for h, e in members.items() if e is not None and h not in seen)
    removed = sum(1 for h, e in members.items() if e is None and h in seen)
    return max(0, int(state.get("count", 0)) + added - removed)


def list_changes(dav: DavClient, url: str,
                 state: dict[str, Any]) -> tuple[dict[str, str | None], str | None, bool]:  # fmt: skip
    """``(href -> ETag or None when deleted, new token, complete listing?)``."""
    token = state.get("token")
    if state.get("sync_collection", True):
        if token:
            try:
                result = dav.report(url, _sync_body(token))
                return _changes(result), result.sync_token, False
            except InvalidSyncToken:
                pass
        try:
            result = dav.report(url, _sync_body(""))
            return _changes(result), result.sync_token, True
        except DavError as exc:
            if exc.status not in FALLBACK_STATUSES:
                raise
            state["sync_collection"] = False  # this server lacks it: list with getetag
    result = dav.propfind(url, ["d:getetag", "d:resourcetype"], depth=1)
    return {r.href: r.text("d:getetag") for r in _bounded(result) if r.props.get("d:getetag")
            is not None}, None, True  # fmt: skip


def _changes(result: Multistatus) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for response in _bounded(result):
        out[response.href] = None if response.status == 404 else response.text("d:getetag")
    return out


def _bounded(result: Multistatus) -> list[Any]:
    if len(result.responses) > MAX_CARDS:
        raise DavError(f"the address book lists more than {MAX_CARDS} cards")
    return result.responses


def _sync_body(token: str) -> str:
    return ('<?xml version="1.0" encoding="utf-8"?><d:sync-collection xmlns:d="DAV:">'
            f"<d:sync-token>{escape_xml(token)}</d:sync-token><d:sync-level>1</d:sync-level>"
            "<d:prop><d:getetag/></d:prop></d:sync-collection>")  # fmt: skip


def fetch_cards(dav: DavClient, url: str, hrefs: list[str]) -> list[tuple[str, str | None, str]]:
    """``multiget`` of a batch, split in halves while the answer is too large to hold (cards
    with big photos), down to one card at a time."""
    try:
        return multiget(dav, url, hrefs)
    except ResponseTooLarge:
        if len(hrefs) == 1:
            raise
        middle = len(hrefs) // 2
        return fetch_cards(dav, url, hrefs[:middle]) + fetch_cards(dav, url, hrefs[middle:])


def multiget(dav: DavClient, url: str, hrefs: list[str]) -> list[tuple[str, str | None, str]]:
    """``(href, ETag, card text)`` of each card the server still has."""
    body = ('<?xml version="1.0" encoding="utf-8"?><c:addressbook-multiget xmlns:d="DAV:" '
            f'xmlns:c="{CARDDAV}"><d:prop><d:getetag/><c:address-data/></d:prop>'
            + "".join(f"<d:href>{escape_xml(h)}</d:href>" for h in hrefs)
            + "</c:addressbook-multiget>")  # fmt: skip
    result = dav.report(url, body)
    return [(r.href, r.text("d:getetag"), crlf(r.text("c:address-data") or ""))
            for r in result.responses if r.status != 404 and r.props.get("c:address-data")
            is not None]  # fmt: skip


def crlf(text: str) -> str:
    """vCard lines end in CRLF (RFC 6350); XML turns them into LF on the way (XML 1.0 2.11),
    so the server's stored bytes are its text with CRLF restored."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


def push(book: Book, claim: RunClaim, dav: DavClient, href: str) -> int:
    """Send Amity's changes to the collection (nothing when the account is pull-only);
    returns how many cards the server gained (created minus deleted)."""
    added = 0
    for item in book.contact_sync.pending_push(claim, href):
        try:
            _send(book, claim, dav, href, item)
            added += {"create": 1, "delete": -1}.get(item.action, 0)
        except PreconditionFailed:
            _after_conflict(book, claim, dav, href, item)
        except DavError as exc:
            if exc.status is None or exc.status >= 500:
                raise
            book.contact_sync.push_failed(claim, item, str(exc))
    return added


def _send(book: Book, claim: RunClaim, dav: DavClient, href: str, item: PushItem) -> None:
    target = dav.absolute(item.href)
    if item.action == "delete":
        dav.delete(target, etag=item.etag)
        etag = None
    else:
        etag = dav.put(target, item.card or "", etag=item.etag, create=item.action == "create")
    book.contact_sync.pushed(claim, href, item, etag)


def _after_conflict(book: Book, claim: RunClaim, dav: DavClient, href: str,
                    item: PushItem) -> None:  # fmt: skip
    from amity.book.contact_sync import RemoteCard

    if item.action != "update":
        reason = ("changed on the server after it was archived in Amity; not deleted"
                  if item.action == "delete" else "a card already exists at this address")  # fmt: skip
        book.contact_sync.push_failed(claim, item, reason)
        return
    body, etag = dav.get(dav.absolute(item.href))
    text = crlf(body.decode("utf-8", errors="replace"))
    retry = book.contact_sync.merge_after_conflict(claim, item, RemoteCard(item.href, etag, text))
    if retry is None:
        return
    try:
        _send(book, claim, dav, href, retry)
    except PreconditionFailed:
        book.contact_sync.push_failed(claim, retry, "changed again on the server; the next run "
                                      "merges it")  # fmt: skip


register(Source("carddav", "a CardDAV address book (iCloud, Nextcloud, Fastmail, Radicale...)",
                prepare, run))  # fmt: skip
