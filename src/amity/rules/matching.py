"""Articles to people: who would care about this article?

Two rankers share one interface (:class:`Ranker`): ``rank(article, profiles, limit=...)``.

**Lexical (default, offline, pure Python): BM25 over weighted fields.** A person's document is
built from what the book knows, each field repeated by its weight (a simple BM25F):

=============================  ======
field                          weight
=============================  ======
interest facts                 3
tags                           2
titles/topics of past shares   2
other facts (goals...)         1
job title and organisation     1
notes                          1
=============================  ======

The article's query is its topics (weight 3), title (2) and the 30 most frequent words of its
text (1). Words are folded (case, accents), stop words dropped and plurals lightly stemmed.
Score = sum over query words of ``idf x tf x (k1 + 1) / (tf + k1 x (1 - b + b x len/avglen))``
times the word's query weight, with ``k1 = 1.2``, ``b = 0.75`` and the usual BM25 idf
``ln(1 + (N - n + 0.5) / (n + 0.5))``.

A match is **strong** when one of the article's topics is covered entirely by the person's
interests, tags or past shares (``Match.topics``): that is what the agenda's ``share`` items use.

**Semantic (optional):** :class:`SemanticRanker` ranks by the cosine between sentence
embeddings of the article and of each profile; the embedding function is handed in (the Book
loads a local model only when the ``semantic`` extra is installed), so this module stays pure.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from amity.model.types import PersonRef
from amity.rules.text import fold

K1 = 1.2
B = 0.75
TEXT_TERMS = 30
FIELD_WEIGHTS: Mapping[str, int] = {
    "interest": 3,
    "tag": 2,
    "shared": 2,
    "fact": 1,
    "role": 1,
    "note": 1,
}
STRONG_FIELDS = ("interest", "tag", "shared")
QUERY_WEIGHTS: Mapping[str, int] = {"topic": 3, "title": 2, "text": 1}
_WORD = re.compile(r"[a-z0-9]+(?:[+#][a-z0-9+#]*)?")
STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "new",
        "one",
        "two",
        "use",
        "using",
        "used",
        "get",
        "got",
        "make",
        "made",
        "way",
        "ways",
        "many",
        "much",
        "via",
        "per",
        "like",
    ]
)


@dataclass(frozen=True)
class Profile:
    """What the book knows about one person's interests, by field (see FIELD_WEIGHTS)."""

    person: PersonRef
    fields: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def text(self, fields: Sequence[str] = tuple(FIELD_WEIGHTS)) -> str:
        """These fields as one paragraph, for embedding."""
        return ". ".join(p for name in fields for p in self.fields.get(name, ()))


@dataclass(frozen=True)
class ArticleQuery:
    title: str = ""
    topics: Sequence[str] = ()
    text: str = ""

    def summary(self, words: int = 200) -> str:
        body = " ".join(self.text.split()[:words])
        return ". ".join(x for x in (self.title, ", ".join(self.topics), body) if x)


@dataclass(frozen=True)
class Match:
    person: PersonRef
    score: float
    terms: tuple[str, ...] = ()  # query words found in the profile
    topics: tuple[str, ...] = ()  # article topics fully covered by strong fields
    evidence: tuple[str, ...] = ()  # the profile phrases that matched, "interest: climate tech"

    @property
    def strong(self) -> bool:
        return bool(self.topics)

    def reason(self) -> str:
        if self.evidence:
            return "matches " + "; ".join(self.evidence[:3])
        return "similar interests"


class Ranker(Protocol):
    name: str

    def rank(
        self, article: ArticleQuery, profiles: Sequence[Profile], *, limit: int = 10
    ) -> list[Match]: ...


# --- words ----------------------------------------------------------------------------------


def stem(word: str) -> str:
    """A light English stemmer: plurals and -ing, enough to join 'startups' and 'startup'."""
    if len(word) > 5 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 6 and word.endswith("ing"):
        root = word[:-3]
        doubled = root[-1] == root[-2] and root[-1] not in "aeiouls"
        return root[:-1] if doubled else root
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def terms(text: str) -> list[str]:
    """Folded, stemmed content words of ``text``."""
    return [stem(w) for w in _WORD.findall(fold(text)) if w not in STOP_WORDS and len(w) > 1]


def query_terms(article: ArticleQuery) -> Counter[str]:
    """Query words with their weights: topics 3, title 2, frequent text words 1."""
    weights: Counter[str] = Counter()
    for topic in article.topics:
        for word in set(terms(topic)):
            weights[word] += QUERY_WEIGHTS["topic"]
    for word in set(terms(article.title)):
        weights[word] += QUERY_WEIGHTS["title"]
    for word, _ in Counter(terms(article.text)).most_common(TEXT_TERMS):
        weights[word] += QUERY_WEIGHTS["text"]
    return weights


# --- BM25 -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Doc:
    profile: Profile
    tf: Counter[str]
    length: int
    phrases: tuple[tuple[str, str, frozenset[str]], ...]  # field, phrase, its words


