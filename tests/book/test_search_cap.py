"""Very common words rank a bounded set of candidates, on both backends: the answer is a
subset of the exact ranking, only this owner's documents, and a word that the newest
documents lack is still found. On PostgreSQL "common" comes from the planner's statistics of
the index (ANALYZE), so the tests lower the thresholds to the demo book's size."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from amity.book import Book, PersonInput, search
from tests.conftest import Clock, new_book


@pytest.fixture
def two_books(db_url: str, clock: Clock) -> Iterator[tuple[Book, Book]]:
    mine, theirs = new_book(db_url, clock), new_book(db_url, clock)
    mine.fill_demo(people=40, years=1, seed=2)
    theirs.fill_demo(people=40, years=1, seed=2)
    if mine.ctx.dialect == "postgresql":
        with mine.ctx.engine.begin() as conn:
            conn.execute(text("ANALYZE search_docs"))
    search._WORD_STATS.clear()
    yield mine, theirs
    search._WORD_STATS.clear()


def hits(book: Book, query: str, limit: int = 1000) -> set[tuple[str, int]]:
    return {(h.kind, h.id) for h in book.search(query, limit=limit)}


def cap_everything(monkeypatch: pytest.MonkeyPatch, window: int = 15) -> None:
    """Every query takes the capped path (SQLite: more than 3 matches; PostgreSQL: a term in
    more than 3 documents is common)."""
    monkeypatch.setattr(search, "EXACT_RANK_LIMIT", 3)
    monkeypatch.setattr(search, "RECENT_CANDIDATES", window)
    monkeypatch.setattr(search, "RECENT_WINDOW", window)
    monkeypatch.setattr(search, "COMMON_DOCS", 3)


def test_common_words_rank_only_this_owners_newest_candidates(
    two_books: tuple[Book, Book], monkeypatch: pytest.MonkeyPatch
) -> None:
    mine, theirs = two_books
    exact = hits(mine, "talked about")
    cap_everything(monkeypatch)
    capped = mine.search("talked about", limit=50)
    assert capped and {h.kind for h in capped} == {"interaction"}
    assert {(h.kind, h.id) for h in capped} <= exact  # only this owner's documents
    assert len(capped) < len(exact)  # a bounded set: not every match was ranked
    tagged = mine.search("python")
    assert any(h.kind == "person" for h in tagged) and all(h.score > 0 for h in tagged)
    theirs_ids = {p.id for p in theirs.people.list()}
    assert not {h.id for h in tagged if h.kind == "person"} & theirs_ids


def test_a_rare_word_beside_common_ones_is_ranked_exactly(
    two_books: tuple[Book, Book], monkeypatch: pytest.MonkeyPatch
) -> None:
    mine, _ = two_books
    rare = mine.people.add(PersonInput(name="Quillon Zebedee", tags=["python"]))
    exact = [(h.kind, h.id) for h in mine.search("python zebedee")]
    cap_everything(monkeypatch)
    assert [(h.kind, h.id) for h in mine.search("python zebedee")] == exact
    assert exact == [("person", rare.id)]


@pytest.mark.pg
def test_postgresql_finds_a_common_word_the_newest_documents_lack(
    pg_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = new_book(pg_url, clock)
    mine.fill_demo(people=40, years=1, seed=3)
    heirs = {mine.people.add(PersonInput(name=f"Heir {n}", tags=["heirloom"])).id for n in range(6)}
    for n in range(3):  # newer people whose documents lack the word
        mine.people.add(PersonInput(name=f"Newer {n}"))
    with mine.ctx.engine.begin() as conn:
        conn.execute(text("ANALYZE search_docs"))
    search._WORD_STATS.clear()
    cap_everything(monkeypatch, window=1)  # only the newest document of each kind is checked
    monkeypatch.setattr(search, "EXACT_RANK_LIMIT", 10)
    with mine.ctx.read() as conn:
        assert search._common_terms(conn, mine.ctx.url, ["heirloom"]) == ["heirloom"]
    assert {h.id for h in mine.search("heirloom") if h.kind == "person"} == heirs
    search._WORD_STATS.clear()
