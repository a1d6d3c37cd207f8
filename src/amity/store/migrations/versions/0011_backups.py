"""backups that are checked: backup_runs, backup_config (issue 15)

Revision ID: 0011_backups
Revises: 0012_daily
Create Date: 2026-12-04

The installation's backups: one row per backup taken or verified (what Today and Settings
show when a verification fails), and the backup settings (schedule, retention, the
passphrase sealed with the installation secret). Installation-level: no owner_id.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_backups"
down_revision: str | Sequence[str] | None = "0012_daily"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "backup_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("trigger", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20)),
        sa.Column("name", sa.String(200)),
        sa.Column("bytes", sa.BigInteger()),
        sa.Column("encrypted", sa.Boolean(), nullable=False, server_default="0"),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("error", sa.Text()),
        sa.Column("tables", sa.Integer()),
        sa.Column("rows", sa.BigInteger()),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime()),
    )
    op.create_index("ix_backup_runs_started", "backup_runs", ["started_at"])
    op.create_table(
        "backup_config",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("backup_config")
    op.drop_index("ix_backup_runs_started", table_name="backup_runs")
    op.drop_table("backup_runs")
