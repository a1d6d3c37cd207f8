"""Be genuine: the pre-meeting brief, `prepare` for a day's meetings, and questions asked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, update

from amity.book.context import BookContext, insert_id
from amity.book.interactions import Interactions
from amity.book.network import Balance, Network
from amity.book.network.lookup import names_of
from amity.book.people import People
from amity.errors import InvalidInput, NotFound
from amity.model import Commitment, Fact, Interaction, PartialDate, Person, PersonRef, Question
from amity.rules.cadence import effective_cadence
from amity.rules.dates import local_date, time_zone, upcoming_occurrence
from amity.rules.health import Health, HealthInput, Touch, health
from amity.rules.reliability import PromiseRecord
from amity.rules.words import day_words
from amity.store import schema as s

RECENT_INTERACTIONS = 5
UPCOMING_DAYS = 60
FAMILY_KINDS = ("family", "pet", "life_event")


@dataclass
class UpcomingDate:
    kind: str
    label: str | None
    on: date
    days_until: int
    years: int | None


@dataclass
class SharedArticle:
    article_id: int
    url: str
    title: str | None
    topics: list[str]
    shared_on: date


@dataclass
class Acquaintance:
    """Someone you both know, and how."""

    person: PersonRef
    how: list[str]


@dataclass
class Brief:
    person: Person
    today: date
    met_event: str | None = None
    introductions: list[str] = field(default_factory=list)
    cadence_days: int | None = None
    health: Health | None = None
    recent: list[Interaction] = field(default_factory=list)
    promises_mine: list[Commitment] = field(default_factory=list)
    promises_theirs: list[Commitment] = field(default_factory=list)
    awaiting_reply: list[Interaction] = field(default_factory=list)
    interests: list[Fact] = field(default_factory=list)
    family: list[Fact] = field(default_factory=list)
    other_facts: list[Fact] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    upcoming: list[UpcomingDate] = field(default_factory=list)
    shared: list[SharedArticle] = field(default_factory=list)
    balance: Balance | None = None
    mutual: list[Acquaintance] = field(default_factory=list)


@dataclass
class Meeting:
    interaction: Interaction
    briefs: list[Brief]


class Briefs:
    def __init__(
        self, ctx: BookContext, people: People, interactions: Interactions, network: Network
    ) -> None:
        self._ctx = ctx
        self._people = people
        self._interactions = interactions
        self._network = network

    def brief(self, ref: str | int, *, today: date | None = None) -> Brief:
        """Everything to read before meeting someone (see issue 6 for the list)."""
        day = today or self._ctx.today()
        with self._ctx.read() as conn:
            person = self._people.load_details(conn, self._people.resolve_in(conn, ref).id)
            return self._brief_in(conn, person, day)

    def _brief_in(self, conn: Connection, person: Person, day: date) -> Brief:
        brief = Brief(person=person, today=day)
        brief.met_event = self._event_name(conn, person.met_event_id)
        brief.introductions = [
            _intro_phrase(i, person.id)
            for i in self._network.introductions.load_in(conn, self._intro_ids(conn, person.id))
        ]
        brief.cadence_days = self._cadence(conn, person)
        brief.recent = self._recent(conn, person.id)
        self._promises(conn, brief)
        brief.awaiting_reply = self._awaiting(conn, person.id)
        for fact in person.facts:
            target = (
                brief.interests
                if fact.kind == "interest"
                else brief.family
                if fact.kind in FAMILY_KINDS
                else brief.other_facts
            )
            target.append(fact)
        brief.questions = [q for q in person.questions if q.asked_at is None]
        brief.upcoming = _upcoming(person, day)
        brief.shared = self._shared(conn, person.id)
        brief.balance = self._network.ledger.balance_in(conn, person.ref)
        brief.mutual = self._mutual(conn, person.id)
        brief.health = self._health(conn, brief, day)
        return brief

    def _event_name(self, conn: Connection, event_id: int | None) -> str | None:
        if event_id is None:
            return None
        e = s.events
        return conn.execute(
            select(e.c.name).where(e.c.owner_id == self._ctx.owner_id, e.c.id == event_id)
        ).scalar()

    def _intro_ids(self, conn: Connection, person_id: int) -> list[int]:
        i = s.introductions
        return [
            r[0]
            for r in conn.execute(
                select(i.c.id)
                .where(
                    i.c.owner_id == self._ctx.owner_id,
                    (i.c.person_a_id == person_id)
                    | (i.c.person_b_id == person_id)
                    | (i.c.introduced_by_id == person_id),
                )
                .order_by(i.c.occurred_on, i.c.id)
            )
        ]

    def _cadence(self, conn: Connection, person: Person) -> int | None:
        c, p = s.circles, s.people
        circle_days = conn.execute(
            select(c.c.cadence_days).join(p, p.c.circle_id == c.c.id).where(p.c.id == person.id)
        ).scalar()
        return effective_cadence(person.cadence_days, circle_days)

    def _recent(self, conn: Connection, person_id: int) -> list[Interaction]:
        ip = s.interaction_participants
        ids = [
            r[0]
            for r in conn.execute(
                select(ip.c.interaction_id)
                .where(
                    ip.c.owner_id == self._ctx.owner_id,
                    ip.c.person_id == person_id,
                    ip.c.status == "done",
                )
                .order_by(ip.c.occurred_at.desc(), ip.c.interaction_id.desc())
                .limit(RECENT_INTERACTIONS)
            )
        ]
        return self._interactions._load(conn, ids)

    def _awaiting(self, conn: Connection, person_id: int) -> list[Interaction]:
        i, ip = s.interactions, s.interaction_participants
        ids = [
            r[0]
            for r in conn.execute(
                select(i.c.id)
                .join(ip, ip.c.interaction_id == i.c.id)
                .where(
                    i.c.owner_id == self._ctx.owner_id,
                    ip.c.person_id == person_id,
                    i.c.needs_reply.is_(True),
                    i.c.replied_at.is_(None),
                    i.c.direction == "inbound",
                    i.c.status == "done",
                )
                .order_by(i.c.occurred_at)
            )
        ]
        return self._interactions._load(conn, ids)

    def _promises(self, conn: Connection, brief: Brief) -> None:
        cm = s.commitments
        for r in conn.execute(
            select(cm)
            .where(
                cm.c.owner_id == self._ctx.owner_id,
                cm.c.person_id == brief.person.id,
                cm.c.status == "open",
            )
            .order_by(cm.c.due_on.is_(None), cm.c.due_on, cm.c.id)
        ):
            item = Commitment(
                brief.person.ref,
                r.direction,
                r.text,
                r.due_on,
                r.status,
                r.created_at,
                r.done_at,
                r.id,
            )
            (brief.promises_mine if r.direction == "mine" else brief.promises_theirs).append(item)

    def _shared(self, conn: Connection, person_id: int) -> list[SharedArticle]:
        sh, a = s.shares, s.articles
        tz = time_zone(self._ctx.setting("timezone", conn))
        return [
            SharedArticle(r.id, r.url, r.title, _topics(r.topics), local_date(r.shared_at, tz))
            for r in conn.execute(
                select(a.c.id, a.c.url, a.c.title, a.c.topics, sh.c.shared_at)
                .join(sh, sh.c.article_id == a.c.id)
                .where(sh.c.owner_id == self._ctx.owner_id, sh.c.person_id == person_id)
                .order_by(sh.c.shared_at.desc())
            )
        ]

    def _mutual(self, conn: Connection, person_id: int) -> list[Acquaintance]:
        how: dict[int, list[str]] = {}
        for link in self._network.paths.links(conn, person_id):
            other = link.b if link.a == person_id else link.a
            labels = how.setdefault(other, [])
            if link.label not in labels:
                labels.append(link.label)
        names = names_of(conn, self._ctx.owner_id, how)
        found = [Acquaintance(names[pid], labels) for pid, labels in how.items() if pid in names]
        return sorted(found, key=lambda a: (-len(a.how), a.person.name, a.person.id))

    def _health(self, conn: Connection, brief: Brief, day: date) -> Health:
        ip = s.interaction_participants
        tz = time_zone(self._ctx.setting("timezone", conn))
        since = datetime.combine(day - timedelta(days=400), time(0), tzinfo=tz)
        touches = [
            Touch(local_date(r.occurred_at, tz), r.direction)
            for r in conn.execute(
                select(ip.c.occurred_at, ip.c.direction).where(
                    ip.c.owner_id == self._ctx.owner_id,
                    ip.c.person_id == brief.person.id,
                    ip.c.status == "done",
                    ip.c.occurred_at >= since,
                )
            )
        ]
        cm = s.commitments
        promises = [
            PromiseRecord(
                r.id,
                brief.person.id,
                r.direction,
                r.due_on,
                r.status,
                local_date(r.done_at, tz) if r.done_at else None,
            )
            for r in conn.execute(
                select(cm).where(
                    cm.c.owner_id == self._ctx.owner_id, cm.c.person_id == brief.person.id
                )
            )
        ]
        started = brief.person.met_on or (
            local_date(brief.person.created_at, tz) if brief.person.created_at else None
        )
        return health(
            HealthInput(
                person=brief.person.ref,
                cadence_days=brief.cadence_days,
                touches=touches,
                started_on=started,
                promises=promises,
                awaiting_since=[local_date(i.occurred_at, tz) for i in brief.awaiting_reply],
            ),
            day,
        )

    # --- prepare --------------------------------------------------------------------------

    def prepare(self, day: date | None = None) -> list[Meeting]:
        """The briefs for everyone in the day's planned interactions, in time order."""
        when = day or self._ctx.today()
        i = s.interactions
        with self._ctx.read() as conn:
            tz = time_zone(self._ctx.setting("timezone", conn))
            start = datetime.combine(when, time(0), tzinfo=tz)
            ids = [
                r[0]
                for r in conn.execute(
                    select(i.c.id)
                    .where(
                        i.c.owner_id == self._ctx.owner_id,
                        i.c.status == "planned",
                        i.c.occurred_at >= start,
                        i.c.occurred_at < start + timedelta(days=1),
                    )
                    .order_by(i.c.occurred_at, i.c.id)
                )
            ]
            meetings = []
            cache: dict[int, Brief] = {}
            for interaction in self._interactions._load(conn, ids):
                briefs = []
                for ref in interaction.people:
                    if ref.id not in cache:
                        person = self._people.load_details(conn, ref.id)
                        cache[ref.id] = self._brief_in(conn, person, when)
                    briefs.append(cache[ref.id])
                meetings.append(Meeting(interaction, briefs))
        return meetings

    # --- questions ------------------------------------------------------------------------

    def check_questions(self, asked: Sequence[int], people: Sequence[str | int]) -> None:
        """Refuse question ids that are unknown, already asked, or about someone else."""
        if not asked:
            return
        q = s.questions
        with self._ctx.read() as conn:
            ids = {self._people.resolve_in(conn, p).id for p in people}
            rows = {
                r.id: r
                for r in conn.execute(
                    select(q.c.id, q.c.person_id, q.c.asked_at).where(
                        q.c.owner_id == self._ctx.owner_id, q.c.id.in_(list(asked))
                    )
                )
            }
        for qid in asked:
            row = rows.get(qid)
            if row is None:
                raise NotFound(f"no question Q{qid}")
            if row.asked_at is not None:
                raise InvalidInput(f"Q{qid} was already asked", field="asked")
            if ids and row.person_id not in ids:
                raise InvalidInput(f"Q{qid} is for someone not in this interaction", field="asked")

    def mark_asked(
        self, asked: Sequence[tuple[int, str | None]], *, interaction_id: int | None = None
    ) -> list[Question]:
        """Mark questions asked (in an interaction); an answer is kept and becomes a fact."""
        now = self._ctx.now()
        q = s.questions
        with self._ctx.write() as conn:
            rows = {
                r.id: r
                for r in conn.execute(
                    select(q).where(
                        q.c.owner_id == self._ctx.owner_id, q.c.id.in_([x for x, _ in asked])
                    )
                )
            }
            done = []
            for qid, answer in asked:
                row = rows.get(qid)
                if row is None:
                    raise NotFound(f"no question Q{qid}")
                text = (answer or "").strip() or None
                fact_id = None
                if text is not None:
                    fact_id = int(
                        insert_id(
                            conn,
                            insert(s.facts).values(
                                owner_id=self._ctx.owner_id,
                                person_id=row.person_id,
                                kind="other",
                                text=f"{row.text} — {text}",
                                source="question",
                                created_at=now,
                            ),
                        )
                    )
                conn.execute(
                    update(q)
                    .where(q.c.id == qid)
                    .values(
                        asked_at=now,
                        asked_interaction_id=interaction_id,
                        answer=text,
                        answer_fact_id=fact_id,
                    )
                )
                done.append(Question(row.text, row.person_id, row.created_at, now, text, qid))
            self._people.reindex(conn, list({r.person_id for r in rows.values()}))
        return done


