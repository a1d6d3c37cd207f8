"""History, undo and the trash (issue 15): what changed, by whom, through which door."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from amity.book import Book
from amity.serialize_history import change_group_json, trash_entry_json, undo_json
from amity.web.api import errors as e
from amity.web.api.schemas import MAX_ID, Strict
from amity.web.deps import get_book

router = APIRouter(tags=["history"])
BookDep = Annotated[Book, Depends(get_book)]
GroupId = Annotated[int, Path(ge=1, le=MAX_ID, description="A change's id (from the history)")]
TrashId = Annotated[int, Path(ge=1, le=MAX_ID, description="A trash entry's id")]
PersonId = Annotated[int, Path(ge=1, le=MAX_ID, description="The person's id")]
Limit = Annotated[int, Query(ge=1, le=500)]
Before = Annotated[int | None, Query(ge=1, le=MAX_ID, description="Only changes older than this")]
UNDONE = {**e.R401, **e.R403, **e.R404, **e.R409, **e.R422}


class FieldChangeOut(BaseModel):
    name: str
    before: Any = None
    after: Any = None


class RowChangeOut(BaseModel):
    table: str
    record: str
    key: str
    op: str
    person_id: int | None
    label: str
    count: int
    fields: list[FieldChangeOut]


class ChangeGroupOut(BaseModel):
    id: int
    at: str
    door: str
    actor: str
    kind: str
    summary: str
    undone_at: str | None
    undoes_id: int | None
    in_trash_until: str | None
    purged_at: str | None
    changes: list[RowChangeOut]


class HistoryPage(BaseModel):
    items: list[ChangeGroupOut]
    next_before: int | None = None


class TrashRecordOut(BaseModel):
    record: str
    label: str


class TrashEntryOut(BaseModel):
    id: int
    deleted_at: str
    until: str
    kind: str
    summary: str
    door: str
    actor: str
    records: list[TrashRecordOut]
    related: int


class UndoOut(BaseModel):
    undone: ChangeGroupOut
    undo_id: int | None
    removed: int
    restored: int
    reverted: int
    people: list[int]


class UndoBody(Strict):
    id: Annotated[int | None, Field(ge=1, le=MAX_ID)] = None
    force: bool = False


def _page(groups: list[Any], limit: int) -> dict[str, Any]:
    items = [change_group_json(g) for g in groups]
    return {"items": items, "next_before": items[-1]["id"] if len(items) == limit else None}


@router.get("/history", response_model=HistoryPage, responses=e.READ,
            summary="Every change to the book, newest first")  # fmt: skip
def book_history(book: BookDep, limit: Limit = 50, before: Before = None) -> dict[str, Any]:
    return _page(book.history.groups(limit=limit, before=before), limit)


@router.get("/history/{group_id}", response_model=ChangeGroupOut, responses=e.READ_ONE,
            summary="One change: who, when, which door, each field before and after")  # fmt: skip
def one_change(book: BookDep, group_id: GroupId) -> dict[str, Any]:
    return change_group_json(book.history.group(group_id))


@router.get("/people/{person_id}/history", response_model=HistoryPage, responses=e.READ_ONE,
            summary="The changes about one person, newest first")  # fmt: skip
def person_history(
    book: BookDep, person_id: PersonId, limit: Limit = 50, before: Before = None
) -> dict[str, Any]:
    return _page(book.history.groups(person=person_id, limit=limit, before=before), limit)


@router.post("/history/undo", response_model=UndoOut, responses={**UNDONE, **e.R400},
             summary="Undo the last change (or `id`); 409 when later changes touched the same "
             "records, unless `force`")  # fmt: skip
def undo(book: BookDep, body: UndoBody | None = None) -> dict[str, Any]:
    body = body or UndoBody()
    return undo_json(book.history.undo(body.id, force=body.force))


@router.get("/trash", response_model=list[TrashEntryOut], responses=e.READ,
            summary="Deleted records, restorable for 30 days (merges too)")  # fmt: skip
def trash(book: BookDep, limit: Limit = 100) -> list[dict[str, Any]]:
    return [trash_entry_json(t) for t in book.history.trash(limit=limit)]


@router.post("/trash/{trash_id}/restore", response_model=UndoOut, responses=UNDONE,
             summary="Put back what a trash entry deleted")  # fmt: skip
def restore(
    book: BookDep, trash_id: TrashId, force: Annotated[bool, Query()] = False
) -> dict[str, Any]:
    return undo_json(book.history.restore(trash_id, force=force))
