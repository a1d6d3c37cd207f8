"""Search: one function over FTS5 and PostgreSQL full text, ranked, accent- and case-blind."""

from __future__ import annotations

from amity.book import Book, InteractionInput, PersonInput


def seed(book: Book) -> dict[str, int]:
    ids = {
        "ana": book.people.add(
            PersonInput(
                name="Ana Lima",
                org="Acme Robotics",
                emails=["ana@acme.io"],
                phones=["+1 415 555 0123"],
                tags=["climate"],
            )
        ).id,
        "zoe": book.people.add(PersonInput(name="Zoë Ångström", title="Designer")).id,
        "ben": book.people.add(PersonInput(name="Ben Ode", note="met at the sailing club")).id,
    }
    book.people.add_fact(ids["zoe"], "interest", "Bouldering and ceramics")
    book.people.add_question(ids["ben"], "How did the marathon go?")
    book.interactions.log(
        InteractionInput(
            people=[ids["ana"], ids["ben"]],
            kind="meeting",
            subject="Quarterly roadmap",
            notes="discussed the Lisbon offsite",
        )
    )
    return ids


def test_finds_people_by_every_field(book: Book) -> None:
    ids = seed(book)
    cases = {
        "acme": "ana",
        "ana@acme.io": "ana",
        "4155550123": "ana",
        "climate": "ana",
        "zoe": "zoe",
        "ANGSTROM": "zoe",
        "ceramics": "zoe",
        "design": "zoe",
        "marathon": "ben",
        "sailing": "ben",
        "lima": "ana",
    }
    for query, who in cases.items():
        hits = [h for h in book.search(query) if h.kind == "person"]
        assert hits and hits[0].id == ids[who], query


def test_finds_interactions_by_subject_and_notes_with_people(book: Book) -> None:
    ids = seed(book)
    hits = book.search("lisbon offsite")
    assert hits[0].kind == "interaction"
    assert {r.id for r in hits[0].people} == {ids["ana"], ids["ben"]}
    assert "roadmap" in hits[0].title.lower()


def test_prefix_and_all_words_must_match(book: Book) -> None:
    seed(book)
    assert [h.title for h in book.search("ana li")] == ["Ana Lima"]
    assert book.search("ana zebra") == []
    assert book.search("   ") == []
    assert book.search('"; DROP TABLE people; --') == []


def test_index_follows_edits(book: Book) -> None:
    ids = seed(book)
    book.people.edit(ids["zoe"], PersonInput(org="Globex"))
    assert book.search("globex")[0].id == ids["zoe"]
    book.people.purge(ids["zoe"])
    assert book.search("globex") == []


def test_search_people_finds_whom_search_finds_without_describing_hits(book: Book) -> None:
    ids = seed(book)
    for query in ("lisbon offsite", "acme", "ana", "marathon", "zebra"):
        hits = book.search(query, limit=100)
        expected = [h.id for h in hits if h.kind == "person"]
        for h in hits:
            expected += [p.id for p in h.people if h.kind == "interaction" and p.id not in expected]
        assert book.search_people(query) == expected, query
    assert set(book.search_people("lisbon offsite")) == {ids["ana"], ids["ben"]}
