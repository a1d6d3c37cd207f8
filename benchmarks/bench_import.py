"""Benchmark: imports (issue 4), each measured in its own process on a new SQLite book.

- a generated 10,000-card vCard file: cards/s through the whole pipeline (parse, match, plan,
  apply, index), and the ratio to vobject merely parsing the same file (target: within 2x);
- a generated 100,000-message mbox (with --create-people): messages/s and the import's peak
  RSS (target: under 300 MB);
- a generated 10,000-row LinkedIn Connections.csv: rows/s.

    run("/tmp/bench")        -> {"vcard": {...}, "mbox": {...}, "linkedin": {...}}
    python benchmarks/bench_import.py [WORKDIR] [--cards 10000] [--messages 100000] [--rows 10000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
VCARD_RATIO_TARGET = 2.0
MBOX_RSS_TARGET_MB = 300.0

# Runs in a child process: import FILE into a new book, print seconds, counts and peak RSS.
_IMPORT = """
import json, resource, sys, time
from amity.book import open_book
from amity.book.transfer import ImportOptions
path, fmt, db, create = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
book = open_book(db)
book.settings.set("me.emails", ["me@home.example"])
started = time.perf_counter()
result = book.transfer.run(path, fmt, options=ImportOptions(create_people=create))
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "counts": result.summary(),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_VOBJECT = """
import json, sys, time
import vobject
started = time.perf_counter()
with open(sys.argv[1], encoding="utf-8") as f:
    cards = sum(1 for _ in vobject.readComponents(f))
print(json.dumps({"seconds": time.perf_counter() - started, "cards": cards}))
"""


def _child(code: str, *args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          check=True, cwd=REPO)  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _generators() -> Any:
    sys.path.insert(0, str(REPO))
    from tests.imports import generate

    return generate


def bench_vcard(workdir: Path, cards: int) -> dict[str, Any]:
    path = _generators().write_vcards(workdir / f"cards-{cards}.vcf", cards)
    parsed = _child(_VOBJECT, str(path))
    imported = _child(_IMPORT, str(path), "vcard", str(workdir / "vcard.db"), "0")
    ratio = imported["seconds"] / parsed["seconds"]
    return {
        "cards": cards,
        "import_s": round(imported["seconds"], 3),
        "cards_per_s": round(cards / imported["seconds"]),
        "vobject_parse_s": round(parsed["seconds"], 3),
        "vobject_cards_per_s": round(parsed["cards"] / parsed["seconds"]),
        "ratio_to_vobject_parse": round(ratio, 2),
        "target_ratio": VCARD_RATIO_TARGET,
        "meets_target": ratio <= VCARD_RATIO_TARGET,
        "people_new": imported["counts"]["people_new"],
        "peak_rss_mb": round(imported["peak_rss_mb"], 1),
    }


def bench_mbox(workdir: Path, messages: int) -> dict[str, Any]:
    path = _generators().write_mbox(workdir / f"mail-{messages}.mbox", messages,
                                    correspondents=max(10, messages // 50))  # fmt: skip
    imported = _child(_IMPORT, str(path), "mbox", str(workdir / "mbox.db"), "1")
    return {
        "messages": messages,
        "import_s": round(imported["seconds"], 3),
        "messages_per_s": round(messages / imported["seconds"]),
        "peak_rss_mb": round(imported["peak_rss_mb"], 1),
        "target_rss_mb": MBOX_RSS_TARGET_MB,
        "meets_target": imported["peak_rss_mb"] < MBOX_RSS_TARGET_MB,
        "interactions_new": imported["counts"]["interactions_new"],
        "awaiting_reply": imported["counts"]["awaiting_reply"],
    }


def bench_linkedin(workdir: Path, rows: int) -> dict[str, Any]:
    path = _generators().write_linkedin(workdir / f"Connections-{rows}.csv", rows)
    imported = _child(_IMPORT, str(path), "linkedin", str(workdir / "linkedin.db"), "0")
    return {
        "rows": rows,
        "import_s": round(imported["seconds"], 3),
        "rows_per_s": round(rows / imported["seconds"]),
        "people_new": imported["counts"]["people_new"],
        "peak_rss_mb": round(imported["peak_rss_mb"], 1),
    }


def run(workdir: str | Path, *, cards: int = 10_000, messages: int = 100_000,
        rows: int = 10_000) -> dict[str, Any]:  # fmt: skip
    folder = Path(workdir)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.db*"):
        old.unlink()
    return {
        "vcard": bench_vcard(folder, cards),
        "mbox": bench_mbox(folder, messages),
        "linkedin": bench_linkedin(folder, rows),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workdir", nargs="?")
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    workdir = args.workdir or tempfile.mkdtemp(prefix="amity-bench-import-")
    print(json.dumps(run(workdir, cards=args.cards, messages=args.messages, rows=args.rows),
                     indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
