"""What every part of the demo generator shares: drafts, the random source, word picking.

Every draw comes from one ``random.Random(seed)`` and nothing iterates a set, so the same seed
and the same ``now`` give the same rows.
"""

from __future__ import annotations

import importlib
import random
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from itertools import accumulate
from typing import Any

from amity.demo import words as D
from amity.demo.countries import COUNTRIES, Country

Progress = Callable[[str, int, int], None]  # stage, done, total
Rows = dict[str, list[dict[str, Any]]]  # table name -> rows with local ids (1, 2, ...)

SPACE = re.compile(r"[^a-z0-9]+")
WRITTEN_DIRECTION_CUM = (45, 90, 100)
SPOKEN_DIRECTION_CUM = (80, 95, 100)
COUNTRY_CUM = list(accumulate(c.weight for c in COUNTRIES))
TAG_CUM = list(accumulate(1 / (rank + 1) ** 0.7 for rank in range(len(D.TAGS))))
NameList = tuple[list[str], list[float] | None]  # names and cumulative weights (None: uniform)


@dataclass
class DraftPerson:
    id: int
    country: Country
    given: str
    family: str
    circle: str
    met_at: datetime
    weight: float
    event_id: int | None = None
    how_met: str | None = None
    org: str | None = None
    title: str | None = None
    domain: str | None = None
    interactions: list[tuple[datetime, int]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"


@dataclass
class DraftInteraction:
    occurred_at: datetime
    kind: str
    direction: str
    people: list[int]
    subject: str | None = None
    notes: str | None = None
    needs_reply: bool = False
    thread_key: str | None = None
    channel: str | None = None
    location: str | None = None
    event_id: int | None = None
    replied_at: datetime | None = None


class Drafting:
    """The generator's state and its drawing helpers; the parts (people, history, ties) add
    the rows of their tables with local ids per table."""

    def __init__(
        self, *, people: int, years: int, seed: int, now: datetime, report: Progress
    ) -> None:
        self.n = people
        self.years = years
        self.seed = seed
        self.rng = random.Random(seed)
        self.now = now.astimezone(UTC)
        self.today = self.now.date()
        self.start = self.now - timedelta(days=365 * years)
        self.report = report
        self.rows: Rows = defaultdict(list)
        self.people: list[DraftPerson] = []
        self.events: list[dict[str, Any]] = []
        self.seen_emails: set[str] = set()
        self.tag_ids: dict[str, int] = {}
        self.article_ids: list[int] = []
        self.fact_kinds: set[str] = set()

    # helpers -------------------------------------------------------------------------------

    def _add(self, table: str, row: dict[str, Any]) -> int:
        rows = self.rows[table]
        local = len(rows) + 1
        rows.append({"id": local, **row})
        return local

    def _pick(self, options: Sequence[Any]) -> Any:
        """rng.choice, several times faster: the generator makes hundreds of thousands."""
        return options[int(self.rng.random() * len(options))]

    def _weighted(self, options: Sequence[Any], cum: Sequence[float]) -> Any:
        return options[bisect_left(cum, self.rng.random() * cum[-1])]

    def _name(self, country: Country) -> tuple[str, str]:
        """A given and a family name as people of that country are called (Faker's lists)."""
        first, last = self._pick(name_lists(country.locale, country.romanized))
        return self._from_list(first), self._from_list(last)

    def _from_list(self, names: NameList) -> str:
        options, cum = names
        return str(self._weighted(options, cum) if cum else self._pick(options))

    def _moment(self, lo: datetime, hi: datetime | None = None) -> datetime:
        """A plausible moment (a working hour, minutes in fives) between lo and hi."""
        hi = hi or self.now
        if hi <= lo:
            return lo
        random_ = self.rng.random
        moment = lo + timedelta(seconds=random_() * (hi - lo).total_seconds())
        moment = moment.replace(
            hour=7 + int(random_() * 13), minute=5 * int(random_() * 12), second=0, microsecond=0
        )
        if moment > hi:
            moment = hi - timedelta(minutes=5 + 5 * int(random_() * 24))
        return max(moment, lo)

    def _day(self, lo: date, hi: date) -> date:
        return lo + timedelta(days=self.rng.randint(0, max(0, (hi - lo).days)))

    def _fill(self, template: str, person: DraftPerson | None = None) -> str:
        """The template with its {topic}, {city}, {name}... words drawn only when used."""
        return template.format_map(Words(self, person)) if "{" in template else template

    def _country(self) -> Country:
        return self.rng.choices(COUNTRIES, cum_weights=COUNTRY_CUM)[0]


class Words(dict[str, str]):
    """Template words, each drawn on first use (a template names two or three of them)."""

    def __init__(self, builder: Drafting, person: DraftPerson | None) -> None:
        super().__init__()
        self.builder = builder
        self.person = person

    def __missing__(self, key: str) -> str:
        b, p = self.builder, self.person
        if key in ("topic", "topic2"):
            value = b._pick(D.TOPICS)
        elif key == "city":
            value = b._pick((p.country if p else COUNTRIES[0]).cities)[0]
        elif key == "place":
            value = b._pick(D.PLACES)
        elif key == "title":
            value = b._pick(D.TITLES)
        elif key in ("name", "name2"):
            value = b._name(p.country if p else COUNTRIES[0])[0]
        elif key == "detail":
            value = b._pick(D.DETAILS).format_map(self)
        else:
            raise KeyError(key)
        self[key] = str(value)
        return str(value)


@cache
def name_lists(locale: str, romanized: bool) -> tuple[tuple[NameList, NameList], ...]:
    """(given names, family names) per gender from Faker's locale data, read directly:
    sampling them with our own Random is many times faster than Faker's generators."""
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    if romanized:
        return (
            (name_list(provider.first_romanized_names), name_list(provider.last_romanized_names)),
        )
    pools = []
    for gender in ("female", "male"):
        first = getattr(provider, f"first_names_{gender}", None) or provider.first_names
        last = getattr(provider, f"last_names_{gender}", None) or provider.last_names
        if hasattr(provider, "male_last_names"):  # Polish: Kowalski, Kowalska
            male = list(provider.male_last_names)
            if gender == "female":
                male = [n[:-1] + "a" if n.endswith("ki") else n for n in male]
            last = male + list(getattr(provider, "unisex_last_names", ()))
        pools.append((name_list(first), name_list(last)))
    return tuple(pools)


def name_list(names: Any) -> NameList:
    if isinstance(names, dict):
        return list(names), list(accumulate(float(w) for w in names.values()))
    return list(names), None


@cache
def company_suffixes(locale: str) -> tuple[str, ...]:
    try:
        provider = importlib.import_module(f"faker.providers.company.{locale}").Provider
    except ImportError:
        return D.COMPANY_SUFFIXES
    suffixes = tuple(dict.fromkeys(provider.company_suffixes))
    return suffixes if suffixes and all(s_.isascii() for s_ in suffixes) else D.COMPANY_SUFFIXES


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
