"""Circles: groups of people with a default stay-in-touch cadence and a weight in the agenda."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select, update

from amity.book.context import BookContext
from amity.errors import InvalidInput
from amity.rules.normalize import NormalizeError, parse_cadence
from amity.store import schema as s

MAX_WEIGHT = 100.0


class Circles:
    def __init__(self, ctx: BookContext) -> None:
        self._ctx = ctx

    def list(self) -> list[dict[str, Any]]:
        """Each circle with its cadence (days, None: no reminders), weight and people count."""
        c, p = s.circles, s.people
        with self._ctx.read() as conn:
            rows = conn.execute(
                select(
                    c.c.id,
                    c.c.name,
                    c.c.cadence_days,
                    c.c.weight,
                    func.count(p.c.id).label("people"),
                )
                .select_from(c.outerjoin(p, (p.c.circle_id == c.c.id) & p.c.archived_at.is_(None)))
                .where(c.c.owner_id == self._ctx.owner_id)
                .group_by(c.c.id, c.c.name, c.c.cadence_days, c.c.weight, c.c.position)
                .order_by(c.c.position, c.c.name)
            )
            return [dict(r._mapping) for r in rows]

    def set(
        self,
        name: str,
        *,
        every: str | None = None,
        weight: float | None = None,
        create: bool = False,
    ) -> dict[str, Any]:
        """Change a circle's default cadence (``30d``, ``6w``, ``never``) and/or weight.

        With ``create``, a circle that does not exist yet is added (last in the list).
        """
        label = " ".join(name.replace("\x00", "").split())
        try:
            label.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidInput("a circle name is not valid text", field="name") from None
        if not label or len(label) > 100:
            raise InvalidInput("a circle name has 1 to 100 characters", field="name")
        if every is None and weight is None and not create:
            raise InvalidInput("give --every and/or --weight", field="every")
        values: dict[str, Any] = {}
        if every is not None:
            try:
                days = parse_cadence(every)
            except NormalizeError as exc:
                raise InvalidInput(str(exc), field="every") from None
            values["cadence_days"] = days or None  # never: no default cadence
        if weight is not None:
            if not 0 < weight <= MAX_WEIGHT:
                raise InvalidInput(
                    f"a weight is above 0 and at most {MAX_WEIGHT:g}", field="weight"
                )
            values["weight"] = float(weight)
        c = s.circles
        owner = self._ctx.owner_id
        with self._ctx.write() as conn:
            row = conn.execute(
                select(c.c.id).where(c.c.owner_id == owner, func.lower(c.c.name) == label.lower())
            ).first()
            if row is None:
                if not create:
                    names = (
                        conn.execute(
                            select(c.c.name).where(c.c.owner_id == owner).order_by(c.c.position)
                        )
                        .scalars()
                        .all()
                    )
                    raise InvalidInput(
                        f"no circle {label!r} (circles: {', '.join(names)}); --new adds it",
                        field="name",
                    )
                last = conn.execute(
                    select(func.max(c.c.position)).where(c.c.owner_id == owner)
                ).scalar()
                conn.execute(
                    insert(c).values(owner_id=owner, name=label, position=(last or 0) + 1, **values)
                )
            elif values:
                conn.execute(
                    update(c).where(c.c.owner_id == owner, c.c.id == row.id).values(**values)
                )
        return next(x for x in self.list() if x["name"].lower() == label.lower())
