"""The demo's ties: promises both ways, follow-ups, relationships, introductions, articles and
shares, exchanges, feedback with requests, improvement goals with check-ins, coverage."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from itertools import accumulate

from amity.demo import words as D
from amity.demo.drafting import Drafting, DraftPerson, at


class TiesDrafts(Drafting):
    def _active_people(self) -> tuple[list[DraftPerson], list[float]]:
        active = [p for p in self.people if p.interactions]
        return active, list(accumulate(len(p.interactions) ** 0.7 for p in active))

    def _commitments(self) -> None:
        rng = self.rng
        active, cum = self._active_people()
        if not active:
            return
        for p in rng.choices(active, cum_weights=cum, k=round(self.n * self.years * 0.12) + 4):
            when, iid = rng.choice(p.interactions)
            self._commitment(p, when, iid, rng.random() < 0.55)
        # what today looks like: promises open both ways, due soon and already late
        recent = sorted(active, key=lambda p: p.interactions[-1][0], reverse=True)[:4]
        for n, p in enumerate(recent):
            when, iid = p.interactions[-1]
            due = self.today + timedelta(days=(3, -4, 5, -2)[n])
            self._commitment(p, when, iid, n < 2, due=due, forced_open=True)

    def _commitment(
        self,
        p: DraftPerson,
        when: datetime,
        iid: int,
        mine: bool,
        *,
        due: date | None = None,
        forced_open: bool = False,
    ) -> None:
        rng = self.rng
        due = due or when.date() + timedelta(days=rng.randint(2, 21))
        status, done_at = "open", None
        if not forced_open:
            status, done_at = self._commitment_outcome(when, due)
        self._add(
            "commitments",
            {
                "person_id": p.id,
                "direction": "mine" if mine else "theirs",
                "text": self._fill(
                    rng.choice(D.COMMITMENTS_MINE if mine else D.COMMITMENTS_THEIRS), p
                ),
                "due_on": due if rng.random() < 0.9 or forced_open else None,
                "status": status,
                "created_at": when,
                "done_at": done_at,
                "interaction_id": iid,
            },
        )

    def _commitment_outcome(self, when: datetime, due: date) -> tuple[str, datetime | None]:
        """Kept on time, kept late, dropped, or still open; old promises are rarely open."""
        rng = self.rng
        roll = rng.random()
        if due >= self.today:
            return ("done", self._moment(when)) if roll < 0.3 else ("open", None)
        if roll < 0.62:
            return "done", self._moment(when, min(self.now, at(due, 20)))
        if roll < 0.87:
            late = at(due + timedelta(days=rng.randint(1, 15)), rng.randint(8, 19))
            if late < self.now:
                return "done", late
            return "open", None
        open_chance = 0.5 if due > self.today - timedelta(days=60) else 0.1
        return ("open", None) if rng.random() < open_chance else ("dropped", None)

    def _follow_ups(self) -> None:
        rng = self.rng
        by_event = {e["id"]: e for e in self.events}
        for p in self.people:
            if p.event_id is None:
                continue
            event = by_event[p.event_id]
            due = event["starts_on"] + timedelta(days=2)
            first_after = next(
                (t for t, _ in p.interactions if t.date() > event["starts_on"]), None
            )
            if first_after is not None and first_after.date() <= due + timedelta(days=20):
                done_at: datetime | None = first_after
            elif due < self.today - timedelta(days=45) and rng.random() < 0.97:
                done_at = at(due + timedelta(days=rng.randint(1, 10)), 10)
            else:
                done_at = None
            self._add(
                "follow_ups",
                {
                    "person_id": p.id,
                    "text": rng.choice(D.FOLLOW_UPS).format(event=event["name"]),
                    "due_on": due,
                    "created_at": at(event["starts_on"], 21),
                    "done_at": done_at,
                },
            )

    def _relationships(self) -> None:
        rng = self.rng
        by_org: dict[str, list[DraftPerson]] = defaultdict(list)
        for p in self.people:
            if p.org:
                by_org[p.org].append(p)
        pairs: list[tuple[DraftPerson, DraftPerson, str]] = []
        for members in by_org.values():
            if len(members) >= 2 and rng.random() < 0.5:
                a, b = rng.sample(members, 2)
                pairs.append((a, b, rng.choice(("colleague", "colleague", "manager"))))
        for _ in range(self.n // 40 + 2):
            a, b = rng.sample(self.people, 2)
            pairs.append((a, b, rng.choice(("friend", "spouse", "partner", "mentor", "sibling"))))
        for a, b, kind in pairs[: self.n // 10 + 3]:
            self._add(
                "relationships",
                {
                    "person_a_id": a.id,
                    "person_b_id": b.id,
                    "kind": kind,
                    "note": None,
                    "name_hint": None,
                    "created_at": max(a.met_at, b.met_at, self.start),
                },
            )

    def _introductions(self) -> None:
        rng = self.rng
        pool = [p for p in self.people if p.circle in ("close", "network", "inner")] or self.people
        for n in range(self.n // 40 + 3):
            a, b = rng.sample(pool, 2) if len(pool) >= 2 else rng.sample(self.people, 2)
            since = max(a.met_at, b.met_at, self.start)
            by = None
            if n % 2 == 1:
                by = rng.choice(self.people)
                if by.id in (a.id, b.id):
                    by = None
            self._add(
                "introductions",
                {
                    "person_a_id": a.id,
                    "person_b_id": b.id,
                    "introduced_by_id": by.id if by else None,
                    "occurred_on": self._moment(since).date(),
                    "note": self._fill("Both work on {topic}."),
                    "outcome": rng.choice(
                        ("They started working together", "Had coffee", "No reply yet", None)
                    ),
                    "created_at": self._moment(since),
                },
            )

    def _articles_and_shares(self) -> None:
        rng = self.rng
        articles = []
        for url, title, topics in D.ARTICLES:
            created = self._moment(self.start)
            articles.append(
                (
                    self._add(
                        "articles",
                        {
                            "url": url,
                            "title": title,
                            "text": None,
                            "topics": topics,
                            "created_at": created,
                        },
                    ),
                    created,
                )
            )
        self.article_ids = [a for a, _ in articles]
        taken: set[tuple[int, int]] = set()
        for _ in range(self.n // 12 + 6):
            article, created = rng.choice(articles)
            person = rng.choice(self.people)
            if (article, person.id) in taken:
                continue
            taken.add((article, person.id))
            self._add(
                "shares",
                {
                    "article_id": article,
                    "person_id": person.id,
                    "shared_at": self._moment(max(created, person.met_at)),
                    "interaction_id": None,
                },
            )

    def _exchanges(self) -> None:
        rng = self.rng
        active, cum = self._active_people()
        if not active:
            return
        kinds = tuple(D.EXCHANGE_TEXTS)
        for n, p in enumerate(
            rng.choices(active, cum_weights=cum, k=round(self.n * self.years * 0.04) + 10)
        ):
            when, iid = rng.choice(p.interactions)
            kind = kinds[n % len(kinds)] if n < len(kinds) else rng.choice(kinds)
            self._add(
                "exchanges",
                {
                    "person_id": p.id,
                    "direction": rng.choice(("given", "given", "received")),
                    "kind": kind,
                    "text": self._fill(D.EXCHANGE_TEXTS[kind], p),
                    "occurred_on": when.date(),
                    "interaction_id": iid,
                    "article_id": rng.choice(self.article_ids) if kind == "article" else None,
                    "created_at": when,
                },
            )

    # feedback and improvement --------------------------------------------------------------

    def _feedback(self) -> None:
        rng = self.rng
        givers = [
            p for p in self.people if p.circle in ("inner", "close", "network")
        ] or self.people
        requests = []
        for n in range(self.years * 2 + 3):
            p = rng.choice(givers)
            asked = self._day(max(p.met_at, self.start).date(), self.today - timedelta(days=1))
            status = "open" if n < 2 else rng.choice(("received", "received", "dropped"))
            requests.append(
                (
                    self._add(
                        "feedback_requests",
                        {
                            "person_id": p.id,
                            "about": rng.choice(D.FEEDBACK_CONTEXTS),
                            "asked_on": asked,
                            "by_date": asked + timedelta(days=14),
                            "status": status,
                            "created_at": at(asked, 9),
                        },
                    ),
                    p,
                    asked,
                    status,
                )
            )
        for request_id, p, asked, status in requests:
            if status == "received":
                self._one_feedback(p, asked + timedelta(days=rng.randint(1, 10)), request_id)
        for _ in range(self.years * 14 + 4):
            giver = rng.choice(givers) if rng.random() < 0.9 else None
            since = max(giver.met_at, self.start).date() if giver else self.start.date()
            self._one_feedback(giver, self._day(since, self.today), None)

    def _one_feedback(self, p: DraftPerson | None, day: date, request_id: int | None) -> None:
        rng = self.rng
        day = min(day, self.today)
        kind = "positive" if rng.random() < 0.6 else "constructive"
        feedback_id = self._add(
            "feedback",
            {
                "person_id": p.id if p else None,
                "kind": kind,
                "context": rng.choice(D.FEEDBACK_CONTEXTS),
                "text": rng.choice(D.FEEDBACK_TEXTS[kind]),
                "received_on": day,
                "request_id": request_id,
                "created_at": min(at(day, 18), self.now),
            },
        )
        for theme in dict.fromkeys(rng.choices(D.FEEDBACK_THEMES, k=rng.randint(1, 2))):
            self.rows["feedback_themes"].append({"feedback_id": feedback_id, "theme": theme})

    def _goals(self) -> None:
        rng = self.rng
        for n, (title, theme, every) in enumerate(D.IMPROVEMENT_GOALS):
            created = self._moment(self.start, self.now - timedelta(days=60))
            done = n == len(D.IMPROVEMENT_GOALS) - 1
            goal_id = self._add(
                "goals",
                {
                    "title": title,
                    "theme": theme,
                    "check_in_days": every,
                    "until": (self.today + timedelta(days=90)) if not done else None,
                    "status": "done" if done else "active",
                    "created_at": created,
                },
            )
            day, progress = created.date() + timedelta(days=every), rng.randint(5, 20)
            last_day = self.today - timedelta(days=rng.randint(0, every + 3))
            while day <= last_day:
                progress = max(0, min(100, progress + rng.randint(-6, 12)))
                self._add(
                    "goal_checkins",
                    {
                        "goal_id": goal_id,
                        "progress": progress,
                        "note": rng.choice(D.CHECKIN_NOTES),
                        "checked_on": day,
                        "created_at": min(at(day, 21), self.now),
                    },
                )
                day += timedelta(days=every)
                if done and progress >= 100:
                    break

    def _coverage(self) -> None:
        for name, kind, selector, wanted in (
            ("Investors", "tag", "investor", 10),
            ("Engineering leaders", "title", "CTO", 5),
            ("Climate network", "tag", "climate", 8),
        ):
            self._add(
                "coverage_targets",
                {
                    "name": name,
                    "selector_kind": kind,
                    "selector": selector,
                    "wanted": wanted,
                    "created_at": self.start,
                },
            )
