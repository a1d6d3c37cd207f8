"""IMAP (RFC 3501) with the standard library's ``imaplib``: headers in, nothing changed on the
server, through ``book.mail_sync``.

- **Connection**: IMAPS (port 993) or STARTTLS (``--starttls``, port 143), certificates
  verified (``--ca-file`` for a private CA); plain IMAP only with ``--insecure`` and only to a
  loopback address. The host goes through the SSRF guard (``amity.netguard.check_host``) and
  the socket connects to the address the guard approved. Every socket operation times out.
- **Read-only**: folders are opened with ``EXAMINE`` and read with ``BODY.PEEK``, so no flag
  changes (``\\Seen`` stays as it was); attachments are never fetched.
- **Incremental by folder**: the cursor keeps each folder's UIDVALIDITY, UIDNEXT and the last
  UID applied. An unchanged UIDNEXT means no new mail (the run is a login and one EXAMINE per
  folder); a changed UIDVALIDITY rescans the folder, and Message-IDs keep every message once.
- **Batches**: ``BATCH`` messages per ``UID FETCH`` of the header fields; each batch is applied
  and its cursor saved in one transaction, so a dropped connection resumes after it.
- **Snippets** (``--with-snippets``) and **capture**: ``BODYSTRUCTURE`` names the first text
  part, and only its first bytes are fetched (2 KB for a snippet, 20 KB for a captured note).
"""

from __future__ import annotations

import imaplib
import re
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from amity.errors import AmityError, InvalidInput
from amity.model.mail import FetchedMessage
from amity.sync.sources import Source, register

if TYPE_CHECKING:
    from amity.book import Book
    from amity.model.sync import RunClaim
    from amity.sync.runner import Session

BATCH = 500
TIMEOUT_SECONDS = 30.0
SNIPPET_BYTES = 2048
CAPTURE_BYTES = 20_000
HEADER_FIELDS = ("From", "To", "Cc", "Date", "Message-ID", "In-Reply-To", "References", "Subject",
                 "List-Id", "List-Unsubscribe", "Precedence", "Auto-Submitted", "Delivered-To",
                 "X-Original-To")  # fmt: skip
MAX_HEADER_BYTES = 64_000  # per message: a longer header block is cut
TLS_MODES = ("ssl", "starttls", "none")


class MailServerError(AmityError):
    """The IMAP server refused or dropped something; the message says what."""

    code = "mail_server"


# --- the connection ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int
    tls: str  # ssl, starttls, none
    ca_file: str | None = None


def endpoint_url(host: str, port: int | None, tls: str) -> str:
    """The account's address: ``imaps://host:993`` or ``imap://host:143``."""
    if tls not in TLS_MODES:
        raise InvalidInput(f"unknown TLS mode {tls!r}", field="tls")
    name = host.strip()
    if not name or any(c in name for c in "/?#@ ") or len(name) > 255:
        raise InvalidInput("give the mail server's host name (e.g. imap.example.org)",
                           field="url")  # fmt: skip
    if ":" in name and not name.startswith("["):
        name = f"[{name}]" if name.count(":") > 1 else name.split(":", 1)[0]
    chosen = port or (993 if tls == "ssl" else 143)
    if not 1 <= chosen <= 65535:
        raise InvalidInput("the port is between 1 and 65535", field="port")
    return f"{'imaps' if tls == 'ssl' else 'imap'}://{name}:{chosen}"


def endpoint_of(url: str, options: dict[str, Any]) -> Endpoint:
    parts = urlsplit(url)
    tls = str(options.get("tls") or ("ssl" if parts.scheme == "imaps" else "starttls"))
    if tls not in TLS_MODES:
        raise InvalidInput(f"unknown TLS mode {tls!r}", field="tls")
    if parts.hostname is None:
        raise InvalidInput("the account has no host", field="url")
    return Endpoint(parts.hostname, parts.port or (993 if tls == "ssl" else 143), tls,
                    options.get("ca_file") or None)  # fmt: skip


class _GuardedIMAP(imaplib.IMAP4):
    """``imaplib.IMAP4`` whose socket goes to the address the SSRF guard approved (TLS at
    once for IMAPS, with the host name checked against the certificate)."""

    def __init__(self, endpoint: Endpoint, address: str, context: ssl.SSLContext | None,
                 timeout: float) -> None:  # fmt: skip
        self._address = address
        self._implicit = context if endpoint.tls == "ssl" else None
        super().__init__(endpoint.host, endpoint.port, timeout=timeout)

    def _create_socket(self, timeout: float | None) -> socket.socket:
        sock = socket.create_connection((self._address, self.port), timeout)
        if self._implicit is not None:
            return self._implicit.wrap_socket(sock, server_hostname=self.host)
        return sock


