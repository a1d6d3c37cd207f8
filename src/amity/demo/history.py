"""The demo's history: interactions of every kind with a realistic skew, replies awaited and
given, events' attendance; denormalised columns computed here, as the Book would keep them."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import accumulate

from amity.demo import words as D
from amity.demo.drafting import (
    SPOKEN_DIRECTION_CUM,
    WRITTEN_DIRECTION_CUM,
    Drafting,
    DraftInteraction,
    DraftPerson,
    at,
)

INTERACTIONS_PER_PERSON_YEAR = 4.0
KIND_WEIGHTS = {  # meeting, call, video, email, message, social, event, other
    "inner": (20, 20, 10, 10, 30, 4, 1, 5),
    "close": (20, 15, 15, 20, 20, 5, 1, 4),
    "network": (15, 8, 20, 30, 10, 12, 2, 3),
    "acquaintance": (8, 4, 10, 35, 10, 25, 5, 3),
}
KINDS = ("meeting", "call", "video", "email", "message", "social", "event", "other")


class HistoryDrafts(Drafting):
    def _interactions(self) -> None:
        people = self.people
        total = round(self.n * self.years * INTERACTIONS_PER_PERSON_YEAR)
        cum = list(accumulate(p.weight for p in people))
        kind_cum = {c: list(accumulate(w)) for c, w in KIND_WEIGHTS.items()}
        drafts: list[DraftInteraction] = []
        thread = 0
        for _ in range(total):
            p = self._weighted(people, cum)
            when = self._moment(max(self.start, p.met_at))
            kind = self._weighted(KINDS, kind_cum[p.circle])
            draft = self._interaction(p, kind, when, cum)
            if draft.needs_reply and kind == "email":
                thread += 1
                draft.thread_key = f"demo-thread-{thread}"
            drafts.append(draft)
            if draft.needs_reply:
                reply = self._reply(draft)
                if reply:
                    drafts.append(reply)
        drafts += self._event_interactions()
        drafts.sort(key=lambda d: d.occurred_at)
        self._interaction_rows(drafts)

    def _interaction(
        self, p: DraftPerson, kind: str, when: datetime, cum: list[float]
    ) -> DraftInteraction:
        random_ = self.rng.random
        if kind in ("email", "message", "social"):
            direction = self._weighted(("inbound", "outbound", "mutual"), WRITTEN_DIRECTION_CUM)
        else:
            direction = self._weighted(("mutual", "outbound", "inbound"), SPOKEN_DIRECTION_CUM)
        people = [p.id]
        if kind in ("meeting", "video") and random_() < 0.12:
            for _ in range(1 + int(random_() * 3)):
                other = self._weighted(self.people, cum)
                if other.met_at <= when and other.id not in people:
                    people.append(other.id)
        subject = self._fill(self._pick(D.SUBJECTS[kind]), p) or None
        notes = self._fill(self._pick(D.NOTE_TEMPLATES), p) if random_() < 0.7 else None
        channels = D.CHANNELS.get(kind)
        location = None
        if kind == "meeting" and random_() < 0.5:
            location = self._pick(p.country.cities)[0]
        return DraftInteraction(
            occurred_at=when,
            kind=kind,
            direction=direction,
            people=people,
            subject=subject,
            notes=notes,
            channel=self._pick(channels) if channels else None,
            needs_reply=direction == "inbound"
            and kind in ("email", "message")
            and random_() < 0.35,
            location=location,
        )

    def _reply(self, inbound: DraftInteraction) -> DraftInteraction | None:
        """Most messages get an answer, after hours or days; recent ones are often still waiting."""
        rng = self.rng
        recent = inbound.occurred_at > self.now - timedelta(days=10)
        if rng.random() >= (0.4 if recent else 0.93):
            return None
        delay = timedelta(hours=min(24 * 20, rng.lognormvariate(math.log(6), 1.3)))
        at = inbound.occurred_at + delay
        if at >= self.now:
            return None
        subject = inbound.subject
        if subject and inbound.kind == "email" and not subject.startswith("Re:"):
            subject = "Re: " + subject
        return DraftInteraction(
            occurred_at=at.replace(microsecond=0),
            kind=inbound.kind,
            direction="outbound",
            people=list(inbound.people),
            subject=subject,
            notes=rng.choice(
                (None, "Answered.", "Replied with the details.", "Said yes; will follow up.")
            ),
            thread_key=inbound.thread_key,
            channel=inbound.channel,
        )

    def _event_interactions(self) -> list[DraftInteraction]:
        out = []
        for event in self.events:
            met = event["attendees"][:10]
            if not met:
                continue
            out.append(
                DraftInteraction(
                    occurred_at=at(event["starts_on"], 17),
                    kind="event",
                    direction="mutual",
                    people=list(met),
                    subject=f"At {event['name']}",
                    notes=self._fill("Met at the event. {detail}"),
                    location=event["city"],
                    event_id=event["id"],
                )
            )
        return out

    def _interaction_rows(self, drafts: list[DraftInteraction]) -> None:
        mark_replies(drafts)
        by_id = {p.id: p for p in self.people}
        last: dict[int, datetime] = {}
        for draft in drafts:
            iid = self._add(
                "interactions",
                {
                    "kind": draft.kind,
                    "direction": draft.direction,
                    "occurred_at": draft.occurred_at,
                    "ends_at": None,
                    "status": "done",
                    "subject": draft.subject,
                    "notes": draft.notes,
                    "location": draft.location,
                    "channel": draft.channel,
                    "thread_key": draft.thread_key,
                    "needs_reply": draft.needs_reply,
                    "replied_at": draft.replied_at,
                    "event_id": draft.event_id,
                    "source": "demo",
                    "source_ref": None,
                    "created_at": draft.occurred_at,
                },
            )
            for person_id in draft.people:
                self.rows["interaction_participants"].append(
                    {
                        "interaction_id": iid,
                        "person_id": person_id,
                        "occurred_at": draft.occurred_at,
                        "direction": draft.direction,
                        "status": "done",
                    }
                )
                by_id[person_id].interactions.append((draft.occurred_at, iid))
                last[person_id] = draft.occurred_at  # drafts are in time order
        for row in self.rows["people"]:
            row["last_interaction_at"] = last.get(row["id"])

    def _attendance(self) -> None:
        rng = self.rng
        for event in self.events:
            for person_id in event["attendees"]:
                self.rows["attendance"].append(
                    {
                        "event_id": event["id"],
                        "person_id": person_id,
                        "role": "attendee",
                        "met": True,
                        "note": None,
                        "created_at": at(event["starts_on"], 20),
                    }
                )
            known = [
                p.id
                for p in rng.sample(self.people, min(len(self.people), 6))
                if p.met_at.date() < event["starts_on"] and p.id not in event["attendees"]
            ]
            for person_id in known[: rng.randint(2, 5)]:
                self.rows["attendance"].append(
                    {
                        "event_id": event["id"],
                        "person_id": person_id,
                        "role": rng.choice(("attendee", "speaker", "organiser")),
                        "met": False,
                        "note": None,
                        "created_at": at(event["starts_on"], 20),
                    }
                )


def mark_replies(drafts: Sequence[DraftInteraction]) -> None:
    """Set replied_at as the Book does when logging: the first later outbound (or mutual)
    exchange with any of the same people answers an inbound message, within its thread."""
    times: dict[int, list[datetime]] = defaultdict(list)
    threads: dict[int, list[str | None]] = defaultdict(list)
    for d in drafts:  # in time order
        if d.direction in ("outbound", "mutual"):
            for person_id in d.people:
                times[person_id].append(d.occurred_at)
                threads[person_id].append(d.thread_key)
    for d in drafts:
        if not d.needs_reply:
            continue
        best: datetime | None = None
        for person_id in d.people:
            at_list, thread_list = times.get(person_id, []), threads.get(person_id, [])
            for n in range(bisect_left(at_list, d.occurred_at), len(at_list)):
                if best is not None and at_list[n] >= best:
                    break
                thread = thread_list[n]
                if thread is None or d.thread_key is None or thread == d.thread_key:
                    best = at_list[n]
                    break
        d.replied_at = best


NameList = tuple[list[str], list[float] | None]  # names and cumulative weights (None: uniform)
