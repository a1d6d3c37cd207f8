"""What every part of a Book shares: the engine, the owner, the clock handed in."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, select, text

from amity.store import engine as store_engine
from amity.store.schema import settings as settings_table

DEFAULT_SETTINGS: dict[str, Any] = {
    "timezone": "UTC",
    "phone.region": "US",
    "locale": "en_GB",  # how dates read on the pages (Babel: en, en_US, de, fr...)
    "me.emails": [],
    "me.name": "",
    "agenda.overdue_factor": 1.5,
    "agenda.new_contact_follow_up_days": 2,
    "agenda.promise_lead_days": 2,
    "agenda.date_lead_days": {"birthday": 7, "anniversary": 7, "work_anniversary": 3, "custom": 7},
    "import.broadcast_attendees": 15,
    "smtp.host": "",
    "smtp.port": 587,
    "smtp.user": "",
    "smtp.password": "",
    "smtp.tls": "starttls",
    "smtp.from": "",
    "smtp.to": "",
    "digest.time": "07:30",
    "digest.enabled": False,
    # notifications on Apprise channels (issue 13): what to send, and when not to
    "notify.digest": True,
    "notify.promises": True,
    "notify.dates": True,
    "notify.replies": True,
    "notify.reply_after_days": 3,
    "notify.follow_ups": True,
    "notify.quiet_start": "22:00",
    "notify.quiet_end": "07:00",
}


BUMP_VERSION = text(  # the same upsert on SQLite (3.24+) and PostgreSQL
    "INSERT INTO data_versions (owner_id, version, profiles_version) VALUES (:owner, 1, 1) "
    "ON CONFLICT (owner_id) DO UPDATE SET version = data_versions.version + 1, "
    "profiles_version = data_versions.profiles_version + :profiles"
)
READ_VERSION = text("SELECT version FROM data_versions WHERE owner_id = :owner")
READ_PROFILES_VERSION = text("SELECT profiles_version FROM data_versions WHERE owner_id = :owner")


def new_id(result: Any) -> int:
    """The primary key a single-row INSERT created."""
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("the statement inserted no row")
    return int(key[0])


def insert_id(conn: Connection, statement: Any) -> int:
    """Run a single-row INSERT and return the new row's id."""
    return new_id(conn.execute(statement))


@dataclass
class BookContext:
    engine: Engine
    owner_id: int
    url: str
    clock: Callable[[], datetime]
    # who writes and through which door: recorded with every change (issue 15)
    door: str = "library"
    actor: str = ""

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def now(self) -> datetime:
        return self.clock()

    def today(self, conn: Connection | None = None) -> date:
        """Today in the owner's configured time zone."""
        from amity.rules.dates import local_today

        return local_today(self.now(), self.setting("timezone", conn))

    @contextmanager
    def write(self, *, journal: str = "full", door: str | None = None) -> Iterator[Connection]:
        """One write transaction; it also moves the owner's data version (caches key on it).

        Everything it changes is journaled as one change group (``amity.store.journal``):
        ``journal="ids"`` records new rows as lists of ids (imports), ``"off"`` nothing (a
        backup's restore, which brings its own history). ``door`` overrides the Book's door
        for this write (the import pipeline records "import" unless a sync runs it).
        """
        from amity.store.journal import Journal, flush

        log = None if journal == "off" else Journal(self.owner_id, ids_only=journal == "ids")
        with store_engine.write_transaction(self.engine, log) as conn:
            yield conn
            if log is not None:
                from amity.book.journal import describe, trash_until

                now = self.now()
                flush(conn, log, at=now, door=door or self.door, actor=self.actor, describe=describe,
                      trash_until=lambda changes: trash_until(changes, now))  # fmt: skip
            from amity.book.matching import changes_profiles

            profiles = 1 if log is None or changes_profiles(log) else 0
            conn.execute(BUMP_VERSION, {"owner": self.owner_id, "profiles": profiles})

    @staticmethod
    def describe_write(conn: Connection, kind: str, summary: str) -> None:
        """Name the change group of this write (a merge, an import) instead of the words the
        journal would find for it."""
        from amity.store.journal import JOURNAL

        journal = conn.get_execution_options().get(JOURNAL)
        if journal is not None:
            journal.kind, journal.summary = kind, summary

    def data_version(self, conn: Connection) -> int:
        """The owner's data version: it changes with every committed write transaction."""
        version = conn.execute(READ_VERSION, {"owner": self.owner_id}).scalar()
        return int(version or 0)

    def profiles_version(self, conn: Connection) -> int:
        """The owner's profiles version: it changes with every committed write transaction
        that changes what share matching reads (:func:`amity.book.matching.changes_profiles`)."""
        version = conn.execute(READ_PROFILES_VERSION, {"owner": self.owner_id}).scalar()
        return int(version or 0)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with store_engine.read_transaction(self.engine) as conn:
            yield conn

    def setting(self, key: str, conn: Connection | None = None) -> Any:
        t = settings_table
        query = select(t.c.value).where(t.c.owner_id == self.owner_id, t.c.key == key)
        if conn is None:
            with self.read() as c:
                row = c.execute(query).first()
        else:
            row = conn.execute(query).first()
        if row is None:
            return DEFAULT_SETTINGS.get(key)
        return json.loads(row[0])


def required(value: str | None, what: str, field_name: str) -> str:
    """Text as stored (:func:`amity.rules.text.clean_text`); nothing left is refused."""
    from amity.errors import InvalidInput
    from amity.rules.text import clean_text

    text = clean_text(value)
    if text is None:
        raise InvalidInput(f"{what} needs some text", field=field_name)
    return text