def tls_context(ca_file: str | None) -> ssl.SSLContext:
    try:
        context = ssl.create_default_context(cafile=ca_file)
    except (OSError, ssl.SSLError) as exc:
        raise InvalidInput(f"cannot read the CA file {ca_file}: {exc}", field="ca_file") from None
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _approved_address(endpoint: Endpoint) -> str:
    from amity.netguard import check_host

    addresses = check_host(endpoint.host, endpoint.port, purpose="sync")
    if endpoint.tls == "none" and not all(a.is_loopback for a in addresses):
        raise InvalidInput("plain IMAP (--insecure) is only allowed to a loopback address; "
                           "use IMAPS or STARTTLS", field="insecure")  # fmt: skip
    return str(addresses[0])


@contextmanager
def connect(endpoint: Endpoint, username: str | None, password: str | None, *,
            timeout: float = TIMEOUT_SECONDS) -> Iterator[imaplib.IMAP4]:  # fmt: skip
    """A logged-in connection, logged out (or dropped) at the end."""
    address = _approved_address(endpoint)
    context = None if endpoint.tls == "none" else tls_context(endpoint.ca_file)
    try:
        imap = _GuardedIMAP(endpoint, address, context, timeout)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailServerError(f"cannot connect to {endpoint.host}:{endpoint.port}: "
                              f"{_reason(exc)}") from None  # fmt: skip
    try:
        if endpoint.tls == "starttls":
            if "STARTTLS" not in imap.capabilities:
                raise MailServerError("the server does not offer STARTTLS; use IMAPS (port 993)")
            imap.starttls(context)
        try:
            imap.login(username or "", password or "")
        except imaplib.IMAP4.error as exc:
            raise MailServerError(f"the server refused the login: {_reason(exc)}") from None
        yield imap
    except (OSError, imaplib.IMAP4.abort) as exc:
        raise MailServerError(f"the connection to {endpoint.host} failed: {_reason(exc)}") from None
    except imaplib.IMAP4.error as exc:
        raise MailServerError(f"the server answered with an error: {_reason(exc)}") from None
    finally:
        with suppress(Exception):  # the connection may be gone already
            imap.logout()


def _reason(exc: BaseException) -> str:
    text = str(exc) or exc.__class__.__name__
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (
            f"TLS certificate not trusted ({exc.verify_message}); pass --ca-file for a private CA"
        )
    if isinstance(exc, socket.timeout | TimeoutError):
        return "the server did not answer in time"
    return text[:500]


# --- folders -----------------------------------------------------------------------------------

_LIST = re.compile(rb'^\((?P<flags>[^)]*)\) (?P<sep>"(?:[^"\\]|\\.)*"|NIL) (?P<name>.+)$')


def list_folders(imap: imaplib.IMAP4) -> list[tuple[str, set[str]]]:
    """``(name, flags)`` of every folder (names as the server spells them)."""
    typ, data = imap.list()
    if typ != "OK":
        raise MailServerError("the server did not list its folders")
    found = []
    for item in data:
        if isinstance(item, tuple):  # a name sent as a literal
            head, literal = item
            match = _LIST.match(head.rstrip() + b" x")
            name = literal.decode("utf-8", "replace")
        else:
            match = _LIST.match((item or b"").strip())
            name = _unquote(match.group("name").decode("utf-8", "replace")) if match else ""
        if match and name:
            flags = {f.lower() for f in match.group("flags").decode("ascii", "replace").split()}
            found.append((name, flags))
    return found


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return text


def quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def resolve_folders(available: list[tuple[str, set[str]]], wanted: list[str]) -> list[str]:
    """The folders to sync: ``wanted`` checked against the server (INBOX in any case), else
    INBOX and the folder marked ``\\Sent``."""
    names = {name.casefold(): name for name, _ in available}
    if not wanted:
        chosen = [names.get("inbox", "INBOX")]
        sent = [n for n, flags in available if "\\sent" in flags]
        sent = sent or [names[k] for k in ("sent", "sent items", "sent messages") if k in names]
        return chosen + sent[:1]
    chosen = []
    for want in wanted:
        name = names.get(want.strip().casefold())
        if name is None:
            raise InvalidInput(f"no folder {want!r} on the server; it has: "
                               f"{', '.join(sorted(n for n, _ in available)[:30])}",
                               field="folders")  # fmt: skip
        if name not in chosen:
            chosen.append(name)
    return chosen