def parse_question_ref(text: str) -> tuple[int, str | None]:
    """``Q12``, ``12`` or ``Q12=what they answered``."""
    ref, sep, answer = text.partition("=")
    digits = ref.strip().lstrip("Qq#")
    if not digits.isdigit():
        raise InvalidInput(
            f"a question is Q<number>, optionally =ANSWER, not {text!r}", field="asked"
        )
    return int(digits), (answer.strip() or None) if sep else None


def _intro_phrase(intro: Any, person_id: int) -> str:
    by = intro.by.name if intro.by else "you"
    if intro.by is not None and intro.by.id == person_id:
        return f"introduced {intro.a.name} and {intro.b.name} on {day_words(intro.occurred_on)}"
    other = intro.b if intro.a.id == person_id else intro.a
    return f"introduced to {other.name} by {by} on {day_words(intro.occurred_on)}"


def _upcoming(person: Person, day: date) -> list[UpcomingDate]:
    """Birthdays, anniversaries, custom dates and work anniversaries in the next 60 days."""
    found = []
    for d in person.dates:
        occurrence = upcoming_occurrence(d.when, day, UPCOMING_DAYS)
        if occurrence is not None:
            found.append(
                UpcomingDate(
                    d.kind, d.label, occurrence.on, occurrence.days_until, occurrence.years
                )
            )
    for job in person.jobs:
        if job.start_date is None or job.end_date is not None:
            continue
        occurrence = upcoming_occurrence(PartialDate.from_date(job.start_date), day, UPCOMING_DAYS)
        if occurrence is not None and occurrence.years:
            found.append(
                UpcomingDate(
                    "work_anniversary",
                    job.organisation,
                    occurrence.on,
                    occurrence.days_until,
                    occurrence.years,
                )
            )
    return sorted(found, key=lambda u: (u.on, u.kind))


def _topics(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]
