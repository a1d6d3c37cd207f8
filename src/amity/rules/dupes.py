"""Duplicate people: candidate pairs with a score and the reasons, from plain data.

Names are folded (case and accents ignored) and compared with rapidfuzz; a shared e-mail
address or phone number, a shared organisation or a shared (non-webmail) e-mail domain add
evidence. Only people that share a *block* are compared — a name word, an e-mail address or
its local part, a phone — so 10,000 people never cost 50 million comparisons; blocks larger
than ``max_block`` (a very common first name) are left out because they say little. A shared
domain is evidence but not a block: everyone at a company shares it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from amity.rules.text import fold

#: Domains shared by strangers: sharing one says nothing about being the same person.
WEBMAIL = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com",
    "icloud.com", "me.com", "mac.com", "aol.com", "gmx.de", "gmx.net", "web.de", "proton.me",
    "protonmail.com", "yandex.ru", "mail.ru", "qq.com", "163.com", "example.com",
    "example.org", "example.net",
})  # fmt: skip
DEFAULT_THRESHOLD = 80.0
DEFAULT_MAX_BLOCK = 300


@dataclass(frozen=True)
class PersonSketch:
    """What duplicate matching needs to know about a person."""

    id: int
    name: str
    org: str | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()


@dataclass
class DuplicatePair:
    a: int
    b: int
    score: float
    reasons: list[str] = field(default_factory=list)


def find_duplicates(
    people: Sequence[PersonSketch],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    max_block: int = DEFAULT_MAX_BLOCK,
) -> list[DuplicatePair]:
    """Candidate pairs scoring at least ``threshold``, best first (then by ids)."""
    by_id = {p.id: p for p in people}
    folded = {p.id: fold(p.name) for p in people}
    pairs = []
    for a, b in candidate_pairs(people, folded, max_block=max_block):
        pair = score_pair(by_id[a], by_id[b], folded[a], folded[b])
        if pair.score >= threshold:
            pairs.append(pair)
    pairs.sort(key=lambda p: (-p.score, p.a, p.b))
    return pairs


def candidate_pairs(
    people: Sequence[PersonSketch], folded: dict[int, str], *, max_block: int
) -> set[tuple[int, int]]:
    """Pairs of ids that share at least one block (each pair once, smaller id first)."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for person in people:
        for key in blocking_keys(person, folded[person.id]):
            blocks[key].append(person.id)
    pairs: set[tuple[int, int]] = set()
    for key, ids in blocks.items():
        members = sorted(set(ids))
        is_strong = key.startswith(("e:", "p:"))
        if len(members) < 2 or (len(members) > max_block and not is_strong):
            continue
        pairs.update(combinations(members, 2))
    return pairs


def blocking_keys(person: PersonSketch, folded_name: str) -> Iterable[str]:
    for word in folded_name.replace("-", " ").split():
        if len(word) >= 2:
            yield "n:" + word[:5]
    for email in person.emails:
        address = email.lower()
        yield "e:" + address
        yield "l:" + address.partition("@")[0]
    for phone in person.phones:
        yield "p:" + phone


def score_pair(a: PersonSketch, b: PersonSketch, name_a: str, name_b: str) -> DuplicatePair:
    from rapidfuzz import fuzz

    reasons: list[str] = []
    name_score = float(fuzz.token_sort_ratio(name_a, name_b)) if name_a and name_b else 0.0
    if name_score >= 60:
        reasons.append("same name" if name_score == 100 else f"names {name_score:.0f}% alike")
    score = name_score
    shared_emails = sorted({e.lower() for e in a.emails} & {e.lower() for e in b.emails})
    shared_phones = sorted(set(a.phones) & set(b.phones))
    if shared_emails:
        reasons.append(f"same e-mail {shared_emails[0]}")
        score = max(score, 90.0) + 10
    if shared_phones:
        reasons.append(f"same phone {shared_phones[0]}")
        # a switchboard or a family landline is shared by people with different names
        score = (
            max(score, 75.0) + 5 if names_clearly_differ(a.name, b.name) else max(score, 90.0) + 10
        )
    if a.org and b.org and fold(a.org) == fold(b.org):
        reasons.append(f"both at {b.org}")
        score += 10
    domains = _domains(a) & _domains(b)
    if domains and not shared_emails:
        reasons.append(f"same e-mail domain {sorted(domains)[0]}")
        score += 5
    low, high = sorted((a.id, b.id))
    return DuplicatePair(low, high, min(round(score, 1), 100.0), reasons)


def names_clearly_differ(name_a: str, name_b: str) -> bool:
    """Two names that cannot be one person's (case and accents ignored; a missing name, an
    initial or an added middle or family name is not a difference)."""
    from rapidfuzz import fuzz

    a, b = fold(name_a).strip(), fold(name_b).strip()
    if not a or not b:
        return False
    return fuzz.token_set_ratio(a, b) < 70


def _domains(person: PersonSketch) -> set[str]:
    found = {e.lower().rpartition("@")[2] for e in person.emails if "@" in e}
    return found - WEBMAIL
