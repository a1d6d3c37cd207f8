"""Seek feedback and improve: a feedback log with themes, feedback requests, goals and
check-ins, and the themes across feedback with their trend."""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, update

from amity.book.context import BookContext, insert_id, required
from amity.book.people import People
from amity.errors import Ambiguous, InvalidInput, NotFound
from amity.model import Feedback, Goal, PersonRef
from amity.model.types import FEEDBACK_KINDS
from amity.rules.review import theme_trends
from amity.rules.text import clean_text, fold
from amity.store import schema as s

CHECK_INS = {"weekly": 7, "monthly": 30}
MAX_THEMES = 10


@dataclass
class FeedbackRequest:
    id: int
    person: PersonRef
    about: str
    by_date: date | None
    asked_on: date | None
    status: str  # open, received, dropped
    created_on: date


@dataclass
class CheckIn:
    id: int
    goal_id: int
    progress: int
    note: str | None
    checked_on: date


@dataclass
class GoalStatus:
    goal: Goal
    created_on: date
    progress: int | None = None  # the latest check-in's
    last_check_in: date | None = None
    next_check_in: date | None = None
    check_ins: list[CheckIn] = field(default_factory=list)
    feedback: int = 0  # feedback items on the goal's theme


def check_in_days(value: str | int | None) -> int | None:
    """``weekly`` 7, ``monthly`` 30, or a number of days."""
    if value is None or value == "":
        return None
    if isinstance(value, int) or str(value).strip().isdigit():
        days = int(value)
    else:
        days = CHECK_INS.get(str(value).strip().lower(), -1)
    if days < 1 or days > 366:
        raise InvalidInput("check in weekly, monthly or every 1-366 days", field="check_in")
    return days


