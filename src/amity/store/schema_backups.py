"""Tables of the installation's backups (issue 15), on the one ``metadata`` of
:mod:`amity.store.schema` (which imports them, so ``schema.backup_runs`` is where every table
is). They belong to the installation, not to a book: no ``owner_id``."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, String, Table, Text

from amity.store.schema import UTCDateTime, metadata

# one row per backup taken or verified: what the Today banner and Settings show
backup_runs: Table = Table(
    "backup_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("action", String(20), nullable=False),  # backup, verify
    Column("trigger", String(20), nullable=False),  # scheduled, manual
    Column("kind", String(20)),  # sqlite (online backup API), json (streamed JSON lines)
    Column("name", String(200)),  # the file's name in the backup folder
    Column("bytes", BigInteger),
    Column("encrypted", Boolean, nullable=False, server_default="0"),
    Column("status", String(20), nullable=False),  # running, ok, failed
    Column("error", Text),
    Column("tables", Integer),
    Column("rows", BigInteger),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("finished_at", UTCDateTime()),
    Index("ix_backup_runs_started", "started_at"),
)

# the installation's backup settings (schedule, retention, the sealed passphrase)
backup_config: Table = Table(
    "backup_config",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)
