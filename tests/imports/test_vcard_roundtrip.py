"""vCard export -> import into an empty book -> export gives the same text (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amity.book import Book
from amity.book.transfer import ParsedItems
from amity.formats.records import PersonRecord, Relation
from amity.model import ContactPoint, PartialDate
from tests.conftest import Clock, new_book

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzÁéüßñ,;:\\'", min_size=1, max_size=8)
WORDS = st.lists(WORD, min_size=1, max_size=3).map(" ".join)
EMAIL = st.from_regex(r"[a-z]{1,8}\.[a-z]{1,6}@[a-z]{2,8}\.(org|net|example)", fullmatch=True)
PHONE = st.integers(2_000_000, 9_999_999).map(
    lambda n: f"+1 415 {n // 10_000:03d} {n % 10_000:04d}"
)
LABEL = st.sampled_from([None, "work", "home", "mobile", "Conference badge"])
DAY = st.builds(
    PartialDate,
    st.integers(1, 12),
    st.integers(1, 28),
    st.one_of(st.none(), st.integers(1900, 2020)),
)


@st.composite
def person(draw: st.DrawFn) -> PersonRecord:
    given_name, family_name = draw(WORD), draw(WORD)
    return PersonRecord(
        name=f"{given_name} {family_name}",
        given_name=given_name,
        family_name=family_name,
        nickname=draw(st.one_of(st.none(), WORD)),
        org=draw(st.one_of(st.none(), WORDS)),
        title=draw(st.one_of(st.none(), WORDS)),
        emails=[
            ContactPoint("email", e, draw(LABEL), e)
            for e in draw(st.lists(EMAIL, max_size=2, unique=True))
        ],
        phones=[
            ContactPoint("phone", p, draw(LABEL), "")
            for p in draw(st.lists(PHONE, max_size=2, unique=True))
        ],
        urls=[
            ContactPoint("url", u, None, u)
            for u in draw(
                st.lists(
                    st.sampled_from(["https://a.example/x", "https://b.example/y"]),
                    max_size=2,
                    unique=True,
                )
            )
        ],
        tags=draw(st.lists(st.from_regex(r"[a-z]{2,8}", fullmatch=True), max_size=3, unique=True)),
        notes=draw(st.one_of(st.none(), WORDS)),
        birthday=draw(st.one_of(st.none(), DAY)),
        anniversary=draw(st.one_of(st.none(), DAY)),
        related=[Relation("spouse", n) for n in draw(st.lists(WORDS, max_size=1))],
        source="test",
        source_ref=draw(st.uuids()).hex,
    )


def _export(book: Book, version: str) -> str:
    return book.transfer.export("vcard", vcard_version=version).text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.lists(person(), min_size=1, max_size=5), version=st.sampled_from(["3.0", "4.0"]))
def test_export_import_export_is_identical(
    sqlite_url_for_hypothesis: str, people: list[PersonRecord], version: str
) -> None:
    clock = Clock()
    first = new_book(sqlite_url_for_hypothesis, clock)
    first.transfer.run(ParsedItems(iter(people), "test"))
    exported = _export(first, version)
    second = new_book(sqlite_url_for_hypothesis, clock)
    result = second.transfer.run(exported.encode(), "vcard")
    assert result.plan.errors == []
    assert _export(second, version) == exported
