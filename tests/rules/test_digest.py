"""The digest in text and HTML."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

from amity.model.types import Action, PersonRef
from amity.rules.agenda import make_action
from amity.rules.digest import digest_subject, render_digest_html, render_digest_text

TODAY = date(2026, 5, 15)
ACTIONS = [
    make_action("promise_mine", "promise:c8", [PersonRef(1, "Ana")], TODAY,
                "You promised Ana to send the deck, due today", timing=1, weight=2),
    make_action("date", "date:birthday:d17:2026", [PersonRef(2, "<Ben & Co>")], TODAY,
                'Ben turns 40 today <script>alert("x")</script>', timing=1, weight=1),
]  # fmt: skip


def test_text() -> None:
    text = render_digest_text(ACTIONS, TODAY, "Zoë")
    assert text.startswith("Your agenda for Friday 15 May 2026\n\nHello Zoë,\n2 things to do")
    assert "1. Your promise: You promised Ana to send the deck, due today\n" in text
    assert "key promise:c8, score 6.00" in text
    assert "amity done KEY" in text


def test_text_limit_and_empty() -> None:
    limited = render_digest_text(ACTIONS, TODAY, "Zoë", limit=1)
    assert "... and 1 more item" in limited
    assert "Ben turns" not in limited
    assert "Nothing on your agenda today" in render_digest_text([], TODAY, "")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_escapes_user_text() -> None:
    html = render_digest_html(ACTIONS, TODAY, "<Zoë>")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;Zoë&gt;" in html
    parser = _Collector()
    parser.feed(html)
    assert "script" not in parser.tags
    assert "table" in parser.tags
    body = "".join(parser.text)
    assert 'Ben turns 40 today <script>alert("x")</script>' in body
    assert "promise:c8" in body


def test_html_empty() -> None:
    html = render_digest_html([], TODAY, "Zoë")
    assert "<table" not in html
    assert "Nothing on your agenda today" in html


def test_subject() -> None:
    assert digest_subject(ACTIONS, TODAY) == "Amity: 2 things for Friday 15 May 2026"
    assert digest_subject([], TODAY) == "Amity: nothing to do on Friday 15 May 2026"


def test_every_action_kind_has_a_label() -> None:
    action = Action("k", "unknown_kind", [], TODAY, "r", 1.0)
    assert "Unknown kind" in render_digest_text([action], TODAY, "")