def prepare(session: Session, options: dict[str, Any]) -> dict[str, Any]:
    """Log in, check the folders (and the capture folder) exist, keep them in the options."""
    endpoint = endpoint_of(session.url, options)
    with connect(endpoint, session.username, session.password) as imap:
        available = list_folders(imap)
    folders = resolve_folders(available, [str(f) for f in options.get("folders") or []])
    prepared = {**options, "folders": folders, "tls": endpoint.tls}
    capture = str(options.get("capture_folder") or "").strip()
    if capture:
        prepared["capture_folder"] = resolve_folders(available, [capture])[0]
        if prepared["capture_folder"] in folders:
            raise InvalidInput("the capture folder cannot also be a synced folder",
                               field="capture_folder")  # fmt: skip
    return prepared


# --- one run -----------------------------------------------------------------------------------


@dataclass
class FolderState:
    uidvalidity: int | None = None
    uidnext: int | None = None
    last_uid: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, data: dict[str, Any]) -> FolderState:
        return cls(data.get("uidvalidity"), data.get("uidnext"), int(data.get("last_uid") or 0))

    def as_dict(self) -> dict[str, Any]:
        return {"uidvalidity": self.uidvalidity, "uidnext": self.uidnext,
                "last_uid": self.last_uid}  # fmt: skip


def run(book: Book, claim: RunClaim, session: Session) -> None:
    options = claim.account.options
    endpoint = endpoint_of(session.url, options)
    cursor = book.connections.cursor(claim.account.id)
    states = cursor.setdefault("folders", {})
    folders = [(f, False) for f in options.get("folders") or ["INBOX"]]
    if options.get("capture_folder"):
        folders.append((str(options["capture_folder"]), True))
    snippets = bool(options.get("snippets"))
    details = claim.details.setdefault("folders", {})
    with connect(endpoint, session.username, session.password) as imap:
        for folder, capture in folders:
            details[folder] = sync_folder(book, claim, imap, folder, cursor, states,
                                          capture=capture, snippets=snippets)  # fmt: skip
            session.requests += 1
        added = book.mail_sync.pending_replays()
        if added:
            replayed = sum(replay_folder(book, claim, imap, folder, added, cursor)
                           for folder, capture in folders if not capture)  # fmt: skip
            book.mail_sync.finish_replays(added)
            claim.details["replayed"] = {"people": len(added), "messages": replayed}


def replay_folder(book: Book, claim: RunClaim, imap: imaplib.IMAP4, folder: str,
                  emails: list[str], cursor: dict[str, Any]) -> int:  # fmt: skip
    """Read again the messages of ``folder`` from or to people added from the proposals
    (a ``UID SEARCH`` by address, up to the last UID synced); how many were read."""
    state = FolderState.of((cursor.get("folders") or {}).get(folder) or {})
    typ, data = imap.select(quote(folder), readonly=True)
    if typ != "OK" or not state.last_uid:
        return 0
    found: set[int] = set()
    for email in emails:
        if not _SEARCHABLE.match(email):
            continue
        typ, data = imap.uid("SEARCH", "OR", "OR", "FROM", quote(email), "TO", quote(email),
                             "CC", quote(email))  # fmt: skip
        if typ == "OK":
            found.update(int(u) for d in data if isinstance(d, bytes) for u in d.split())
    uids = sorted(u for u in found if u <= state.last_uid)
    for start in range(0, len(uids), BATCH):
        messages = fetch_batch(imap, uids[start : start + BATCH], snippets=False, capture=False)
        book.mail_sync.apply_batch(claim, folder, messages, cursor, replay=True)
    return len(uids)


_SEARCHABLE = re.compile(r"^[^\s\"\\()]{1,320}$")


def sync_folder(book: Book, claim: RunClaim, imap: imaplib.IMAP4, folder: str,
                cursor: dict[str, Any], states: dict[str, Any], *, capture: bool,
                snippets: bool) -> dict[str, Any]:  # fmt: skip
    """Bring one folder's new messages in; what happened, for the run's details."""
    state = FolderState.of(states.get(folder) or {})
    typ, data = imap.select(quote(folder), readonly=True)
    if typ != "OK":
        raise MailServerError(f"cannot open the folder {folder!r}: {_text(data)}")
    uidvalidity = _number(imap, "UIDVALIDITY")
    uidnext = _number(imap, "UIDNEXT")
    report: dict[str, Any] = {"uidvalidity": uidvalidity, "new": 0}
    if state.uidvalidity is not None and uidvalidity != state.uidvalidity:
        report["rescanned"] = True  # UIDVALIDITY changed: every UID is new again
        state = FolderState()
    state.uidvalidity = uidvalidity
    if uidnext is not None and uidnext == state.uidnext:
        return report  # nothing arrived since the last run
    uids = [u for u in _uids_after(imap, state.last_uid) if u > state.last_uid]
    report["new"] = len(uids)
    for start in range(0, len(uids), BATCH):
        batch = uids[start : start + BATCH]
        messages = fetch_batch(imap, batch, snippets=snippets, capture=capture)
        state.last_uid = max(batch)
        if start + BATCH >= len(uids):
            state.uidnext = uidnext
        states[folder] = state.as_dict()
        book.mail_sync.apply_batch(claim, folder, messages, cursor, capture=capture)
    if not uids:
        state.uidnext = uidnext
        states[folder] = state.as_dict()
        book.connections.save_cursor(claim, cursor)
    return report


