"""The phone (issue 12 §6) through the in-process client: the manifest, the service worker
served from the root, the offline and More pages, and quick captures logged once per key."""

from __future__ import annotations

from amity.book import PersonInput
from tests.web.conftest import WebUser


def test_manifest_worker_offline_and_more_pages(ann: WebUser) -> None:
    manifest = ann.get("/manifest.webmanifest")
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    icons = manifest.json()["icons"]
    for icon in icons:
        assert ann.get(icon["src"]).status_code == 200
    worker = ann.get("/sw.js")
    assert worker.status_code == 200 and worker.headers["content-type"].startswith(
        "text/javascript"
    )
    assert worker.headers["cache-control"] == "no-cache"
    assert '"/capture"' in worker.text and "indexedDB" in worker.text
    page = ann.get("/").text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<nav class="bottom-bar" aria-label="Main">' in page
    assert 'name="capture_key"' in page
    assert "You are offline" in ann.get("/offline").text
    more = ann.get("/more").text
    assert 'href="/settings"' in more and 'href="/today/hidden"' in more


def test_a_capture_sent_twice_with_one_key_is_logged_once(ann: WebUser) -> None:
    ana = ann.book.people.add(PersonInput(name="Ana Lima"))
    form = {"person_id": [ana.id], "kind": "call", "subject": "Phone call", "capture_key": "k-1"}
    first = ann.post("/capture", form, htmx=True)
    again = ann.post("/capture", form, htmx=True)
    assert first.status_code == again.status_code == 200
    assert "Logged a call with Ana Lima." in first.text
    assert "Already logged: a call with Ana Lima." in again.text
    assert [i.subject for i in ann.book.interactions.timeline()] == ["Phone call"]
    other = ann.post("/capture", {**form, "capture_key": "k-2"}, htmx=True)
    assert other.status_code == 200
    assert len(ann.book.interactions.timeline()) == 2
    bad = ann.post("/capture", {**form, "capture_key": "no spaces"}, htmx=True)
    assert bad.status_code == 422 and len(ann.book.interactions.timeline()) == 2


def test_a_refused_capture_frees_its_key_for_the_corrected_one(ann: WebUser) -> None:
    ana = ann.book.people.add(PersonInput(name="Ana Lima"))
    form = {"person_id": [ana.id], "when": "banana", "capture_key": "k-9"}
    assert ann.post("/capture", form, htmx=True).status_code == 422
    fixed = ann.post("/capture", {**form, "when": ""}, htmx=True)
    assert fixed.status_code == 200 and "Logged a meeting with Ana Lima." in fixed.text
    assert len(ann.book.interactions.timeline()) == 1
