"""Connected accounts in the REST API (`/api/v1/sync/...`): the same Book calls as
`amity sync` and Settings. An account's password goes in once and never comes out."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, status
from pydantic import BaseModel, ConfigDict, Field

from amity.book import Book
from amity.errors import Conflict
from amity.serialize_sync import (
    sync_account_json,
    sync_conflict_json,
    sync_item_json,
    sync_run_json,
)
from amity.web.api import errors as e
from amity.web.api.schemas import MAX_ID, Str200, Str300
from amity.web.deps import get_book

router = APIRouter(prefix="/sync", tags=["sync"])
BookDep = Annotated[Book, Depends(get_book)]
AccountId = Annotated[int, Path(ge=1, le=MAX_ID, description="The account's id")]
RunId = Annotated[int, Path(ge=1, le=MAX_ID, description="The run's id")]
ConflictId = Annotated[int, Path(ge=1, le=MAX_ID, description="The conflict's id")]
Url = Annotated[str, Field(min_length=1, max_length=2000)]


class Loose(BaseModel):
    model_config = ConfigDict(extra="allow")


class SyncRunOut(Loose):
    id: int
    account_id: int
    status: str
    counts: dict[str, int]
    details: dict[str, Any]
    error: str | None


class SyncAccountOut(Loose):
    id: int
    kind: str
    name: str
    url: str
    has_password: bool
    status: str
    options: dict[str, Any]
    last_run: SyncRunOut | None


class SyncItemOut(Loose):
    outcome: str
    direction: str
    remote_ref: str | None
    reason: str | None


class SyncConflictOut(Loose):
    id: int
    field: str
    kept: str
    resolution: str | None


class RunResult(BaseModel):
    account_id: int
    run: SyncRunOut


class SyncAccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["carddav", "caldav", "ics"] = "carddav"
    url: Url
    username: Str300 | None = None
    password: Annotated[str, Field(max_length=1000)] | None = None
    name: Str200 | None = None
    addressbooks: list[Str300] = Field(default_factory=list, max_length=10)
    calendars: list[Str300] = Field(default_factory=list, max_length=10)  # caldav
    circles: list[Str200] = Field(default_factory=list, max_length=20)
    tags: list[Str200] = Field(default_factory=list, max_length=20)
    allow_delete: bool = False
    push: bool = True
    share_notes: bool = False
    share_tags: bool = False
    interval_minutes: Annotated[int, Field(ge=1, le=10080)] = 15


class SyncAccountChange(BaseModel):
    """What `amity sync set` changes; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")
    username: Str300 | None = None
    password: Annotated[str, Field(min_length=1, max_length=1000)] | None = None
    circles: list[Str200] | None = Field(default=None, max_length=20)
    tags: list[Str200] | None = Field(default=None, max_length=20)
    allow_delete: bool | None = None
    push: bool | None = None
    share_notes: bool | None = None
    share_tags: bool | None = None
    interval_minutes: Annotated[int, Field(ge=1, le=10080)] | None = None
    enabled: bool | None = None


class ResolveBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    keep: Literal["amity", "server"]


@router.get("/accounts", response_model=list[SyncAccountOut], responses=e.READ,
            summary="Connected accounts, each with its last run")  # fmt: skip
def list_accounts(book: BookDep) -> list[dict[str, Any]]:
    return [sync_account_json(a) for a in book.connections.list()]


@router.post("/accounts", response_model=SyncAccountOut, status_code=status.HTTP_201_CREATED,
             responses=e.WRITE, summary="Connect an account (discovers the address book first)")  # fmt: skip
def add_account(book: BookDep, body: SyncAccountCreate) -> dict[str, Any]:
    from amity.sync.runner import add_account as add

    options = body.model_dump(include={"addressbooks", "circles", "tags", "allow_delete", "push",
                                       "share_notes", "share_tags"})  # fmt: skip
    if body.kind in ("caldav", "ics"):  # calendars are read only
        options = {"calendars": body.calendars} if body.kind == "caldav" else {}
    account = add(book, body.kind, body.url, username=body.username, password=body.password,
                  name=body.name, options=options, interval_minutes=body.interval_minutes)  # fmt: skip
    return sync_account_json(account)


