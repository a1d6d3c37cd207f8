"""Run connected accounts: add one (checked by its source first), run one, run those due.

A run claims the account's lease (one run at a time per account, across workers), opens an
HTTP session through the SSRF guard with the account's credentials, lets the source pull and
push, and finishes the run: ``ok``, or ``failed`` with the reason. Whatever fails (time-outs,
TLS, 5xx, invalid XML, a card too large) never escapes as a crash, and the reason is redacted:
the password, and the Basic credentials made from it, never reach a log, an error or the API.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from amity.crypto import redact
from amity.errors import AmityError
from amity.sync.sources import source_for

if TYPE_CHECKING:
    import httpx
    from sqlalchemy import Engine

    from amity.book import Book
    from amity.model.sync import SyncAccount, SyncRun

log = logging.getLogger("amity.sync")
HTTP_LOGGERS = ("httpx", "httpcore.http11", "httpcore.connection")
TIMEOUT_SECONDS = 30.0


@dataclass
class Session:
    """One run's connection to the account's server: the credentials, the guarded HTTP
    client (made on first use: an IMAP run never needs one), and the number of requests
    sent (a run with no changes sends at most two)."""

    url: str
    username: str | None
    password: str | None
    timeout: float = TIMEOUT_SECONDS
    requests: int = 0
    secrets: list[str] = field(default_factory=list)
    server_seconds: float = 0.0  # time spent waiting for the server's answers
    _client: httpx.Client | None = None
    send_auth: bool = True  # False: the password is no credential (an ICS address)

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = _http_client(self)
        return self._client

    def redact(self, text: str) -> str:
        return redact(text, *self.secrets)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        for name in HTTP_LOGGERS:
            logging.getLogger(name).removeFilter(self._filter)

    def __post_init__(self) -> None:
        self._filter = _Redacting(self)
        for name in HTTP_LOGGERS:  # httpx logs every URL it requests
            logging.getLogger(name).addFilter(self._filter)


class _Redacting(logging.Filter):
    """Rewrites log records of the HTTP libraries with this session's secrets redacted."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.session.redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        return True


def open_session(url: str, username: str | None, password: str | None, *,
                 timeout: float = TIMEOUT_SECONDS, send_auth: bool = True) -> Session:  # fmt: skip
    """``send_auth=False``: the password is not a credential for the server (an ICS
    address, which is its own secret): it is only redacted."""
    known = [password or ""]
    if username or password:
        pair = f"{username or ''}:{password or ''}".encode()
        known.append(base64.b64encode(pair).decode())
    return Session(url, username, password, timeout, secrets=[k for k in known if k],
                   send_auth=send_auth)  # fmt: skip


def _http_client(session: Session) -> httpx.Client:
    import httpx

    from amity.netguard import guarded_client

    username, password, timeout = session.username, session.password, session.timeout
    wants_auth = session.send_auth and bool(username or password)
    auth = httpx.BasicAuth(username or "", password or "") if wants_auth else None
    client = guarded_client(
        "sync", auth=auth, timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        headers={"User-Agent": "Amity (connected accounts)"},
    )  # fmt: skip

    def count(request: httpx.Request) -> None:
        session.requests += 1

    client.event_hooks["request"].append(count)
    return client


def add_account(
    book: Book,
    kind: str,
    url: str,
    *,
    username: str | None = None,
    password: str | None = None,
    name: str | None = None,
    options: dict[str, Any] | None = None,
    interval_minutes: int = 15,
) -> SyncAccount:
    """Check the account with its source (discovery), then store it with its sealed secret."""
    from amity.netguard import check_url

    source = source_for(kind)
    url = source.normalize(url) if source.normalize else url
    if source.secret_url:  # the address is the secret: sealed, and only its host shown
        password = url
    check_url(url, purpose="sync", schemes=source.schemes)
    session = open_session(url, username, password, send_auth=not source.secret_url)
    try:
        prepared = source.prepare(session, dict(options or {}))
    except AmityError as exc:
        raise type(exc)(session.redact(str(exc))) from None
    except Exception as exc:
        from amity.errors import InvalidInput

        raise InvalidInput(session.redact(describe_failure(exc)), field="url") from None
    finally:
        session.close()
    shown = source.public_url(url) if source.secret_url and source.public_url else url
    return book.connections.add(kind, shown, name=name, username=username, secret=password,
                                options=prepared, interval_minutes=interval_minutes)  # fmt: skip


def run_account(book: Book, ref: str | int, *, trigger: str = "manual") -> SyncRun | None:
    """Run one account now; None when another run holds its lease."""
    connections = book.connections
    account = connections.get(ref)
    book.acting("sync", f"account {account.name}")  # what it changes is journaled as the sync's
    claim = connections.claim(account.id, trigger=trigger)
    if claim is None:
        return None
    session: Session | None = None
    error: str | None = None
    try:
        source = source_for(account.kind)
        password = connections.secret(account.id)
        session = open_session(account.url, account.username, password,
                               send_auth=not source.secret_url)  # fmt: skip
        source.run(book, claim, session)
    except Exception as exc:  # a run never crashes its caller: it fails with the reason
        reason = describe_failure(exc)
        error = session.redact(reason) if session else reason
        log.warning("sync run of account %s failed: %s", account.id, error)
    finally:
        if session is not None:
            claim.details["requests"] = session.requests
            claim.details["server_s"] = round(session.server_seconds, 3)
            session.close()
    return connections.finish(claim, error=error)


def describe_failure(exc: BaseException) -> str:
    """A sentence for the user: what failed, without a traceback."""
    import httpx

    from amity.sync.dav import DavError

    if isinstance(exc, DavError | AmityError):
        return str(exc)
    if isinstance(exc, httpx.TimeoutException):
        return f"the server did not answer in time ({exc.__class__.__name__})"
    if isinstance(exc, httpx.ConnectError):
        text = str(exc)
        if "SSL" in text or "certificate" in text.lower():
            return f"TLS error talking to the server: {text}"
        return f"cannot connect to the server: {text}"
    if isinstance(exc, httpx.HTTPError):
        return f"HTTP error: {exc}"
    from amity.crypto import DecryptionFailed

    if isinstance(exc, DecryptionFailed):
        return f"{exc}; enter the account's password again"
    return f"unexpected error: {exc.__class__.__name__}: {exc}"


def run_due(engine: Engine, url: str, clock: Callable[[], datetime], *,
            limit: int = 20) -> dict[int, str]:  # fmt: skip
    """Run every account that is due (the web app's scheduler calls this): account id ->
    ``ok``, ``failed`` or ``busy`` (another worker holds it)."""
    from amity.book import Book
    from amity.book.connections import due_accounts

    outcomes: dict[int, str] = {}
    for owner_id, account_id in due_accounts(engine, clock(), limit=limit):
        book = Book(engine, owner_id, url, clock, door="sync", actor="scheduler")
        try:
            run = run_account(book, account_id, trigger="scheduler")
        except Exception:  # the next account still runs
            log.exception("sync scheduler: account %s", account_id)
            outcomes[account_id] = "failed"
            continue
        outcomes[account_id] = "busy" if run is None else run.status
    return outcomes
