"""The agenda's ``share`` items load few profiles yet rank exactly like ranking every profile
(SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from amity.book import Book, PersonInput
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


def test_fast_share_items_equal_the_reference(book: Book, clock: Clock) -> None:
    _populate(book, clock)
    today = clock().date()
    fast = book.articles.agenda_items(today)
    reference = book.articles._agenda_items_reference(today)
    assert fast == reference
    assert len({a.details["article_id"] for a in fast}) == 3
    assert len(fast) >= 6 and all(a.details["match_score"] > 0 for a in fast)


def test_fast_and_reference_rankings_agree_match_for_match(book: Book, clock: Clock) -> None:
    _populate(book, clock)
    articles = book.articles
    with book.articles._ctx.read() as conn:
        recent = [
            articles.resolve_in(conn, ref)
            for ref in ("https://x.org/grid", "https://x.org/rust", "https://x.org/ml")
        ]
        had = articles._shared_with(conn, [a.id or 0 for a in recent])
        fast = articles._strong_matches(conn, recent, had)
        reference = articles._strong_matches_reference(conn, recent, had)
    assert fast == reference
    assert all(matches for _, matches in fast)
    shared = {m.person.id for m in fast[1][1]}
    assert not shared & had[recent[1].id or 0]  # people who had the Rust article are skipped


def test_edits_keep_both_paths_equal(book: Book, clock: Clock) -> None:
    ids = _populate(book, clock)
    today = clock().date()
    first = book.articles.agenda_items(today)
    top = first[0]
    book.articles.share(top.details["article_id"], [top.people[0].id])
    book.people.archive(ids[2])
    book.people.add_fact(ids[3], "interest", "Grid batteries and energy storage")
    after = book.articles.agenda_items(today)
    assert after == book.articles._agenda_items_reference(today)
    assert top.key not in {a.key for a in after}
    assert book.articles.agenda_items(today + timedelta(days=30)) == []
