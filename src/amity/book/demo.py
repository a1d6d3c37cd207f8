"""A realistic, deterministic demo network: what newcomers see first and what benchmarks use.

``generate_demo(book, people=200, years=3, seed=42)`` fills an empty book with people in the
four default circles, their jobs, birthdays, contact points, tags, facts and questions, and
``years`` of history ending at ``ctx.now()``: interactions of every kind with a realistic skew
(a few people often, most rarely), replies awaited and given, promises both ways, follow-ups,
events with attendees, relationships, introductions, exchanges, articles and shares, feedback
and improvement goals with check-ins.

Same seed and same ``now`` give the same book (compare ``book.export_json()``). All rows are
built in memory with local ids first, then written with a few bulk inserts in one transaction
(ids reserved up front, foreign keys remapped), then indexed for search: 10,000 people with
three years of history take seconds, not minutes.
"""

from __future__ import annotations

import importlib
import math
import random
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from itertools import accumulate
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Connection, Date, Table, func, insert, select, text

from amity.book import demo_data as D
from amity.book.context import insert_id
from amity.errors import InvalidInput, NotEmpty
from amity.model import FACT_KINDS
from amity.rules.text import fold
from amity.store import schema as s
from amity.store.schema import UTCDateTime

if TYPE_CHECKING:
    from amity.book import Book

Progress = Callable[[str, int, int], None]  # stage, done, total

MAX_PEOPLE = 500_000
MAX_YEARS = 30
INTERACTIONS_PER_PERSON_YEAR = 4.0
CIRCLE_SHARES = (("inner", 0.01, 2), ("close", 0.05, 3), ("network", 0.24, 0))  # rest: acquaintance
CIRCLE_ACTIVITY = {"inner": 14.0, "close": 5.0, "network": 1.2, "acquaintance": 0.35}
KIND_WEIGHTS = {  # meeting, call, video, email, message, social, event, other
    "inner": (20, 20, 10, 10, 30, 4, 1, 5),
    "close": (20, 15, 15, 20, 20, 5, 1, 4),
    "network": (15, 8, 20, 30, 10, 12, 2, 3),
    "acquaintance": (8, 4, 10, 35, 10, 25, 5, 3),
}
KINDS = ("meeting", "call", "video", "email", "message", "social", "event", "other")
WRITE_CHUNK = 5_000
SPACE = re.compile(r"[^a-z0-9]+")


@dataclass
class _Person:
    id: int
    country: D.Country
    given: str
    family: str
    circle: str
    met_at: datetime
    weight: float
    event_id: int | None = None
    how_met: str | None = None
    org: str | None = None
    title: str | None = None
    domain: str | None = None
    interactions: list[tuple[datetime, int]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"


@dataclass
class _Interaction:
    occurred_at: datetime
    kind: str
    direction: str
    people: list[int]
    subject: str | None = None
    notes: str | None = None
    needs_reply: bool = False
    thread_key: str | None = None
    channel: str | None = None
    location: str | None = None
    event_id: int | None = None
    replied_at: datetime | None = None


def generate_demo(
    book: Book,
    *,
    people: int = 200,
    years: int = 3,
    seed: int = 42,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Fill this (empty) book with a demo network; returns the rows written per table."""
    _check_size(people, years)
    ctx = book.ctx
    with ctx.read() as conn:  # fail fast; checked again under the write lock below
        _refuse_unless_empty(conn, ctx.owner_id)
    report = progress or (lambda _stage, _done, _total: None)
    report("generating", 0, people)
    rows = _DemoBuilder(people=people, years=years, seed=seed, now=ctx.now(), report=report).build()
    with ctx.write() as conn:
        _refuse_unless_empty(conn, ctx.owner_id)
        circle_ids = _circle_ids(conn, ctx.owner_id)
        for row in rows["people"]:
            row["circle_id"] = circle_ids[row.pop("circle")]
        real_ids = _write_rows(conn, ctx.owner_id, rows, report)
        _analyze(conn, [t for t in s.metadata.sorted_tables if rows.get(t.name)])
        _index(conn, ctx.owner_id, real_ids, report)
        _analyze(conn, [s.search_docs])
    return {name: len(table_rows) for name, table_rows in rows.items() if table_rows}


def _refuse_unless_empty(conn: Connection, owner_id: int) -> None:
    from amity.book.backup import book_is_empty

    if not book_is_empty(conn, owner_id):
        raise NotEmpty(
            "this book already holds data; fill a new one with --db NEW.db "
            "or --user demo@example.org"
        )


def _check_size(people: int, years: int) -> None:
    if isinstance(people, bool) or not isinstance(people, int) or not 1 <= people <= MAX_PEOPLE:
        raise InvalidInput(f"people is a whole number from 1 to {MAX_PEOPLE:,}", field="people")
    if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= MAX_YEARS:
        raise InvalidInput(f"years is a whole number from 1 to {MAX_YEARS}", field="years")


# --- writing --------------------------------------------------------------------------------


def _circle_ids(conn: Connection, owner_id: int) -> dict[str, int]:
    """The owner's circles by name; the four default ones are created when missing."""
    from amity.book import DEFAULT_CIRCLES

    c = s.circles
    found = {
        r.name: r.id for r in conn.execute(select(c.c.id, c.c.name).where(c.c.owner_id == owner_id))
    }
    missing = [(i, n, d, w) for i, (n, d, w) in enumerate(DEFAULT_CIRCLES) if n not in found]
    for position, name, days, weight in missing:
        found[name] = insert_id(
            conn,
            insert(c).values(
                owner_id=owner_id, name=name, cadence_days=days, weight=weight, position=position
            ),
        )
    return found


def _reserve_ids(conn: Connection, table: Table, count: int) -> list[int]:
    """``count`` fresh primary keys for ``table``, safe beside other writers and owners.

    SQLite: the write transaction (BEGIN IMMEDIATE) holds the database's only write lock, so
    the ids after the current maximum are ours. PostgreSQL: taken from the table's sequence.
    """
    if conn.dialect.name == "sqlite":
        top = conn.execute(select(func.max(table.c.id))).scalar() or 0
        return list(range(top + 1, top + 1 + count))
    rows = conn.execute(
        text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
        {"t": table.name, "n": count},
    )
    return sorted(int(r[0]) for r in rows)


def _write_rows(
    conn: Connection, owner_id: int, rows: dict[str, list[dict[str, Any]]], report: Progress
) -> dict[str, list[int]]:
    """Insert every table's rows in dependency order, local ids mapped to reserved ones."""
    tables = [t for t in s.metadata.sorted_tables if rows.get(t.name)]
    total = sum(len(rows[t.name]) for t in tables)
    real: dict[str, list[int]] = {}
    for table in tables:
        if "id" in table.c:
            real[table.name] = _reserve_ids(conn, table, len(rows[table.name]))
    written = 0
    report("writing", 0, total)
    for table in tables:
        links = [
            (col.name, next(iter(col.foreign_keys)).column.table.name)
            for col in table.c
            if col.foreign_keys and col.name != "owner_id"
        ]
        links = [(name, target) for name, target in links if target in real]
        batch = rows[table.name]
        for row in batch:
            row["owner_id"] = owner_id
            if "id" in row:
                row["id"] = real[table.name][row["id"] - 1]
            for name, target in links:
                local = row.get(name)
                if local is not None:
                    row[name] = real[target][local - 1]
        for start in range(0, len(batch), WRITE_CHUNK):
            chunk = batch[start : start + WRITE_CHUNK]
            _insert_rows(conn, table, chunk)
            written += len(chunk)
            report("writing", written, total)
    return real


def _insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """One executemany. On SQLite the values are turned into what SQLAlchemy would store
    (same text forms for instants and dates) and handed to the driver directly: the per-row
    parameter processing of Core was the largest cost of the whole demo (measured)."""
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        _copy_rows(conn, table, rows)
        return
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), rows)
        return
    conn.exec_driver_sql(*_sqlite_statement(table, rows))


