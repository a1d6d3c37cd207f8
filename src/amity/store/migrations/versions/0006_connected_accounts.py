"""connected accounts: sync_accounts, sync_runs, sync_items, sync_links, sync_conflicts

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04

One mechanism for every source kind (CardDAV, CalDAV, ICS addresses, IMAP): an account per
owner with sealed credentials and an opaque cursor, runs with per-item outcomes, links between
remote items and Amity records (with the merge base), and conflicts the user resolves.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _owner() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "owner_id",
        sa.Integer(),
        sa.ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "sync_accounts",
        sa.Column("id", sa.Integer(), primary_key=True),
        _owner(),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("username", sa.String(320)),
        sa.Column("secret", sa.Text()),
        sa.Column("options", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("cursor", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("enabled", sa.Boolean(), nullable=False, server_default="1"),
        sa.Column("interval_minutes", sa.Integer(), nullable=False, server_default="15"),
        sa.Column("next_run_at", sa.DateTime()),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text()),
        sa.Column("last_run_at", sa.DateTime()),
        sa.Column("last_success_at", sa.DateTime()),
        sa.Column("lease_until", sa.DateTime()),
        sa.Column("lease_token", sa.String(64)),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("owner_id", "name"),
    )
    op.create_index("ix_sync_accounts_owner_id", "sync_accounts", ["owner_id"])
    op.create_index("ix_sync_accounts_due", "sync_accounts", ["enabled", "next_run_at"])

    op.create_table(
        "sync_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        _owner(),
        sa.Column(
            "account_id",
            sa.Integer(),
            sa.ForeignKey("sync_accounts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("trigger", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime()),
        sa.Column("counts", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("details", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("error", sa.Text()),
    )
    op.create_index("ix_sync_runs_owner_id", "sync_runs", ["owner_id"])
    op.create_index("ix_sync_runs_account_id", "sync_runs", ["account_id"])
    op.create_index(
        "ix_sync_runs_owner_account", "sync_runs", ["owner_id", "account_id", "started_at"]
    )

    op.create_table(
        "sync_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        _owner(),
        sa.Column(
            "run_id",
            sa.Integer(),
            sa.ForeignKey("sync_runs.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("direction", sa.String(10), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("remote_ref", sa.String(1000)),
        sa.Column("uid", sa.String(300)),
        sa.Column("record_kind", sa.String(20)),
        sa.Column("record_id", sa.Integer()),
        sa.Column("label", sa.String(300)),
        sa.Column("reason", sa.Text()),
    )
    op.create_index("ix_sync_items_owner_id", "sync_items", ["owner_id"])
    op.create_index("ix_sync_items_run_id", "sync_items", ["run_id"])
    op.create_index("ix_sync_items_owner_run", "sync_items", ["owner_id", "run_id"])

    op.create_table(
        "sync_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        _owner(),
        sa.Column(
            "account_id",
            sa.Integer(),
            sa.ForeignKey("sync_accounts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("collection", sa.String(1000), nullable=False, server_default=""),
        sa.Column("remote_ref", sa.String(1000), nullable=False),
        sa.Column("remote_uid", sa.String(300)),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="SET NULL")),
        sa.Column(
            "interaction_id",
            sa.Integer(),
            sa.ForeignKey("interactions.id", ondelete="SET NULL"),
        ),
        sa.Column("etag", sa.String(300)),
        sa.Column("base", sa.Text()),
        sa.Column("local_base", sa.Text()),
        sa.Column("synced_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("account_id", "remote_ref"),
    )
    op.create_index("ix_sync_links_owner_id", "sync_links", ["owner_id"])
    op.create_index("ix_sync_links_account_id", "sync_links", ["account_id"])
    op.create_index("ix_sync_links_person_id", "sync_links", ["person_id"])
    op.create_index("ix_sync_links_interaction_id", "sync_links", ["interaction_id"])
    op.create_index("ix_sync_links_owner_account", "sync_links", ["owner_id", "account_id"])

    op.create_table(
        "sync_conflicts",
        sa.Column("id", sa.Integer(), primary_key=True),
        _owner(),
        sa.Column(
            "account_id",
            sa.Integer(),
            sa.ForeignKey("sync_accounts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("sync_runs.id", ondelete="SET NULL")),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="CASCADE")),
        sa.Column("remote_ref", sa.String(1000)),
        sa.Column("field", sa.String(50), nullable=False),
        sa.Column("base_value", sa.Text()),
        sa.Column("amity_value", sa.Text()),
        sa.Column("server_value", sa.Text()),
        sa.Column("kept", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime()),
        sa.Column("resolution", sa.String(10)),
    )
    for column in ("owner_id", "account_id", "run_id", "person_id"):
        op.create_index(f"ix_sync_conflicts_{column}", "sync_conflicts", [column])
    op.create_index("ix_sync_conflicts_owner_open", "sync_conflicts", ["owner_id", "resolved_at"])


def downgrade() -> None:
    for table in ("sync_conflicts", "sync_links", "sync_items", "sync_runs", "sync_accounts"):
        op.drop_table(table)
