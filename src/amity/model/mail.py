"""Mail sync's plain records: a message as the IMAP source fetched it, and a correspondent
proposed for the book. Stdlib only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class FetchedMessage:
    """One message of a folder: its UID, the header fields asked for (raw bytes), and when
    asked (snippets, capture) the start of its first text part with how that part is encoded."""

    uid: int
    header: bytes
    body: bytes | None = None
    encoding: str | None = None  # the part's Content-Transfer-Encoding
    charset: str | None = None
    html: bool = False  # the text part is text/html (no text/plain part)


@dataclass
class Correspondent:
    """Someone you wrote to (or who wrote to you) who is not in the book."""

    id: int
    email: str
    name: str | None
    sent_count: int
    received_count: int
    first_at: datetime | None
    last_at: datetime | None
    last_subject: str | None
    status: str  # open, added, dismissed
    person_id: int | None = None