def _number(imap: imaplib.IMAP4, code: str) -> int | None:
    _, values = imap.response(code)
    for value in values or []:
        if isinstance(value, bytes) and value.strip().isdigit():
            return int(value.strip())
    return None


def _text(data: Any) -> str:
    return " ".join(d.decode("utf-8", "replace") for d in data or [] if isinstance(d, bytes))[:300]


def _uids_after(imap: imaplib.IMAP4, last_uid: int) -> list[int]:
    """UIDs above ``last_uid`` (a ``UID FETCH n:* (UID)``: a line per message, so a huge
    folder never makes one line longer than imaplib reads)."""
    typ, data = imap.uid("FETCH", f"{last_uid + 1}:*", "(UID)")
    if typ != "OK":
        raise MailServerError(f"the server refused to list new messages: {_text(data)}")
    found = []
    for item in data:
        line = item[0] if isinstance(item, tuple) else item
        match = _UID.search(line or b"")
        if match:
            found.append(int(match.group(1)))
    return sorted(set(found))


def uid_set(uids: list[int]) -> str:
    """``1:5,9,12:14`` for sorted UIDs."""
    ranges: list[str] = []
    start = prev = uids[0]
    for uid in uids[1:]:
        if uid == prev + 1:
            prev = uid
            continue
        ranges.append(f"{start}:{prev}" if prev != start else str(start))
        start = prev = uid
    ranges.append(f"{start}:{prev}" if prev != start else str(start))
    return ",".join(ranges)


# --- fetching ----------------------------------------------------------------------------------

_UID = re.compile(rb"UID (\d+)")
_START = re.compile(rb"^\d+ \(")
_LITERAL_ITEM = re.compile(rb"(BODY\[[^\]]*\](?:<\d+>)?) \{\d+\}$")


def fetch_batch(imap: imaplib.IMAP4, uids: list[int], *, snippets: bool,
                capture: bool) -> list[FetchedMessage]:  # fmt: skip
    """The header fields of a batch, and the start of the text part of those that need it."""
    fields = " ".join(f.upper() for f in HEADER_FIELDS)
    structure = " BODYSTRUCTURE" if (snippets or capture) else ""
    parsed = fetch(imap, uids, f"(UID{structure} BODY.PEEK[HEADER.FIELDS ({fields})])")
    messages: dict[int, FetchedMessage] = {}
    structures: dict[int, bytes] = {}
    for uid, (text, literals) in parsed.items():
        header = next((v for k, v in literals.items() if k.startswith(b"BODY[HEADER")), b"")
        messages[uid] = FetchedMessage(uid, header[:MAX_HEADER_BYTES])
        structures[uid] = text
    wanted: dict[int, int] = {}
    for uid, message in messages.items():
        if capture or b"+amity@" in message.header.lower():
            wanted[uid] = CAPTURE_BYTES
        elif snippets:
            wanted[uid] = SNIPPET_BYTES
    if wanted:
        missing = [u for u in wanted if b"BODYSTRUCTURE" not in structures.get(u, b"")]
        if missing:
            for uid, (text, _) in fetch(imap, sorted(missing), "(UID BODYSTRUCTURE)").items():
                structures[uid] = text
        _fetch_text_parts(imap, messages, structures, wanted)
    return [messages[u] for u in sorted(messages)]


def _fetch_text_parts(imap: imaplib.IMAP4, messages: dict[int, FetchedMessage],
                      structures: dict[int, bytes], wanted: dict[int, int]) -> None:  # fmt: skip
    groups: dict[tuple[str, int], list[int]] = {}
    for uid, limit in wanted.items():
        part = text_part(structures.get(uid, b""))
        if part is None:
            continue
        section, encoding, charset, html = part
        message = messages[uid]
        message.encoding, message.charset, message.html = encoding, charset, html
        groups.setdefault((section, limit), []).append(uid)
    for (section, limit), uids in groups.items():
        item = f"BODY.PEEK[{section}]<0.{limit}>"
        for uid, (_, literals) in fetch(imap, sorted(uids), f"(UID {item})").items():
            body = next((v for k, v in literals.items() if k.startswith(b"BODY[")), None)
            if uid in messages and body is not None:
                messages[uid].body = body[:limit]


