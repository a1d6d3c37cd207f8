"""Loading the network's agenda inputs: the ledger for ``give``, recent articles and BM25's
view of the book for ``share``, goals for ``goal_checkin``, open requests for
``feedback_request``. The items themselves are built by :mod:`amity.rules.agenda.network`.

One statement of five ``EXISTS`` (the fifth: job changes to congratulate on) first finds which of them have anything (an empty ledger,
library or goal list costs nothing more); each input is then a few set-based queries.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, case, exists, func, select

from amity.rules.agenda import (
    AgendaSettings,
    FeedbackRequestInput,
    GiveInput,
    GoalInput,
    RecentArticle,
    ShareInputs,
    Someone,
)
from amity.rules.agenda.inputs import JobChangeInput
from amity.rules.agenda.milestones import CONGRATULATE_DAYS
from amity.rules.agenda.network import GIVE_MIN_SURPLUS, NEW_ARTICLE_DAYS
from amity.rules.dates import time_zone
from amity.store import schema as s

if TYPE_CHECKING:
    from amity.rules.matching import Match, Profile

ID_BATCH = 2_000  # ids per IN (...) list


@dataclass(frozen=True)
class NetworkInputs:
    gives: Sequence[GiveInput] = ()
    shares: ShareInputs = field(default_factory=ShareInputs)
    goals: Sequence[GoalInput] = ()
    feedback_requests: Sequence[FeedbackRequestInput] = ()
    job_changes: Sequence[JobChangeInput] = ()


def load_network_inputs(
    conn: Connection, owner_id: int, today: date, settings: AgendaSettings
) -> NetworkInputs:
    tz = time_zone(settings.time_zone)
    found = _inputs_with_something(conn, owner_id, today, tz)
    return NetworkInputs(
        gives=load_gives(conn, owner_id) if found.give else (),
        shares=cached_shares(conn, owner_id, today, settings.time_zone)
        if found.share
        else ShareInputs(),
        goals=load_goals(conn, owner_id) if found.goals else (),
        feedback_requests=load_feedback_requests(conn, owner_id) if found.requests else (),
        job_changes=load_job_changes(conn, owner_id, today) if found.congratulate else (),
    )


def _new_since(today: date, tz: tzinfo) -> datetime:
    return datetime.combine(today - timedelta(days=NEW_ARTICLE_DAYS), time(0), tzinfo=tz)


def _inputs_with_something(conn: Connection, owner_id: int, today: date, tz: tzinfo) -> Any:
    x, a, g, r, j = s.exchanges, s.articles, s.goals, s.feedback_requests, s.job_changes
    return conn.execute(
        select(
            exists().where(x.c.owner_id == owner_id, x.c.direction == "received").label("give"),
            exists()
            .where(a.c.owner_id == owner_id, a.c.created_at >= _new_since(today, tz))
            .label("share"),
            exists()
            .where(g.c.owner_id == owner_id, g.c.status == "active", g.c.check_in_days.is_not(None))
            .label("goals"),
            exists().where(r.c.owner_id == owner_id, r.c.status == "open").label("requests"),
            exists()
            .where(j.c.owner_id == owner_id, j.c.learned_on > _congratulate_since(today))
            .label("congratulate"),
        )
    ).one()


def _congratulate_since(today: date) -> date:
    return today - timedelta(days=CONGRATULATE_DAYS)


def load_job_changes(conn: Connection, owner_id: int, today: date) -> list[JobChangeInput]:
    """Job changes learned in the congratulation window, about people still in the book."""
    j, p, c = s.job_changes, s.people, s.circles
    rows = conn.execute(
        select(j, p.c.name, c.c.name.label("circle"), c.c.weight)
        .select_from(j.join(p, p.c.id == j.c.person_id).outerjoin(c, c.c.id == p.c.circle_id))
        .where(
            j.c.owner_id == owner_id,
            j.c.learned_on > _congratulate_since(today),
            j.c.learned_on <= today,
            p.c.archived_at.is_(None),
        )
        .order_by(j.c.id)
    )
    return [
        JobChangeInput(
            r.id,
            Someone(r.person_id, r.name, r.circle, float(r.weight or 1.0)),
            r.kind,
            r.from_org,
            r.from_title,
            r.to_org,
            r.to_title,
            r.learned_on,
        )
        for r in rows
    ]


def _batches(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), ID_BATCH):
        yield list(ids[start : start + ID_BATCH])


# --- give ------------------------------------------------------------------------------------


def load_gives(conn: Connection, owner_id: int) -> list[GiveInput]:
    """Active people who gave you at least two more than they received: the ledger's counts
    (one GROUP BY), the days they gave, your open promises and their goals and interests."""
    x, p, c = s.exchanges, s.people, s.circles
    given, received = x.c.direction == "given", x.c.direction == "received"
    n_given = func.sum(case((given, 1), else_=0))
    n_received = func.sum(case((received, 1), else_=0))
    ledger = (  # per person first (the ledger's person index, no sort), then their names
        select(
            x.c.person_id,
            n_given.label("given"),
            n_received.label("received"),
            func.max(case((given, x.c.occurred_on))).label("last_given"),
        )
        .where(x.c.owner_id == owner_id)
        .group_by(x.c.person_id)
        .having(n_received - n_given >= GIVE_MIN_SURPLUS)
        .subquery()
    )
    rows = conn.execute(
        select(
            ledger.c.person_id,
            p.c.name,
            c.c.name.label("circle"),
            func.coalesce(c.c.weight, 1.0).label("weight"),
            ledger.c.given,
            ledger.c.received,
            ledger.c.last_given,
        )
        .select_from(
            ledger.join(p, p.c.id == ledger.c.person_id).outerjoin(c, c.c.id == p.c.circle_id)
        )
        .where(p.c.archived_at.is_(None))
        .order_by(ledger.c.person_id)
    ).all()
    ids = [r.person_id for r in rows]
    received_on = _received_days(conn, owner_id, ids)
    promises, goals, interests = _give_ideas(conn, owner_id, ids)
    return [
        GiveInput(
            Someone(r.person_id, r.name, r.circle, float(r.weight)),
            int(r.given),
            int(r.received),
            received_on[r.person_id],
            r.last_given,
            promises[r.person_id],
            goals[r.person_id],
            interests[r.person_id],
        )
        for r in rows
    ]


def _received_days(conn: Connection, owner_id: int, ids: Sequence[int]) -> dict[int, list[date]]:
    x = s.exchanges
    days: dict[int, list[date]] = defaultdict(list)
    for batch in _batches(ids):
        for r in conn.execute(
            select(x.c.person_id, x.c.occurred_on)
            .where(x.c.owner_id == owner_id, x.c.direction == "received", x.c.person_id.in_(batch))
            .order_by(x.c.occurred_on)
        ):
            days[r.person_id].append(r.occurred_on)
    return days


def _give_ideas(
    conn: Connection, owner_id: int, ids: Sequence[int]
) -> tuple[dict[int, list[str]], dict[int, list[str]], dict[int, list[str]]]:
    """Your open promises to them, and their goals and interests (oldest first)."""
    cm, f = s.commitments, s.facts
    promises: dict[int, list[str]] = defaultdict(list)
    goals: dict[int, list[str]] = defaultdict(list)
    interests: dict[int, list[str]] = defaultdict(list)
    for batch in _batches(ids):
        for r in conn.execute(
            select(cm.c.person_id, cm.c.text)
            .where(
                cm.c.owner_id == owner_id,
                cm.c.person_id.in_(batch),
                cm.c.direction == "mine",
                cm.c.status == "open",
            )
            .order_by(cm.c.id)
        ):
            promises[r.person_id].append(r.text)
        for fact in conn.execute(
            select(f.c.person_id, f.c.kind, f.c.text)
            .where(
                f.c.owner_id == owner_id,
                f.c.person_id.in_(batch),
                f.c.kind.in_(("goal", "interest")),
            )
            .order_by(f.c.id)
        ):
            (goals if fact.kind == "goal" else interests)[fact.person_id].append(fact.text)
    return promises, goals, interests


# --- goal check-ins and feedback requests ----------------------------------------------------


def load_goals(conn: Connection, owner_id: int) -> list[GoalInput]:
    """Active goals with a check-in rhythm, each with its latest check-in."""
    g, c = s.goals, s.goal_checkins
    rhythm = (g.c.owner_id == owner_id, g.c.status == "active", g.c.check_in_days.is_not(None))
    latest: dict[int, tuple[date, int]] = {}
    for check in conn.execute(
        select(c.c.goal_id, c.c.checked_on, c.c.progress)
        .join(g, g.c.id == c.c.goal_id)
        .where(c.c.owner_id == owner_id, *rhythm)
        .order_by(c.c.checked_on, c.c.id)
    ):
        latest[check.goal_id] = (check.checked_on, check.progress)
    goals = []
    for r in conn.execute(
        select(g.c.id, g.c.title, g.c.check_in_days, g.c.created_at).where(*rhythm).order_by(g.c.id)
    ):
        last_on, progress = latest.get(r.id, (None, None))
        goals.append(
            GoalInput(r.id, r.title, r.check_in_days, r.created_at.date(), last_on, progress)
        )
    return goals


def load_feedback_requests(conn: Connection, owner_id: int) -> list[FeedbackRequestInput]:
    """Open feedback requests with the person asked and their circle (none when archived)."""
    r, p, c = s.feedback_requests, s.people, s.circles
    circle = c.c.id == p.c.circle_id
    rows = conn.execute(
        select(
            r.c.id,
            r.c.person_id,
            p.c.name,
            c.c.name.label("circle"),
            c.c.weight,
            r.c.about,
            r.c.created_at,
            r.c.asked_on,
            r.c.by_date,
        )
        .select_from(
            r.join(p, p.c.id == r.c.person_id).outerjoin(c, and_(circle, p.c.archived_at.is_(None)))
        )
        .where(r.c.owner_id == owner_id, r.c.status == "open")
        .order_by(r.c.id)
    )
    return [
        FeedbackRequestInput(
            x.id,
            Someone(x.person_id, x.name, x.circle, float(x.weight or 1.0)),
            x.about,
            x.created_at.date(),
            x.asked_on,
            x.by_date,
        )
        for x in rows
    ]


# --- share -----------------------------------------------------------------------------------


def cached_shares(conn: Connection, owner_id: int, today: date, tz_name: str) -> ShareInputs:
    """:func:`load_shares` from the cache while the owner's profiles version stays (read
    first, in the same transaction, so what is cached is never older than its version): this
    process's memory first, then the database's stored entry (:mod:`amity.book.agenda.stored`,
    for a new process), else ranked and stored."""
    from amity.book.agenda.cache import SHARES
    from amity.book.context import READ_PROFILES_VERSION

    version = int(conn.execute(READ_PROFILES_VERSION, {"owner": owner_id}).scalar() or 0)
    key = (str(conn.engine.url), owner_id, today, tz_name)
    cached = SHARES.get(key, version)
    if cached is None:
        from amity.book.agenda import stored

        cached = stored.read_stored(conn, owner_id, today, tz_name, version)
        if cached is None:  # ranked here, then stored for the next process
            cached = load_shares(conn, owner_id, today, time_zone(tz_name))
            stored.store(conn, owner_id, today, tz_name, version, cached)
        SHARES.put(key, version, cached)
    return cached


def load_shares(conn: Connection, owner_id: int, today: date, tz: tzinfo) -> ShareInputs:
    """Articles added in the last two weeks, each with its best strong matches.

    BM25's view of the book comes from grouped phrases (:func:`amity.book.matching.
    load_collection`): how many people, their summed length, who shares a word with each
    article and how often. Full profiles are loaded only for those who had an article and,
    best bound first, for candidates until none left could enter the best
    :data:`SHARE_RANKED` (:class:`amity.rules.matching.BestMatches`): the same matches as
    ranking every profile, from a few dozen profiles."""
    from amity.book.matching import load_collection, split_topics
    from amity.rules.agenda.network import article_query
    from amity.rules.matching import query_terms

    a = s.articles
    until = datetime.combine(today + timedelta(days=1), time(0), tzinfo=tz)
    articles = [
        RecentArticle(r.id, r.url, r.title, tuple(split_topics(r.topics)), r.text)
        for r in conn.execute(
            select(a.c.id, a.c.url, a.c.title, a.c.topics, a.c.text)
            .where(
                a.c.owner_id == owner_id,
                a.c.created_at >= _new_since(today, tz),
                a.c.created_at < until,
            )
            .order_by(a.c.id)
        )
    ]
    if not articles:
        return ShareInputs()
    had = _had(conn, owner_id, [x.id for x in articles])
    collection = load_collection(conn, owner_id, [query_terms(article_query(x)) for x in articles])
    profiles = _Profiles(conn, owner_id)
    profiles.load(set().union(*had.values()))
    matches = [
        (article, _strong(profiles, collection, article, hits, had.get(article.id, set())))
        for article, hits in zip(articles, collection.hits, strict=True)
    ]
    return ShareInputs(
        articles=articles,
        hits=collection.hits,
        had=had,
        profiles=profiles.profiles,
        people=profiles.people,
        count=collection.count,
        total_length=collection.total,
        matches=matches,
    )


PROFILE_BATCH = 50  # candidates' profiles loaded at a time, best bound first


class _Profiles:
    """Full profiles (and circles) loaded on demand, each once."""

    def __init__(self, conn: Connection, owner_id: int) -> None:
        self.conn, self.owner_id = conn, owner_id
        self.profiles: dict[int, Profile] = {}
        self.people: dict[int, Someone] = {}
        self._tried: set[int] = set()

    def load(self, ids: set[int]) -> None:
        from amity.book.matching import load_profiles_with_circles

        missing = ids - self._tried
        self._tried |= missing
        for profile, person in load_profiles_with_circles(self.conn, self.owner_id, missing):
            self.profiles[person.id] = profile
            self.people[person.id] = person


def _strong(
    profiles: _Profiles, collection: Any, article: RecentArticle, hits: set[int], had: set[int]
) -> list[Match]:
    """The article's best strong matches among people who do not have it (as
    :func:`amity.rules.agenda.network.strong_matches` ranks every profile)."""
    from amity.rules.agenda.network import SHARE_ITEMS_PER_ARTICLE, SHARE_RANKED, article_query
    from amity.rules.matching import BestMatches, LexicalRanker, profile_length, query_terms

    query = query_terms(article_query(article))
    gone = [profiles.profiles[pid] for pid in sorted(had) if pid in profiles.profiles]
    count = collection.count - len(gone)
    if count < 1 or not query:
        return []
    candidates = sorted(hits - had)
    frequency = Counter(w for pid in candidates for w in collection.tf[pid] if w in query)
    best = BestMatches(
        LexicalRanker(),
        article_query(article),
        count,
        collection.total - sum(profile_length(x) for x in gone),
        frequency,
        SHARE_RANKED,
    )
    bounds = {pid: best.bound(collection.tf[pid], collection.known[pid]) for pid in candidates}
    order = sorted(candidates, key=lambda pid: (-bounds[pid], pid))
    for start in range(0, len(order), PROFILE_BATCH):
        floor = best.floor()
        if floor is not None and bounds[order[start]] < floor - BOUND_SLACK:
            break  # no one left can reach the best SHARE_RANKED
        batch = order[start : start + PROFILE_BATCH]
        profiles.load(set(batch))
        best.add(profiles.profiles[pid] for pid in batch)
    return [m for m in best.matches() if m.strong][:SHARE_ITEMS_PER_ARTICLE]


BOUND_SLACK = 1e-3  # scores are compared rounded to 4 places; bounds are exact up to float error


def _had(conn: Connection, owner_id: int, article_ids: Sequence[int]) -> dict[int, set[int]]:
    """Per article, who has it already."""
    sh = s.shares
    out: dict[int, set[int]] = defaultdict(set)
    for r in conn.execute(
        select(sh.c.article_id, sh.c.person_id).where(
            sh.c.owner_id == owner_id, sh.c.article_id.in_(list(article_ids))
        )
    ):
        out[r.article_id].add(r.person_id)
    return dict(out)


__all__ = ["NetworkInputs", "load_network_inputs"]
