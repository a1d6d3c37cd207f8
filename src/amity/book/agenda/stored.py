"""The agenda's share matches stored in the database (``agenda_shares``, issue 14).

Ranking recent articles against every profile is the costliest part of the agenda (about
0.1 s at 10,000 people, 0.4 s at 100,000) and its result changes only with the profiles
version: the in-process cache (:data:`amity.book.agenda.cache.SHARES`) spares a long-lived
server from ranking again, this table spares every new process (`amity today`, a web worker
just started, the digest). Only what the engine reads once the matches are found is stored:
the articles (without their text), the matches and the people they name.

Writing it is best effort: the entry is derived (an empty table is a valid state), so a
database that is busy, read-only or in memory simply ranks again next time. It is written in
a transaction of its own, journaled nowhere, and moves no data version.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.exc import SQLAlchemyError

from amity.model import PersonRef
from amity.rules.agenda.inputs import RecentArticle, ShareInputs, Someone
from amity.rules.matching import Match
from amity.store import schema as s
from amity.store.engine import write_transaction

log = logging.getLogger(__name__)
FORMAT = 1  # the payload's layout; another one is not read (ranked again)


def read_stored(conn: Connection, owner_id: int, day: date, zone: str,
                version: int) -> ShareInputs | None:  # fmt: skip
    """The stored matches for this day, zone and profiles version, or None."""
    t = s.agenda_shares
    row = conn.execute(
        select(t.c.payload).where(
            t.c.owner_id == owner_id, t.c.day == day, t.c.zone == zone,
            t.c.profiles_version == version)
    ).first()  # fmt: skip
    if row is None:
        return None
    try:
        return decode(json.loads(row.payload))
    except (ValueError, KeyError, TypeError, IndexError):
        log.warning("ignoring an unreadable stored share entry of owner %s", owner_id)
        return None


def store(conn: Connection, owner_id: int, day: date, zone: str, version: int,
          shares: ShareInputs) -> bool:  # fmt: skip
    """Replace the owner's stored matches, in a transaction of its own; False when the
    database would not take it (busy, read-only, in memory): it is ranked again next time."""
    t = s.agenda_shares
    payload = json.dumps(encode(shares), separators=(",", ":"))
    try:
        with write_transaction(conn.engine) as w:
            w.execute(delete(t).where(t.c.owner_id == owner_id))
            w.execute(insert(t).values(owner_id=owner_id, day=day, zone=zone,
                                       profiles_version=version, payload=payload,
                                       built_at=datetime.now(UTC)))  # fmt: skip
    except SQLAlchemyError as exc:
        log.info("share matches not stored for owner %s: %s", owner_id, type(exc).__name__)
        return False
    return True


def encode(shares: ShareInputs) -> dict[str, Any]:
    matches = shares.matches or []
    named = {m.person.id for _, found in matches for m in found}
    return {
        "format": FORMAT,
        "articles": [[a.id, a.url, a.title, list(a.topics)] for a in shares.articles],
        "matches": [
            [
                article.id,
                [
                    [
                        m.person.id,
                        m.person.name,
                        m.score,
                        list(m.terms),
                        list(m.topics),
                        list(m.evidence),
                    ]
                    for m in found
                ],
            ]
            for article, found in matches
        ],
        "people": [
            [p.id, p.name, p.circle, p.circle_weight]
            for pid, p in sorted(shares.people.items())
            if pid in named
        ],
        "count": shares.count,
        "total_length": shares.total_length,
    }


def decode(doc: dict[str, Any]) -> ShareInputs | None:
    if doc.get("format") != FORMAT:
        return None
    articles = [RecentArticle(int(i), str(url), title, tuple(topics))
                for i, url, title, topics in doc["articles"]]  # fmt: skip
    by_id = {a.id: a for a in articles}
    matches = [
        (by_id[int(aid)], [Match(PersonRef(int(pid), str(name)), float(score), tuple(terms),
                                 tuple(topics), tuple(evidence))
                           for pid, name, score, terms, topics, evidence in found])
        for aid, found in doc["matches"]
    ]  # fmt: skip
    people = {int(i): Someone(int(i), str(name), circle, float(weight))
              for i, name, circle, weight in doc["people"]}  # fmt: skip
    return ShareInputs(articles=articles, people=people, count=int(doc["count"]),
                       total_length=int(doc["total_length"]), matches=matches)  # fmt: skip
