"""Work milestones in the Book: the job history follows what imports and syncs learn.

``note_job`` is called, inside the caller's write transaction, whenever an import or a sync
changes a person's organisation or title: the open job closes on the day Amity learned of it,
a new one opens (its start unknown), and a change of job or title becomes a ``job_changes``
row, from which the agenda's ``congratulate`` items are built (``rules/agenda/milestones.py``,
loaded by ``book/agenda/network.py``).
"""

from __future__ import annotations

from sqlalchemy import Connection, insert, update

from amity.book.context import BookContext
from amity.rules.milestones import job_change
from amity.store import schema as s


def note_job(conn: Connection, ctx: BookContext, person_id: int, *, old: tuple[str | None,
             str | None], new: tuple[str | None, str | None], source: str) -> str | None:  # fmt: skip
    """Record a new organisation/title for a person whose people row already says ``new``;
    returns the milestone (``new_job``, ``promotion``) or None."""
    owner, (old_org, old_title), (new_org, new_title) = ctx.owner_id, old, new
    if (old_org or "") == (new_org or "") and (old_title or "") == (new_title or ""):
        return None
    learned = ctx.today(conn)
    kind = job_change(old_org, old_title, new_org, new_title)
    j = s.jobs
    if kind is not None or not (new_org or "").strip():
        conn.execute(update(j).where(j.c.owner_id == owner, j.c.person_id == person_id,
                                     j.c.end_date.is_(None)).values(end_date=learned))  # fmt: skip
    if (new_org or "").strip() and (kind is not None or not (old_org or "").strip()):
        conn.execute(insert(j).values(owner_id=owner, person_id=person_id,
                                      organisation=(new_org or "")[:300], title=new_title))  # fmt: skip
    elif (new_org or "").strip():
        conn.execute(update(j).where(j.c.owner_id == owner, j.c.person_id == person_id,
                                     j.c.end_date.is_(None)).values(title=new_title))  # fmt: skip
    if kind is not None:
        conn.execute(insert(s.job_changes).values(
            owner_id=owner, person_id=person_id, kind=kind, from_org=old_org,
            from_title=old_title, to_org=new_org, to_title=new_title, learned_on=learned,
            source=source[:50], created_at=ctx.now()))  # fmt: skip
    return kind
