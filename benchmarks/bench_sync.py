"""Benchmark: CardDAV sync (issue 10) against a local Radicale, each step in its own process.

- the same generated 10,000 cards imported from a file, then pulled from Radicale by a first
  sync (discovery, sync-collection, addressbook-multiget, import pipeline, links): the ratio
  of the first pull to the file import (target: within 2x);
- an incremental run with no changes right after: seconds and HTTP requests (targets: under
  1 s, at most 2 requests);
- the peak RSS of the process that ran both (target: under 200 MB).

Each run also says how long it waited for the server's answers (``server_wait``): Radicale
re-reads its whole item cache for every listing (about 0.2 ms per card, so 1.7 s per request
at 10,000 cards on this machine), which no client can avoid; ``*_amity_s`` is the rest.

Radicale runs without fsync (tests/sync/servers.py) and gets the cards as files in its
address book's folder, then lists them once (PROPFIND, and a sync-collection as another
device would) so that its item and history caches are built before the pull is timed (PUTting 10,000 cards one by one takes Radicale longer than everything measured here,
and a server that took the cards by PUT has its cache built already). Radicale's own time to
answer is inside the pull's figure: on this 2-core machine it shares the CPU with Amity.

    run("/tmp/bench")  -> {"cards": 10000, "file_import_s": ..., "first_pull_s": ..., ...}
    python benchmarks/bench_sync.py [WORKDIR] [--cards 10000]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RATIO_TARGET = 2.0
INCREMENTAL_TARGET_S = 1.0
REQUESTS_TARGET = 2
RSS_TARGET_MB = 200.0

_IMPORT = """
import json, resource, sys, time
from amity.book import open_book
book = open_book(sys.argv[2])
started = time.perf_counter()
result = book.transfer.run(sys.argv[1], "vcard")
print(json.dumps({"seconds": time.perf_counter() - started, "counts": result.summary()}))
"""

_SYNC = """
import json, os, resource, sys, time
os.environ["AMITY_SYNC_ALLOW_PRIVATE"] = "1"
os.environ.setdefault("AMITY_SECRET_KEY", "bench-installation-secret-0123456789")
from amity.book import open_book
from amity.sync.runner import add_account, run_account
url, user, db = sys.argv[1], sys.argv[2], sys.argv[3]
book = open_book(db)
started = time.perf_counter()
account = add_account(book, "carddav", url, username=user, password="x")
first = run_account(book, account.id)
first_s = time.perf_counter() - started
started = time.perf_counter()
again = run_account(book, account.id)
again_s = time.perf_counter() - started
print(json.dumps({"first_s": first_s, "first": first.counts, "first_details": first.details,
                  "first_status": first.status, "first_error": first.error,
                  "again_s": again_s, "again": again.counts, "again_details": again.details,
                  "people": book.people.count(),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _child(code: str, *args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          check=False, cwd=REPO)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _load_cards(folder: Path, book_url: str, user: str, path: Path) -> dict[str, float]:
    """The cards as Radicale keeps them (one file each in the address book's folder), then
    one listing so that Radicale builds its item cache, as it does when cards are PUT."""
    import httpx

    cards = path.read_bytes().decode("utf-8").split("END:VCARD\r\n")
    target = folder / "collections" / "collection-root" / user / "contacts"
    started = time.perf_counter()
    for n, text in enumerate(cards):
        if text.strip():
            (target / f"c{n}.vcf").write_bytes((text + "END:VCARD\r\n").encode("utf-8"))
    written = time.perf_counter() - started
    started = time.perf_counter()
    for method, body in (("PROPFIND", _PROPFIND), ("REPORT", _SYNC_ALL)):
        r = httpx.request(method, book_url, content=body, auth=(user, "x"), timeout=3600,
                          headers={"Depth": "1", "Content-Type": "application/xml"})  # fmt: skip
        r.raise_for_status()
    return {"write_s": written, "warm_s": time.perf_counter() - started}


_PROPFIND = '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>'
_SYNC_ALL = ('<d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level>'
             "<d:prop><d:getetag/></d:prop></d:sync-collection>")  # fmt: skip


def run(workdir: str, cards: int = 10_000) -> dict[str, Any]:
    sys.path.insert(0, str(REPO))
    from tests.imports import generate
    from tests.sync.servers import radicale

    work = Path(workdir)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    path = generate.write_vcards(work / f"cards-{cards}.vcf", cards)
    imported = _child(_IMPORT, str(path), str(work / "file.db"))
    with radicale(work) as server:
        load = _load_cards(work, server.addressbook, server.user, path)
        synced = _child(_SYNC, server.base, server.user, str(work / "sync.db"))
    ratio = synced["first_s"] / imported["seconds"]
    requests = synced["again_details"].get("requests")
    first_server = float(synced["first_details"].get("server_s", 0.0))
    again_server = float(synced["again_details"].get("server_s", 0.0))
    return {
        "cards": cards,
        "file_import_s": round(imported["seconds"], 2),
        "radicale_cache_build_s": round(load["warm_s"], 1),
        "first_pull_s": round(synced["first_s"], 2),
        "first_pull_counts": synced["first"],
        "first_pull_requests": synced["first_details"].get("requests"),
        "people_after_pull": synced["people"],
        "first_pull_server_wait_s": round(first_server, 2),
        "first_pull_amity_s": round(synced["first_s"] - first_server, 2),
        "ratio_to_file_import": round(ratio, 2),
        "amity_ratio_to_file_import": round(
            (synced["first_s"] - first_server) / imported["seconds"], 2
        ),
        "incremental_s": round(synced["again_s"], 3),
        "incremental_server_wait_s": round(again_server, 3),
        "incremental_amity_s": round(synced["again_s"] - again_server, 3),
        "incremental_requests": requests,
        "peak_rss_mb": round(synced["peak_rss_mb"], 1),
        "targets": {
            "ratio": RATIO_TARGET,
            "incremental_s": INCREMENTAL_TARGET_S,
            "requests": REQUESTS_TARGET,
            "peak_rss_mb": RSS_TARGET_MB,
        },
        "meets_targets": ratio <= RATIO_TARGET
        and synced["again_s"] < INCREMENTAL_TARGET_S
        and (requests or 0) <= REQUESTS_TARGET
        and synced["peak_rss_mb"] < RSS_TARGET_MB,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workdir", nargs="?", default=None)
    parser.add_argument("--cards", type=int, default=10_000)
    args = parser.parse_args()
    workdir = args.workdir or tempfile.mkdtemp(prefix="amity-bench-sync-")
    print(json.dumps(run(workdir, args.cards), indent=2))


if __name__ == "__main__":
    main()