class FeedbackLog:
    def __init__(self, ctx: BookContext, people: People) -> None:
        self._ctx = ctx
        self._people = people

    # --- feedback -------------------------------------------------------------------------

    def add(
        self,
        text: str,
        *,
        kind: str,
        person: str | int | None = None,
        context: str | None = None,
        themes: Sequence[str] = (),
        on: date | None = None,
    ) -> Feedback:
        """Log feedback; from someone with an open request, it also answers that request."""
        body = required(text, "feedback", "text")
        kind = kind.strip().lower()
        if kind not in FEEDBACK_KINDS:
            raise InvalidInput(
                f"feedback is {' or '.join(FEEDBACK_KINDS)}, not {kind!r}", field="kind"
            )
        names = _themes(themes)
        day = on or self._ctx.today()
        with self._ctx.write() as conn:
            ref = self._people.resolve_in(conn, person) if person is not None else None
            request_id = self._open_request(conn, ref.id) if ref else None
            fid = int(
                insert_id(
                    conn,
                    insert(s.feedback).values(
                        owner_id=self._ctx.owner_id,
                        person_id=ref.id if ref else None,
                        kind=kind,
                        context=clean_text(context),
                        text=body,
                        received_on=day,
                        request_id=request_id,
                        created_at=self._ctx.now(),
                    ),
                )
            )
            if names:
                conn.execute(
                    insert(s.feedback_themes),
                    [
                        {"owner_id": self._ctx.owner_id, "feedback_id": fid, "theme": t}
                        for t in names
                    ],
                )
            if request_id is not None:
                r = s.feedback_requests
                conn.execute(update(r).where(r.c.id == request_id).values(status="received"))
        return Feedback(kind, body, day, ref, clean_text(context), names, fid)

    def _open_request(self, conn: Connection, person_id: int) -> int | None:
        r = s.feedback_requests
        found = conn.execute(
            select(r.c.id)
            .where(
                r.c.owner_id == self._ctx.owner_id, r.c.person_id == person_id, r.c.status == "open"
            )
            .order_by(r.c.asked_on.is_(None), r.c.asked_on, r.c.id)
            .limit(1)
        ).scalar()
        return None if found is None else int(found)

    def list(
        self,
        *,
        theme: str | None = None,
        since: date | None = None,
        until: date | None = None,
        person: str | int | None = None,
    ) -> list[Feedback]:
        f, ft, p = s.feedback, s.feedback_themes, s.people
        with self._ctx.read() as conn:
            query = (
                select(f, p.c.name)
                .select_from(f.outerjoin(p, p.c.id == f.c.person_id))
                .where(f.c.owner_id == self._ctx.owner_id)
            )
            if theme:
                query = query.where(
                    f.c.id.in_(
                        select(ft.c.feedback_id).where(
                            ft.c.owner_id == self._ctx.owner_id, ft.c.theme == _theme(theme)
                        )
                    )
                )
            if since is not None:
                query = query.where(f.c.received_on >= since)
            if until is not None:
                query = query.where(f.c.received_on <= until)
            if person is not None:
                query = query.where(f.c.person_id == self._people.resolve_in(conn, person).id)
            rows = conn.execute(query.order_by(f.c.received_on.desc(), f.c.id.desc())).all()
            themes = self._themes_of(conn, [r.id for r in rows])
        return [
            Feedback(
                r.kind,
                r.text,
                r.received_on,
                PersonRef(r.person_id, r.name) if r.person_id else None,
                r.context,
                themes.get(r.id, []),
                r.id,
            )
            for r in rows
        ]

    def _themes_of(self, conn: Connection, ids: Sequence[int]) -> dict[int, builtins.list[str]]:
        ft = s.feedback_themes
        out: dict[int, builtins.list[str]] = defaultdict(list)
        if ids:
            for r in conn.execute(
                select(ft.c.feedback_id, ft.c.theme)
                .where(ft.c.owner_id == self._ctx.owner_id, ft.c.feedback_id.in_(list(ids)))
                .order_by(ft.c.theme)
            ):
                out[r.feedback_id].append(r.theme)
        return out

    def themes(
        self, *, today: date | None = None, window_days: int = 90
    ) -> builtins.list[dict[str, Any]]:
        """Per theme: counts by kind, the last ``window_days`` against the window before, and
        the goals on that theme."""
        day = today or self._ctx.today()
        items = [(t, f.kind, f.received_on) for f in self.list() for t in f.themes]
        goals: dict[str, list[Goal]] = defaultdict(list)
        for status in self.goals(include_closed=True, today=day):
            if status.goal.theme:
                goals[status.goal.theme].append(status.goal)
        trends = theme_trends(items, day, window_days=window_days)
        out = []
        for trend in trends:
            out.append(
                {
                    **trend,
                    "goals": [
                        {"id": g.id, "title": g.title, "status": g.status}
                        for g in goals.get(str(trend["theme"]), [])
                    ],
                }
            )
        return out

    # --- requests -------------------------------------------------------------------------

    def ask(
        self, person: str | int, about: str, *, by: date | None = None, asked: bool = False
    ) -> FeedbackRequest:
        """A feedback request: the agenda reminds you to ask, then to follow up."""
        text = required(about, "a feedback request", "about")
        day = self._ctx.today()
        if by is not None and by < day:
            raise InvalidInput("the date to have feedback by is in the past", field="by")
        with self._ctx.write() as conn:
            ref = self._people.resolve_in(conn, person)
            rid = int(
                insert_id(
                    conn,
                    insert(s.feedback_requests).values(
                        owner_id=self._ctx.owner_id,
                        person_id=ref.id,
                        about=text,
                        by_date=by,
                        asked_on=day if asked else None,
                        status="open",
                        created_at=self._ctx.now(),
                    ),
                )
            )
        return FeedbackRequest(rid, ref, text, by, day if asked else None, "open", day)

    def mark_requested(self, request_id: int, *, on: date | None = None) -> FeedbackRequest:
        """You asked: the agenda now waits for the answer and follows up when none came."""
        return self._set_request(request_id, asked_on=on or self._ctx.today())

    def drop_request(self, request_id: int) -> FeedbackRequest:
        return self._set_request(request_id, status="dropped")

    def _set_request(self, request_id: int, **values: Any) -> FeedbackRequest:
        r = s.feedback_requests
        with self._ctx.write() as conn:
            done = conn.execute(
                update(r)
                .where(r.c.owner_id == self._ctx.owner_id, r.c.id == request_id)
                .values(**values)
            ).rowcount
            if not done:
                raise NotFound(f"no feedback request with id {request_id}")
            return self._requests(conn, [request_id])[0]

    def requests(self, *, status: str | None = "open") -> builtins.list[FeedbackRequest]:
        r = s.feedback_requests
        with self._ctx.read() as conn:
            query = select(r.c.id).where(r.c.owner_id == self._ctx.owner_id)
            if status:
                query = query.where(r.c.status == status)
            return self._requests(conn, [x[0] for x in conn.execute(query.order_by(r.c.id))])

    def _requests(self, conn: Connection, ids: Sequence[int]) -> builtins.list[FeedbackRequest]:
        if not ids:
            return []
        r, p = s.feedback_requests, s.people
        rows = conn.execute(
            select(r, p.c.name)
            .join(p, p.c.id == r.c.person_id)
            .where(r.c.owner_id == self._ctx.owner_id, r.c.id.in_(list(ids)))
            .order_by(r.c.id)
        ).all()
        return [
            FeedbackRequest(
                x.id,
                PersonRef(x.person_id, x.name),
                x.about,
                x.by_date,
                x.asked_on,
                x.status,
                x.created_at.date(),
            )
            for x in rows
        ]

    # --- goals ----------------------------------------------------------------------------

    def add_goal(
        self,
        title: str,
        *,
        theme: str | None = None,
        check_in: str | int | None = None,
        until: date | None = None,
    ) -> Goal:
        text = required(title, "a goal", "title")
        days = check_in_days(check_in)
        name = _theme(theme) if theme else None
        with self._ctx.write() as conn:
            gid = int(
                insert_id(
                    conn,
                    insert(s.goals).values(
                        owner_id=self._ctx.owner_id,
                        title=text,
                        theme=name,
                        check_in_days=days,
                        until=until,
                        status="active",
                        created_at=self._ctx.now(),
                    ),
                )
            )
        return Goal(text, name, days, until, "active", gid)

    def resolve_goal_in(self, conn: Connection, ref: str | int) -> Goal:
        g = s.goals
        text = str(ref).strip()
        if not text:
            raise InvalidInput("an empty goal reference")
        mine = g.c.owner_id == self._ctx.owner_id
        digits = text[1:] if text[:1] in "Gg" and text[1:].isdigit() else text
        if digits.isdigit():
            rows = conn.execute(select(g).where(mine, g.c.id == int(digits))).all()
        else:
            key = fold(text)
            every = conn.execute(select(g).where(mine).order_by(g.c.id)).all()
            rows = [r for r in every if fold(r.title) == key] or [
                r for r in every if fold(r.title).startswith(key)
            ]
        if not rows:
            raise NotFound(f"no goal matches {text!r}")
        if len(rows) > 1:
            raise Ambiguous(
                f"{text!r} matches {len(rows)} goals; use an id", [(r.id, r.title) for r in rows]
            )
        r = rows[0]
        return Goal(r.title, r.theme, r.check_in_days, r.until, r.status, r.id)

    def check_in(
        self, ref: str | int, progress: int, note: str | None = None, *, on: date | None = None
    ) -> CheckIn:
        """Record progress (0-100) on a goal; 100 marks it done."""
        if not 0 <= progress <= 100:
            raise InvalidInput("progress is between 0 and 100", field="progress")
        day = on or self._ctx.today()
        with self._ctx.write() as conn:
            goal = self.resolve_goal_in(conn, ref)
            cid = int(
                insert_id(
                    conn,
                    insert(s.goal_checkins).values(
                        owner_id=self._ctx.owner_id,
                        goal_id=goal.id,
                        progress=progress,
                        note=clean_text(note),
                        checked_on=day,
                        created_at=self._ctx.now(),
                    ),
                )
            )
            if progress == 100:
                g = s.goals
                conn.execute(update(g).where(g.c.id == goal.id).values(status="done"))
        return CheckIn(cid, goal.id or 0, progress, clean_text(note), day)

    def set_goal_status(self, ref: str | int, status: str) -> Goal:
        if status not in ("active", "done", "dropped"):
            raise InvalidInput("a goal is active, done or dropped", field="status")
        with self._ctx.write() as conn:
            goal = self.resolve_goal_in(conn, ref)
            g = s.goals
            conn.execute(update(g).where(g.c.id == goal.id).values(status=status))
        goal.status = status
        return goal

    def goals(
        self, *, include_closed: bool = False, today: date | None = None
    ) -> builtins.list[GoalStatus]:
        """Goals with their latest progress, check-ins and when the next one is due."""
        g, c, ft = s.goals, s.goal_checkins, s.feedback_themes
        with self._ctx.read() as conn:
            query = select(g).where(g.c.owner_id == self._ctx.owner_id)
            if not include_closed:
                query = query.where(g.c.status == "active")
            rows = conn.execute(query.order_by(g.c.id)).all()
            checks: dict[int, builtins.list[CheckIn]] = defaultdict(list)
            for r in conn.execute(
                select(c).where(c.c.owner_id == self._ctx.owner_id).order_by(c.c.checked_on, c.c.id)
            ):
                checks[r.goal_id].append(CheckIn(r.id, r.goal_id, r.progress, r.note, r.checked_on))
            per_theme: dict[str, int] = defaultdict(int)
            for r in conn.execute(select(ft.c.theme).where(ft.c.owner_id == self._ctx.owner_id)):
                per_theme[r.theme] += 1
        out = []
        for r in rows:
            goal = Goal(r.title, r.theme, r.check_in_days, r.until, r.status, r.id)
            status = GoalStatus(
                goal,
                r.created_at.date(),
                check_ins=checks.get(r.id, []),
                feedback=per_theme.get(r.theme or "", 0),
            )
            if status.check_ins:
                status.progress = status.check_ins[-1].progress
                status.last_check_in = status.check_ins[-1].checked_on
            if r.check_in_days and r.status == "active":
                start = status.last_check_in or status.created_on
                status.next_check_in = start + timedelta(days=r.check_in_days)
            out.append(status)
        return out


def _theme(value: str) -> str:
    name = " ".join(value.split()).lower()
    if not name:
        raise InvalidInput("an empty theme", field="theme")
    if len(name) > 100:
        raise InvalidInput("a theme is at most 100 characters", field="theme")
    return name


def _themes(values: Sequence[str]) -> list[str]:
    names = list(dict.fromkeys(_theme(v) for raw in values for v in raw.split(",") if v.strip()))
    if len(names) > MAX_THEMES:
        raise InvalidInput(f"at most {MAX_THEMES} themes", field="theme")
    return names
