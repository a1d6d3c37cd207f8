"""Coverage targets: how many people you know by tag, organisation or title, against how
many you want ("someone at each of Acme, Globex and Initech")."""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field

from sqlalchemy import Connection, delete, insert, select

from amity.book.context import BookContext, insert_id, required
from amity.book.network.lookup import people_at_org, people_tagged, people_titled
from amity.errors import InvalidInput, NotFound
from amity.model import PersonRef
from amity.store import schema as s

COVERAGE_KINDS = ("tag", "org", "title")


@dataclass
class CoverageTarget:
    """People matching a selector, or, for a comma-separated list ("Acme, Globex"), one
    group per value: then ``have`` counts the values covered by at least one person."""

    id: int
    name: str
    selector_kind: str
    selector: str
    wanted: int
    people: list[PersonRef] = field(default_factory=list)
    groups: dict[str, list[PersonRef]] = field(default_factory=dict)

    @property
    def have(self) -> int:
        if self.groups:
            return sum(1 for found in self.groups.values() if found)
        return len(self.people)

    @property
    def gap(self) -> int:
        return max(self.wanted - self.have, 0)


def selector_values(selector: str) -> list[str]:
    return [v.strip() for v in selector.split(",") if v.strip()]


class Coverage:
    def __init__(self, ctx: BookContext) -> None:
        self._ctx = ctx

    def add(
        self, name: str, selector_kind: str, selector: str, wanted: int | None = None
    ) -> CoverageTarget:
        """A target: ``wanted`` people by tag, organisation or title; with several values
        ("Acme, Globex, Initech") someone at each, so ``wanted`` defaults to their number."""
        title = required(name, "a coverage target", "name")
        if selector_kind not in COVERAGE_KINDS:
            raise InvalidInput(f"cover by one of {', '.join(COVERAGE_KINDS)}", field="selector")
        values = selector_values(selector)
        if not values:
            raise InvalidInput("a selector needs some text", field="selector")
        value = ", ".join(values)
        if wanted is None:
            wanted = len(values)
        if wanted < 1:
            raise InvalidInput("want at least 1 person", field="want")
        with self._ctx.write() as conn:
            cid = insert_id(
                conn,
                insert(s.coverage_targets).values(
                    owner_id=self._ctx.owner_id,
                    name=title,
                    selector_kind=selector_kind,
                    selector=value,
                    wanted=wanted,
                    created_at=self._ctx.now(),
                ),
            )
        return CoverageTarget(int(cid), title, selector_kind, value, wanted)

    def remove(self, target_id: int) -> None:
        t = s.coverage_targets
        with self._ctx.write() as conn:
            gone = conn.execute(
                delete(t).where(t.c.owner_id == self._ctx.owner_id, t.c.id == target_id)
            ).rowcount
        if not gone:
            raise NotFound(f"no coverage target with id {target_id}")

    def _matching(self, conn: Connection, kind: str, value: str) -> builtins.list[PersonRef]:
        finder = {"tag": people_tagged, "org": people_at_org}.get(kind, people_titled)
        return finder(conn, self._ctx.owner_id, value)

    def list(self) -> builtins.list[CoverageTarget]:
        """Each target with the people in your network who meet it."""
        t = s.coverage_targets
        with self._ctx.read() as conn:
            targets = [
                CoverageTarget(r.id, r.name, r.selector_kind, r.selector, r.wanted)
                for r in conn.execute(
                    select(t).where(t.c.owner_id == self._ctx.owner_id).order_by(t.c.id)
                )
            ]
            for target in targets:
                values = selector_values(target.selector)
                if len(values) > 1:
                    target.groups = {
                        v: self._matching(conn, target.selector_kind, v) for v in values
                    }
                    target.people = list(
                        dict.fromkeys(ref for found in target.groups.values() for ref in found)
                    )
                else:
                    target.people = self._matching(conn, target.selector_kind, target.selector)
        return targets


__all__ = ["COVERAGE_KINDS", "Coverage", "CoverageTarget", "selector_values"]
