"""The agenda's ``share`` items load few profiles yet rank exactly like ranking every profile
(SQLite and PostgreSQL): the loader's ShareInputs against BM25 over the whole book."""

from __future__ import annotations

from datetime import UTC, date, timedelta

import pytest

from amity.book import Book, PersonInput
from amity.book.agenda.network import load_shares
from amity.book.matching import load_profiles, load_profiles_with_circles
from amity.model import Action
from amity.rules.agenda import AgendaInputs, ShareInputs, build_agenda
from amity.rules.agenda.network import article_query, strong_matches
from amity.rules.matching import LexicalRanker, profile_length
from tests.conftest import Clock

INTERESTS = [
    "climate tech",
    "rust programming",
    "grid batteries",
    "machine learning",
    "startup funding",
    "urban cycling",
    "jazz piano",
    "energy storage",
    "café culture",
    "open source",
]
TAGS = ["energy", "rust", "investors", "ml-ops", "cyclists", "music", "founders"]
NOTES = [
    "Talks about batteries sometimes",
    "Loves running and startups",
    "Writes C++ daily",
    "",
    "Companies and policies for climate",
    "Piano lessons on Sundays",
]
TITLES = [
    ("Rust developer", "Acme"),
    ("Investor", "Grid Capital"),
    (None, None),
    ("Data scientist", "Énergie SA"),
    ("Founder", "Cycle Works"),
]


def _populate(book: Book, clock: Clock) -> list[int]:
    ids = []
    for n in range(60):
        title, org = TITLES[n % len(TITLES)]
        ref = book.people.add(
            PersonInput(
                name=f"Person {n:02d}",
                title=title,
                org=org,
                note=NOTES[n % len(NOTES)] or None,
                tags=[TAGS[n % len(TAGS)], TAGS[(n * 3) % len(TAGS)]][: 1 + n % 2],
            )
        )
        ids.append(ref.id)
        for k in range(n % 3):
            book.people.add_fact(ref.id, "interest", INTERESTS[(n + 4 * k) % len(INTERESTS)])
        if n % 4 == 0:
            book.people.add_fact(ref.id, "goal", f"raise a seed round for {INTERESTS[n % 10]}")
    old = book.articles.add(
        "https://x.org/old", title="Battery chemistry", topics=["energy storage", "climate tech"]
    )
    book.articles.share(old.id, [ids[1], ids[7], ids[12]])
    clock.advance(days=30)
    book.articles.add(
        "https://x.org/grid",
        title="Grid batteries are getting cheap",
        text="Energy storage on the grid: batteries, prices and climate policy.",
        topics=["energy storage", "climate tech"],
    )
    rust = book.articles.add(
        "https://x.org/rust",
        title="Ownership in Rust",
        text="Rust programming for C++ developers, open source crates.",
        topics=["rust programming", "open source"],
    )
    book.articles.add(
        "https://x.org/ml",
        title="Machine learning for startups",
        text="Founders use machine learning; investors fund startups.",
        topics=["machine learning", "startup funding"],
    )
    book.articles.share(rust.id, [ids[1], ids[11]])
    book.people.archive(ids[21])
    return ids


def _fast(book: Book, today: date) -> ShareInputs:
    """What the agenda's loader loads for share items: few full profiles."""
    with book.ctx.read() as conn:
        return load_shares(conn, book.owner_id, today, UTC)


def _reference(book: Book, today: date) -> ShareInputs:
    """The same articles with every active profile: BM25 over the whole book."""
    fast = _fast(book, today)
    with book.ctx.read() as conn:
        everyone = load_profiles_with_circles(conn, book.owner_id)
    profiles = {profile.person.id: profile for profile, _ in everyone}
    return ShareInputs(
        articles=fast.articles,
        hits=[set(profiles) for _ in fast.articles],
        had=fast.had,
        profiles=profiles,
        people={person.id: person for _, person in everyone},
        count=len(profiles),
        total_length=sum(profile_length(p) for p in profiles.values()),
    )


def _reference_items(book: Book, today: date) -> list[Action]:
    return build_agenda(AgendaInputs([], shares=_reference(book, today)), today)


def _share_items(book: Book, today: date) -> list[Action]:
    return [a for a in book.agenda.items(today=today) if a.kind == "share"]


def test_fast_share_items_equal_the_reference(book: Book, clock: Clock) -> None:
    _populate(book, clock)
    today = clock().date()
    fast = _share_items(book, today)
    reference = _reference_items(book, today)
    assert fast == reference
    assert len({a.details["article_id"] for a in fast}) == 3
    assert len(fast) >= 6 and all(a.details["match_score"] > 0 for a in fast)


def test_fast_and_reference_rankings_agree_match_for_match(book: Book, clock: Clock) -> None:
    _populate(book, clock)
    inputs = _fast(book, clock().date())
    with book.ctx.read() as conn:
        everyone = load_profiles(conn, book.owner_id)
    recent = list(inputs.articles)
    assert [a.url for a in recent] == [
        "https://x.org/grid",
        "https://x.org/rust",
        "https://x.org/ml",
    ]
    fast = strong_matches(inputs)
    reference = []
    for article in recent:  # LexicalRanker.rank over every profile but those who have it
        skip = inputs.had.get(article.id, set())
        candidates = [p for p in everyone if p.person.id not in skip]
        ranked = LexicalRanker().rank(article_query(article), candidates, limit=20)
        reference.append((article, [m for m in ranked if m.strong][:3]))
    assert fast == reference
    assert all(matches for _, matches in fast)
    shared = {m.person.id for m in fast[1][1]}
    assert not shared & inputs.had[recent[1].id]  # people who had the Rust article are skipped


def test_edits_keep_both_paths_equal(book: Book, clock: Clock) -> None:
    ids = _populate(book, clock)
    today = clock().date()
    first = _share_items(book, today)
    top = first[0]
    book.articles.share(top.details["article_id"], [top.people[0].id])
    book.people.archive(ids[2])
    book.people.add_fact(ids[3], "interest", "Grid batteries and energy storage")
    after = _share_items(book, today)
    assert after == _reference_items(book, today)
    assert top.key not in {a.key for a in after}
    assert _share_items(book, today + timedelta(days=30)) == []


def test_few_profiles_are_loaded_and_the_matches_are_the_same(
    book: Book, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the demo book most people share a word with a new article; candidates are loaded
    best bound first, and loading stops once no one left can enter the best twenty."""
    from benchmarks.every_kind import add_every_kind

    from amity.book.agenda import network

    monkeypatch.setattr(network, "PROFILE_BATCH", 10)
    book.fill_demo(people=300, years=1, seed=7)
    add_every_kind(book)
    today = book.today()
    inputs = _fast(book, today)
    reference = _reference(book, today)
    assert strong_matches(inputs) == strong_matches(reference)
    assert all(matches for _, matches in strong_matches(inputs))
    candidates = set().union(*inputs.hits)
    assert len(inputs.profiles) < len(candidates) - 20
