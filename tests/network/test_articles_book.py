"""The articles library, share suggestions and the share log (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from amity.book import Book, PersonInput
from amity.book.articles import text_from_saved
from amity.errors import Ambiguous, Conflict, InvalidInput, NotFound
from tests.conftest import Clock
from tests.network.helpers import agenda_items


@pytest.fixture
def network(book: Book) -> Book:
    book.people.add(PersonInput(name="Ana", circle="inner", tags=["energy"]))
    book.people.add(PersonInput(name="Ben", note="Talks about batteries sometimes"))
    book.people.add(PersonInput(name="Cleo", title="Rust developer"))
    book.people.add_fact("Ana", "interest", "climate tech")
    book.people.add_fact("Cleo", "interest", "rust programming")
    return book


def test_adding_articles_validates_and_refuses_duplicates(book: Book) -> None:
    a = book.articles.add(
        "https://x.org/grid",
        title="Grid batteries",
        text="Storage...",
        topics=["Climate Tech, energy", "energy"],
    )
    assert a.topics == ["climate tech", "energy"]
    with pytest.raises(Conflict, match="already in your library"):
        book.articles.add("https://x.org/grid")
    with pytest.raises(InvalidInput):
        book.articles.add("not a url with spaces")
    with pytest.raises(InvalidInput):
        book.articles.add("https://x.org/b", topics=["x" * 101])
    assert book.articles.get(f"A{a.id}").title == "Grid batteries"
    assert book.articles.get("https://x.org/grid").id == a.id
    assert book.articles.get("grid").id == a.id
    book.articles.add("https://x.org/grid-2", title="Grid prices")
    with pytest.raises(Ambiguous):
        book.articles.get("grid")
    with pytest.raises(NotFound):
        book.articles.get("999999")
    assert [x.article.url for x in book.articles.list()] == [
        "https://x.org/grid-2",
        "https://x.org/grid",
    ]


def test_suggestions_rank_interests_and_skip_people_who_have_it(network: Book) -> None:
    article = network.articles.add(
        "https://x.org/grid", title="Grid batteries are cheap", topics=["climate tech", "energy"]
    )
    names = [m.person.name for m in network.articles.suggest(article.id)]
    assert names == ["Ana", "Ben"]
    result = network.articles.share(article.id, ["Ana"], note="for you", channel="signal")
    assert [r.name for r in result.shared] == ["Ana"]
    assert [m.person.name for m in network.articles.suggest(article.id)] == ["Ben"]
    with pytest.raises(InvalidInput, match="rank with one of"):
        network.articles.suggest(article.id, ranker="magic")


def test_a_share_is_an_outbound_interaction_a_given_exchange_and_a_share(network: Book) -> None:
    article = network.articles.add(
        "https://x.org/rust", title="Ownership explained", topics=["rust"]
    )
    result = network.articles.share(article.id, ["Cleo", "Ana"])
    assert result.interaction is not None
    i = network.interactions.get(result.interaction.id or 0)
    assert (i.direction, i.kind, i.status, i.source) == ("outbound", "message", "done", "share")
    assert i.subject == "Shared: Ownership explained"
    assert {r.name for r in i.people} == {"Ana", "Cleo"}
    given = network.network.ledger.exchanges("Cleo")
    assert [(x.direction, x.kind) for x in given] == [("given", "article")]
    assert {p.name for p, _ in network.articles.shares(article.id)} == {"Ana", "Cleo"}
    assert network.people.get("Cleo").last_interaction_at is not None
    again = network.articles.share(article.id, ["Cleo", "Ben"])
    assert [r.name for r in again.shared] == ["Ben"] and [r.name for r in again.skipped] == ["Cleo"]
    with pytest.raises(InvalidInput, match="already had"):
        network.articles.share(article.id, ["Cleo"])
    assert len(network.network.ledger.exchanges("Cleo")) == 1


def test_the_profile_includes_past_shares(network: Book) -> None:
    first = network.articles.add("https://x.org/1", title="Kernel scheduling", topics=["kernels"])
    network.articles.share(first.id, ["Ben"])
    second = network.articles.add("https://x.org/2", title="Kernel memory", topics=["kernels"])
    top = network.articles.suggest(second.id)[0]
    assert top.person.name == "Ben" and top.strong


def test_share_items_for_new_articles_with_strong_matches(network: Book, clock: Clock) -> None:
    article = network.articles.add(
        "https://x.org/grid", title="Grid batteries", topics=["climate tech"]
    )
    today = clock().date()
    items = agenda_items(network, today, "share")
    assert [(a.kind, a.people[0].name) for a in items] == [("share", "Ana")]
    item = items[0]
    assert item.key == f"share:a{article.id}:p{item.people[0].id}"
    assert "Grid batteries" in item.reason and "climate tech" in item.reason
    assert item.details["weight"] == 4.0  # circle inner
    network.articles.share(article.id, ["Ana"])
    assert agenda_items(network, today, "share") == []
    assert agenda_items(network, today + timedelta(days=30), "share") == []
    assert agenda_items(network, date(2020, 1, 1), "share") == []


def test_text_from_a_saved_page_or_a_text_file() -> None:
    title, text = text_from_saved(
        "<html><head><title>Grid</title><style>p{}</style></head>"
        "<body><p>Batteries</p><script>var x</script><p>are cheap</p></body></html>"
    )
    assert title == "Grid" and text == "Batteries are cheap"
    assert text_from_saved("  plain words \n") == (None, "plain words")