def fetch(imap: imaplib.IMAP4, uids: list[int], items: str) -> dict[int, tuple[bytes, dict[bytes, bytes]]]:  # fmt: skip
    """``UID FETCH``: uid -> (the response's text without its literals, item -> literal)."""
    typ, data = imap.uid("FETCH", uid_set(uids), items)
    if typ != "OK":
        raise MailServerError(f"the server refused to send messages: {_text(data)}")
    out: dict[int, tuple[bytes, dict[bytes, bytes]]] = {}
    text, literals = b"", dict[bytes, bytes]()

    def close() -> None:
        match = _UID.search(text)
        if match:
            out[int(match.group(1))] = (text, literals)

    for element in data:
        head = element[0] if isinstance(element, tuple) else element
        if head is None:
            continue
        if _START.match(head) and text:
            close()
            text, literals = b"", dict[bytes, bytes]()
        if isinstance(element, tuple):
            item = _LITERAL_ITEM.search(head)
            if item:
                literals[item.group(1)] = element[1]
                text += head[: item.start()] + item.group(1) + b" "
            else:  # a literal inside BODYSTRUCTURE (an odd file name): keep it as a string
                text += re.sub(rb"\{\d+\}$", b"", head) + _quoted(element[1])
        else:
            text += head
    if text:
        close()
    return out


def _quoted(data: bytes) -> bytes:
    return b'"' + data.replace(b"\\", b"\\\\").replace(b'"', b'\\"').replace(b"\r\n", b" ") + b'"'


# --- BODYSTRUCTURE -----------------------------------------------------------------------------

_TOKEN = re.compile(rb'\s*(?:(\()|(\))|"((?:[^"\\]|\\.)*)"|([^\s()"]+))')


def parse_structure(text: bytes) -> Any:
    """The parenthesised list after ``BODYSTRUCTURE``: nested lists of str/None."""
    at = text.find(b"BODYSTRUCTURE")
    if at < 0:
        return None
    position = at + len(b"BODYSTRUCTURE")
    stack: list[list[Any]] = [[]]
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match:
            break
        position = match.end()
        if match.group(1):
            stack.append([])
        elif match.group(2):
            if len(stack) == 1:
                break
            done = stack.pop()
            stack[-1].append(done)
            if len(stack) == 1:
                break
        elif match.group(3) is not None:
            stack[-1].append(re.sub(rb"\\(.)", rb"\1", match.group(3)).decode("utf-8", "replace"))
        else:
            atom = match.group(4).decode("ascii", "replace")
            stack[-1].append(None if atom.upper() == "NIL" else atom)
    return stack[0][0] if stack[0] else None


def text_part(text: bytes) -> tuple[str, str | None, str | None, bool] | None:
    """``(section, transfer encoding, charset, is_html)`` of the first text/plain part (else
    the first text/html), never inside an attached message."""
    try:
        structure = parse_structure(text)
    except (ValueError, IndexError, RecursionError):
        return None
    if not isinstance(structure, list):
        return None
    found: dict[str, tuple[str, str | None, str | None, bool]] = {}
    _walk(structure, [], found, depth=0)
    return found.get("plain") or found.get("html")


def _walk(node: list[Any], path: list[int], found: dict[str, Any], *, depth: int) -> None:
    if depth > 20 or len(found) == 2:
        return
    if node and isinstance(node[0], list):  # multipart: parts, then the subtype
        for index, child in enumerate(node, start=1):
            if not isinstance(child, list):
                break
            _walk(child, [*path, index], found, depth=depth + 1)
        return
    if len(node) < 6 or not isinstance(node[0], str) or not isinstance(node[1], str):
        return
    kind, subtype = node[0].lower(), node[1].lower()
    if kind != "text" or subtype not in ("plain", "html") or subtype in found:
        return
    params = node[2] if isinstance(node[2], list) else []
    values = {str(k).lower(): v for k, v in zip(params[::2], params[1::2], strict=False)}
    if "name" in values:  # an attached text file
        return
    section = ".".join(str(n) for n in path) or "1"
    encoding = node[5] if isinstance(node[5], str) else None
    found[subtype] = (section, encoding, values.get("charset"), subtype == "html")


register(Source("imap", "a mailbox over IMAP (headers only; Gmail, Fastmail, Dovecot...)",
                prepare, run, schemes=("imaps", "imap")))  # fmt: skip
