"""The Book: every use case, scoped to one owner; the only door to data.

A Book is made of parts, one per concern (``book.people``, ``book.interactions``...), each
sharing a :class:`BookContext` (engine, owner, clock). Adapters (CLI, web, importers) open a
Book with :func:`open_book` and call its parts; nothing else touches the store.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, func, insert, select

from amity.book.context import BookContext, new_id
from amity.book.interactions import InteractionInput, Interactions
from amity.book.people import People, PersonInput
from amity.book.settings import Settings
from amity.config import resolve_url
from amity.errors import InvalidInput, NotFound
from amity.store import engine as store_engine
from amity.store import schema as s

if TYPE_CHECKING:
    from amity.book.address_book import AddressBook
    from amity.book.agenda import Agenda, RelationshipHealth, Replies
    from amity.book.articles import Articles
    from amity.book.brief import Briefs
    from amity.book.calendar_sync import CalendarSync
    from amity.book.captures import Captures
    from amity.book.cards import PersonCard
    from amity.book.circles import Circles
    from amity.book.commitments import Commitments, FollowUps
    from amity.book.connections import Connections
    from amity.book.contact_sync import ContactSync
    from amity.book.feedback import FeedbackLog
    from amity.book.groups import Groups
    from amity.book.history import History
    from amity.book.mail_sync import MailSync
    from amity.book.network import Network
    from amity.book.notifications import Notifications
    from amity.book.organisations import Organisations
    from amity.book.records import Records
    from amity.book.review import Reviews
    from amity.book.transfer import Transfer
    from amity.book.webhooks import Webhooks

DEFAULT_CIRCLES = (  # name, cadence in days, weight in the agenda's ranking
    ("inner", 14, 4.0),
    ("close", 30, 3.0),
    ("network", 90, 2.0),
    ("acquaintance", 180, 1.0),
)
LOCAL_OWNER_EMAIL = "owner@localhost"

__all__ = ["Book", "BookInfo", "InteractionInput", "PersonInput", "open_book", "open_engine"]


def system_clock() -> datetime:
    return datetime.now(UTC)


_ENGINES: dict[str, Engine] = {}


def open_engine(url: str) -> Engine:
    """One engine per URL per process, with the schema brought up to date on first use."""
    engine = _ENGINES.get(url)
    if engine is None:
        engine = store_engine.make_engine(url)
        store_engine.upgrade(engine)
        _ENGINES[url] = engine
    return engine


def size_worker_pools(url: str, workers: int) -> str:
    """For `amity serve --workers N` on a server database: create or upgrade the schema, and
    give each worker a connection pool that lets all of them fit the server (sets
    AMITY_DB_POOL_SIZE for the workers unless it is set). A line describing it ("" on SQLite).
    """
    engine = open_engine(url)
    if engine.dialect.name == "sqlite":
        return ""
    pool, budget = store_engine.pool_per_worker(engine, workers)
    pool = int(os.environ.setdefault(store_engine.POOL_ENV, str(pool)))
    line = f"{workers} worker(s) x {2 * pool} connections at most (pool {pool} + {pool})"
    if workers * 2 * pool > budget:
        line += f": more than the {budget} this server can spare; raise max_connections"
    return line


def request_threads(engine: Engine) -> int | None:
    """How many requests a web worker runs at once on a server database: its pool size
    (``AMITY_WEB_THREADS`` overrides), so that no request waits for a connection while holding
    the GIL against the others; None on SQLite (the default thread pool)."""
    return store_engine.request_threads(engine)


@dataclass(frozen=True)
class BookInfo:
    """Where a book lives, for `amity info`."""

    database: str  # the URL, any password hidden
    backend: str  # "sqlite" or "postgresql"
    schema_version: str | None  # the revision stored in the database
    schema_head: str  # the newest revision this version of Amity knows


class Book:
    def __init__(
        self,
        engine: Engine,
        owner_id: int,
        url: str = "",
        clock: Callable[[], datetime] = system_clock,
        *,
        door: str = "library",
        actor: str = "",
    ) -> None:
        self.ctx = BookContext(
            engine=engine, owner_id=owner_id, url=url, clock=clock, door=door, actor=actor
        )
        self.settings = Settings(self.ctx)
        self.people = People(self.ctx)
        self.interactions = Interactions(self.ctx, self.people)

    # The other parts are made on first use: `amity list` and `amity --help` then import
    # none of them (whole-process start-up, see benchmarks/README.md).
    # the agenda (issue 3): ranked actions, promises, follow-ups, replies, health
    @cached_property
    def agenda(self) -> Agenda:
        from amity.book.agenda import Agenda

        return Agenda(self.ctx)

    @cached_property
    def commitments(self) -> Commitments:
        from amity.book.commitments import Commitments

        return Commitments(self.ctx, self.people)

    @cached_property
    def follow_ups(self) -> FollowUps:
        from amity.book.commitments import FollowUps

        return FollowUps(self.ctx, self.people)

    @cached_property
    def replies(self) -> Replies:
        from amity.book.agenda import Replies

        return Replies(self.ctx, self.interactions)

    @cached_property
    def health(self) -> RelationshipHealth:
        from amity.book.agenda import RelationshipHealth

        return RelationshipHealth(self.ctx, self.people)

    @cached_property
    def circle_settings(self) -> Circles:
        from amity.book.circles import Circles

        return Circles(self.ctx)

    # issue 12: quick captures received once (an idempotency key per capture)
    @cached_property
    def captures(self) -> Captures:
        from amity.book.captures import Captures

        return Captures(self.ctx)

    # issue 12 §4: organisations (company cards), people there through their jobs
    @cached_property
    def organisations(self) -> Organisations:
        from amity.book.organisations import Organisations

        return Organisations(self.ctx, self.people)

    # issue 12 §4: contact groups (group cards): a tag and its members, linked or named
    @cached_property
    def groups(self) -> Groups:
        from amity.book.groups import Groups

        return Groups(self.ctx)

    # issue 12: edit and delete one record of any kind
    @cached_property
    def records(self) -> Records:
        from amity.book.records import Records

        return Records(self.ctx, self.people)

    # issue 6: events, paths, ledger, brief, articles, feedback and goals, the review
    @cached_property
    def network(self) -> Network:
        from amity.book.network import Network

        return Network(self.ctx, self.people)

    @cached_property
    def briefs(self) -> Briefs:
        from amity.book.brief import Briefs

        return Briefs(self.ctx, self.people, self.interactions, self.network)

    @cached_property
    def articles(self) -> Articles:
        from amity.book.articles import Articles

        return Articles(self.ctx, self.people, self.interactions, self.network.ledger)

    @cached_property
    def feedback(self) -> FeedbackLog:
        from amity.book.feedback import FeedbackLog

        return FeedbackLog(self.ctx, self.people)

    @cached_property
    def reviews(self) -> Reviews:
        from amity.book.review import Reviews

        return Reviews(self.ctx)

    # issue 13: notification channels and webhooks (records and delivery logs; sending is
    # amity.notify's)
    @cached_property
    def notifications(self) -> Notifications:
        from amity.book.notifications import Notifications

        return Notifications(self.ctx)

    @cached_property
    def webhooks(self) -> Webhooks:
        from amity.book.webhooks import Webhooks

        return Webhooks(self.ctx)

    # issue 10: connected accounts (shared by every source kind) and address-book sync
    @cached_property
    def connections(self) -> Connections:
        from amity.book.connections import Connections

        return Connections(self.ctx)

    @cached_property
    def address_book(self) -> AddressBook:
        from amity.book.address_book import AddressBook

        return AddressBook(self.ctx)

    @cached_property
    def contact_sync(self) -> ContactSync:
        from amity.book.contact_sync import ContactSync

        return ContactSync(self.ctx, self.connections)

    # issue 11: mail (IMAP) through the same connected accounts
    @cached_property
    def mail_sync(self) -> MailSync:
        from amity.book.mail_sync import MailSync

        return MailSync(self.ctx, self.connections)

    # issue 11: calendar sync (CalDAV calendars and ICS addresses)
    @cached_property
    def calendar_sync(self) -> CalendarSync:
        from amity.book.calendar_sync import CalendarSync

        return CalendarSync(self.ctx, self.connections)

    # issue 15: the journal of every change, undo and the trash
    @cached_property
    def history(self) -> History:
        from amity.book.history import History

        return History(self.ctx, self.people)

    def acting(self, door: str, actor: str | None = None) -> Book:
        """This book, its next writes recorded as made through ``door`` (by ``actor``)."""
        self.ctx.door = door
        if actor is not None:
            self.ctx.actor = actor
        return self

    @property
    def owner_id(self) -> int:
        return self.ctx.owner_id

    def now(self) -> datetime:
        """The book's clock (handed in by the door; tests pass a fixed one)."""
        return self.ctx.now()

    def today(self) -> date:
        """Today in the owner's configured time zone."""
        return self.ctx.today()

    def info(self) -> BookInfo:
        from amity.config import describe_url

        return BookInfo(
            database=describe_url(self.ctx.url),
            backend=self.ctx.dialect,
            schema_version=store_engine.current_revision(self.ctx.engine),
            schema_head=store_engine.head_revision(),
        )

    def owner(self) -> dict[str, Any]:
        u = s.users
        with self.ctx.read() as conn:
            row = conn.execute(
                select(u.c.id, u.c.email, u.c.name, u.c.is_admin).where(u.c.id == self.ctx.owner_id)
            ).one()
        return dict(row._mapping)

    def person_card(self, ref: str | int, *, recent: int = 5) -> PersonCard:
        """A person's profile, facts, open questions and ``recent`` latest interactions."""
        from amity.book.cards import person_card

        return person_card(self.people, self.interactions, ref, recent=recent)

    def search(self, query: str, *, limit: int = 20) -> list[Any]:
        from amity.book.search import run_search

        if limit < 1:
            raise InvalidInput("limit must be at least 1", field="limit")
        return run_search(self.ctx, query, limit=limit)

    def search_people(self, query: str, *, limit: int = 100) -> list[int]:
        """Ids of the people a search finds, best first (themselves, then the participants
        of matching interactions): what a list of people needs, without describing hits."""
        from amity.book.search import matching_people

        if limit < 1:
            raise InvalidInput("limit must be at least 1", field="limit")
        return matching_people(self.ctx, query, limit=limit)

    def fill_demo(
        self,
        *,
        people: int = 200,
        years: int = 3,
        seed: int = 42,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> dict[str, int]:
        """Fill this (empty, else NotEmpty) book with a realistic demo network (amity.demo):
        ``years`` of history ending now. Same seed and same clock: the same book. ``progress``
        is called with (stage, done, total); returns the rows written per table."""
        from amity.book.fill import fill_demo

        return fill_demo(self.ctx, people=people, years=years, seed=seed, progress=progress)

    # issue 9: data in and out (import, export, backup, duplicates, merge); loaded on first use
    @cached_property
    def transfer(self) -> Transfer:
        from amity.book.transfer import Transfer

        return Transfer(self.ctx, self.people)

    def export_json(self, *, include_secrets: bool = False) -> dict[str, Any]:
        """Short for ``transfer.backup()`` (the lossless JSON document)."""
        return self.transfer.backup(include_secrets=include_secrets)

    def restore_json(self, doc: dict[str, Any]) -> dict[str, int]:
        """Short for ``transfer.restore_backup(doc)``."""
        return self.transfer.restore_backup(doc)

    def counts(self) -> dict[str, int]:
        """Rows per owned table, for `amity info`."""
        out = {}
        with self.ctx.read() as conn:
            for table in s.OWNED_TABLES:
                if table in (s.search_docs, s.data_versions, s.agenda_shares):  # derived
                    continue
                out[table.name] = int(
                    conn.execute(
                        select(func.count())
                        .select_from(table)
                        .where(table.c.owner_id == self.ctx.owner_id)
                    ).scalar_one()
                )
        return out

    def circles(self) -> list[dict[str, Any]]:
        """Each circle with its cadence, weight and people count (``Circles.list``)."""
        return self.circle_settings.list()


def create_user(
    engine: Engine,
    email: str,
    *,
    name: str = "",
    password_hash: str | None = None,
    is_admin: bool = False,
    now: datetime | None = None,
) -> int:
    """A new user with their own empty book (default circles)."""
    from amity.rules.normalize import NormalizeError, email_key, normalize_email

    try:
        address = email_key(normalize_email(email)) if email != LOCAL_OWNER_EMAIL else email
    except NormalizeError as exc:
        raise InvalidInput(str(exc), field="email") from None
    moment = now or system_clock()
    with store_engine.write_transaction(engine) as conn:
        existing = conn.execute(select(s.users.c.id).where(s.users.c.email == address)).scalar()
        if existing is not None:
            return int(existing)
        user_id = new_id(
            conn.execute(
                insert(s.users).values(
                    email=address,
                    name=name,
                    password_hash=password_hash,
                    is_admin=is_admin,
                    created_at=moment,
                )
            )
        )
        conn.execute(
            insert(s.circles),
            [
                {"owner_id": user_id, "name": n, "cadence_days": days, "weight": w, "position": i}
                for i, (n, days, w) in enumerate(DEFAULT_CIRCLES)
            ],
        )
        return user_id


def find_user(engine: Engine, email: str | None) -> int | None:
    u = s.users
    with engine.connect() as conn:
        if email is None:  # the owner: the admin who signs in on the web, else the CLI's own
            row = conn.execute(
                select(u.c.id)
                .order_by(u.c.is_admin.desc(), u.c.password_hash.is_(None), u.c.id)
                .limit(1)
            ).first()
        else:
            row = conn.execute(select(u.c.id).where(u.c.email == email.strip().lower())).first()
    return None if row is None else int(row[0])


def open_book(
    db: str | None = None,
    user: str | None = None,
    *,
    clock: Callable[[], datetime] = system_clock,
    create: bool = True,
    door: str = "library",
    actor: str | None = None,
) -> Book:
    """Open the book of ``user`` (an e-mail; default: the database's owner) in ``db``.

    The first use of a database creates its owner (an admin without a password, claimed by
    the web app's first visit); ``--user EMAIL`` opens, and on first use creates, that user's
    separate book.
    """
    url = resolve_url(db)
    engine = open_engine(url)
    owner_id = find_user(engine, user)
    if owner_id is None:
        if not create:
            raise NotFound(f"no user {user!r} in this database")
        has_users = find_user(engine, None) is not None
        owner_id = create_user(engine, user or LOCAL_OWNER_EMAIL, is_admin=not has_users)
    if actor is None:
        with engine.connect() as conn:
            actor = conn.execute(select(s.users.c.email).where(s.users.c.id == owner_id)).scalar()
    return Book(engine, owner_id, url, clock, door=door, actor=actor or "")
