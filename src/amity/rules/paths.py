"""Warm paths: the best chains of people who could introduce you to a target.

The network is a graph with you at its centre. Every person in your book is tied to you, and
people are linked to each other by what the book knows about them: a relationship you
recorded, an introduction, an interaction you had with both, an event you met both at, the
same organisation.

How strong a link is
====================

Each link has a strength between 0 and 1; a chain's strength is the product of its links, so
one weak link weakens the whole chain and a short warm chain beats a long one.

**Your tie to a person** (``tie_strength``) mixes what relationship health measures:

- recency (50 %): 1.0 up to 30 days since you last talked, falling linearly to 0.1 at a year;
  0 when you never talked;
- frequency (25 %): interactions in the last year, 6 or more count fully;
- circle (25 %): the circle's weight out of 4 (inner 4, close 3, network 2, acquaintance 1);
  no circle counts as 1.

When a relationship health score (0-100) is known it replaces recency and frequency for 60 %
of the tie. The result is kept between 0.05 and 1.

**A link between two people** (``link_strength``) is the strongest of its evidences, by kind:

==================================  ========
evidence                            strength
==================================  ========
family, spouse, partner, parent...  0.90
friend                              0.85
manager, report, mentor, mentee     0.80
colleague                           0.70
an introduction between them        0.60
another recorded relationship       0.50
an interaction you had with both    0.50
same organisation                   0.35
met at the same event               0.30
==================================  ========

Dated evidence older than a year loses 0.15 per year (never below 60 % of its strength).

Every hop carries the reason for its strength, so a chain reads as a sentence:
"you -> Ben (talked 5 days ago, circle close) -> Cleo (colleagues)".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import islice, pairwise
from typing import Any

from amity.model.types import PersonRef
from amity.rules.dates import plural

ME = "me"
SINK = "target"
MIN_STRENGTH = 0.05
CIRCLE_MAX_WEIGHT = 4.0
MAX_CANDIDATE_PATHS = 200  # paths examined by Yen's algorithm before giving up

KIND_STRENGTH: Mapping[str, float] = {
    "family": 0.9,
    "spouse": 0.9,
    "partner": 0.9,
    "parent": 0.9,
    "child": 0.9,
    "sibling": 0.9,
    "friend": 0.85,
    "manager": 0.8,
    "report": 0.8,
    "mentor": 0.8,
    "mentee": 0.8,
    "colleague": 0.7,
    "introduced": 0.6,
    "together": 0.5,
    "org": 0.35,
    "event": 0.3,
}
OTHER_RELATIONSHIP = 0.5


@dataclass(frozen=True, slots=True)
class Tie:
    """Your own tie to one person."""

    person: PersonRef
    last_contact: date | None = None
    interactions_last_year: int = 0
    circle: str | None = None
    circle_weight: float = 1.0
    health: int | None = None  # 0-100 when known


@dataclass(frozen=True, slots=True)
class Link:
    """Evidence that two people know each other; ``label`` says what it is."""

    a: int
    b: int
    kind: str  # a relationship kind, or introduced, together, org, event
    label: str
    on: date | None = None


@dataclass(frozen=True, slots=True)
class Hop:
    source: PersonRef | None  # None: you
    target: PersonRef
    strength: float
    reason: str


@dataclass(frozen=True)
class WarmPath:
    hops: tuple[Hop, ...]
    strength: float

    @property
    def target(self) -> PersonRef:
        return self.hops[-1].target

    @property
    def introducers(self) -> list[PersonRef]:
        return [hop.target for hop in self.hops[:-1]]

    def explain(self) -> str:
        parts = ["you"]
        parts.extend(f"{hop.target.name} ({hop.reason})" for hop in self.hops)
        return " -> ".join(parts)


def tie_strength(tie: Tie, today: date) -> tuple[float, str]:
    """How strong your own tie to a person is, and why (see the module docstring)."""
    if tie.last_contact is None:
        recency, said = 0.0, "never talked"
    else:
        days = max((today - tie.last_contact).days, 0)
        recency = 1.0 if days <= 30 else max(0.1, 1.0 - 0.9 * (days - 30) / 335)
        said = "talked today" if days == 0 else f"talked {plural(days, 'day')} ago"
    frequency = min(tie.interactions_last_year / 6.0, 1.0)
    circle = min(max(tie.circle_weight, 0.0), CIRCLE_MAX_WEIGHT) / CIRCLE_MAX_WEIGHT
    if tie.health is None:
        value = 0.5 * recency + 0.25 * frequency + 0.25 * circle
    else:
        value = 0.6 * tie.health / 100.0 + 0.2 * recency + 0.2 * circle
    parts = [said]
    if tie.interactions_last_year:
        parts.append(f"{plural(tie.interactions_last_year, 'interaction')} in a year")
    if tie.circle:
        parts.append(f"circle {tie.circle}")
    if tie.health is not None:
        parts.append(f"health {tie.health}")
    return _bounded(value), ", ".join(parts)


def link_strength(link: Link, today: date) -> float:
    """The strength of one piece of evidence between two people."""
    base = KIND_STRENGTH.get(link.kind, OTHER_RELATIONSHIP)
    if link.on is None:
        return base
    years = max((today - link.on).days, 0) / 365.25
    factor = 1.0 if years <= 1 else max(0.6, 1.0 - 0.15 * (years - 1))
    return _bounded(base * factor)


def _bounded(value: float) -> float:
    return round(min(max(value, MIN_STRENGTH), 1.0), 4)


def strongest_links(links: Iterable[Link], today: date) -> dict[tuple[int, int], tuple[float, str]]:
    """The strongest evidence per pair of people (the pair sorted), with its label."""
    best: dict[tuple[int, int], tuple[float, str]] = {}
    for link in links:
        if link.a == link.b:
            continue
        pair = (min(link.a, link.b), max(link.a, link.b))
        strength = link_strength(link, today)
        if pair not in best or best[pair][0] < strength:
            best[pair] = (strength, link.label)
    return best


def near(targets: Iterable[int], pairs: Iterable[tuple[int, int]], depth: int) -> set[int]:
    """People at most ``depth`` links away from any target (the targets included)."""
    neighbours: dict[int, set[int]] = {}
    for a, b in pairs:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    found = set(targets)
    frontier = set(found)
    for _ in range(depth):
        frontier = {n for p in frontier for n in neighbours.get(p, ())} - found
        if not frontier:
            break
        found |= frontier
    return found


def build_graph(
    ties: Iterable[Tie], links: Iterable[Link], today: date, only: set[int] | None = None
) -> Any:
    """You -> each person (your tie) and person <-> person (their strongest evidence);
    with ``only``, just those people.

    networkx is imported here, not at the top, so that commands without paths start fast.
    """
    import networkx as nx

    graph = nx.DiGraph()
    people: dict[int, PersonRef] = {}
    for tie in ties:
        if only is not None and tie.person.id not in only:
            continue
        people[tie.person.id] = tie.person
        strength, reason = tie_strength(tie, today)
        graph.add_edge(
            ME, tie.person.id, strength=strength, reason=reason, cost=-math.log(strength)
        )
    inside = (x for x in links if only is None or (x.a in only and x.b in only))
    for (a, b), (strength, label) in strongest_links(inside, today).items():
        if a not in people or b not in people:
            continue
        cost = -math.log(strength)
        graph.add_edge(a, b, strength=strength, reason=label, cost=cost)
        graph.add_edge(b, a, strength=strength, reason=label, cost=cost)
    nx.set_node_attributes(graph, dict(people.items()), "ref")
    return graph


def warm_paths(
    ties: Sequence[Tie],
    links: Sequence[Link],
    targets: Iterable[int],
    today: date,
    *,
    limit: int = 5,
    max_hops: int = 3,
) -> list[WarmPath]:
    """The strongest chains from you to any of ``targets``, strongest first.

    A chain has at most ``max_hops`` links (you -> A -> B -> target is 3). Chains only pass
    through a target at their end, and among chains that share their first introducer and
    target only the strongest is kept, so the list offers real alternatives.
    """
    if limit < 1 or max_hops < 1:
        return []
    import networkx as nx

    goals = set(targets)
    pairs = [(link.a, link.b) for link in links if link.a != link.b]
    graph = build_graph(ties, links, today, only=near(goals, pairs, max_hops - 1))
    wanted = {t for t in goals if t in graph}
    if not wanted:
        return []
    graph.add_node(SINK)
    for target in wanted:
        graph.add_edge(target, SINK, cost=0.0)
    found: list[WarmPath] = []
    seen: set[tuple[object, int]] = set()
    candidates = nx.shortest_simple_paths(graph, ME, SINK, weight="cost")
    for nodes in islice(candidates, MAX_CANDIDATE_PATHS):
        people = nodes[1:-1]
        if len(people) > max_hops or any(p in wanted for p in people[:-1]):
            continue
        signature = (people[0] if len(people) > 1 else None, people[-1])
        if signature in seen:
            continue
        seen.add(signature)
        found.append(_as_path(graph, nodes[:-1]))
        if len(found) >= limit:
            break
    found.sort(key=lambda p: (-p.strength, len(p.hops), p.target.name, p.target.id))
    return found


def _as_path(graph: Any, nodes: Sequence[object]) -> WarmPath:
    hops = []
    total = 1.0
    for source, target in pairwise(nodes):
        edge = graph.edges[source, target]
        total *= edge["strength"]
        hops.append(
            Hop(
                source=None if source == ME else graph.nodes[source]["ref"],
                target=graph.nodes[target]["ref"],
                strength=edge["strength"],
                reason=edge["reason"],
            )
        )
    return WarmPath(tuple(hops), round(total, 4))
