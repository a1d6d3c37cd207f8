"""Checking an edit before the first write: each kind turns the changes a door sent into
column values and the steps to run after the update (participants, themes...)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from amity.book.context import BookContext
from amity.book.people import People
from amity.book.people.input import partial_date
from amity.errors import Conflict, InvalidInput
from amity.model import DATE_KINDS, FACT_KINDS
from amity.model.types import (
    COMMITMENT_DIRECTIONS,
    COMMITMENT_STATUSES,
    DIRECTIONS,
    EVENT_KINDS,
    FEEDBACK_KINDS,
    INTERACTION_KINDS,
)
from amity.rules.agenda import supported_day
from amity.rules.text import clean_text
from amity.store import schema as s

Step = Callable[[Connection], None]
MAX_TEXT = 2000  # promises and follow-ups, as when they are added
MAX_ARTICLE_TEXT = 1_000_000
GOAL_STATUSES = ("active", "done", "dropped")


@dataclass
class Plan:
    values: dict[str, Any] = field(default_factory=dict)
    after: list[Step] = field(default_factory=list)


def prepare(
    conn: Connection,
    ctx: BookContext,
    people: People,
    kind: str,
    row: Any,
    changes: Mapping[str, Any],
) -> Plan:
    checks: dict[str, Callable[[Checking], Plan]] = {
        "interaction": _interaction,
        "fact": _fact,
        "question": _question,
        "date": _date,
        "promise": _promise,
        "follow_up": _follow_up,
        "event": _event,
        "relationship": _relationship,
        "article": _article,
        "goal": _goal,
        "feedback": _feedback,
    }
    return checks[kind](Checking(conn, ctx, people, row, changes))


@dataclass
class Checking:
    """One edit being checked: the stored row and the changes, with typed readers."""

    conn: Connection
    ctx: BookContext
    people: People
    row: Any
    changes: Mapping[str, Any]

    def has(self, name: str) -> bool:
        return name in self.changes

    def text(self, name: str, *, limit: int | None = None, optional: bool = True) -> str | None:
        value = self.changes[name]
        if value is not None and not isinstance(value, str):
            raise InvalidInput(f"{name} is text", field=name)
        text = clean_text(value)
        if text is None and not optional:
            raise InvalidInput(f"{name} needs some text", field=name)
        if text is not None and limit is not None and len(text) > limit:
            raise InvalidInput(f"{name} is at most {limit} characters", field=name)
        return text

    def required(self, name: str, *, limit: int | None = None) -> str:
        text = self.text(name, limit=limit, optional=False)
        assert text is not None
        return text

    def choice(self, name: str, allowed: Sequence[str]) -> str:
        value = self.changes[name]
        key = str(value or "").strip().lower().replace("-", "_")
        if key not in allowed:
            raise InvalidInput(f"{name} is one of {', '.join(allowed)}, not {value!r}", field=name)
        return key

    def day(self, name: str, *, optional: bool = True) -> date | None:
        value = self.changes[name]
        if value is None or value == "":
            if not optional:
                raise InvalidInput(f"{name} needs a date", field=name)
            return None
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value.strip())
            except ValueError:
                raise InvalidInput(f"{value!r} is not a date like 2026-04-15", field=name) from None
        if isinstance(value, datetime) or not isinstance(value, date):
            raise InvalidInput(f"{name} is a date", field=name)
        if not supported_day(value):
            raise InvalidInput(f"{value.isoformat()} is out of range", field=name)
        return value

    def person_id(self, name: str, *, optional: bool = False) -> int | None:
        value = self.changes[name]
        if value is None or value == "":
            if optional:
                return None
            raise InvalidInput(f"{name} names a person", field=name)
        return self.people.resolve_in(self.conn, value).id

    def after(self, name: str) -> Any:
        """The value a field will have: the change, else what is stored."""
        return self.changes[name] if name in self.changes else getattr(self.row, name)


def _set_texts(c: Checking, plan: Plan, limits: Mapping[str, int | None]) -> None:
    for name, limit in limits.items():
        if c.has(name):
            plan.values[name] = c.text(name, limit=limit)


# --- interactions ---------------------------------------------------------------------------


def _interaction(c: Checking) -> Plan:
    plan = Plan()
    if c.has("kind"):
        plan.values["kind"] = c.choice("kind", INTERACTION_KINDS)
    if c.has("direction"):
        plan.values["direction"] = c.choice("direction", DIRECTIONS)
    if c.has("needs_reply"):
        if not isinstance(c.changes["needs_reply"], bool):
            raise InvalidInput("needs_reply is true or false", field="needs_reply")
        plan.values["needs_reply"] = c.changes["needs_reply"]
    direction = plan.values.get("direction", c.row.direction)
    if plan.values.get("needs_reply", c.row.needs_reply) and direction != "inbound":
        raise InvalidInput("only an inbound message can await your reply", field="needs_reply")
    now = c.ctx.now()
    if c.has("occurred_at"):
        when = c.changes["occurred_at"]
        if not isinstance(when, datetime) or when.tzinfo is None:
            raise InvalidInput("occurred_at is a time with its zone", field="occurred_at")
        plan.values["occurred_at"] = when
        plan.values["status"] = "planned" if when > now else "done"
    _set_texts(c, plan, {"subject": None, "notes": None, "location": None, "channel": 50})
    new_people: list[int] | None = None
    if c.has("people"):
        refs = c.changes["people"]
        if isinstance(refs, (str, int)) or not refs:
            raise InvalidInput("an interaction has at least one person", field="people")
        new_people = list(dict.fromkeys(c.people.resolve_in(c.conn, r).id for r in refs))
    owner, interaction_id = c.ctx.owner_id, c.row.id
    ip = s.interaction_participants

    def participants(conn: Connection) -> None:
        before = [
            r[0]
            for r in conn.execute(
                select(ip.c.person_id).where(
                    ip.c.owner_id == owner, ip.c.interaction_id == interaction_id
                )
            )
        ]
        i = s.interactions
        row = conn.execute(
            select(i.c.occurred_at, i.c.direction, i.c.status).where(i.c.id == interaction_id)
        ).one()
        if new_people is not None:
            conn.execute(
                delete(ip).where(ip.c.owner_id == owner, ip.c.interaction_id == interaction_id)
            )
            conn.execute(
                insert(ip),
                [
                    {
                        "owner_id": owner,
                        "interaction_id": interaction_id,
                        "person_id": pid,
                        "occurred_at": row.occurred_at,
                        "direction": row.direction,
                        "status": row.status,
                    }
                    for pid in new_people
                ],
            )
        else:
            conn.execute(
                update(ip)
                .where(ip.c.owner_id == owner, ip.c.interaction_id == interaction_id)
                .values(occurred_at=row.occurred_at, direction=row.direction, status=row.status)
            )
        recompute_last_contact(conn, owner, sorted(set(before) | set(new_people or [])))

    plan.after.append(participants)
    return plan


def recompute_last_contact(conn: Connection, owner_id: int, person_ids: Sequence[int]) -> None:
    """``people.last_interaction_at`` from the done interactions that remain."""
    if not person_ids:
        return
    ip, p = s.interaction_participants, s.people
    latest = (
        select(func.max(ip.c.occurred_at))
        .where(ip.c.person_id == p.c.id, ip.c.status == "done")
        .scalar_subquery()
    )
    conn.execute(
        update(p)
        .where(p.c.owner_id == owner_id, p.c.id.in_(list(person_ids)))
        .values(last_interaction_at=latest)
    )


# --- what hangs on a person -----------------------------------------------------------------


def _fact(c: Checking) -> Plan:
    plan = Plan()
    if c.has("kind"):
        plan.values["kind"] = c.choice("kind", FACT_KINDS)
    if c.has("text"):
        plan.values["text"] = c.required("text")
    if c.has("happened_on"):
        plan.values["happened_on"] = c.day("happened_on")
    return plan


def _question(c: Checking) -> Plan:
    plan = Plan()
    if c.has("text"):
        plan.values["text"] = c.required("text")
    _set_texts(c, plan, {"answer": None})
    return plan


def _date(c: Checking) -> Plan:
    plan = Plan()
    if c.has("kind"):
        plan.values["kind"] = c.choice("kind", DATE_KINDS)
    if c.has("when"):
        value = c.changes["when"]
        if value is None or (isinstance(value, str) and not value.strip()):
            raise InvalidInput("a date needs a day and a month", field="when")
        try:
            when = partial_date(value)
        except InvalidInput as exc:
            raise InvalidInput(str(exc), field="when") from None
        plan.values.update(year=when.year, month=when.month, day=when.day)
    _set_texts(c, plan, {"label": 200})
    return plan


def _promise(c: Checking) -> Plan:
    plan = Plan()
    if c.has("text"):
        plan.values["text"] = c.required("text", limit=MAX_TEXT)
    if c.has("direction"):
        plan.values["direction"] = c.choice("direction", COMMITMENT_DIRECTIONS)
    if c.has("due_on"):
        plan.values["due_on"] = c.day("due_on")
    if c.has("person"):
        plan.values["person_id"] = c.person_id("person")
    if c.has("status"):
        status = c.choice("status", COMMITMENT_STATUSES)
        plan.values["status"] = status
        if status != c.row.status:
            plan.values["done_at"] = c.ctx.now() if status == "done" else None
    return plan


def _follow_up(c: Checking) -> Plan:
    plan = Plan()
    if c.has("text"):
        plan.values["text"] = c.required("text", limit=MAX_TEXT)
    if c.has("due_on"):
        plan.values["due_on"] = c.day("due_on", optional=False)
    if c.has("person"):
        plan.values["person_id"] = c.person_id("person")
    return plan


# --- the network ----------------------------------------------------------------------------


def _event(c: Checking) -> Plan:
    plan = Plan()
    if c.has("name"):
        plan.values["name"] = c.required("name", limit=300)
    if c.has("kind"):
        plan.values["kind"] = c.choice("kind", EVENT_KINDS)
    for name in ("starts_on", "ends_on"):
        if c.has(name):
            plan.values[name] = c.day(name)
    starts = plan.values.get("starts_on", c.row.starts_on)
    ends = plan.values.get("ends_on", c.row.ends_on)
    if starts and ends and ends < starts:
        raise InvalidInput("an event cannot end before it starts", field="ends_on")
    _set_texts(c, plan, {"location": 300, "url": 2000, "notes": None})
    return plan


def _relationship(c: Checking) -> Plan:
    from amity.book.network.relationships import RELATIONSHIP_KINDS

    plan = Plan()
    if c.has("kind"):
        plan.values["kind"] = c.choice("kind", RELATIONSHIP_KINDS)
    _set_texts(c, plan, {"note": None})
    return plan


def _article(c: Checking) -> Plan:
    from amity.book.articles import _clean_topics

    plan = Plan()
    if c.has("url"):
        link = c.required("url", limit=2000)
        if any(ch.isspace() for ch in link):
            raise InvalidInput("an article needs a URL without spaces", field="url")
        a = s.articles
        clash = c.conn.execute(
            select(a.c.id).where(
                a.c.owner_id == c.ctx.owner_id, a.c.url == link, a.c.id != c.row.id
            )
        ).scalar()
        if clash is not None:
            raise Conflict(f"{link} is already in your library as article {clash}", id=int(clash))
        plan.values["url"] = link
    _set_texts(c, plan, {"title": None, "text": MAX_ARTICLE_TEXT})
    if c.has("topics"):
        topics = c.changes["topics"]
        if isinstance(topics, str):
            topics = [topics]
        plan.values["topics"] = ", ".join(_clean_topics(list(topics or []))) or None
    return plan


# --- growth ---------------------------------------------------------------------------------


def _goal(c: Checking) -> Plan:
    from amity.book.feedback import _theme, check_in_days

    plan = Plan()
    if c.has("title"):
        plan.values["title"] = c.required("title")
    if c.has("theme"):
        theme = c.text("theme")
        plan.values["theme"] = _theme(theme) if theme else None
    if c.has("check_in_days"):
        plan.values["check_in_days"] = check_in_days(c.changes["check_in_days"])
    if c.has("until"):
        plan.values["until"] = c.day("until")
    if c.has("status"):
        plan.values["status"] = c.choice("status", GOAL_STATUSES)
    return plan


def _feedback(c: Checking) -> Plan:
    from amity.book.feedback import _themes

    plan = Plan()
    if c.has("kind"):
        plan.values["kind"] = c.choice("kind", FEEDBACK_KINDS)
    if c.has("text"):
        plan.values["text"] = c.required("text")
    _set_texts(c, plan, {"context": None})
    if c.has("received_on"):
        plan.values["received_on"] = c.day("received_on", optional=False)
    if c.has("person"):
        plan.values["person_id"] = c.person_id("person", optional=True)
    if c.has("themes"):
        raw = c.changes["themes"]
        names = _themes([raw] if isinstance(raw, str) else list(raw or []))
        owner, feedback_id = c.ctx.owner_id, c.row.id

        def themes(conn: Connection) -> None:
            ft = s.feedback_themes
            conn.execute(delete(ft).where(ft.c.owner_id == owner, ft.c.feedback_id == feedback_id))
            if names:
                conn.execute(
                    insert(ft),
                    [{"owner_id": owner, "feedback_id": feedback_id, "theme": t} for t in names],
                )

        plan.after.append(themes)
    return plan
