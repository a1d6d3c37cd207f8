"""The weekly review counts touches in SQL (issue 14: aggregates, not a year of rows in
Python): on both databases, in a time zone far from UTC, its drifting counts and named
relationships are those the touches give when counted in Python, for a week and a month."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from amity.book import Book, InteractionInput, PersonInput
from amity.book.review_health import load_health
from amity.rules.dates import local_date, time_zone
from amity.rules.health import Touch
from amity.rules.review import PERIOD_DAYS, build_review, judged_days
from amity.store import schema as s
from tests.conftest import Clock


@pytest.mark.parametrize("kind", ["week", "month"])
def test_counted_in_sql_as_in_python(book: Book, clock: Clock, kind: str) -> None:
    book.settings.set("timezone", "Pacific/Auckland")
    rng = random.Random(11)
    long_ago = (clock() - timedelta(days=700)).date()
    people = [book.people.add(PersonInput(name=f"Person {n}", met_on=long_ago, circle=rng.choice(
        [None, "close", "network"]))).id for n in range(40)]  # fmt: skip
    now = clock()
    for _ in range(400):  # around local midnights too: the day bounds matter
        at = now - timedelta(days=rng.randint(0, 500), hours=rng.randint(0, 23),
                             minutes=rng.choice((0, 1, 59)))  # fmt: skip
        book.interactions.log(InteractionInput(
            people=rng.sample(people, rng.randint(1, 2)), kind="call",
            direction=rng.choice(("outbound", "inbound", "mutual")), occurred_at=at))  # fmt: skip
    day = book.today()
    reviews = book.reviews
    with book.ctx.read() as conn:
        tz = time_zone(book.settings.get("timezone"))
        first = day - timedelta(days=2 * PERIOD_DAYS[kind] - 1)
        history = datetime.combine(first - timedelta(days=400), time(0), tzinfo=tz)
        inputs = replace(reviews._inputs(conn, day, PERIOD_DAYS[kind], tz),  # type: ignore[attr-defined]
                         health=load_health(conn, book.ctx.owner_id, tz, judged_days(day, kind),
                                            history))  # fmt: skip
        ip = s.interaction_participants
        touches: dict[int, list[Touch]] = defaultdict(list)
        for r in conn.execute(select(ip.c.person_id, ip.c.occurred_at, ip.c.direction).where(
                ip.c.owner_id == book.ctx.owner_id, ip.c.status == "done")):  # fmt: skip
            touches[r.person_id].append(Touch(local_date(r.occurred_at, tz), r.direction))
    in_python = replace(inputs, health=[replace(h, counts=None, touches=touches[h.person.id])
                                        for h in inputs.health])  # fmt: skip
    sql, python = build_review(inputs, day, kind), build_review(in_python, day, kind)
    assert sql == python
    assert (sql.drifting.current or 0) + (sql.drifting.previous or 0) > 0  # judged some
    assert book.reviews.review(kind) == sql  # the kept judgements (rules.review.falls) agree
