"""Full-text search over people and interactions: SQLite FTS5 or PostgreSQL tsvector.

One document per person (name, organisation, title, e-mails, phones, tags, facts, questions,
notes, where met) and one per interaction (subject, notes, location). Documents are stored as
their folded words (case, accents and punctuation dropped: ``ana@acme.io`` -> ``ana acme io``)
and queries are folded the same way, so both backends tokenise and rank identically.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, insert, select, text

from amity.book.context import BookContext
from amity.model import PersonRef
from amity.rules.text import one_line, words
from amity.store import schema as s

BATCH = 500
PERSON_BOOST = 2.0
EXACT_RANK_LIMIT = 1_000  # matches ranked exactly; beyond, the newest candidates
RECENT_CANDIDATES = 200
RECENT_WINDOW = 1_000  # PostgreSQL: newest documents of each kind checked for common words
COMMON_DOCS = 5_000  # PostgreSQL: a term in more documents is not looked up in the index


@dataclass
class SearchHit:
    kind: str  # person, interaction
    id: int
    title: str
    snippet: str
    score: float
    people: list[PersonRef] = field(default_factory=list)


def index_people(
    conn: Connection, owner_id: int, person_ids: Sequence[int], *, new: bool = False
) -> None:
    """Rebuild the search documents of these people with a few set-based queries per batch.

    ``new``: they have no documents yet (a bulk load), so none are deleted first.
    """
    ids = list(dict.fromkeys(person_ids))
    for start in range(0, len(ids), BATCH):
        _index_people_batch(conn, owner_id, ids[start : start + BATCH], new=new)


def _index_people_batch(conn: Connection, owner_id: int, ids: list[int], *, new: bool) -> None:
    parts: dict[int, list[str]] = defaultdict(list)
    p = s.people
    r: Any  # rows of several shapes below
    for r in conn.execute(
        select(
            p.c.id,
            p.c.name,
            p.c.nickname,
            p.c.org,
            p.c.title,
            p.c.notes,
            p.c.met_where,
            p.c.how_met,
        ).where(p.c.owner_id == owner_id, p.c.id.in_(ids))
    ):
        parts[r.id].extend(v for v in r[1:] if v)
    cp = s.contact_points
    for r in conn.execute(
        select(cp.c.person_id, cp.c.kind, cp.c.value, cp.c.normalized).where(
            cp.c.owner_id == owner_id, cp.c.person_id.in_(ids)
        )
    ):
        parts[r.person_id].append(r.value)
        if r.kind == "phone":
            digits = "".join(ch for ch in r.normalized if ch.isdigit())
            parts[r.person_id].extend([digits, digits[-10:], digits[-7:]])
        if r.kind == "email":
            local, _, domain = r.normalized.partition("@")
            parts[r.person_id].extend([local, domain])
    t, pt = s.tags, s.person_tags
    for r in conn.execute(
        select(pt.c.person_id, t.c.name)
        .join(t, t.c.id == pt.c.tag_id)
        .where(pt.c.owner_id == owner_id, pt.c.person_id.in_(ids))
    ):
        parts[r.person_id].append(r.name)
    for table in (s.facts, s.questions):
        for r in conn.execute(
            select(table.c.person_id, table.c.text).where(
                table.c.owner_id == owner_id, table.c.person_id.in_(ids)
            )
        ):
            parts[r.person_id].append(r.text)
    j = s.jobs
    for r in conn.execute(
        select(j.c.person_id, j.c.organisation, j.c.title).where(
            j.c.owner_id == owner_id, j.c.person_id.in_(ids)
        )
    ):
        parts[r.person_id].extend(v for v in (r.organisation, r.title) if v)
    _replace_docs(
        conn,
        owner_id,
        "person",
        {pid: " ".join(dict.fromkeys(parts[pid])) for pid in ids if pid in parts},
        new=new,
    )


def index_interactions(
    conn: Connection, owner_id: int, interaction_ids: Sequence[int], *, new: bool = False
) -> None:
    ids = list(dict.fromkeys(interaction_ids))
    i = s.interactions
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        bodies = {}
        for r in conn.execute(
            select(i.c.id, i.c.subject, i.c.notes, i.c.location).where(
                i.c.owner_id == owner_id, i.c.id.in_(batch)
            )
        ):
            body = " ".join(v for v in (r.subject, r.notes, r.location) if v)
            if body:
                bodies[r.id] = body
        _replace_docs(conn, owner_id, "interaction", bodies, also_delete=batch, new=new)


def _replace_docs(
    conn: Connection,
    owner_id: int,
    kind: str,
    bodies: dict[int, str],
    also_delete: Sequence[int] = (),
    *,
    new: bool = False,
) -> None:
    d = s.search_docs
    doomed = list(set(bodies) | set(also_delete))
    if doomed and not new:
        conn.execute(
            delete(d).where(d.c.owner_id == owner_id, d.c.doc_kind == kind, d.c.ref_id.in_(doomed))
        )
    if not bodies:
        return
    rows = [(owner_id, kind, ref, " ".join(words(body))) for ref, body in bodies.items()]
    if conn.dialect.name == "sqlite":
        # One multi-row statement per batch: FTS5 flushes its pending terms at every statement
        # (savepoint), so row-by-row inserts through the trigger were 5x slower (measured).
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            conn.exec_driver_sql(
                "INSERT INTO search_docs (owner_id, doc_kind, ref_id, body) VALUES "
                + ", ".join(["(?, ?, ?, ?)"] * len(chunk)),
                tuple(v for row in chunk for v in row),
            )
        return
    conn.execute(
        insert(d), [{"owner_id": o, "doc_kind": k, "ref_id": r, "body": b} for o, k, r, b in rows]
    )


def matching_people(ctx: BookContext, query: str, *, limit: int = 100) -> list[int]:
    """The people a search finds, best first: those whose own document matches, then the
    participants of matching interactions (as :func:`run_search` ranks them, without
    describing the hits: a list of people needs only who)."""
    terms = words(query)[:12]
    if not terms:
        return []
    with ctx.read() as conn:
        ranked = _ranked(conn, ctx, terms, limit, ("person", "interaction"))
        found = [ref for kind, ref, _ in ranked if kind == "person"]
        interactions = [ref for kind, ref, _ in ranked if kind == "interaction"]
        ip = s.interaction_participants
        participants: dict[int, list[int]] = defaultdict(list)
        for r in (
            conn.execute(
                select(ip.c.interaction_id, ip.c.person_id).where(
                    ip.c.owner_id == ctx.owner_id, ip.c.interaction_id.in_(interactions)
                )
            )
            if interactions
            else ()
        ):
            participants[r.interaction_id].append(r.person_id)
    seen = set(found)
    for interaction in interactions:
        for person in participants[interaction]:
            if person not in seen:
                seen.add(person)
                found.append(person)
    return found


def run_search(
    ctx: BookContext,
    query: str,
    *,
    limit: int = 20,
    kinds: Sequence[str] = ("person", "interaction"),
) -> list[SearchHit]:
    terms = words(query)[:12]
    if not terms:
        return []
    with ctx.read() as conn:
        ranked = _ranked(conn, ctx, terms, limit, kinds)
        return _describe(conn, ctx.owner_id, ranked, terms)


def _ranked(
    conn: Connection, ctx: BookContext, terms: list[str], limit: int, kinds: Sequence[str]
) -> list[tuple[str, int, float]]:
    """The best ``limit`` documents: (kind, id, score), people boosted."""
    if ctx.dialect == "sqlite":
        fts = " AND ".join(f'"{term}"*' for term in terms)
        rows = _sqlite_matches(conn, fts, ctx.owner_id, limit * 3)
    else:
        rows = _postgres_matches(conn, terms, ctx.owner_id, ctx.url, limit * 3)
    return sorted(
        (
            (
                r.doc_kind,
                r.ref_id,
                float(r.score) * (PERSON_BOOST if r.doc_kind == "person" else 1.0),
            )
            for r in rows
            if r.doc_kind in kinds
        ),
        key=lambda x: (-x[2], x[0], x[1]),
    )[:limit]


def _sqlite_matches(conn: Connection, fts: str, owner_id: int, n: int) -> Sequence[Any]:
    """The best ``n`` documents by bm25; for a very common term, among the newest ones.

    bm25 costs ~10 us per matching document (a word in 7,500 documents: 80 ms), so beyond
    EXACT_RANK_LIMIT matches only the RECENT_CANDIDATES newest documents of each kind are
    ranked (people are re-indexed on every edit: newest means recently touched). Counting
    the matches first is cheap (no ranking, no join).
    """
    params = {"q": fts, "owner": owner_id, "n": n}
    matches = conn.execute(
        text("SELECT count(*) FROM search_fts WHERE search_fts MATCH :q"), params
    ).scalar_one()
    if matches <= EXACT_RANK_LIMIT:
        return list(
            conn.execute(
                text(
                    "SELECT d.doc_kind, d.ref_id, -f.rank AS score FROM search_fts f "
                    "JOIN search_docs d ON d.id = f.rowid "
                    "WHERE search_fts MATCH :q AND d.owner_id = :owner "
                    "ORDER BY f.rank LIMIT :n"
                ),
                params,
            )
        )
    params["k"] = RECENT_CANDIDATES
    rows = list(
        conn.execute(
            text(  # the FTS index drives: newest first, stops after k
                "SELECT d.doc_kind, d.ref_id, -f.rank AS score FROM search_fts f "
                "CROSS JOIN search_docs d ON d.id = f.rowid "
                "WHERE search_fts MATCH :q AND d.owner_id = :owner AND d.doc_kind = 'interaction' "
                "ORDER BY f.rowid DESC LIMIT :k"
            ),
            params,
        )
    )
    rows += conn.execute(
        text(  # this owner's person documents, as a set to test against
            "SELECT d.doc_kind, d.ref_id, -f.rank AS score FROM search_fts f "
            "CROSS JOIN search_docs d ON d.id = f.rowid "
            "WHERE search_fts MATCH :q AND +f.rowid IN (SELECT id FROM search_docs "
            "WHERE owner_id = :owner AND doc_kind = 'person') "
            "ORDER BY f.rowid DESC LIMIT :k"
        ),
        params,
    ).all()
    return sorted(rows, key=lambda r: -r.score)[:n]


def _postgres_matches(
    conn: Connection, terms: list[str], owner_id: int, url: str, n: int
) -> Sequence[Any]:
    """The best ``n`` documents by ts_rank, reading a bounded number of documents.

    GIN answers a prefix term by merging the postings of every word that starts with it, so
    its cost grows with how common the words are (a word in 60,000 documents: about 100 ms),
    and ranking reads each match. PostgreSQL's own statistics (the most common words of
    ``search_docs.tsv`` and their frequencies, cached) tell which terms are very common (in
    more than COMMON_DOCS documents):

    - the index is searched with the other terms only (at most COMMON_DOCS postings each)
      and the whole query is checked on the rows it gives; the first EXACT_RANK_LIMIT + 1
      matches are ranked, which is every match (an exact ranking) when there are no more;
    - a query of very common terms only is checked against the RECENT_WINDOW newest
      documents of each kind (ix_search_docs_owner_recent: newest means recently touched,
      as people are re-indexed on every edit), like SQLite's cap; when none of them
      matches, the index is searched with the rarest term.
    """
    full = " & ".join(f"{term}:*" for term in terms)
    common = _common_terms(conn, url, terms)
    params = {"full": full, "owner": owner_id, "cap": EXACT_RANK_LIMIT + 1}
    if len(common) == len(terms):
        params |= {"window": RECENT_WINDOW}
        recent = conn.execute(text(_NEWEST_MATCHES), params).all()
        if recent:
            return sorted(recent, key=lambda r: -r.score)[:n]
        common = common[1:]  # the rarest drives the index
    driving = [term for term in terms if term not in common] or terms
    params["index"] = " & ".join(f"{term}:*" for term in driving)
    rows = conn.execute(text(_INDEXED_MATCHES), params).all()
    return sorted(rows, key=lambda r: -r.score)[:n]


_INDEXED_MATCHES = (  # ts_match_vq: the same test as @@, but not used to search the index
    "SELECT doc_kind, ref_id, ts_rank(tsv, f) AS score "
    "FROM search_docs, to_tsquery('simple', :index) i, to_tsquery('simple', :full) f "
    "WHERE owner_id = :owner AND tsv @@ i AND ts_match_vq(tsv, f) LIMIT :cap"
)
_NEWEST_MATCHES = (  # ids from the owner's index alone, then one probe per id
    "SELECT doc_kind, ref_id, ts_rank(tsv, f) AS score "
    "FROM search_docs, to_tsquery('simple', :full) f WHERE owner_id = :owner AND id = ANY(ARRAY("
    "(SELECT id FROM search_docs WHERE owner_id = :owner AND doc_kind = 'person' "
    "ORDER BY id DESC LIMIT :window) UNION ALL "
    "(SELECT id FROM search_docs WHERE owner_id = :owner AND doc_kind = 'interaction' "
    "ORDER BY id DESC LIMIT :window))) AND ts_match_vq(tsv, f)"
)
_WORD_STATS: dict[str, tuple[float, float, dict[str, float]]] = {}
WORD_STATS_SECONDS = 600.0


def _common_terms(conn: Connection, url: str, terms: list[str]) -> list[str]:
    """The terms (as prefixes) in more than COMMON_DOCS documents, the most common last."""
    cached = _WORD_STATS.get(url)
    if cached is None or cached[0] < time.monotonic():
        row = conn.execute(
            text(
                "SELECT s.most_common_elems::text::text[] AS words, "
                "s.most_common_elem_freqs AS freqs, c.reltuples AS docs FROM pg_stats s "
                "JOIN pg_class c ON c.oid = 'search_docs'::regclass "
                "WHERE s.schemaname = current_schema() AND s.tablename = 'search_docs' "
                "AND s.attname = 'tsv'"
            )
        ).first()
        found = dict(zip(row.words or [], row.freqs or [], strict=False)) if row else {}
        cached = (time.monotonic() + WORD_STATS_SECONDS, float(row.docs) if row else 0.0, found)
        _WORD_STATS[url] = cached
    _, docs, freqs = cached
    volume = {t: docs * sum(f for w, f in freqs.items() if w.startswith(t)) for t in terms}
    return sorted((t for t in terms if volume[t] > COMMON_DOCS), key=lambda t: volume[t])


def _describe(
    conn: Connection, owner_id: int, ranked: list[tuple[str, int, float]], terms: list[str]
) -> list[SearchHit]:
    person_ids = [ref for kind, ref, _ in ranked if kind == "person"]
    interaction_ids = [ref for kind, ref, _ in ranked if kind == "interaction"]
    p, i, ip = s.people, s.interactions, s.interaction_participants
    people = {
        r.id: r
        for r in conn.execute(
            select(p.c.id, p.c.name, p.c.org, p.c.title, p.c.archived_at).where(
                p.c.owner_id == owner_id, p.c.id.in_(person_ids)
            )
        )
    }
    docs = {
        (r.doc_kind, r.ref_id): r.body
        for r in conn.execute(
            select(s.search_docs.c.doc_kind, s.search_docs.c.ref_id, s.search_docs.c.body).where(
                s.search_docs.c.owner_id == owner_id,  # doc_kind too: the unique index serves
                s.search_docs.c.doc_kind.in_(("person", "interaction")),
                s.search_docs.c.ref_id.in_(person_ids + interaction_ids),
            )
        )
    }
    interactions = {
        r.id: r
        for r in conn.execute(
            select(i.c.id, i.c.kind, i.c.subject, i.c.notes, i.c.occurred_at).where(
                i.c.owner_id == owner_id, i.c.id.in_(interaction_ids)
            )
        )
    }
    participants: dict[int, list[PersonRef]] = defaultdict(list)
    r: Any  # rows of several shapes below
    # "owner_id + 0" on SQLite: without planner statistics it preferred the owner_id index
    # (every participant of the book, 150 ms on 10k people) to the primary key (measured);
    # PostgreSQL gets the plain filters a cluster sharded by owner needs (docs/scaling.md)
    owner_of_participant = ip.c.owner_id + 0 if conn.dialect.name == "sqlite" else ip.c.owner_id
    for r in (
        conn.execute(
            select(ip.c.interaction_id, p.c.id, p.c.name)
            .join(p, (p.c.id == ip.c.person_id) & (p.c.owner_id == ip.c.owner_id))
            .where(owner_of_participant == owner_id, ip.c.interaction_id.in_(interaction_ids))
        )
        if interaction_ids
        else ()
    ):
        participants[r.interaction_id].append(PersonRef(r.id, r.name))
    hits = []
    for kind, ref, score in ranked:
        if kind == "person" and ref in people:
            r = people[ref]
            role = " · ".join(v for v in (r.title, r.org) if v)
            hits.append(
                SearchHit(
                    "person",
                    ref,
                    r.name,
                    _snippet(docs.get((kind, ref), ""), terms) or role,
                    round(score, 6),
                    [PersonRef(ref, r.name)],
                )
            )
        elif kind == "interaction" and ref in interactions:
            r = interactions[ref]
            title = f"{r.kind} on {r.occurred_at.date().isoformat()}"
            if r.subject:
                title += f": {one_line(r.subject, 60)}"
            hits.append(
                SearchHit(
                    "interaction",
                    ref,
                    title,
                    _snippet(docs.get((kind, ref), ""), terms),
                    round(score, 6),
                    participants[ref],
                )
            )
    return hits


def _snippet(body: str, terms: list[str], width: int = 70) -> str:
    """A window of the (folded) document around the first matching term."""
    for term in terms:
        at = body.find(term)
        if at >= 0:
            start = max(0, at - width // 3)
            prefix = "…" if start else ""
            return prefix + one_line(body[start : start + width], width)
    return one_line(body, width)