def _sqlite_statement(
    table: Table, rows: list[dict[str, Any]]
) -> tuple[str, list[tuple[Any, ...]]]:
    columns = list(rows[0])
    values = itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))
    converted = [
        (n, fn)
        for n, fn in enumerate(_sqlite_converter(table.c[c].type) for c in columns)
        if fn is not None
    ]
    params = []
    for row in rows:
        out = list(values(row))
        for n, fn in converted:
            if out[n] is not None:
                out[n] = fn(out[n])
        params.append(tuple(out))
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    )
    return sql, params


def _copy_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL: COPY in the same transaction (twice as fast as executemany, measured);
    instants as naive UTC, as UTCDateTime stores them."""
    columns = list(rows[0])
    instants = [isinstance(table.c[name].type, UTCDateTime) for name in columns]
    raw: Any = conn.connection.driver_connection
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(
                [
                    _naive_utc(row[name]) if instant and row[name] is not None else row[name]
                    for name, instant in zip(columns, instants, strict=True)
                ]
            )


def _naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _sqlite_converter(kind: Any) -> Callable[[Any], Any] | None:
    """The text SQLAlchemy's SQLite dialect stores for this column type (None: as is)."""
    if isinstance(kind, UTCDateTime):
        return _sqlite_instant
    if isinstance(kind, Date):
        return date.isoformat
    if isinstance(kind, Boolean):
        return int
    return None