@router.get("/accounts/{account_id}", response_model=SyncAccountOut, responses=e.READ_ONE,
            summary="One account: status, last run, counts and error")  # fmt: skip
def get_account(book: BookDep, account_id: AccountId) -> dict[str, Any]:
    return sync_account_json(book.connections.get(account_id))


@router.patch("/accounts/{account_id}", response_model=SyncAccountOut, responses=e.WRITE_ONE,
              summary="Change an account's scope, direction, schedule or credentials")  # fmt: skip
def change_account(book: BookDep, account_id: AccountId, body: SyncAccountChange) -> dict[str, Any]:
    given = body.model_dump(exclude_unset=True)
    options = {k: given[k] for k in ("circles", "tags", "allow_delete", "push", "share_notes",
                                     "share_tags") if given.get(k) is not None}  # fmt: skip
    account = book.connections.configure(
        account_id, options=options or None, enabled=given.get("enabled"),
        interval_minutes=given.get("interval_minutes"), username=given.get("username"),
        secret=given.get("password"),
    )  # fmt: skip
    return sync_account_json(account)


@router.delete("/accounts/{account_id}", status_code=status.HTTP_204_NO_CONTENT,
               responses=e.WRITE_ONE, summary="Disconnect (its people stay)")  # fmt: skip
def remove_account(book: BookDep, account_id: AccountId) -> None:
    book.connections.remove(account_id)


@router.post("/accounts/{account_id}/run", response_model=RunResult,
             responses={**e.WRITE_ONE, **e.R409}, summary="Run the account now")  # fmt: skip
def run_now(book: BookDep, account_id: AccountId) -> dict[str, Any]:
    from amity.sync.runner import run_account

    run = run_account(book, account_id)
    if run is None:
        raise Conflict("another run of this account is under way")
    return {"account_id": account_id, "run": sync_run_json(run)}


@router.get("/accounts/{account_id}/runs", response_model=list[SyncRunOut],
            responses=e.READ_ONE, summary="The account's latest runs")  # fmt: skip
def runs(book: BookDep, account_id: AccountId,
         limit: Annotated[int, Query(ge=1, le=100)] = 10) -> list[dict[str, Any]]:  # fmt: skip
    return [sync_run_json(r) for r in book.connections.runs(account_id, limit=limit)]


@router.get("/runs/{run_id}/items", response_model=list[SyncItemOut], responses=e.READ_ONE,
            summary="What a run did, card by card")  # fmt: skip
def items(book: BookDep, run_id: RunId,
          outcome: Annotated[list[Literal["created", "updated", "unchanged", "conflict", "error",
                                          "skipped", "deleted"]] | None, Query()] = None,
          limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[dict[str, Any]]:  # fmt: skip
    found = book.connections.items(run_id, outcomes=outcome or (), limit=limit)
    return [sync_item_json(i) for i in found]


@router.get("/conflicts", response_model=list[SyncConflictOut], responses=e.READ,
            summary="Fields both sides changed, and what the rule kept")  # fmt: skip
def conflicts(book: BookDep, include_resolved: bool = False) -> list[dict[str, Any]]:
    return [sync_conflict_json(c)
            for c in book.connections.conflicts(include_resolved=include_resolved)]  # fmt: skip


@router.post("/conflicts/{conflict_id}/resolve", response_model=SyncConflictOut,
             responses=e.WRITE_ONE, summary="Keep Amity's or the server's value")  # fmt: skip
def resolve(book: BookDep, conflict_id: ConflictId, body: ResolveBody) -> dict[str, Any]:
    return sync_conflict_json(book.contact_sync.resolve(conflict_id, body.keep))
