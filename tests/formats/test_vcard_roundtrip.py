"""Export -> import -> export: a PersonRecord survives a vCard round trip unchanged."""

from __future__ import annotations

import string
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from amity.formats.fields import email_point, phone_point, simple_point
from amity.formats.records import PersonRecord, Relation, assign_source_ref
from amity.formats.vcard import address_from_parts, parse_vcards, write_vcard, write_vcards
from amity.model import ImportantDate, PartialDate

WORD = st.text(string.ascii_letters + "äéñ漢", min_size=1, max_size=8)
TEXT = (
    st.lists(
        st.text(string.ascii_letters + string.digits + " ,;:\\\n\"'éß漢", min_size=1, max_size=20),
        min_size=1,
        max_size=3,
    )
    .map(" ".join)
    .map(str.strip)
    .filter(bool)
)
LABEL = st.none() | st.sampled_from(["home", "work", "other", "Custom Label", "assistant"])
PHONE_LABEL = st.none() | st.sampled_from(["mobile", "work fax", "home", "pager", "GRAND_CENTRAL"])


def partial_dates() -> st.SearchStrategy[PartialDate]:
    return st.builds(
        lambda d, keep: PartialDate(d.month, d.day, d.year if keep else None),
        st.dates(date(1900, 1, 1), date(2030, 12, 31)).filter(lambda d: d.year != 1604),
        st.booleans(),
    )


@st.composite
def people(draw: st.DrawFn) -> PersonRecord:
    emails = draw(st.lists(st.tuples(WORD, WORD, LABEL, st.booleans()), max_size=3))
    phones = draw(
        st.lists(
            st.tuples(
                st.from_regex(r"\+?[0-9 ()-]{3,15}", fullmatch=True)
                .map(str.strip)
                .filter(lambda t: any(c.isdigit() for c in t)),
                PHONE_LABEL,
            ),
            max_size=3,
        )
    )
    person = PersonRecord(
        name=draw(TEXT),
        given_name=draw(st.none() | WORD),
        family_name=draw(st.none() | WORD),
        nickname=draw(st.none() | WORD),
        org=draw(st.none() | TEXT.filter(lambda t: not t.startswith((" ",)))),
        title=draw(st.none() | TEXT),
        tags=draw(st.lists(WORD, max_size=3, unique=True)),
        notes=draw(st.none() | TEXT),
        uid=draw(st.none() | st.uuids().map(str)),
        birthday=draw(st.none() | partial_dates()),
        anniversary=draw(st.none() | partial_dates()),
        dates=draw(
            st.lists(
                st.builds(lambda w, lab: ImportantDate("custom", w, lab), partial_dates(), WORD),
                max_size=2,
                unique_by=lambda d: (d.when, d.label),
            )
        ),
        related=draw(
            st.lists(
                st.builds(
                    Relation, st.sampled_from(["spouse", "child", "related", "friend"]), WORD
                ),
                max_size=2,
                unique=True,
            )
        ),
        met_on=draw(st.none() | st.dates(date(1990, 1, 1), date(2030, 1, 1))),
        how_met=draw(st.none() | st.just("LinkedIn")),
        source="vcard",
    )
    if person.org:
        person.department = draw(st.none() | WORD)
    for local, domain, label, primary in emails:
        point = email_point(f"{local}@{domain}.example", label, is_primary=primary)
        if point and all(p.normalized != point.normalized for p in person.emails):
            person.emails.append(point)
    for number, label in phones:
        point = phone_point(number, label, default_region="DE")
        if point and all(p.normalized != point.normalized for p in person.phones):
            person.phones.append(point)
    url = simple_point("url", f"https://{draw(WORD)}.example/x", draw(LABEL))
    person.urls = [url] if url and draw(st.booleans()) else []
    address = address_from_parts(
        ["", "", draw(TEXT), draw(WORD), "", "12345", draw(WORD)], draw(LABEL)
    )
    person.addresses = [address] if address and draw(st.booleans()) else []
    if draw(st.booleans()):
        person.photo = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
    return assign_source_ref(person)


@settings(max_examples=150, deadline=None)
@given(people(), st.sampled_from(["3.0", "4.0"]))
def test_person_survives_a_vcard_round_trip(person: PersonRecord, version: str) -> None:
    text = write_vcard(person, version)
    (back,) = parse_vcards(text.encode(), default_region="DE").people
    assert back == person
    assert write_vcard(back, version) == text


def test_export_is_deterministic_and_folded() -> None:
    person = assign_source_ref(PersonRecord(name="Ana Lima", notes="x" * 300, uid="u1"))
    text = write_vcards([person, person])
    assert text == write_vcards([person, person])
    assert max(len(line.encode()) for line in text.split("\r\n")) <= 75
    assert text.count("BEGIN:VCARD") == 2
