"""The import pipeline over parsed records: plan, apply, or both one batch at a time.

``run`` plans and applies batches of at most ``BATCH`` records, each in its own transaction,
so memory stays flat and a kill at any moment leaves a consistent book: running the import
again completes it without duplicates (everything already in is matched and skipped).
Progress is reported through a callback (``progress(records_done)``); nothing here prints.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import insert, select, update

from amity.book.context import BookContext
from amity.book.transfer.apply import Applier, analyse_threads
from amity.book.transfer.keys import BATCH, chunks, fit
from amity.book.transfer.plan import ImportPlan, Planner, PlanOptions
from amity.book.transfer.reading import own_addresses
from amity.book.transfer.results import ImportResult, Progress
from amity.formats.records import Item
from amity.rules.text import clean_text
from amity.store import schema as s

ANALYZE_AFTER_RECORDS = 1000


class Pipeline:
    """Match -> plan -> apply for one book; the format is already read."""

    def __init__(self, ctx: BookContext) -> None:
        self._ctx = ctx

    def options(self, *, create_people: bool = False, keep_decisions: bool = True,
                describe: bool = False) -> PlanOptions:  # fmt: skip
        return PlanOptions(create_people, own_addresses(self._ctx), keep_decisions, describe)

    def plan(self, items: Iterable[Item], *, create_people: bool = False,
             keep_decisions: bool = True, progress: Progress | None = None) -> ImportPlan:  # fmt: skip
        """What importing ``items`` would do; writes nothing."""
        planner = Planner(
            self._ctx,
            self.options(create_people=create_people, keep_decisions=keep_decisions, describe=True),
        )  # a preview: say what changes
        plan = ImportPlan()
        done = 0
        with self._ctx.read() as conn:
            for batch in chunks(items, BATCH):
                planner.plan(conn, batch, plan)
                done += len(batch)
                if progress:
                    progress(done)
        return plan

    def apply(
        self, plan: ImportPlan, fmt: str, *, progress: Progress | None = None
    ) -> ImportResult:
        """Write a plan in transactions of at most ``BATCH`` records, then analyse threads."""
        applier = Applier(self._ctx)
        done = 0
        for batch in chunks(plan.organisations, BATCH):
            with self._ctx.write(**self._journal()) as conn:
                applier.apply_organisations(conn, batch)
        for batch in chunks(plan.people, BATCH):
            with self._ctx.write(**self._journal()) as conn:
                applier.apply_people(conn, batch)
            done += len(batch)
            if progress:
                progress(done)
        if plan.groups:
            with self._ctx.write(**self._journal()) as conn:
                applier.apply_groups(conn, plan.groups)
        for batch in chunks(plan.interactions, BATCH):
            with self._ctx.write(**self._journal()) as conn:
                applier.apply_interactions(conn, batch)
            done += len(batch)
            if progress:
                progress(done)
        awaiting = analyse_threads(self._ctx, plan.thread_keys)
        return ImportResult(fmt, plan, True, awaiting)

    def run(self, items: Iterable[Item], fmt: str, *, filename: str | None = None,
            create_people: bool = False, progress: Progress | None = None) -> ImportResult:  # fmt: skip
        """Import a stream: plan and apply one batch at a time, each batch matched against the
        book as the earlier batches left it and written in one transaction."""
        import_id = self._start(fmt, filename)
        planner = Planner(self._ctx, self.options(create_people=create_people))
        totals = ImportPlan()
        done = 0
        for batch in chunks(items, BATCH):
            plan = ImportPlan()
            with self._ctx.write(**self._journal()) as conn:
                planner.plan(conn, batch, plan)
                applier = Applier(self._ctx)
                applier.apply_organisations(conn, plan.organisations)
                applier.apply_people(conn, plan.people)
                applier.apply_groups(conn, plan.groups)
                applier.apply_interactions(conn, plan.interactions)
            planner.forget_book()
            _accumulate(totals, plan)
            done += len(batch)
            if progress:
                progress(done)
        awaiting = analyse_threads(self._ctx, totals.thread_keys)
        result = ImportResult(fmt, totals, True, awaiting, import_id)
        self._finish(import_id, result.summary())
        return result

    def _journal(self) -> dict[str, str]:
        """An import batch is journaled as lists of new ids, through the "import" door (a
        sync's own door when a sync runs the pipeline)."""
        return {"journal": "ids", "door": "sync" if self._ctx.door == "sync" else "import"}

    def _start(self, fmt: str, filename: str | None) -> int:
        t = s.imports
        with self._ctx.write() as conn:
            return int(conn.execute(insert(t).returning(t.c.id).values(
                owner_id=self._ctx.owner_id, format=(fmt or "unknown")[:20],
                filename=fit(clean_text(filename), 500),
                started_at=self._ctx.now())).scalar_one())  # fmt: skip

    def _finish(self, import_id: int, summary: dict[str, int]) -> None:
        t = s.imports
        with self._ctx.write() as conn:
            conn.execute(
                update(t)
                .where(t.c.owner_id == self._ctx.owner_id, t.c.id == import_id)
                .values(finished_at=self._ctx.now(), summary=json.dumps(summary))
            )
        if sum(summary.values()) >= ANALYZE_AFTER_RECORDS:
            refresh_planner_statistics(self._ctx)

    def history(self, limit: int = 20) -> list[dict[str, Any]]:
        t = s.imports
        with self._ctx.read() as conn:
            rows = conn.execute(
                select(t)
                .where(t.c.owner_id == self._ctx.owner_id)
                .order_by(t.c.id.desc())
                .limit(limit)
            )
            return [
                {**dict(r._mapping), "summary": json.loads(r.summary) if r.summary else None}
                for r in rows
            ]


def _accumulate(totals: ImportPlan, plan: ImportPlan) -> None:
    totals.counts.update(plan.counts)
    totals.errors.extend(plan.errors)
    totals.skipped.extend(plan.skipped)
    totals.warnings.extend(plan.warnings)
    totals.thread_keys |= plan.thread_keys
    for email, name in plan.unknown.items():
        totals.unknown.setdefault(email, name)
    totals.people.extend(d for d in plan.people if d.action == "merge")


def refresh_planner_statistics(ctx: BookContext) -> None:
    """After a bulk load, let the query planner see the new sizes: without statistics SQLite
    picks the owner index for ``owner_id = ? AND id IN (...)`` (150 ms instead of 0.3 ms on
    10k people, measured). PostgreSQL's autovacuum analyses on its own."""
    if ctx.dialect == "sqlite":
        with ctx.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
