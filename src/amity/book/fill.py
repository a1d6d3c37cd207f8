"""Filling an empty book in bulk: the demo network (``Book.fill_demo``).

The rows come from :mod:`amity.demo` (built in memory, local ids, denormalised columns
computed); this module checks the book is empty, gives people their circles' ids, writes
everything in one write transaction through :mod:`amity.store.bulk`, refreshes the planner's
statistics and indexes the new people and interactions for search.
"""

from __future__ import annotations

from sqlalchemy import Connection, insert, select

from amity.book.context import BookContext, insert_id
from amity.errors import NotEmpty
from amity.store import bulk
from amity.store import schema as s

INDEX_STEP = 2_000  # people per indexing statement (interactions: five times as many)


def fill_demo(
    ctx: BookContext, *, people: int, years: int, seed: int, progress: bulk.Progress | None
) -> dict[str, int]:
    """Fill this (empty) book with a demo network; returns the rows written per table."""
    from amity.demo import build_demo_rows, check_size

    check_size(people, years)
    with ctx.read() as conn:  # fail fast; checked again under the write lock
        refuse_unless_empty(conn, ctx.owner_id)
    report = progress or (lambda _stage, _done, _total: None)
    rows = build_demo_rows(people=people, years=years, seed=seed, now=ctx.now(), report=report)
    fill_empty_book(ctx, rows, report)
    return {name: len(table_rows) for name, table_rows in rows.items() if table_rows}


def fill_empty_book(ctx: BookContext, rows: bulk.Rows, report: bulk.Progress) -> None:
    """Write prepared rows (people naming their circle) into this book, which must be empty."""
    with ctx.write() as conn:
        refuse_unless_empty(conn, ctx.owner_id)
        circle_ids = _circle_ids(conn, ctx.owner_id)
        for row in rows.get("people", []):
            row["circle_id"] = circle_ids[row.pop("circle")]
        real_ids = bulk.write_rows(conn, ctx.owner_id, rows, report)
        bulk.analyze(conn, [t for t in s.metadata.sorted_tables if rows.get(t.name)])
        _index(conn, ctx.owner_id, real_ids, report)
        bulk.analyze(conn, [s.search_docs])


def refuse_unless_empty(conn: Connection, owner_id: int) -> None:
    from amity.book.transfer.backup import book_is_empty

    if not book_is_empty(conn, owner_id):
        raise NotEmpty(
            "this book already holds data; fill a new one with --db NEW.db "
            "or --user demo@example.org"
        )


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


def _index(
    conn: Connection, owner_id: int, real: dict[str, list[int]], report: bulk.Progress
) -> None:
    from amity.book.search import index_interactions, index_people

    people, interactions = real.get("people", []), real.get("interactions", [])
    total = len(people) + len(interactions)
    report("indexing", 0, total)
    step = INDEX_STEP
    for start in range(0, len(people), step):
        index_people(conn, owner_id, people[start : start + step], new=True)
        report("indexing", min(start + step, len(people)), total)
    for start in range(0, len(interactions), step * 5):
        index_interactions(conn, owner_id, interactions[start : start + step * 5], new=True)
        report("indexing", len(people) + min(start + step * 5, len(interactions)), total)
