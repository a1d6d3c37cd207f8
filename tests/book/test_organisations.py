"""book.organisations (issue 12 section 4): names unique per owner in any case, people there
through their jobs, edit (a new name carries the jobs along), delete (to the trash)."""

from __future__ import annotations

import pytest

from amity.book import Book, InteractionInput, PersonInput
from amity.book.organisations import OrganisationInput
from amity.errors import Conflict, InvalidInput, NotFound
from tests.conftest import Clock, new_book


def test_add_get_list_and_people_who_work_there(book: Book) -> None:
    acme = book.organisations.add(OrganisationInput(
        name="  Acme   Corp ", website="acme.example", emails=["Hello@Acme.example"],
        phones=["+1 415 555 0100"], address="1 Main St", notes="Makes anvils"))  # fmt: skip
    assert (acme.name, acme.website, acme.emails, acme.phones) == (
        "Acme Corp",
        "https://acme.example",
        ["Hello@acme.example"],
        ["+14155550100"],
    )
    book.people.add(PersonInput(name="Ana Lima", org="ACME CORP", title="CTO"))
    book.people.add(PersonInput(name="Bruno Costa", org="acme corp"))
    book.people.add(PersonInput(name="Chen Wu", org="Beta"))
    dana = book.people.add(PersonInput(name="Dana Ortiz", org="Acme Corp"))
    book.people.edit(dana.id, PersonInput(org="Beta"))  # a new job: Acme is her former one
    assert book.organisations.get("acme corp").id == acme.id
    assert [(o.name, o.people_count) for o in book.organisations.list()] == [("Acme Corp", 2)]
    people = book.organisations.people(acme.id)  # type: ignore[arg-type]
    assert [(m.name, m.title, m.current) for m in people] == [
        ("Ana Lima", "CTO", True),
        ("Bruno Costa", None, True),
        ("Dana Ortiz", None, False),
    ]
    assert book.organisations.find("beta") is None
    assert [o.name for o in book.organisations.list("CORP")] == ["Acme Corp"]
    assert book.organisations.list("zzz") == []


def test_names_are_unique_in_any_case_and_bad_input_is_refused(book: Book) -> None:
    book.organisations.add(OrganisationInput(name="Acme"))
    with pytest.raises(Conflict, match="already an organisation named 'Acme'"):
        book.organisations.add(OrganisationInput(name="ACME"))
    for bad, field in ((OrganisationInput(name=" "), "name"),
                       (OrganisationInput(name="X", emails=["/o=Ex/cn=x"]), "email"),
                       (OrganisationInput(name="X", website="ftp://x.example"), "website"),
                       (OrganisationInput(name="X", phones=["call me"]), "phone")):  # fmt: skip
        with pytest.raises(InvalidInput) as caught:
            book.organisations.add(bad)
        assert caught.value.field == field
    assert [o.name for o in book.organisations.list()] == ["Acme"]


def test_rename_carries_people_along_and_delete_goes_to_the_trash(book: Book) -> None:
    acme = book.organisations.add(OrganisationInput(name="Acme"))
    book.people.add(PersonInput(name="Ana Lima", org="acme", title="CTO"))
    book.organisations.add(OrganisationInput(name="Beta"))
    with pytest.raises(Conflict):
        book.organisations.edit(acme.id, OrganisationInput(name="BETA"))  # type: ignore[arg-type]
    renamed = book.organisations.edit("ACME", OrganisationInput(name="Acme Inc", notes="New"))
    assert (renamed.name, renamed.notes, renamed.people_count) == ("Acme Inc", "New", 1)
    assert book.people.get("Ana Lima").org == "Acme Inc"
    book.organisations.delete("acme inc")
    with pytest.raises(NotFound):
        book.organisations.get("Acme Inc")
    assert book.people.get("Ana Lima").org == "Acme Inc"  # people keep their jobs
    (entry,) = book.history.trash()
    book.history.restore(entry.id)
    assert book.organisations.get("Acme Inc").notes == "New"


def test_another_owner_sees_nothing(book: Book, db_url: str, clock: Clock) -> None:
    acme = book.organisations.add(OrganisationInput(name="Acme"))
    other = new_book(db_url, clock)
    assert other.organisations.list() == []
    for action in (lambda: other.organisations.get(acme.id),  # type: ignore[arg-type]
                   lambda: other.organisations.get("Acme"),
                   lambda: other.organisations.edit(acme.id, OrganisationInput(notes="x")),  # type: ignore[arg-type]
                   lambda: other.organisations.delete(acme.id)):  # type: ignore[arg-type]  # fmt: skip
        with pytest.raises(NotFound):
            action()
    other.organisations.add(OrganisationInput(name="ACME"))  # the name is free in their book
    assert book.organisations.get(acme.id).notes is None  # type: ignore[arg-type]


def test_the_json_backup_keeps_organisations(book: Book, db_url: str, clock: Clock) -> None:
    book.organisations.add(OrganisationInput(name="Acme", emails=["hi@acme.example"],
                                             phones=["+14155550100"], notes="Anvils"))  # fmt: skip
    copy = new_book(db_url, clock)
    assert copy.transfer.restore_backup(book.transfer.backup())["organisations"] == 1
    (acme,) = copy.organisations.list()
    assert (acme.name, acme.emails, acme.phones, acme.notes) == (
        "Acme",
        ["hi@acme.example"],
        ["+14155550100"],
        "Anvils",
    )


def test_a_person_who_is_really_a_company_becomes_an_organisation(book: Book) -> None:
    """A company card imported before Amity knew company cards is a person; converting it
    keeps what it knew, in one change the trash can undo."""
    apple = book.people.add(PersonInput(name="Apple Computer AG", emails=["info@apple.example"],
                                        phones=["+41 44 877 91 11"], urls=["http://www.apple.ch"],
                                        note="Switzerland"))  # fmt: skip
    ana = book.people.add(PersonInput(name="Ana Lima", org="apple computer ag"))
    book.interactions.log(InteractionInput(people=[ana.id], subject="Coffee"))
    with pytest.raises(InvalidInput, match="took part in 1 interaction"):
        book.organisations.from_person(ana.id)  # type: ignore[arg-type]
    org = book.organisations.from_person("Apple Computer AG")
    assert (org.name, org.emails, org.phones, org.website, org.notes, org.people_count) == (
        "Apple Computer AG",
        ["info@apple.example"],
        ["+41448779111"],
        "http://www.apple.ch",
        "Switzerland",
        1,
    )
    assert [p.name for p in book.people.list()] == ["Ana Lima"]
    with pytest.raises(NotFound):
        book.people.get(apple.id)
    again = book.people.add(PersonInput(name="APPLE COMPUTER AG", emails=["jobs@apple.example"]))
    merged = book.organisations.from_person(again.id)  # type: ignore[arg-type]
    assert merged.id == org.id and merged.emails == ["info@apple.example", "jobs@apple.example"]
