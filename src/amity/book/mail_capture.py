"""Capture by mail: a message in the account's capture folder, or sent to its ``+amity``
address, becomes a dated note on each person it names.

The people are those of the forwarded message when it forwards one (its original From, To and
Cc), else the message's own correspondents other than you; an address not in the book names
no one, and without any, people whose full name is in the subject. A captured message is known
by its Message-ID (``sync_links``), so it is noted once however often it is seen.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection, func, insert, select, update

from amity.book.context import BookContext
from amity.formats.mail import Headers, addresses, header_text, message_date
from amity.formats.mail_body import body_text, forwarded_people
from amity.model.mail import FetchedMessage
from amity.model.sync import ItemOutcome, RunClaim
from amity.rules.text import fold
from amity.store import schema as s

NOTE_CHARS = 4000
MAX_NOTES = 100_000  # a person's notes never grow past this by capture


def capture_notes(conn: Connection, ctx: BookContext, claim: RunClaim, folder: str,
                  messages: Sequence[tuple[FetchedMessage, Headers]],
                  own: frozenset[str]) -> list[ItemOutcome]:  # fmt: skip
    outcomes: list[ItemOutcome] = []
    lk = s.sync_links
    keys = [_key(folder, m, h) for m, h in messages]
    seen = set(conn.execute(select(lk.c.remote_ref).where(
        lk.c.owner_id == ctx.owner_id, lk.c.account_id == claim.account.id,
        lk.c.remote_ref.in_(keys))).scalars())  # fmt: skip
    touched: list[int] = []
    for (message, headers), key in zip(messages, keys, strict=True):
        subject = header_text(headers, "Subject") or "(no subject)"
        if key in seen:
            outcomes.append(ItemOutcome("unchanged", "pull", key, label=subject[:300],
                                        reason="captured before"))  # fmt: skip
            continue
        seen.add(key)
        text = ""
        if message.body:
            text = body_text(message.body, message.encoding, message.charset, html=message.html)
        people = _named(conn, ctx.owner_id, headers, text, subject, own)
        if not people:
            outcomes.append(ItemOutcome("skipped", "pull", key, label=subject[:300],
                                        reason="captured mail names no one in the book"))  # fmt: skip
            continue
        when = message_date(headers, None) or ctx.now()
        note = _note(when, subject, text)
        p = s.people
        for person_id, _ in people:
            conn.execute(
                update(p)
                .where(p.c.owner_id == ctx.owner_id, p.c.id == person_id,
                       func.length(func.coalesce(p.c.notes, "")) + len(note) < MAX_NOTES)
                .values(notes=func.coalesce(p.c.notes + "\n\n", "") + note,
                        version=p.c.version + 1, updated_at=ctx.now())
            )  # fmt: skip
            touched.append(person_id)
        conn.execute(insert(lk).values(owner_id=ctx.owner_id, account_id=claim.account.id,
                                       collection=folder[:1000], remote_ref=key,
                                       person_id=people[0][0], synced_at=ctx.now()))  # fmt: skip
        names = ", ".join(name for _, name in people)
        outcomes.append(ItemOutcome("updated", "pull", key, None, "person", people[0][0],
                                    subject[:300], f"note on {names}"[:2000]))  # fmt: skip
    if touched:
        from amity.book.search import index_people

        index_people(conn, ctx.owner_id, touched)
    return outcomes


def _key(folder: str, message: FetchedMessage, headers: Headers) -> str:
    ids = (headers.get("Message-ID") or "").strip()
    return ("capture:" + (ids or f"{folder}/{message.uid}"))[:1000]


def _named(conn: Connection, owner: int, headers: Headers, text: str, subject: str,
           own: frozenset[str]) -> list[tuple[int, str]]:  # fmt: skip
    """(person id, name) of the people the message names, in order, each once."""
    pairs = forwarded_people(text)
    if not pairs:
        pairs = [pair for name in ("From", "To", "Cc") for pair in addresses(headers, name)]
    emails = [a for _, a in pairs if a not in own and len(a) <= 400]
    p, cp = s.people, s.contact_points
    found: list[tuple[int, str]] = []
    if emails:
        rows = conn.execute(select(cp.c.normalized, p.c.id, p.c.name).join(
            p, p.c.id == cp.c.person_id).where(cp.c.owner_id == owner, cp.c.kind == "email",
                                               cp.c.normalized.in_(emails),
                                               p.c.archived_at.is_(None))).all()  # fmt: skip
        by_email = {r.normalized: (r.id, r.name) for r in rows}
        for email in emails:
            if email in by_email and by_email[email] not in found:
                found.append(by_email[email])
    if found:
        return found
    words = re.sub(r"[^\w\s'-]", " ", fold(subject)).split()
    grams = {" ".join(words[i : i + n]) for n in (2, 3) for i in range(len(words) - n + 1)}
    if not grams:
        return []
    named = conn.execute(select(p.c.id, p.c.name).where(
        p.c.owner_id == owner, p.c.name_key.in_(sorted(grams)[:200]),
        p.c.archived_at.is_(None)).order_by(p.c.id)).all()  # fmt: skip
    return [(r.id, r.name) for r in named][:10]


def _note(when: datetime, subject: str, text: str) -> str:
    body = "\n".join(line.rstrip() for line in text.strip().split("\n"))
    if len(body) > NOTE_CHARS:
        body = body[:NOTE_CHARS].rstrip() + " …"
    head = f"{when.astimezone(UTC):%Y-%m-%d} (by mail) {subject}"
    return (head + ("\n" + body if body else "")).replace("\x00", "")
