"""What the book knows about people's interests, loaded for matching articles to people:
profiles (:class:`amity.rules.matching.Profile`) and BM25's view of the whole book.

Both serve the articles part (suggestions) and the agenda's ``share`` items. Loading is
set-based: a fixed number of queries per batch of people, never one per person.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select, true

from amity.model import PersonRef
from amity.rules.agenda import Someone
from amity.rules.matching import (
    FIELD_WEIGHTS,
    Profile,
    phrase_length,
    phrase_terms,
    phrase_words,
    terms,
)
from amity.store import schema as s

ID_BATCH = 2_000  # ids or phrases per IN (...) list

# what profiles and share matching read: any change to these tables, or to these columns of
# people, moves the owner's profiles version (BookContext.write); logging an interaction only
# moves people.last_interaction_at, and leaves cached share matches valid
PROFILE_TABLES = frozenset(
    ["people", "circles", "facts", "tags", "person_tags", "shares", "articles"]
)
PEOPLE_PROFILE_COLUMNS = frozenset(["name", "title", "org", "notes", "archived_at", "circle_id"])


@dataclass
class Collection:
    """BM25's view of the book for some queries: how many active people, their summed
    weighted profile length, for each query who shares a word with it, and for each of
    those people the weighted frequency of every query word (``tf``) and a lower bound of
    their profile's weighted length (``known``: the phrases that hold query words)."""

    count: int = 0
    total: int = 0
    hits: list[set[int]] = field(default_factory=list)
    tf: dict[int, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    known: Counter[int] = field(default_factory=Counter)

    def found(self, person_id: int, field_name: str, words: Sequence[str], queries: list[int], every: frozenset[str]) -> None:  # fmt: skip
        """``person_id`` has a phrase of ``words`` in ``field_name`` hitting ``queries``."""
        for i in queries:
            self.hits[i].add(person_id)
        weight = FIELD_WEIGHTS[field_name]
        self.known[person_id] += weight * len(words)
        tf = self.tf[person_id]
        for word in words:
            if word in every:
                tf[word] += weight


def changes_profiles(journal: Any) -> bool:
    """Whether a write transaction's journal (:class:`amity.store.journal.Journal`) changed
    anything share matching reads: rows added to, deleted from or changed in a profile table
    (for people, in a profile column)."""
    if not PROFILE_TABLES.isdisjoint(journal.marks):
        return True
    if any(name in PROFILE_TABLES for name, _ in journal.composite):
        return True
    for change in journal.changes:
        if change.table not in PROFILE_TABLES:
            continue
        if change.table == "people" and change.op == "update":
            changed = set(change.before or ()) | set(change.after or ())
            if PEOPLE_PROFILE_COLUMNS.isdisjoint(changed):
                continue
        return True
    return False


def split_topics(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def load_profiles(conn: Connection, owner_id: int, only: set[int] | None = None) -> list[Profile]:
    """What every active person (or only these) cares about, by field, in four queries per
    batch of people."""
    return [profile for profile, _ in load_profiles_with_circles(conn, owner_id, only)]


def load_profiles_with_circles(
    conn: Connection, owner_id: int, only: set[int] | None = None
) -> list[tuple[Profile, Someone]]:
    """:func:`load_profiles` with each person's circle (the agenda weighs items by it)."""
    if only is None:
        return _profiles(conn, owner_id, None)
    ids = sorted(only)
    return [
        x
        for start in range(0, len(ids), ID_BATCH)
        for x in _profiles(conn, owner_id, ids[start : start + ID_BATCH])
    ]


def _profiles(conn: Connection, owner: int, ids: list[int] | None) -> list[tuple[Profile, Someone]]:
    p, c, f, pt, t, sh, a = (
        s.people,
        s.circles,
        s.facts,
        s.person_tags,
        s.tags,
        s.shares,
        s.articles,
    )
    fields: dict[int, dict[str, list[str]]] = {}
    people: dict[int, Someone] = {}

    def among(column: Any) -> Any:
        return true() if ids is None else column.in_(ids)

    for r in conn.execute(
        select(p.c.id, p.c.name, p.c.title, p.c.org, p.c.notes, c.c.name, c.c.weight)
        .select_from(p.outerjoin(c, c.c.id == p.c.circle_id))
        .where(p.c.owner_id == owner, p.c.archived_at.is_(None), among(p.c.id))
    ):
        people[r.id] = Someone(r.id, r.name, r[5], float(r.weight or 1.0))
        fields[r.id] = defaultdict(list)
        fields[r.id]["role"].extend(x for x in (r.title, r.org) if x)
        if r.notes:
            fields[r.id]["note"].append(r.notes)
    for fact in conn.execute(
        select(f.c.person_id, f.c.kind, f.c.text)
        .where(f.c.owner_id == owner, among(f.c.person_id))
        .order_by(f.c.id)
    ):
        if fact.person_id in fields:
            kind = "interest" if fact.kind == "interest" else "fact"
            fields[fact.person_id][kind].append(fact.text)
    for tag in conn.execute(
        select(pt.c.person_id, t.c.name)
        .join(t, t.c.id == pt.c.tag_id)
        .where(pt.c.owner_id == owner, among(pt.c.person_id))
        .order_by(pt.c.person_id, pt.c.tag_id)
    ):
        if tag.person_id in fields:
            fields[tag.person_id]["tag"].append(tag.name.replace("-", " "))
    for share in conn.execute(
        select(sh.c.person_id, a.c.title, a.c.topics)
        .join(a, a.c.id == sh.c.article_id)
        .where(sh.c.owner_id == owner, among(sh.c.person_id))
        .order_by(sh.c.id)
    ):
        if share.person_id in fields:
            fields[share.person_id]["shared"].extend(
                x for x in (share.title, *split_topics(share.topics)) if x
            )
    return [
        (Profile(PersonRef(pid, people[pid].name), dict(fields[pid])), people[pid])
        for pid in sorted(people)
    ]


class _HitFinder:
    """Which queries a phrase's words hit (most phrases hit none: one set test first)."""

    def __init__(self, queries: Sequence[Mapping[str, int]]) -> None:
        self.queries = queries
        self.every = frozenset(w for q in queries for w in q)

    def __call__(self, words: frozenset[str] | set[str]) -> list[int]:
        if words.isdisjoint(self.every):
            return []
        return [i for i, q in enumerate(self.queries) if not words.isdisjoint(q)]


def load_collection(
    conn: Connection, owner_id: int, queries: Sequence[Mapping[str, int]]
) -> Collection:
    """Active people: how many, their summed weighted profile length, and for each query who
    shares a word with it; from grouped phrases, without building any profile."""
    out = Collection(hits=[set() for _ in queries])
    hit_queries = _HitFinder(queries)
    _count_people(conn, owner_id, out, hit_queries)
    _count_facts(conn, owner_id, out, hit_queries)
    _count_tags(conn, owner_id, out, hit_queries)
    _count_shares(conn, owner_id, out, hit_queries)
    return out


def _active(owner_id: int) -> tuple[Any, ...]:
    p = s.people
    return (p.c.owner_id == owner_id, p.c.archived_at.is_(None))


def _count_people(conn: Connection, owner: int, out: Collection, hit: _HitFinder) -> None:
    """Titles, organisations and notes: each distinct one once (with how many people have
    it), then who has the hits."""
    p = s.people
    out.count += (
        conn.execute(select(func.count()).select_from(p).where(*_active(owner))).scalar() or 0
    )
    for column, field_name in ((p.c.title, "role"), (p.c.org, "role"), (p.c.notes, "note")):
        hit_phrases: dict[str, tuple[tuple[str, ...], list[int]]] = {}
        for phrase, n in conn.execute(
            select(column, func.count())
            .where(*_active(owner), column.is_not(None), column != "")
            .group_by(column)
        ):
            words = tuple(terms(phrase)) if field_name == "note" else phrase_terms(phrase)
            out.total += n * FIELD_WEIGHTS[field_name] * len(words)
            if found := hit(frozenset(words)):
                hit_phrases[phrase] = (words, found)
        phrases = sorted(hit_phrases)
        for start in range(0, len(phrases), ID_BATCH):
            for r in conn.execute(
                select(p.c.id, column).where(
                    *_active(owner), column.in_(phrases[start : start + ID_BATCH])
                )
            ):
                words, found = hit_phrases[r[1]]
                out.found(r.id, field_name, words, found, hit.every)


def _count_facts(conn: Connection, owner: int, out: Collection, hit: _HitFinder) -> None:
    """Each distinct fact once (with how many people have it), then who has the hits."""
    p, f = s.people, s.facts
    hit_facts: dict[str, tuple[tuple[str, ...], list[int]]] = {}
    for r in conn.execute(
        select(f.c.kind, f.c.text, func.count())
        .join(p, p.c.id == f.c.person_id)
        .where(f.c.owner_id == owner, *_active(owner))
        .group_by(f.c.kind, f.c.text)
    ):
        words = tuple(terms(r.text))
        weight = FIELD_WEIGHTS[_fact_field(r.kind)]
        out.total += r[2] * weight * len(words)
        if found := hit(set(words)):
            hit_facts[r.text] = (words, found)
    texts = sorted(hit_facts)
    for start in range(0, len(texts), ID_BATCH):
        for r in conn.execute(
            select(f.c.person_id, f.c.kind, f.c.text)
            .join(p, p.c.id == f.c.person_id)
            .where(
                f.c.owner_id == owner,
                *_active(owner),
                f.c.text.in_(texts[start : start + ID_BATCH]),
            )
        ):
            words, found = hit_facts[r.text]
            out.found(r.person_id, _fact_field(r.kind), words, found, hit.every)


def _fact_field(kind: str) -> str:
    return "interest" if kind == "interest" else "fact"


def _count_tags(conn: Connection, owner: int, out: Collection, hit: _HitFinder) -> None:
    p, pt, t = s.people, s.person_tags, s.tags
    hit_tags: dict[int, tuple[tuple[str, ...], list[int]]] = {}
    for r in conn.execute(
        select(t.c.id, t.c.name, func.count())
        .select_from(pt.join(t, t.c.id == pt.c.tag_id).join(p, p.c.id == pt.c.person_id))
        .where(pt.c.owner_id == owner, *_active(owner))
        .group_by(t.c.id, t.c.name)
    ):
        phrase = r.name.replace("-", " ")
        out.total += r[2] * phrase_length("tag", phrase)
        if found := hit(phrase_words(phrase)):
            hit_tags[r.id] = (phrase_terms(phrase), found)
    tag_ids = sorted(hit_tags)
    for start in range(0, len(tag_ids), ID_BATCH):
        for r in conn.execute(
            select(pt.c.person_id, pt.c.tag_id)
            .join(p, p.c.id == pt.c.person_id)
            .where(
                pt.c.owner_id == owner,
                *_active(owner),
                pt.c.tag_id.in_(tag_ids[start : start + ID_BATCH]),
            )
        ):
            words, found = hit_tags[r.tag_id]
            out.found(r.person_id, "tag", words, found, hit.every)


def _count_shares(conn: Connection, owner: int, out: Collection, hit: _HitFinder) -> None:
    p, sh, a = s.people, s.shares, s.articles
    hit_articles: dict[int, tuple[list[tuple[str, ...]], list[int]]] = {}
    for r in conn.execute(
        select(a.c.id, a.c.title, a.c.topics, func.count())
        .select_from(sh.join(a, a.c.id == sh.c.article_id).join(p, p.c.id == sh.c.person_id))
        .where(sh.c.owner_id == owner, *_active(owner))
        .group_by(a.c.id, a.c.title, a.c.topics)
    ):
        phrases = [x for x in (r.title, *split_topics(r.topics)) if x]
        out.total += r[3] * sum(phrase_length("shared", x) for x in phrases)
        if found := hit(frozenset().union(*(phrase_words(x) for x in phrases))):
            hit_articles[r.id] = ([phrase_terms(x) for x in phrases], found)
    article_ids = sorted(hit_articles)
    for start in range(0, len(article_ids), ID_BATCH):
        for r in conn.execute(
            select(sh.c.person_id, sh.c.article_id)
            .join(p, p.c.id == sh.c.person_id)
            .where(
                sh.c.owner_id == owner,
                *_active(owner),
                sh.c.article_id.in_(article_ids[start : start + ID_BATCH]),
            )
        ):
            phrase_list, found = hit_articles[r.article_id]
            for words in phrase_list:
                out.found(r.person_id, "shared", words, found, hit.every)


__all__ = ["ID_BATCH", "Collection", "load_collection", "load_profiles", "split_topics"]
