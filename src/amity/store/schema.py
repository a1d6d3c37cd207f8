"""The whole data model as SQLAlchemy Core tables: one schema for SQLite and PostgreSQL.

Conventions (see docs/architecture.md):
- every owned table carries ``owner_id`` (a user) and every query the Book makes filters on it;
- instants are stored in UTC by :class:`UTCDateTime` (aware in, aware out);
- calendar dates that are not instants (birthdays, due dates) are ``Date`` columns, and a date
  whose year may be unknown is three columns ``month``, ``day`` and a nullable ``year``;
- enumerations are short strings checked by the Book, not database enums, so adding a kind
  never needs a migration on PostgreSQL.

Full-text search tables (FTS5 on SQLite, a tsvector column on PostgreSQL) are created by the
migrations with raw SQL, next to the ``search_docs`` table defined here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata: MetaData = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores an aware datetime as naive UTC; returns it aware (UTC).

    A naive datetime handed in is taken to be UTC already.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # raw SQL paths on SQLite
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC)


def _owner(*, primary_key: bool = False, index: bool = True) -> Column[int]:
    """``index=False`` where another index of the table already leads with ``owner_id``."""
    return Column(
        "owner_id",
        Integer,
        ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
        index=index and not primary_key,
        primary_key=primary_key,
    )


def _person(name: str = "person_id", *, nullable: bool = False) -> Column[int]:
    return Column(
        name,
        Integer,
        ForeignKey("people.id", ondelete="SET NULL" if nullable else "CASCADE"),
        nullable=nullable,
        index=True,
    )


def _created() -> Column[datetime]:
    return Column("created_at", UTCDateTime(), nullable=False)


# --- accounts -------------------------------------------------------------------------------

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("name", String(200), nullable=False, server_default=""),
    Column("password_hash", String(200)),
    Column("is_admin", Boolean, nullable=False, server_default="0"),
    # bumped by "log out everywhere": sessions carry the epoch they were issued in
    Column("session_epoch", Integer, nullable=False, server_default="0"),
    Column("calendar_token", String(64), unique=True),
    _created(),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    Column("name", String(200), nullable=False),
    Column("token_hash", String(128), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    _created(),
    Column("last_used_at", UTCDateTime()),
    Column("revoked_at", UTCDateTime()),
    # api: read and write (every token made before scopes existed); read: reads only;
    # dav: a CardDAV app password (issue 10), which opens nothing but /dav/
    Column("scope", String(20), nullable=False, server_default="api"),
)

invitations = Table(
    "invitations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_by", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("email", String(320)),
    Column("token_hash", String(128), nullable=False, unique=True),
    _created(),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("accepted_at", UTCDateTime()),
    Column("accepted_by", Integer, ForeignKey("users.id", ondelete="SET NULL")),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(400), nullable=False, index=True),  # e-mail or client address
    Column("at", UTCDateTime(), nullable=False),
    Column("succeeded", Boolean, nullable=False, server_default="0"),
)

# one row per background duty ("scheduler"): the server process holding it runs the jobs,
# the others wait for it to expire (amity/leases.py)
scheduler_leases = Table(
    "scheduler_leases",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("holder", String(200), nullable=False),  # host:pid:random of the process
    Column("acquired_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
)

settings = Table(
    "settings",
    metadata,
    _owner(primary_key=True),
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),  # JSON
)

# --- people ---------------------------------------------------------------------------------

circles = Table(
    "circles",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    Column("name", String(100), nullable=False),
    Column("cadence_days", Integer),  # NULL: no default cadence
    Column("weight", Float, nullable=False, server_default="1.0"),
    Column("position", Integer, nullable=False, server_default="0"),
    UniqueConstraint("owner_id", "name"),
)

people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    Column("name", String(300), nullable=False),
    Column("name_key", String(300), nullable=False),  # folded: case and accents ignored
    Column("given_name", String(200)),
    Column("family_name", String(200)),
    Column("nickname", String(200)),
    Column("org", String(300)),  # the current job, denormalised from jobs for lists
    Column("title", String(300)),
    Column("circle_id", Integer, ForeignKey("circles.id", ondelete="SET NULL"), index=True),
    # per-person cadence override in days; 0 means "never remind", NULL means "use the circle"
    Column("cadence_days", Integer),
    Column("preferred_channel", String(50)),
    Column("timezone", String(64)),
    Column("country", String(2)),  # ISO 3166 alpha-2: reads their national phone numbers
    Column("language", String(35)),
    Column("best_time", String(200)),
    Column("style_notes", Text),
    Column("how_met", String(200)),  # e.g. "LinkedIn", "conference", "introduction"
    Column("met_where", String(300)),
    Column("met_on", Date),
    Column("met_event_id", Integer, ForeignKey("events.id", ondelete="SET NULL")),
    Column("introduced_by_id", Integer, ForeignKey("people.id", ondelete="SET NULL")),
    Column("notes", Text),
    Column("photo", Text),  # data: URI, kept as imported
    Column("uid", String(300)),  # vCard UID, kept for round trips
    Column("is_group", Boolean, nullable=False, server_default="0"),
    _created(),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("archived_at", UTCDateTime()),
    # maintained by the Book on every logged interaction (see PERF.md: 6 ms vs 44 ms)
    Column("last_interaction_at", UTCDateTime()),
    Column("version", Integer, nullable=False, server_default="1"),  # ETag / If-Match
    Index("ix_people_owner_name", "owner_id", "name_key"),
    Index("ix_people_owner_last", "owner_id", "last_interaction_at"),
)

contact_points = Table(
    "contact_points",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    _person(),
    Column("kind", String(20), nullable=False),  # email, phone, url, social, impp, address
    Column("label", String(100)),  # home, work, mobile, or a custom label
    Column("value", Text, nullable=False),  # as shown
    Column("normalized", String(400), nullable=False),  # e-mail lower-cased, phone E.164...
    Column("service", String(50)),  # for social/impp: linkedin, twitter, signal...
    Column("is_primary", Boolean, nullable=False, server_default="0"),
    Column("position", Integer, nullable=False, server_default="0"),
    Index("ix_contact_points_lookup", "owner_id", "kind", "normalized"),
)

tags = Table(
    "tags",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    Column("name", String(100), nullable=False),
    UniqueConstraint("owner_id", "name"),
)

person_tags = Table(
    "person_tags",
    metadata,
    _owner(),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", Integer, ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_person_tags_tag", "tag_id"),
)

facts = Table(
    "facts",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    _person(),
    # interest, family, pet, preference, goal, life_event, other
    Column("kind", String(20), nullable=False),
    Column("text", Text, nullable=False),
    Column("happened_on", Date),  # for life events
    Column("source", String(50)),
    _created(),
)

questions = Table(
    "questions",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    _person(),
    Column("text", Text, nullable=False),
    _created(),
    Column("asked_at", UTCDateTime()),
    Column("asked_interaction_id", Integer, ForeignKey("interactions.id", ondelete="SET NULL")),
    Column("answer", Text),
    Column("answer_fact_id", Integer, ForeignKey("facts.id", ondelete="SET NULL")),
)

important_dates = Table(
    "important_dates",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    _person(),
    Column("kind", String(20), nullable=False),  # birthday, anniversary, custom
    Column("label", String(200)),
    Column("year", Integer),  # NULL when unknown
    Column("month", Integer, nullable=False),
    Column("day", Integer, nullable=False),
    Index("ix_important_dates_when", "owner_id", "month", "day"),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    _person(),
    Column("organisation", String(300), nullable=False),
    Column("title", String(300)),
    Column("department", String(300)),
    Column("start_date", Date),
    Column("end_date", Date),
)

relationships = Table(
    "relationships",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    _person("person_a_id"),
    # empty: a related name not (yet) in the book; deleting b deletes the relationship
    Column("person_b_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), index=True),
    # colleague, friend, family, spouse, partner, child, parent, manager, report, mentor...
    Column("kind", String(50), nullable=False),
    Column("note", Text),
    Column("name_hint", String(300)),  # what an imported card said (X-ABRELATEDNAMES, RELATED)
    Column("name_key", String(300)),  # rules.related.related_key(name_hint): matched to people
    _created(),
    Index("ix_relationships_owner_key", "owner_id", "name_key"),
)

# --- interactions ---------------------------------------------------------------------------

interactions = Table(
    "interactions",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    # meeting, call, video, email, message, social, event, other
    Column("kind", String(20), nullable=False),
    Column("direction", String(10), nullable=False),  # outbound, inbound, mutual
    Column("occurred_at", UTCDateTime(), nullable=False),
    Column("ends_at", UTCDateTime()),
    Column("status", String(10), nullable=False, server_default="done"),  # done, planned
    Column("subject", Text),
    Column("notes", Text),
    Column("location", Text),
    Column("channel", String(50)),  # e.g. signal, whatsapp, linkedin
    Column("thread_key", String(500)),
    Column("needs_reply", Boolean, nullable=False, server_default="0"),
    Column("replied_at", UTCDateTime()),  # when a later outbound answered it
    Column("event_id", Integer, ForeignKey("events.id", ondelete="SET NULL"), index=True),
    Column("source", String(50)),  # cli, web, api, ics, mbox, vcard...
    Column("source_ref", String(500)),  # stable id in the source, for idempotent imports
    _created(),
    UniqueConstraint("owner_id", "source", "source_ref"),
    Index("ix_interactions_owner_time", "owner_id", "occurred_at"),
    Index("ix_interactions_thread", "owner_id", "thread_key"),
    # "awaiting your reply" is a probe, not a scan of every interaction
    Index("ix_interactions_awaiting", "owner_id", "needs_reply", "replied_at"),
)

interaction_participants = Table(
    "interaction_participants",
    metadata,
    _owner(),
    Column(
        "interaction_id",
        Integer,
        ForeignKey("interactions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    # denormalised from interactions so that "last contact per person" is one index probe
    Column("occurred_at", UTCDateTime(), nullable=False),
    Column("direction", String(10), nullable=False),
    Column("status", String(10), nullable=False, server_default="done"),
    Index("ix_participants_person_time", "person_id", "occurred_at"),
)

commitments = Table(
    "commitments",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    _person(),
    Column("direction", String(10), nullable=False),  # mine, theirs
    Column("text", Text, nullable=False),
    Column("due_on", Date),
    Column("status", String(10), nullable=False, server_default="open"),  # open, done, dropped
    _created(),
    Column("done_at", UTCDateTime()),
    Column("interaction_id", Integer, ForeignKey("interactions.id", ondelete="SET NULL")),
    Index("ix_commitments_open", "owner_id", "status", "due_on"),
)

follow_ups = Table(
    "follow_ups",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    _person(),
    Column("text", Text, nullable=False),
    Column("due_on", Date, nullable=False),
    _created(),
    Column("done_at", UTCDateTime()),
    Index("ix_follow_ups_open", "owner_id", "done_at", "due_on"),
)

# --- events and communities -----------------------------------------------------------------

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    Column("name", String(300), nullable=False),
    # conference, workshop, meetup, online, community
    Column("kind", String(20), nullable=False),
    Column("starts_on", Date),
    Column("ends_on", Date),
    Column("location", String(300)),
    Column("url", Text),
    Column("notes", Text),
    _created(),
    Index("ix_events_owner_name", "owner_id", "name"),
)

attendance = Table(
    "attendance",
    metadata,
    _owner(),
    Column("event_id", Integer, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(30)),  # attendee, speaker, organiser, member
    Column("met", Boolean, nullable=False, server_default="1"),  # first met there
    Column("note", Text),
    _created(),
    Index("ix_attendance_person", "person_id"),
)

introductions = Table(
    "introductions",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    _person("person_a_id"),
    _person("person_b_id"),
    _person("introduced_by_id", nullable=True),  # NULL: I introduced them
    Column("occurred_on", Date, nullable=False),
    Column("note", Text),
    Column("outcome", Text),
    _created(),
)

exchanges = Table(
    "exchanges",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    _person(),
    Column("direction", String(10), nullable=False),  # given, received
    # intro, referral, advice, help, article, recommendation, favour
    Column("kind", String(20), nullable=False),
    Column("text", Text, nullable=False),
    Column("occurred_on", Date, nullable=False),
    Column("interaction_id", Integer, ForeignKey("interactions.id", ondelete="SET NULL")),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="SET NULL")),
    _created(),
)

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    Column("url", Text, nullable=False),
    Column("title", Text),
    Column("text", Text),
    Column("topics", Text),  # comma-separated
    _created(),
    UniqueConstraint("owner_id", "url"),
)

shares = Table(
    "shares",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    _person(),
    Column("shared_at", UTCDateTime(), nullable=False),
    Column("interaction_id", Integer, ForeignKey("interactions.id", ondelete="SET NULL")),
    UniqueConstraint("article_id", "person_id"),
)

# --- feedback and improvement ---------------------------------------------------------------

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    _person(nullable=True),
    Column("kind", String(20), nullable=False),  # positive, constructive
    Column("context", Text),
    Column("text", Text, nullable=False),
    Column("received_on", Date, nullable=False),
    Column("request_id", Integer, ForeignKey("feedback_requests.id", ondelete="SET NULL")),
    _created(),
)

feedback_themes = Table(
    "feedback_themes",
    metadata,
    _owner(),
    Column("feedback_id", Integer, ForeignKey("feedback.id", ondelete="CASCADE"), primary_key=True),
    Column("theme", String(100), primary_key=True),
)

feedback_requests = Table(
    "feedback_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    _person(),
    Column("about", Text, nullable=False),
    Column("by_date", Date),
    Column("asked_on", Date),  # NULL until actually asked
    Column("status", String(10), nullable=False, server_default="open"),  # open, received, dropped
    _created(),
)

goals = Table(
    "goals",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    Column("title", Text, nullable=False),
    Column("theme", String(100)),
    Column("check_in_days", Integer),  # 7 weekly, 30 monthly
    Column("until", Date),
    Column("status", String(10), nullable=False, server_default="active"),  # active, done, dropped
    _created(),
)

goal_checkins = Table(
    "goal_checkins",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    Column("goal_id", Integer, ForeignKey("goals.id", ondelete="CASCADE"), nullable=False),
    Column("progress", Integer, nullable=False),  # 0-100
    Column("note", Text),
    Column("checked_on", Date, nullable=False),
    _created(),
)

coverage_targets = Table(
    "coverage_targets",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    Column("name", String(300), nullable=False),
    Column("selector_kind", String(20), nullable=False),  # tag, org, title
    Column("selector", String(300), nullable=False),
    Column("wanted", Integer, nullable=False, server_default="1"),
    _created(),
)

# --- the agenda and background work ---------------------------------------------------------

agenda_states = Table(
    "agenda_states",
    metadata,
    _owner(primary_key=True),
    Column("item_key", String(200), primary_key=True),
    Column("state", String(10), nullable=False),  # done, snoozed, dismissed
    Column("until", Date),  # snoozed until (the item comes back on that day)
    Column("acted_at", UTCDateTime(), nullable=False),
)

# bumped by every write transaction of the Book (BookContext.write): caches key on it;
# profiles_version only by those changing what share matching reads (book/matching.py)
data_versions = Table(
    "data_versions",
    metadata,
    _owner(primary_key=True),
    Column("version", Integer, nullable=False, server_default="0"),
    Column("profiles_version", Integer, nullable=False, server_default="0"),
)

digests_sent = Table(
    "digests_sent",
    metadata,
    _owner(primary_key=True),
    Column("day", Date, primary_key=True),
    Column("claimed_at", UTCDateTime(), nullable=False),
    Column("sent_at", UTCDateTime()),
    Column("error", Text),
)

imports = Table(
    "imports",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    Column("format", String(20), nullable=False),
    Column("filename", Text),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("finished_at", UTCDateTime()),
    Column("summary", Text),  # JSON counts
)

# --- search ---------------------------------------------------------------------------------

search_docs = Table(
    "search_docs",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(index=False),
    Column("doc_kind", String(20), nullable=False),  # person, interaction
    Column("ref_id", Integer, nullable=False),
    Column("body", Text, nullable=False),
    UniqueConstraint("owner_id", "doc_kind", "ref_id"),
    # a very common word ranks only the newest documents of each kind (revision 0002)
    Index("ix_search_docs_owner_recent", "owner_id", "doc_kind", "id"),
)

# --- notifications and webhooks (issue 13): declared in schema_outbound, on this metadata ------

import amity.store.schema_outbound as _outbound  # noqa: E402 - it uses the helpers above

notify_channels, notify_deliveries = _outbound.notify_channels, _outbound.notify_deliveries
webhook_deliveries, webhook_events = _outbound.webhook_deliveries, _outbound.webhook_events
webhook_subscriptions: Table = _outbound.webhook_subscriptions

# --- connected accounts, the CardDAV server, work milestones (issue 10): in schema_sync -------

import amity.store.schema_sync as _sync  # noqa: E402 - it uses the helpers above

sync_accounts, sync_runs, sync_items = _sync.sync_accounts, _sync.sync_runs, _sync.sync_items
sync_links, sync_conflicts, job_changes = _sync.sync_links, _sync.sync_conflicts, _sync.job_changes
dav_cards, dav_state = _sync.dav_cards, _sync.dav_state

# --- the daily loop (issue 12): in schema_daily --------------------------------------------

import amity.store.schema_daily as _daily  # noqa: E402 - it uses the helpers above

commitment_people: Table = _daily.commitment_people
follow_up_people: Table = _daily.follow_up_people
capture_keys: Table = _daily.capture_keys
password_resets: Table = _daily.password_resets

# --- the installation's backups (issue 15): in schema_backups --------------------------------

import amity.store.schema_backups as _backups  # noqa: E402 - it uses the helpers above

backup_runs: Table = _backups.backup_runs
backup_config: Table = _backups.backup_config

# --- mail sync (issue 11): in schema_mail ----------------------------------------------------

import amity.store.schema_mail as _mail  # noqa: E402 - it uses the helpers above

mail_correspondents: Table = _mail.mail_correspondents

# --- sign-in (issue 15): sessions, devices, second factors, single sign-on; in schema_signin ----

import amity.store.schema_signin as _signin  # noqa: E402 - it uses the helpers above

web_sessions: Table = _signin.web_sessions
known_devices: Table = _signin.known_devices
totp_secrets: Table = _signin.totp_secrets
recovery_codes: Table = _signin.recovery_codes
passkeys: Table = _signin.passkeys
sso_links: Table = _signin.sso_links
install_settings: Table = _signin.install_settings
SIGNIN_TABLES: tuple[Table, ...] = _signin.SIGNIN_TABLES

# --- calendar syncs (11), history (15), organisations, groups (12 §4), share matches (14) ----
import amity.store.schema_agenda as _agenda  # noqa: E402 - they use the helpers above
import amity.store.schema_calendar as _calendar  # noqa: E402
import amity.store.schema_groups as _groups  # noqa: E402
import amity.store.schema_history as _history  # noqa: E402
import amity.store.schema_organisations as _orgs  # noqa: E402

calendar_events, agenda_shares = _calendar.calendar_events, _agenda.agenda_shares
change_groups, changes = _history.change_groups, _history.changes
organisations, contact_groups = _orgs.organisations, _groups.contact_groups
contact_group_members: Table = _groups.contact_group_members

OWNED_TABLES: tuple[Table, ...] = tuple(
    t for t in metadata.sorted_tables if "owner_id" in t.c and t is not users
)
# rows of the installation, not of a book: reference tables when sharded by owner
# (docs/scaling.md); every other table is owned and carries owner_id
INSTALLATION_TABLES: tuple[Table, ...] = (
    users, invitations, login_attempts, scheduler_leases, password_resets, backup_runs,
    backup_config, *SIGNIN_TABLES,
)  # fmt: skip
