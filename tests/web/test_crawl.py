"""Issue 12 §3: with a demo book, a browser crawls every page and every link reachable from
Today and fails on any 4xx/5xx, on visible text that shows a Python repr, "None", "nan",
"Traceback" or "object at 0x", and on console errors.

Every route is visited; of routes that differ only by an id (/people/12, /people/13...) a few
are (the first three found), so the crawl stays bounded on a demo book. Links to files
(exports, the calendar feed) are fetched and their status checked, not opened.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Any
from urllib.parse import urldefrag, urljoin, urlparse

import pytest

from amity.book import open_book
from tests.web.conftest import LiveServer
from tests.web.test_browser import create_owner, watch_for_problems

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PER_PATTERN = 3
MAX_PAGES = 400
NEVER = ("/logout",)  # would end the session
BAD_TEXT = [
    (re.compile(r"\bNone\b"), "None"),
    (re.compile(r"\bnan\b", re.IGNORECASE), "nan"),
    (re.compile(r"Traceback"), "a traceback"),
    (re.compile(r"object at 0x"), "an object address"),
    (re.compile(r"\b[A-Z][A-Za-z]+\((?:[a-z_]+=|\))"), "a Python repr"),
    (re.compile(r"datetime\.(?:date|datetime|timedelta)\("), "a datetime repr"),
    (re.compile(r"\{'[a-z_]+': "), "a dict repr"),
    # dates read in words (issue 12 section 5): no ISO day, timestamp or year-less --MM-DD
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), "an ISO date"),
    (re.compile(r"(?<![\w-])--\d{2}-?\d{2}\b"), "a --MM-DD date"),
]


def pattern_of(url: str) -> str:
    """/people/12?tab=x -> /people/{n}?tab — ids folded, query keys kept."""
    parts = urlparse(url)
    path = re.sub(r"/\d+(?=/|$)", "/{n}", parts.path)
    keys = sorted({kv.split("=", 1)[0] for kv in parts.query.split("&") if kv})
    return path + ("?" + "&".join(keys) if keys else "")


def bad_text(text: str) -> list[str]:
    return [f"{label}: …{text[max(m.start() - 40, 0) : m.end() + 40]}…"
            for regex, label in BAD_TEXT for m in [regex.search(text)] if m]  # fmt: skip


def crawl(page: Any, base: str) -> tuple[list[str], int]:
    problems: list[str] = []
    seen_patterns: dict[str, int] = {}
    queued = {base + "/"}
    todo = deque([base + "/"])
    visited = 0
    while todo and visited < MAX_PAGES:
        url = todo.popleft()
        response = page.request.get(url, max_redirects=0)
        if response.status >= 400:
            problems.append(f"{response.status}: {url}")
            continue
        if response.status in (301, 302, 303, 307, 308):
            target = urljoin(url, response.headers.get("location", ""))
            if target.startswith(base) and target not in queued:
                queued.add(target)
                todo.append(target)
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue  # a file: its status was checked
        page.goto(url, wait_until="networkidle")
        visited += 1
        problems += [f"{url}: {p}" for p in bad_text(page.inner_text("body"))]
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            link, _ = urldefrag(href)
            if not link.startswith(base) or link in queued:
                continue
            if urlparse(link).path.startswith(NEVER):
                continue
            pattern = pattern_of(link)
            if seen_patterns.get(pattern, 0) >= PER_PATTERN:
                continue
            seen_patterns[pattern] = seen_patterns.get(pattern, 0) + 1
            queued.add(link)
            todo.append(link)
    return problems, visited


def test_every_page_and_link_of_a_demo_book(chromium_browser: Any, live_server: LiveServer) -> None:
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    console = watch_for_problems(page)
    create_owner(page, live_server)
    book = open_book(live_server.db_url, "olga@example.com")
    book.fill_demo(people=120, years=2, seed=7)
    problems, visited = crawl(page, live_server.url)
    assert visited >= 25, f"only {visited} pages reached"
    assert problems + console == [], f"{visited} pages visited"
    print(f"crawled {visited} pages")
    context.close()


def test_the_crawler_catches_what_it_looks_for() -> None:
    assert bad_text("How fast: ResponseTimes(count=1, median=datetime.timedelta(hours=3))")
    assert bad_text("Organisation: None") and bad_text("score nan")
    assert bad_text("<Person object at 0x7f>") and bad_text("Traceback (most recent call last)")
    assert bad_text("Ana Lima: 47 days since you last talked (Nonetheless fine)") == []
    assert bad_text("due 2026-12-08") and bad_text("birthday --04-15")
    assert bad_text("Ana Lima · due 8 December · 5 December 2026, 14:30") == []
    assert pattern_of("http://x/people/12/edit?tab=a&b=2") == "/people/{n}/edit?b&tab"
