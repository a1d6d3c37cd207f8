"""A person's card: the profile with facts and open questions, and the recent timeline (what
an assistant or a notification shows about someone at a glance)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from amity.errors import InvalidInput
from amity.model import Interaction, Person

if TYPE_CHECKING:
    from amity.book.interactions import Interactions
    from amity.book.people import People

MAX_RECENT = 100


@dataclass(frozen=True)
class PersonCard:
    person: Person  # with details: contact points, dates, jobs, facts, questions
    recent: list[Interaction]  # newest first

    @property
    def open_questions(self) -> list[object]:
        return [q for q in self.person.questions if q.asked_at is None]


def person_card(
    people: People, interactions: Interactions, ref: str | int, *, recent: int = 5
) -> PersonCard:
    if not 0 <= recent <= MAX_RECENT:
        raise InvalidInput(f"recent is between 0 and {MAX_RECENT}", field="recent")
    person = people.get(ref)
    timeline = interactions.timeline(person.id, limit=recent) if recent else []
    return PersonCard(person, timeline)
