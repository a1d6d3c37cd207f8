"""CSV export of book people or import records, with the documented `CSV_HEADER`.

`write_csv` accepts `amity.model.Person` (what the Book lists) as well as `PersonRecord`; cells
that a spreadsheet could run as a formula (``=`` ``+`` ``-`` ``@``) are prefixed with ``'``.
"""

from __future__ import annotations

from collections.abc import Iterable

from amity.formats import csv_import
from amity.formats.csv_import import CSV_HEADER, neutralised
from amity.formats.records import PersonRecord
from amity.model import ContactPoint, Person

__all__ = ["CSV_HEADER", "neutralised", "person_record", "write_csv"]


def write_csv(people: Iterable[Person | PersonRecord]) -> str:
    return csv_import.write_csv([person_record(p) for p in people])


def person_record(person: Person | PersonRecord) -> PersonRecord:
    """A `PersonRecord` with what an export needs from a book `Person`."""
    if isinstance(person, PersonRecord):
        return person
    points = person.contact_points
    emails = [p for p in points if p.kind == "email"] or [
        ContactPoint("email", e) for e in person.emails
    ]
    phones = [p for p in points if p.kind == "phone"] or [
        ContactPoint("phone", t) for t in person.phones
    ]
    return PersonRecord(
        name=person.name,
        given_name=person.given_name,
        family_name=person.family_name,
        nickname=person.nickname,
        org=person.org,
        title=person.title,
        emails=emails,
        phones=phones,
        urls=[p for p in points if p.kind == "url"],
        socials=[p for p in points if p.kind == "social"],
        impps=[p for p in points if p.kind == "impp"],
        addresses=[p for p in points if p.kind == "address"],
        tags=list(person.tags),
        notes=person.notes,
        photo=person.photo,
        uid=person.uid,
        birthday=person.birthday,
        met_on=person.met_on,
        how_met=person.how_met,
        is_group=person.is_group,
    )