@lru_cache(maxsize=65536)
def _phrase_terms(phrase: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """A profile phrase's words, cached: tags, organisations and titles repeat a lot."""
    words = tuple(terms(phrase))
    return words, frozenset(words)


def phrase_terms(phrase: str) -> tuple[str, ...]:
    """The words of one profile phrase, in order, repeats kept (cached)."""
    return _phrase_terms(phrase)[0]


def phrase_words(phrase: str) -> frozenset[str]:
    """The distinct words of one profile phrase (cached)."""
    return _phrase_terms(phrase)[1]


def phrase_length(field_name: str, phrase: str, *, cache: bool = True) -> int:
    """A phrase's contribution to its profile's weighted length (the BM25 ``len``)."""
    count = len(_phrase_terms(phrase)[0]) if cache else len(terms(phrase))
    return FIELD_WEIGHTS[field_name] * count


def profile_length(profile: Profile) -> int:
    """A profile's weighted length, as :meth:`LexicalRanker.rank` counts it."""
    return _length_and_hit(profile, {})[0]


def _length_and_hit(profile: Profile, query: Mapping[str, int]) -> tuple[int, bool]:
    """A profile's weighted length and whether any query word is in it."""
    length, hit = 0, False
    for name, weight in FIELD_WEIGHTS.items():
        for phrase in profile.fields.get(name, ()):
            words, distinct = _phrase_terms(phrase)
            length += weight * len(words)
            hit = hit or not distinct.isdisjoint(query)
    return length, hit


def _document(profile: Profile) -> _Doc:
    tf: Counter[str] = Counter()
    phrases = []
    for name, weight in FIELD_WEIGHTS.items():
        for phrase in profile.fields.get(name, ()):
            words, distinct = _phrase_terms(phrase)
            for word in words:
                tf[word] += weight
            if words:
                phrases.append((name, phrase, distinct))
    return _Doc(profile, tf, sum(tf.values()), tuple(phrases))


class LexicalRanker:
    """BM25 over weighted profile fields (the module docstring gives the formula)."""

    name = "lexical"

    def __init__(self, k1: float = K1, b: float = B) -> None:
        self.k1 = k1
        self.b = b

    def rank(
        self, article: ArticleQuery, profiles: Sequence[Profile], *, limit: int = 10
    ) -> list[Match]:
        query = query_terms(article)
        if not profiles or not query:
            return []
        # Lengths of every profile, but full documents only for those sharing a word with
        # the query: the same BM25, without building 10,000 documents for 30 matches.
        total, hits = 0, []
        for profile in profiles:
            length, hit = _length_and_hit(profile, query)
            total += length
            if hit:
                hits.append(profile)
        return self.rank_hits(article, hits, count=len(profiles), total_length=total, limit=limit)

    def rank_hits(
        self,
        article: ArticleQuery,
        hits: Sequence[Profile],
        *,
        count: int,
        total_length: int,
        limit: int = 10,
    ) -> list[Match]:
        """:meth:`rank` when the caller knows the collection: ``count`` profiles whose weighted
        lengths (:func:`phrase_length`) sum to ``total_length``, and ``hits``, in id order,
        exactly those of them sharing a word with the query. Same scores as :meth:`rank`."""
        query = query_terms(article)
        if count < 1 or not query:
            return []
        docs = [_document(profile) for profile in hits]
        frequency = Counter(w for d in docs for w in d.tf if w in query)
        best = BestMatches(self, article, count, total_length, frequency, limit)
        best.add_documents(docs)
        return best.matches()

    def score(
        self, query: Mapping[str, int], idf: Mapping[str, float], tf: Mapping[str, int], length: int,
        average: float,
    ) -> float:  # fmt: skip
        """BM25 of one document (its weighted term frequencies and length)."""
        return sum(
            query[w] * idf[w] * self._saturate(tf[w], length, average) for w in query if w in tf
        )

    def _saturate(self, tf: int, length: int, average: float) -> float:
        return tf * (self.k1 + 1) / (tf + self.k1 * (1 - self.b + self.b * length / average))


def idf_of(count: int, frequency: Mapping[str, int]) -> dict[str, float]:
    """BM25's idf of each word from how many of ``count`` documents have it."""
    return {w: math.log(1 + (count - n + 0.5) / (n + 0.5)) for w, n in frequency.items()}


class BestMatches:
    """The ``limit`` best BM25 matches of one article, fed profiles in any order, when the
    collection is known: ``count`` documents of summed weighted length ``total_length``, and
    ``frequency``, how many of them have each query word. :meth:`bound` scores a document from
    its query words' frequencies and a lower bound of its length: an upper bound of its score,
    so a caller can stop feeding profiles once no unseen one can enter (:meth:`floor`)."""

    def __init__(
        self,
        ranker: LexicalRanker,
        article: ArticleQuery,
        count: int,
        total_length: int,
        frequency: Mapping[str, int],
        limit: int,
    ) -> None:
        self.ranker = ranker
        self.query = query_terms(article)
        self.idf = idf_of(count, frequency)
        self.average = total_length / count or 1.0 if count else 1.0
        self.topics = [(t, frozenset(terms(t))) for t in article.topics]
        self.limit = limit
        self._best: list[tuple[float, str, int, _Doc, float]] = []

    def bound(self, tf: Mapping[str, int], length_at_least: int) -> float:
        return self.ranker.score(self.query, self.idf, tf, length_at_least, self.average)

    def add(self, profiles: Iterable[Profile]) -> None:
        self.add_documents(_document(profile) for profile in profiles)

    def add_documents(self, docs: Iterable[_Doc]) -> None:
        best = self._best
        for doc in docs:
            if self.query.keys().isdisjoint(doc.tf):
                continue
            score = self.ranker.score(self.query, self.idf, doc.tf, doc.length, self.average)
            person = doc.profile.person
            best.append((-round(score, 4), person.name, person.id, doc, score))
        best.sort(key=lambda x: x[:3])
        del best[self.limit :]

    def floor(self) -> float | None:
        """The lowest (rounded) score among the best ``limit``; None while fewer are known."""
        if len(self._best) < self.limit or not self._best:
            return None
        return -self._best[-1][0]

    def matches(self) -> list[Match]:
        return [_match(doc, score, self.query, self.topics) for *_, doc, score in self._best]


def _match(
    doc: _Doc, score: float, query: Mapping[str, int], topics: Sequence[tuple[str, frozenset[str]]]
) -> Match:
    hits = {w for w in query if w in doc.tf}
    strong_words = {w for name, _, words in doc.phrases if name in STRONG_FIELDS for w in words}
    covered = tuple(t for t, words in topics if words and words <= strong_words)
    evidence = tuple(
        dict.fromkeys(f"{name}: {phrase}" for name, phrase, words in doc.phrases if words & hits)
    )
    return Match(doc.profile.person, round(score, 4), tuple(sorted(hits)), covered, evidence)


# --- semantic -------------------------------------------------------------------------------

Embed = Callable[[Sequence[str]], Sequence[Sequence[float]]]


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return 0.0 if norm == 0 else dot / norm


SEMANTIC_FIELDS = ("interest", "tag", "shared", "fact")  # notes and roles are mostly noise


class SemanticRanker:
    """Cosine similarity of sentence embeddings; ``embed`` turns texts into vectors.

    A profile is embedded from what the person cares about (:data:`SEMANTIC_FIELDS`), each
    distinct text once per ranker (a cache). Evidence and strong topics come from the
    lexical matcher, so reasons stay readable.
    """

    name = "semantic"

    def __init__(
        self, embed: Embed, *, minimum: float = 0.0, fields: Sequence[str] = SEMANTIC_FIELDS
    ) -> None:
        self.embed = embed
        self.minimum = minimum
        self.fields = tuple(fields)
        self._cache: dict[str, Sequence[float]] = {}

    def vectors(self, texts: Sequence[str]) -> list[Sequence[float]]:
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            self._cache.update(zip(missing, self.embed(missing), strict=True))
        return [self._cache[t] for t in texts]

    def rank(
        self, article: ArticleQuery, profiles: Sequence[Profile], *, limit: int = 10
    ) -> list[Match]:
        usable = [p for p in profiles if p.text(self.fields)]
        if not usable:
            return []
        query, *vectors = self.vectors([article.summary(), *(p.text(self.fields) for p in usable)])
        lexical = {m.person.id: m for m in LexicalRanker().rank(article, usable, limit=len(usable))}
        matches = []
        for profile, vector in zip(usable, vectors, strict=True):
            score = cosine(query, vector)
            if score <= self.minimum:
                continue
            found = lexical.get(profile.person.id)
            matches.append(
                Match(
                    profile.person,
                    round(score, 4),
                    found.terms if found else (),
                    found.topics if found else (),
                    found.evidence if found else (),
                )
            )
        matches.sort(key=lambda m: (-m.score, m.person.name, m.person.id))
        return matches[:limit]


def hashed_embedder(dimensions: int = 256) -> Embed:
    """A deterministic bag-of-words embedding (feature hashing): the offline stand-in for a
    sentence model in tests, and the fallback when no model is installed."""

    def embed(texts: Sequence[str]) -> list[list[float]]:
        out = []
        for text in texts:
            vector = [0.0] * dimensions
            for word in terms(text):
                vector[_stable_hash(word) % dimensions] += 1.0
            out.append(vector)
        return out

    return embed


def _stable_hash(word: str) -> int:
    value = 2166136261
    for byte in word.encode():
        value = ((value ^ byte) * 16777619) & 0xFFFFFFFF
    return value


def precision_at(ranked: Sequence[int], relevant: Iterable[int], k: int = 5) -> float:
    """Share of the first ``k`` ranked ids that are relevant (k counts even if fewer ranked)."""
    wanted = set(relevant)
    return sum(1 for pid in ranked[:k] if pid in wanted) / k