def _sqlite_instant(value: datetime) -> str:
    """'2026-11-25 12:00:00.000000', the form SQLAlchemy stores (and compares as text)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(" ", "microseconds")


def _analyze(conn: Connection, tables: list[Table]) -> None:
    """Fresh planner statistics after a bulk load. Without them SQLite chose the owner_id
    index over primary keys for `owner_id = ? AND id IN (...)` (150 ms instead of 0.3 ms on
    10k people, measured); ANALYZE of the filled tables takes about a second."""
    for table in tables:
        conn.exec_driver_sql(f"ANALYZE {table.name}")


def _index(conn: Connection, owner_id: int, real: dict[str, list[int]], report: Progress) -> None:
    from amity.book.search import index_interactions, index_people

    people, interactions = real.get("people", []), real.get("interactions", [])
    total = len(people) + len(interactions)
    report("indexing", 0, total)
    step = 2_000
    for start in range(0, len(people), step):
        index_people(conn, owner_id, people[start : start + step], new=True)
        report("indexing", min(start + step, len(people)), total)
    for start in range(0, len(interactions), step * 5):
        index_interactions(conn, owner_id, interactions[start : start + step * 5], new=True)
        report("indexing", len(people) + min(start + step * 5, len(interactions)), total)


# --- building -------------------------------------------------------------------------------


class _DemoBuilder:
    """Builds every demo row in memory, with local ids (1, 2, ...) per table."""

    def __init__(
        self, *, people: int, years: int, seed: int, now: datetime, report: Progress
    ) -> None:
        self.n = people
        self.years = years
        self.seed = seed
        self.rng = random.Random(seed)
        self.now = now.astimezone(UTC)
        self.today = self.now.date()
        self.start = self.now - timedelta(days=365 * years)
        self.report = report
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.people: list[_Person] = []
        self.events: list[dict[str, Any]] = []
        self.seen_emails: set[str] = set()
        self.tag_ids: dict[str, int] = {}
        self.article_ids: list[int] = []
        self.fact_kinds: set[str] = set()

    def build(self) -> dict[str, list[dict[str, Any]]]:
        self._events()
        self._people()
        self.report("generating", self.n // 2, self.n)
        self._interactions()
        self._attendance()
        self._commitments()
        self._follow_ups()
        self._relationships()
        self._introductions()
        self._articles_and_shares()
        self._exchanges()
        self._feedback()
        self._goals()
        self._coverage()
        self.report("generating", self.n, self.n)
        return dict(self.rows)

    # helpers -------------------------------------------------------------------------------

    def _add(self, table: str, row: dict[str, Any]) -> int:
        rows = self.rows[table]
        local = len(rows) + 1
        rows.append({"id": local, **row})
        return local

    def _pick(self, options: Sequence[Any]) -> Any:
        """rng.choice, several times faster: the generator makes hundreds of thousands."""
        return options[int(self.rng.random() * len(options))]

    def _weighted(self, options: Sequence[Any], cum: Sequence[float]) -> Any:
        return options[bisect_left(cum, self.rng.random() * cum[-1])]

    def _name(self, country: D.Country) -> tuple[str, str]:
        """A given and a family name as people of that country are called (Faker's lists)."""
        first, last = self._pick(_name_lists(country.locale, country.romanized))
        return self._from_list(first), self._from_list(last)

    def _from_list(self, names: _NameList) -> str:
        options, cum = names
        return str(self._weighted(options, cum) if cum else self._pick(options))

    def _moment(self, lo: datetime, hi: datetime | None = None) -> datetime:
        """A plausible moment (a working hour, minutes in fives) between lo and hi."""
        hi = hi or self.now
        if hi <= lo:
            return lo
        random_ = self.rng.random
        at = lo + timedelta(seconds=random_() * (hi - lo).total_seconds())
        at = at.replace(
            hour=7 + int(random_() * 13), minute=5 * int(random_() * 12), second=0, microsecond=0
        )
        if at > hi:
            at = hi - timedelta(minutes=5 + 5 * int(random_() * 24))
        return max(at, lo)

    def _day(self, lo: date, hi: date) -> date:
        return lo + timedelta(days=self.rng.randint(0, max(0, (hi - lo).days)))

    def _fill(self, template: str, person: _Person | None = None) -> str:
        """The template with its {topic}, {city}, {name}... words drawn only when used."""
        return template.format_map(_Words(self, person)) if "{" in template else template

    # events and people ---------------------------------------------------------------------

    def _events(self) -> None:
        count = max(4, self.years * 5 + self.n // 800)
        for _ in range(count):
            country = self._country()
            city, _zone = self.rng.choice(country.cities)
            starts = self._day(
                self.start.date() + timedelta(days=7), self.today - timedelta(days=3)
            )
            template, kind = self.rng.choice(D.EVENT_NAMES)
            name = template.format(
                country=city if country.locale == "en_US" else country.locale[-2:],
                city=city,
                year=starts.year,
                topic=self.rng.choice(D.TOPICS).title(),
            )
            ends = (
                starts + timedelta(days=self.rng.randint(1, 2)) if kind == "conference" else starts
            )
            event_id = self._add(
                "events",
                {
                    "name": name,
                    "kind": kind,
                    "starts_on": starts,
                    "ends_on": ends,
                    "location": "Online" if kind == "online" else city,
                    "url": f"https://events.example.org/{SPACE.sub('-', fold(name)).strip('-')}",
                    "notes": None,
                    "created_at": self._moment(self.start, _at(starts)),
                },
            )
            self.events.append(
                {
                    "id": event_id,
                    "name": name,
                    "starts_on": starts,
                    "city": city,
                    "kind": kind,
                    "attendees": [],
                }
            )
        self.events.sort(key=lambda e: (e["starts_on"], e["id"]))

    def _country(self) -> D.Country:
        return self.rng.choices(D.COUNTRIES, cum_weights=_COUNTRY_CUM)[0]

    def _people(self) -> None:
        drafts = [self._draft_person() for _ in range(self.n)]
        drafts.sort(key=lambda p: (p.met_at, p.family, p.given))
        circles = self._circles()
        orgs = self._org_pool()
        org_cum = list(accumulate(1 / (rank + 1) ** 0.9 for rank in range(len(orgs))))
        for local, person in enumerate(drafts, start=1):
            person.id = local
            person.circle = circles[local - 1]
            person.weight = self._activity(person.circle)
            self._person_row(person, orgs, org_cum)
            self.people.append(person)
            if local % 1000 == 0:
                self.report("generating", local // 2, self.n)

    def _draft_person(self) -> _Person:
        rng = self.rng
        country = self._country()
        given, family = self._name(country)
        if rng.random() < 0.55:  # known from before the window
            met_at = self.start - timedelta(days=rng.randint(1, 8 * 365), hours=rng.randint(0, 23))
            met_at = met_at.replace(hour=rng.randint(8, 19), minute=0, second=0, microsecond=0)
            return _Person(0, country, given, family, "", met_at, 0.0)
        met_at = self._moment(self.start)
        person = _Person(0, country, given, family, "", met_at, 0.0)
        if rng.random() < 0.25 and self.events:
            event = rng.choice(self.events)
            person.event_id = event["id"]
            person.met_at = _at(event["starts_on"], rng.randint(9, 18))
            person.how_met = "conference" if event["kind"] == "conference" else "event"
        return person

    def _circles(self) -> list[str]:
        names: list[str] = []
        for name, share, minimum in CIRCLE_SHARES:
            names += [name] * min(self.n - len(names), max(minimum, round(self.n * share)))
        names += ["acquaintance"] * (self.n - len(names))
        self.rng.shuffle(names)
        return names

    def _activity(self, circle: str) -> float:
        """How often this person shows up in the log: a heavy-tailed (Pareto) draw per circle."""
        if circle == "acquaintance" and self.rng.random() < 0.3:
            return 0.02
        return CIRCLE_ACTIVITY[circle] * min(40.0, self.rng.paretovariate(1.3))

    def _org_pool(self) -> list[tuple[str, str]]:
        """(name, e-mail domain) of the organisations people work at."""
        pool: list[tuple[str, str]] = []
        seen: set[str] = set()
        latin = [c for c in D.COUNTRIES if not c.romanized]
        for n in range(max(12, self.n // 6)):
            country = self.rng.choice(latin)
            name = self._company(country)
            if name in seen:
                name = (
                    f"{name} {self.rng.choice(('Labs', 'Group', 'Studio', 'Systems', 'Partners'))}"
                )
            seen.add(name)
            slug = SPACE.sub("", fold(name.split()[0].rstrip(",")))[:20] or f"org{n}"
            pool.append((name, f"{slug}.{country.tld}"))
        return pool

    def _company(self, country: D.Country) -> str:
        rng = self.rng
        family, other = self._name(country)[1], self._name(country)[1]
        roll = rng.random()
        if roll < 0.45:
            return f"{family} {self._pick(_company_suffixes(country.locale))}"
        if roll < 0.7:
            return f"{family} & {other}"
        return f"{self._pick(D.BRAND_WORDS)} {self._pick(D.BRAND_KINDS)}"

    def _person_row(self, p: _Person, orgs: list[tuple[str, str]], org_cum: list[float]) -> None:
        rng = self.rng
        city, zone = rng.choice(p.country.cities)
        if p.how_met is None:
            p.how_met = rng.choices(
                (
                    "work",
                    "LinkedIn",
                    "introduction",
                    "university",
                    "customer",
                    "friend of a friend",
                    None,
                ),
                weights=(30, 15, 10, 10, 10, 10, 15),
            )[0]
        introducer = None
        if p.how_met == "introduction" and p.id > 5:
            introducer = rng.randint(1, p.id - 1)
        if rng.random() < 0.92:
            org, domain = rng.choices(orgs, cum_weights=org_cum)[0]
            p.org, p.domain, p.title = org, domain, rng.choice(D.TITLES)
            self._jobs(p, orgs)
        event = (
            next((e for e in self.events if e["id"] == p.event_id), None) if p.event_id else None
        )
        created = max(p.met_at, self.start - timedelta(days=rng.randint(0, 30)))
        self._add(
            "people",
            {
                "name": p.name,
                "name_key": fold(p.name),
                "given_name": p.given,
                "family_name": p.family,
                "nickname": p.given[:3] if rng.random() < 0.03 and len(p.given) > 4 else None,
                "org": p.org,
                "title": p.title,
                "circle": p.circle,
                "cadence_days": rng.choice((7, 21, 60, 120, 0)) if rng.random() < 0.05 else None,
                "preferred_channel": rng.choice(D.PREFERRED) if rng.random() < 0.4 else None,
                "timezone": zone if rng.random() < 0.7 else None,
                "language": p.country.language if rng.random() < 0.5 else None,
                "best_time": rng.choice(("Mornings", "After 18:00", "Lunch", "Fridays"))
                if p.circle in ("inner", "close") and rng.random() < 0.4
                else None,
                "style_notes": rng.choice(
                    ("Direct; likes agendas", "Chatty; leave time", "Prefers written follow-ups")
                )
                if p.circle == "inner"
                else None,
                "how_met": p.how_met,
                "met_where": event["name"] if event else (city if rng.random() < 0.3 else None),
                "met_on": p.met_at.date() if p.met_at >= self.start or rng.random() < 0.3 else None,
                "met_event_id": p.event_id,
                "introduced_by_id": introducer,
                "notes": self._fill("Met through {topic} work. {detail}", p)
                if rng.random() < 0.15
                else None,
                "photo": None,
                "uid": None,
                "is_group": False,
                "created_at": created,
                "updated_at": created,
                "archived_at": None,
                "last_interaction_at": None,
                "version": 1,
            },
        )
        if event:
            event["attendees"].append(p.id)
        self._contacts(p, city)
        self._dates(p)
        self._tags(p)
        self._facts(p)
        self._questions(p)

    def _jobs(self, p: _Person, orgs: list[tuple[str, str]]) -> None:
        rng = self.rng
        started = self._day(self.today - timedelta(days=8 * 365), self.today - timedelta(days=30))
        if rng.random() < 0.35:
            before = started - timedelta(days=rng.randint(365, 6 * 365))
            self._add(
                "jobs",
                {
                    "person_id": p.id,
                    "organisation": rng.choice(orgs)[0],
                    "title": rng.choice(D.TITLES),
                    "department": None,
                    "start_date": before,
                    "end_date": started,
                },
            )
        self._add(
            "jobs",
            {
                "person_id": p.id,
                "organisation": p.org,
                "title": p.title,
                "department": rng.choice(D.DEPARTMENTS) if rng.random() < 0.3 else None,
                "start_date": started if rng.random() < 0.8 else None,
                "end_date": None,
            },
        )

    def _contacts(self, p: _Person, city: str) -> None:
        rng = self.rng
        local = SPACE.sub(".", fold(p.name)).strip(".") or f"person{p.id}"
        points: list[
            tuple[str, str | None, str, str, str | None]
        ] = []  # kind, label, value, normalized, service
        if p.domain and rng.random() < 0.7:
            points.append(("email", "work", *self._email(local, p.domain), None))
        if rng.random() < (0.6 if points else 0.85):
            points.append(
                ("email", "home", *self._email(local, rng.choice(D.PERSONAL_DOMAINS)), None)
            )
        if rng.random() < 0.65:
            number = self._phone(p.country)
            points.append(("phone", "mobile", number, number, None))
            if rng.random() < 0.12:
                work = self._phone(p.country)
                points.append(("phone", "work", work, work, None))
        if rng.random() < 0.3:
            url = f"https://www.linkedin.com/in/{local.replace('.', '-')}-{p.id}"
            points.append(("social", "linkedin", url, url.lower(), "linkedin"))
        if p.circle in ("inner", "close") and rng.random() < 0.3:
            street = p.country.street.format(n=rng.randint(1, 180), name=self._name(p.country)[1])
            address = f"{street}, {city}"
            points.append(("address", "home", address, fold(address), None))
        for position, (kind, label, value, normalized, service) in enumerate(points):
            self._add(
                "contact_points",
                {
                    "person_id": p.id,
                    "kind": kind,
                    "label": label,
                    "value": value,
                    "normalized": normalized,
                    "service": service,
                    "position": position,
                    "is_primary": position == 0 or (kind == "phone" and label == "mobile"),
                },
            )

    def _email(self, local: str, domain: str) -> tuple[str, str]:
        address = f"{local}@{domain}"
        n = 1
        while address in self.seen_emails:
            n += 1
            address = f"{local}{n}@{domain}"
        self.seen_emails.add(address)
        return address, address.lower()

    def _phone(self, country: D.Country) -> str:
        rng = self.rng
        first = str(rng.randint(2, 9)) if country.dial == "+1" else str(rng.randint(0, 9))
        rest = "".join(str(rng.randint(0, 9)) for _ in range(country.digits - 1))
        return country.dial + rng.choice(country.mobile_prefixes) + first + rest

    def _dates(self, p: _Person) -> None:
        rng = self.rng
        if rng.random() < 0.7:
            day = date(2000, 1, 1) + timedelta(days=rng.randint(0, 365))  # 2000 is a leap year
            year: int | None = self.today.year - rng.randint(24, 66)
            if rng.random() < 0.3:
                year = None
            elif day.month == 2 and day.day == 29 and not _leap(year or 2000):
                day = date(2000, 2, 28)
            self._add(
                "important_dates",
                {
                    "person_id": p.id,
                    "kind": "birthday",
                    "label": None,
                    "year": year,
                    "month": day.month,
                    "day": day.day,
                },
            )
        if p.circle in ("inner", "close") and rng.random() < 0.2:
            day = self._day(date(self.today.year - 20, 1, 1), date(self.today.year - 1, 12, 28))
            self._add(
                "important_dates",
                {
                    "person_id": p.id,
                    "kind": "anniversary",
                    "label": "Wedding anniversary",
                    "year": day.year,
                    "month": day.month,
                    "day": day.day,
                },
            )
        elif rng.random() < 0.01:
            day = self._day(date(self.today.year - 10, 1, 1), self.today)
            self._add(
                "important_dates",
                {
                    "person_id": p.id,
                    "kind": "custom",
                    "label": "Founded their company",
                    "year": day.year,
                    "month": day.month,
                    "day": day.day,
                },
            )

    def _tags(self, p: _Person) -> None:
        count = self.rng.choices((0, 1, 2, 3), weights=(35, 35, 20, 10))[0]
        names = dict.fromkeys(self.rng.choices(D.TAGS, cum_weights=_TAG_CUM, k=count))
        for name in names:
            if name not in self.tag_ids:
                self.tag_ids[name] = self._add("tags", {"name": name})
            self.rows["person_tags"].append({"person_id": p.id, "tag_id": self.tag_ids[name]})

    def _facts(self, p: _Person) -> None:
        rng = self.rng
        low, high = {"inner": (4, 7), "close": (2, 4), "network": (0, 2), "acquaintance": (0, 1)}[
            p.circle
        ]
        count = rng.randint(low, high)
        if p.circle == "acquaintance" and rng.random() < 0.7:
            count = 0
        kinds = rng.choices(FACT_KINDS, weights=(35, 15, 10, 15, 10, 10, 5), k=count)
        if p.circle == "inner":  # what you know about your closest people covers every kind
            kinds = [k for k in FACT_KINDS if k not in self.fact_kinds] + kinds
        self.fact_kinds.update(kinds)
        for kind in kinds:
            happened = None
            if kind == "interest":
                text_ = f"Loves {rng.choice(D.INTERESTS)}"
            elif kind == "family":
                text_ = self._fill(rng.choice(D.FAMILY), p)
            elif kind == "pet":
                animal, pet_name = rng.choice(D.PETS)
                text_ = f"Has a {animal} called {pet_name}"
            elif kind == "preference":
                text_ = rng.choice(D.PREFERENCES)
            elif kind == "goal":
                text_ = self._fill(rng.choice(D.GOALS), p)
            elif kind == "life_event":
                text_ = self._fill(rng.choice(D.LIFE_EVENTS), p)
                happened = self._day(max(p.met_at, self.start).date(), self.today)
            else:
                text_ = self._fill(rng.choice(D.OTHER_FACTS), p)
            self._add(
                "facts",
                {
                    "person_id": p.id,
                    "kind": kind,
                    "text": text_,
                    "happened_on": happened,
                    "source": "demo",
                    "created_at": self._moment(max(p.met_at, self.start)),
                },
            )

    def _questions(self, p: _Person) -> None:
        rng = self.rng
        chance = {"inner": 0.7, "close": 0.5, "network": 0.1, "acquaintance": 0.01}[p.circle]
        if rng.random() >= chance:
            return
        for _ in range(rng.randint(1, 2)):
            created = self._moment(max(p.met_at, self.now - timedelta(days=200)))
            asked = rng.random() < 0.4 and created < self.now - timedelta(days=2)
            asked_at = self._moment(created) if asked else None
            self._add(
                "questions",
                {
                    "person_id": p.id,
                    "text": self._fill(rng.choice(D.QUESTIONS), p),
                    "created_at": created,
                    "asked_at": asked_at,
                    "asked_interaction_id": None,
                    "answer": rng.choice(
                        (
                            "Went well, they got the job.",
                            "Still undecided.",
                            "All good, thanks for asking.",
                        )
                    )
                    if asked
                    else None,
                    "answer_fact_id": None,
                },
            )

    # interactions --------------------------------------------------------------------------

    def _interactions(self) -> None:
        people = self.people
        total = round(self.n * self.years * INTERACTIONS_PER_PERSON_YEAR)
        cum = list(accumulate(p.weight for p in people))
        kind_cum = {c: list(accumulate(w)) for c, w in KIND_WEIGHTS.items()}
        drafts: list[_Interaction] = []
        thread = 0
        for _ in range(total):
            p = self._weighted(people, cum)
            when = self._moment(max(self.start, p.met_at))
            kind = self._weighted(KINDS, kind_cum[p.circle])
            draft = self._interaction(p, kind, when, cum)
            if draft.needs_reply and kind == "email":
                thread += 1
                draft.thread_key = f"demo-thread-{thread}"
            drafts.append(draft)
            if draft.needs_reply:
                reply = self._reply(draft)
                if reply:
                    drafts.append(reply)
        drafts += self._event_interactions()
        drafts.sort(key=lambda d: d.occurred_at)
        self._interaction_rows(drafts)

    def _interaction(self, p: _Person, kind: str, when: datetime, cum: list[float]) -> _Interaction:
        random_ = self.rng.random
        if kind in ("email", "message", "social"):
            direction = self._weighted(("inbound", "outbound", "mutual"), _WRITTEN_DIRECTION_CUM)
        else:
            direction = self._weighted(("mutual", "outbound", "inbound"), _SPOKEN_DIRECTION_CUM)
        people = [p.id]
        if kind in ("meeting", "video") and random_() < 0.12:
            for _ in range(1 + int(random_() * 3)):
                other = self._weighted(self.people, cum)
                if other.met_at <= when and other.id not in people:
                    people.append(other.id)
        subject = self._fill(self._pick(D.SUBJECTS[kind]), p) or None
        notes = self._fill(self._pick(D.NOTE_TEMPLATES), p) if random_() < 0.7 else None
        channels = D.CHANNELS.get(kind)
        location = None
        if kind == "meeting" and random_() < 0.5:
            location = self._pick(p.country.cities)[0]
        return _Interaction(
            occurred_at=when,
            kind=kind,
            direction=direction,
            people=people,
            subject=subject,
            notes=notes,
            channel=self._pick(channels) if channels else None,
            needs_reply=direction == "inbound"
            and kind in ("email", "message")
            and random_() < 0.35,
            location=location,
        )

    def _reply(self, inbound: _Interaction) -> _Interaction | None:
        """Most messages get an answer, after hours or days; recent ones are often still waiting."""
        rng = self.rng
        recent = inbound.occurred_at > self.now - timedelta(days=10)
        if rng.random() >= (0.4 if recent else 0.93):
            return None
        delay = timedelta(hours=min(24 * 20, rng.lognormvariate(math.log(6), 1.3)))
        at = inbound.occurred_at + delay
        if at >= self.now:
            return None
        subject = inbound.subject
        if subject and inbound.kind == "email" and not subject.startswith("Re:"):
            subject = "Re: " + subject
        return _Interaction(
            occurred_at=at.replace(microsecond=0),
            kind=inbound.kind,
            direction="outbound",
            people=list(inbound.people),
            subject=subject,
            notes=rng.choice(
                (None, "Answered.", "Replied with the details.", "Said yes; will follow up.")
            ),
            thread_key=inbound.thread_key,
            channel=inbound.channel,
        )

    def _event_interactions(self) -> list[_Interaction]:
        out = []
        for event in self.events:
            met = event["attendees"][:10]
            if not met:
                continue
            out.append(
                _Interaction(
                    occurred_at=_at(event["starts_on"], 17),
                    kind="event",
                    direction="mutual",
                    people=list(met),
                    subject=f"At {event['name']}",
                    notes=self._fill("Met at the event. {detail}"),
                    location=event["city"],
                    event_id=event["id"],
                )
            )
        return out

    def _interaction_rows(self, drafts: list[_Interaction]) -> None:
        _mark_replies(drafts)
        by_id = {p.id: p for p in self.people}
        last: dict[int, datetime] = {}
        for draft in drafts:
            iid = self._add(
                "interactions",
                {
                    "kind": draft.kind,
                    "direction": draft.direction,
                    "occurred_at": draft.occurred_at,
                    "ends_at": None,
                    "status": "done",
                    "subject": draft.subject,
                    "notes": draft.notes,
                    "location": draft.location,
                    "channel": draft.channel,
                    "thread_key": draft.thread_key,
                    "needs_reply": draft.needs_reply,
                    "replied_at": draft.replied_at,
                    "event_id": draft.event_id,
                    "source": "demo",
                    "source_ref": None,
                    "created_at": draft.occurred_at,
                },
            )
            for person_id in draft.people:
                self.rows["interaction_participants"].append(
                    {
                        "interaction_id": iid,
                        "person_id": person_id,
                        "occurred_at": draft.occurred_at,
                        "direction": draft.direction,
                        "status": "done",
                    }
                )
                by_id[person_id].interactions.append((draft.occurred_at, iid))
                last[person_id] = draft.occurred_at  # drafts are in time order
        for row in self.rows["people"]:
            row["last_interaction_at"] = last.get(row["id"])

    def _attendance(self) -> None:
        rng = self.rng
        for event in self.events:
            for person_id in event["attendees"]:
                self.rows["attendance"].append(
                    {
                        "event_id": event["id"],
                        "person_id": person_id,
                        "role": "attendee",
                        "met": True,
                        "note": None,
                        "created_at": _at(event["starts_on"], 20),
                    }
                )
            known = [
                p.id
                for p in rng.sample(self.people, min(len(self.people), 6))
                if p.met_at.date() < event["starts_on"] and p.id not in event["attendees"]
            ]
            for person_id in known[: rng.randint(2, 5)]:
                self.rows["attendance"].append(
                    {
                        "event_id": event["id"],
                        "person_id": person_id,
                        "role": rng.choice(("attendee", "speaker", "organiser")),
                        "met": False,
                        "note": None,
                        "created_at": _at(event["starts_on"], 20),
                    }
                )

    # promises, follow-ups, network ---------------------------------------------------------

    def _active_people(self) -> tuple[list[_Person], list[float]]:
        active = [p for p in self.people if p.interactions]
        return active, list(accumulate(len(p.interactions) ** 0.7 for p in active))

    def _commitments(self) -> None:
        rng = self.rng
        active, cum = self._active_people()
        if not active:
            return
        for p in rng.choices(active, cum_weights=cum, k=round(self.n * self.years * 0.12) + 4):
            when, iid = rng.choice(p.interactions)
            self._commitment(p, when, iid, rng.random() < 0.55)
        # what today looks like: promises open both ways, due soon and already late
        recent = sorted(active, key=lambda p: p.interactions[-1][0], reverse=True)[:4]
        for n, p in enumerate(recent):
            when, iid = p.interactions[-1]
            due = self.today + timedelta(days=(3, -4, 5, -2)[n])
            self._commitment(p, when, iid, n < 2, due=due, forced_open=True)

    def _commitment(
        self,
        p: _Person,
        when: datetime,
        iid: int,
        mine: bool,
        *,
        due: date | None = None,
        forced_open: bool = False,
    ) -> None:
        rng = self.rng
        due = due or when.date() + timedelta(days=rng.randint(2, 21))
        status, done_at = "open", None
        if not forced_open:
            status, done_at = self._commitment_outcome(when, due)
        self._add(
            "commitments",
            {
                "person_id": p.id,
                "direction": "mine" if mine else "theirs",
                "text": self._fill(
                    rng.choice(D.COMMITMENTS_MINE if mine else D.COMMITMENTS_THEIRS), p
                ),
                "due_on": due if rng.random() < 0.9 or forced_open else None,
                "status": status,
                "created_at": when,
                "done_at": done_at,
                "interaction_id": iid,
            },
        )

    def _commitment_outcome(self, when: datetime, due: date) -> tuple[str, datetime | None]:
        """Kept on time, kept late, dropped, or still open; old promises are rarely open."""
        rng = self.rng
        roll = rng.random()
        if due >= self.today:
            return ("done", self._moment(when)) if roll < 0.3 else ("open", None)
        if roll < 0.62:
            return "done", self._moment(when, min(self.now, _at(due, 20)))
        if roll < 0.87:
            late = _at(due + timedelta(days=rng.randint(1, 15)), rng.randint(8, 19))
            if late < self.now:
                return "done", late
            return "open", None
        open_chance = 0.5 if due > self.today - timedelta(days=60) else 0.1
        return ("open", None) if rng.random() < open_chance else ("dropped", None)

    def _follow_ups(self) -> None:
        rng = self.rng
        by_event = {e["id"]: e for e in self.events}
        for p in self.people:
            if p.event_id is None:
                continue
            event = by_event[p.event_id]
            due = event["starts_on"] + timedelta(days=2)
            first_after = next(
                (t for t, _ in p.interactions if t.date() > event["starts_on"]), None
            )
            if first_after is not None and first_after.date() <= due + timedelta(days=20):
                done_at: datetime | None = first_after
            elif due < self.today - timedelta(days=45) and rng.random() < 0.97:
                done_at = _at(due + timedelta(days=rng.randint(1, 10)), 10)
            else:
                done_at = None
            self._add(
                "follow_ups",
                {
                    "person_id": p.id,
                    "text": rng.choice(D.FOLLOW_UPS).format(event=event["name"]),
                    "due_on": due,
                    "created_at": _at(event["starts_on"], 21),
                    "done_at": done_at,
                },
            )

    def _relationships(self) -> None:
        rng = self.rng
        by_org: dict[str, list[_Person]] = defaultdict(list)
        for p in self.people:
            if p.org:
                by_org[p.org].append(p)
        pairs: list[tuple[_Person, _Person, str]] = []
        for members in by_org.values():
            if len(members) >= 2 and rng.random() < 0.5:
                a, b = rng.sample(members, 2)
                pairs.append((a, b, rng.choice(("colleague", "colleague", "manager"))))
        for _ in range(self.n // 40 + 2):
            a, b = rng.sample(self.people, 2)
            pairs.append((a, b, rng.choice(("friend", "spouse", "partner", "mentor", "sibling"))))
        for a, b, kind in pairs[: self.n // 10 + 3]:
            self._add(
                "relationships",
                {
                    "person_a_id": a.id,
                    "person_b_id": b.id,
                    "kind": kind,
                    "note": None,
                    "name_hint": None,
                    "created_at": max(a.met_at, b.met_at, self.start),
                },
            )

    def _introductions(self) -> None:
        rng = self.rng
        pool = [p for p in self.people if p.circle in ("close", "network", "inner")] or self.people
        for n in range(self.n // 40 + 3):
            a, b = rng.sample(pool, 2) if len(pool) >= 2 else rng.sample(self.people, 2)
            since = max(a.met_at, b.met_at, self.start)
            by = None
            if n % 2 == 1:
                by = rng.choice(self.people)
                if by.id in (a.id, b.id):
                    by = None
            self._add(
                "introductions",
                {
                    "person_a_id": a.id,
                    "person_b_id": b.id,
                    "introduced_by_id": by.id if by else None,
                    "occurred_on": self._moment(since).date(),
                    "note": self._fill("Both work on {topic}."),
                    "outcome": rng.choice(
                        ("They started working together", "Had coffee", "No reply yet", None)
                    ),
                    "created_at": self._moment(since),
                },
            )

    def _articles_and_shares(self) -> None:
        rng = self.rng
        articles = []
        for url, title, topics in D.ARTICLES:
            created = self._moment(self.start)
            articles.append(
                (
                    self._add(
                        "articles",
                        {
                            "url": url,
                            "title": title,
                            "text": None,
                            "topics": topics,
                            "created_at": created,
                        },
                    ),
                    created,
                )
            )
        self.article_ids = [a for a, _ in articles]
        taken: set[tuple[int, int]] = set()
        for _ in range(self.n // 12 + 6):
            article, created = rng.choice(articles)
            person = rng.choice(self.people)
            if (article, person.id) in taken:
                continue
            taken.add((article, person.id))
            self._add(
                "shares",
                {
                    "article_id": article,
                    "person_id": person.id,
                    "shared_at": self._moment(max(created, person.met_at)),
                    "interaction_id": None,
                },
            )

    def _exchanges(self) -> None:
        rng = self.rng
        active, cum = self._active_people()
        if not active:
            return
        kinds = tuple(D.EXCHANGE_TEXTS)
        for n, p in enumerate(
            rng.choices(active, cum_weights=cum, k=round(self.n * self.years * 0.04) + 10)
        ):
            when, iid = rng.choice(p.interactions)
            kind = kinds[n % len(kinds)] if n < len(kinds) else rng.choice(kinds)
            self._add(
                "exchanges",
                {
                    "person_id": p.id,
                    "direction": rng.choice(("given", "given", "received")),
                    "kind": kind,
                    "text": self._fill(D.EXCHANGE_TEXTS[kind], p),
                    "occurred_on": when.date(),
                    "interaction_id": iid,
                    "article_id": rng.choice(self.article_ids) if kind == "article" else None,
                    "created_at": when,
                },
            )

    # feedback and improvement --------------------------------------------------------------

    def _feedback(self) -> None:
        rng = self.rng
        givers = [
            p for p in self.people if p.circle in ("inner", "close", "network")
        ] or self.people
        requests = []
        for n in range(self.years * 2 + 3):
            p = rng.choice(givers)
            asked = self._day(max(p.met_at, self.start).date(), self.today - timedelta(days=1))
            status = "open" if n < 2 else rng.choice(("received", "received", "dropped"))
            requests.append(
                (
                    self._add(
                        "feedback_requests",
                        {
                            "person_id": p.id,
                            "about": rng.choice(D.FEEDBACK_CONTEXTS),
                            "asked_on": asked,
                            "by_date": asked + timedelta(days=14),
                            "status": status,
                            "created_at": _at(asked, 9),
                        },
                    ),
                    p,
                    asked,
                    status,
                )
            )
        for request_id, p, asked, status in requests:
            if status == "received":
                self._one_feedback(p, asked + timedelta(days=rng.randint(1, 10)), request_id)
        for _ in range(self.years * 14 + 4):
            giver = rng.choice(givers) if rng.random() < 0.9 else None
            since = max(giver.met_at, self.start).date() if giver else self.start.date()
            self._one_feedback(giver, self._day(since, self.today), None)

    def _one_feedback(self, p: _Person | None, day: date, request_id: int | None) -> None:
        rng = self.rng
        day = min(day, self.today)
        kind = "positive" if rng.random() < 0.6 else "constructive"
        feedback_id = self._add(
            "feedback",
            {
                "person_id": p.id if p else None,
                "kind": kind,
                "context": rng.choice(D.FEEDBACK_CONTEXTS),
                "text": rng.choice(D.FEEDBACK_TEXTS[kind]),
                "received_on": day,
                "request_id": request_id,
                "created_at": min(_at(day, 18), self.now),
            },
        )
        for theme in dict.fromkeys(rng.choices(D.FEEDBACK_THEMES, k=rng.randint(1, 2))):
            self.rows["feedback_themes"].append({"feedback_id": feedback_id, "theme": theme})

    def _goals(self) -> None:
        rng = self.rng
        for n, (title, theme, every) in enumerate(D.IMPROVEMENT_GOALS):
            created = self._moment(self.start, self.now - timedelta(days=60))
            done = n == len(D.IMPROVEMENT_GOALS) - 1
            goal_id = self._add(
                "goals",
                {
                    "title": title,
                    "theme": theme,
                    "check_in_days": every,
                    "until": (self.today + timedelta(days=90)) if not done else None,
                    "status": "done" if done else "active",
                    "created_at": created,
                },
            )
            day, progress = created.date() + timedelta(days=every), rng.randint(5, 20)
            last_day = self.today - timedelta(days=rng.randint(0, every + 3))
            while day <= last_day:
                progress = max(0, min(100, progress + rng.randint(-6, 12)))
                self._add(
                    "goal_checkins",
                    {
                        "goal_id": goal_id,
                        "progress": progress,
                        "note": rng.choice(D.CHECKIN_NOTES),
                        "checked_on": day,
                        "created_at": min(_at(day, 21), self.now),
                    },
                )
                day += timedelta(days=every)
                if done and progress >= 100:
                    break

    def _coverage(self) -> None:
        for name, kind, selector, wanted in (
            ("Investors", "tag", "investor", 10),
            ("Engineering leaders", "title", "CTO", 5),
            ("Climate network", "tag", "climate", 8),
        ):
            self._add(
                "coverage_targets",
                {
                    "name": name,
                    "selector_kind": kind,
                    "selector": selector,
                    "wanted": wanted,
                    "created_at": self.start,
                },
            )


class _Words(dict[str, str]):
    """Template words, each drawn on first use (a template names two or three of them)."""

    def __init__(self, builder: _DemoBuilder, person: _Person | None) -> None:
        super().__init__()
        self.builder = builder
        self.person = person

    def __missing__(self, key: str) -> str:
        b, p = self.builder, self.person
        if key in ("topic", "topic2"):
            value = b._pick(D.TOPICS)
        elif key == "city":
            value = b._pick((p.country if p else D.COUNTRIES[0]).cities)[0]
        elif key == "place":
            value = b._pick(D.PLACES)
        elif key == "title":
            value = b._pick(D.TITLES)
        elif key in ("name", "name2"):
            value = b._name(p.country if p else D.COUNTRIES[0])[0]
        elif key == "detail":
            value = b._pick(D.DETAILS).format_map(self)
        else:
            raise KeyError(key)
        self[key] = str(value)
        return str(value)


def _mark_replies(drafts: Sequence[_Interaction]) -> None:
    """Set replied_at as the Book does when logging: the first later outbound (or mutual)
    exchange with any of the same people answers an inbound message, within its thread."""
    times: dict[int, list[datetime]] = defaultdict(list)
    threads: dict[int, list[str | None]] = defaultdict(list)
    for d in drafts:  # in time order
        if d.direction in ("outbound", "mutual"):
            for person_id in d.people:
                times[person_id].append(d.occurred_at)
                threads[person_id].append(d.thread_key)
    for d in drafts:
        if not d.needs_reply:
            continue
        best: datetime | None = None
        for person_id in d.people:
            at_list, thread_list = times.get(person_id, []), threads.get(person_id, [])
            for n in range(bisect_left(at_list, d.occurred_at), len(at_list)):
                if best is not None and at_list[n] >= best:
                    break
                thread = thread_list[n]
                if thread is None or d.thread_key is None or thread == d.thread_key:
                    best = at_list[n]
                    break
        d.replied_at = best


_NameList = tuple[list[str], list[float] | None]  # names and cumulative weights (None: uniform)


@cache
def _name_lists(locale: str, romanized: bool) -> tuple[tuple[_NameList, _NameList], ...]:
    """(given names, family names) per gender from Faker's locale data, read directly:
    sampling them with our own Random is many times faster than Faker's generators."""
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    if romanized:
        return (
            (_name_list(provider.first_romanized_names), _name_list(provider.last_romanized_names)),
        )
    pools = []
    for gender in ("female", "male"):
        first = getattr(provider, f"first_names_{gender}", None) or provider.first_names
        last = getattr(provider, f"last_names_{gender}", None) or provider.last_names
        if hasattr(provider, "male_last_names"):  # Polish: Kowalski, Kowalska
            male = list(provider.male_last_names)
            if gender == "female":
                male = [n[:-1] + "a" if n.endswith("ki") else n for n in male]
            last = male + list(getattr(provider, "unisex_last_names", ()))
        pools.append((_name_list(first), _name_list(last)))
    return tuple(pools)


def _name_list(names: Any) -> _NameList:
    if isinstance(names, dict):
        return list(names), list(accumulate(float(w) for w in names.values()))
    return list(names), None


@cache
def _company_suffixes(locale: str) -> tuple[str, ...]:
    try:
        provider = importlib.import_module(f"faker.providers.company.{locale}").Provider
    except ImportError:
        return D.COMPANY_SUFFIXES
    suffixes = tuple(dict.fromkeys(provider.company_suffixes))
    return suffixes if suffixes and all(s_.isascii() for s_ in suffixes) else D.COMPANY_SUFFIXES


def _at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


_WRITTEN_DIRECTION_CUM = (45, 90, 100)
_SPOKEN_DIRECTION_CUM = (80, 95, 100)
_COUNTRY_CUM = list(accumulate(c.weight for c in D.COUNTRIES))
_TAG_CUM = list(accumulate(1 / (rank + 1) ** 0.7 for rank in range(len(D.TAGS))))
