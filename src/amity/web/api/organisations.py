"""Organisations in the REST API (issue 12 section 4): ``/organisations`` (list, add),
``/organisations/{id}`` (read with the people who work there, change, delete) and
``POST /people/{id}/organisation`` (a person who is really a company becomes one). Another
user's ids are 404 like every other record."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response, status
from pydantic import BaseModel, Field

from amity import serialize as j
from amity.book import Book
from amity.book.organisations import OrganisationInput
from amity.book.transfer.merge import CHOOSABLE
from amity.web.api import errors as e
from amity.web.api.schemas import MAX_ID, Instant, LongText, Notes, Str254, Str300, Str500, Strict
from amity.web.deps import get_book

router = APIRouter()
BookDep = Annotated[Book, Depends(get_book)]
OrganisationId = Annotated[int, Path(ge=1, le=MAX_ID)]
PersonId = Annotated[int, Path(ge=1, le=MAX_ID)]
TAGS: list[str | Any] = ["organisations"]


class OrganisationFields(Strict):
    website: Str500 | None = Field(None, description="http(s) address; https:// is assumed")
    emails: list[Str254] | None = Field(None, max_length=50, description="Replaces the list")
    phones: list[Str300] | None = Field(None, max_length=50, description="Replaces the list")
    address: LongText | None = None
    notes: Notes | None = None


class OrganisationCreate(OrganisationFields):
    name: Annotated[Str300, Field(min_length=1)]


class OrganisationUpdate(OrganisationFields):
    name: Annotated[Str300, Field(min_length=1)] | None = None


class MemberOut(BaseModel):
    id: int
    name: str
    title: str | None
    current: bool = Field(description="False for someone who worked there before")


class OrganisationOut(BaseModel):
    id: int | None
    name: str
    website: str | None
    emails: list[str]
    phones: list[str]
    address: str | None
    notes: str | None
    uid: str | None
    people_count: int = Field(description="People whose current job is here")
    created_at: Instant | None
    updated_at: Instant | None


class OrganisationDetail(OrganisationOut):
    people: list[MemberOut]


def _input(body: OrganisationFields, name: str | None) -> OrganisationInput:
    return OrganisationInput(name=name, website=body.website, emails=body.emails,
                             phones=body.phones, address=body.address, notes=body.notes)  # fmt: skip


@router.get("/organisations", response_model=list[OrganisationOut], responses=e.READ,
            tags=TAGS, summary="Organisations by name, with how many people work there")  # fmt: skip
def list_organisations(
    book: BookDep, q: Annotated[str | None, Query(max_length=300)] = None
) -> list[dict[str, Any]]:
    return [j.organisation_json(o) for o in book.organisations.list(q)]


@router.post("/organisations", response_model=OrganisationOut, status_code=status.HTTP_201_CREATED,
             responses={**e.WRITE, **e.R409}, tags=TAGS,
             summary="Add an organisation (names are unique, in any case)")  # fmt: skip
def add_organisation(book: BookDep, body: OrganisationCreate, response: Response) -> dict[str, Any]:
    made = book.organisations.add(_input(body, body.name))
    response.headers["Location"] = f"/api/v1/organisations/{made.id}"
    return j.organisation_json(made)


@router.get("/organisations/{organisation_id}", response_model=OrganisationDetail,
            responses=e.READ_ONE, tags=TAGS,
            summary="One organisation and the people who work (or worked) there")  # fmt: skip
def get_organisation(book: BookDep, organisation_id: OrganisationId) -> dict[str, Any]:
    found = book.organisations.get(organisation_id)
    return j.organisation_json(found, book.organisations.people(organisation_id))


@router.patch("/organisations/{organisation_id}", response_model=OrganisationOut,
              responses={**e.WRITE_ONE, **e.R409}, tags=TAGS,
              summary="Change the fields sent; a new name carries its people's jobs along")  # fmt: skip
def edit_organisation(book: BookDep, organisation_id: OrganisationId,
                      body: OrganisationUpdate) -> dict[str, Any]:  # fmt: skip
    return j.organisation_json(book.organisations.edit(organisation_id, _input(body, body.name)))


@router.delete("/organisations/{organisation_id}", status_code=status.HTTP_204_NO_CONTENT,
               responses={**e.R401, **e.R403, **e.R404, **e.R422}, tags=TAGS,
               summary="Delete an organisation (people keep their jobs; restorable from the trash)")  # fmt: skip
def delete_organisation(book: BookDep, organisation_id: OrganisationId) -> Response:
    book.organisations.delete(organisation_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/people/{person_id}/organisation", response_model=OrganisationOut,
             status_code=status.HTTP_201_CREATED, responses=e.WRITE_ONE, tags=TAGS,
             summary="Keep a person who is really a company (a company card imported as a "
             "person) as an organisation; the person goes to the trash")  # fmt: skip
def person_to_organisation(
    book: BookDep, person_id: PersonId, response: Response
) -> dict[str, Any]:
    made = book.organisations.from_person(person_id)
    response.headers["Location"] = f"/api/v1/organisations/{made.id}"
    return j.organisation_json(made)


# --- contact groups (group cards): read-only, made by imports and syncs ----------------------

GroupId = Annotated[int, Path(ge=1, le=MAX_ID)]


class GroupMemberOut(BaseModel):
    id: int
    name: str


class GroupOut(BaseModel):
    id: int
    name: str
    tag: str = Field(description="The tag its members in the book carry")
    uid: str
    members: list[GroupMemberOut] = Field(description="Members who are in the book")
    missing: list[str] = Field(description="Members the card names who are not in the book")


@router.get("/groups", response_model=list[GroupOut], responses=e.READ, tags=["groups"],
            summary="Groups from group cards (KIND:group), with their members")  # fmt: skip
def list_groups(book: BookDep) -> list[dict[str, Any]]:
    return [j.group_json(g) for g in book.groups.list()]


@router.get("/groups/{contact_group_id}", response_model=GroupOut, responses=e.READ_ONE,
            tags=["groups"], summary="One group and its members")  # fmt: skip
def get_group(book: BookDep, contact_group_id: GroupId) -> dict[str, Any]:
    return j.group_json(book.groups.get(contact_group_id))


# --- duplicates and merging (issue 12 §5), beside the web's side-by-side screen ----------------


class DuplicateOut(BaseModel):
    a: GroupMemberOut
    b: GroupMemberOut
    score: float
    reasons: list[str]


class MergeBody(Strict):
    other: Annotated[int, Field(ge=1, le=MAX_ID, description="The person merged away")]
    take: list[Literal[CHOOSABLE]] = Field(  # type: ignore[valid-type]
        [], max_length=len(CHOOSABLE),
        description="Fields whose value comes from `other` although the kept person has one; "
        "lists (e-mails, phones, tags...) are united, empty fields filled")  # fmt: skip


class MergeOut(BaseModel):
    kept: GroupMemberOut
    merged: GroupMemberOut = Field(description="The person merged away (gone)")
    moved: dict[str, int]
    filled: list[str]
    summary: str


# included before the people router, whose /people/{person_id} would take this path
dupes_router = APIRouter()


@dupes_router.get("/people/duplicates", response_model=list[DuplicateOut], responses=e.READ,
            tags=["people"], summary="People who may be the same person, best first")  # fmt: skip
def list_duplicates(book: BookDep) -> list[dict[str, Any]]:
    return [j.duplicate_json(d) for d in book.transfer.dupes()]


@router.post("/people/{person_id}/merge", response_model=MergeOut,
             responses={**e.WRITE_ONE}, tags=["people"],
             summary="Merge another person into this one (undo: POST /history/undo)")  # fmt: skip
def merge_people(book: BookDep, person_id: PersonId, body: MergeBody) -> dict[str, Any]:
    done = book.transfer.merge(person_id, body.other, backup=False, take=list(body.take))
    return j.merge_json(done)
