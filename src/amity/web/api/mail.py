"""Mail sync in the REST API: connect an IMAP mailbox (`POST /sync/imap`) and the people you
write to who are not in the book (`/sync/suggestions`), the same Book calls as
`amity sync add imap` and `amity sync suggestions`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, status
from pydantic import BaseModel, ConfigDict, Field

from amity.book import Book
from amity.serialize_sync import correspondent_json, sync_account_json
from amity.web.api import errors as e
from amity.web.api.schemas import MAX_ID, Str200, Str300
from amity.web.api.sync import SyncAccountOut
from amity.web.deps import get_book

router = APIRouter(prefix="/sync", tags=["sync"])
BookDep = Annotated[Book, Depends(get_book)]
SuggestionId = Annotated[int, Path(ge=1, le=MAX_ID, description="The proposal's id")]


class MailAccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    host: Annotated[str, Field(min_length=1, max_length=255)]
    port: Annotated[int, Field(ge=1, le=65535)] | None = None
    security: Literal["ssl", "starttls", "none"] = "ssl"
    username: Str300
    password: Annotated[str, Field(min_length=1, max_length=1000)]
    name: Str200 | None = None
    folders: list[Str300] = Field(default_factory=list, max_length=20)
    snippets: bool = False
    capture_folder: Str300 | None = None
    address: Str300 | None = None
    interval_minutes: Annotated[int, Field(ge=1, le=10080)] = 15


class SuggestionOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: int
    email: str
    name: str | None
    sent_count: int
    received_count: int
    status: str
    person_id: int | None


class AddedOut(BaseModel):
    person_id: int
    suggestion: SuggestionOut


@router.post("/imap", response_model=SyncAccountOut, status_code=status.HTTP_201_CREATED,
             responses=e.WRITE, summary="Connect an IMAP mailbox (logs in and checks the folders)")  # fmt: skip
def add_mailbox(book: BookDep, body: MailAccountCreate) -> dict[str, Any]:
    from amity.sync.imap import endpoint_url
    from amity.sync.runner import add_account

    options: dict[str, Any] = {"tls": body.security, "folders": body.folders,
                               "snippets": body.snippets}  # fmt: skip
    if body.capture_folder:
        options["capture_folder"] = body.capture_folder
    if body.address:
        options["address"] = body.address
    url = endpoint_url(body.host, body.port, body.security)
    account = add_account(book, "imap", url, username=body.username, password=body.password,
                          name=body.name, options=options,
                          interval_minutes=body.interval_minutes)  # fmt: skip
    return sync_account_json(account)


@router.get("/suggestions", response_model=list[SuggestionOut], responses=e.READ,
            summary="People you write to who are not in the book, most written to first")  # fmt: skip
def suggestions(book: BookDep, include_dismissed: bool = False,
                limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[dict[str, Any]]:  # fmt: skip
    found = book.mail_sync.suggestions(include_dismissed=include_dismissed, limit=limit)
    return [correspondent_json(c) for c in found]


@router.post("/suggestions/{suggestion_id}/add", response_model=AddedOut, responses=e.WRITE_ONE,
             summary="Add a proposed person to the book")  # fmt: skip
def add_suggestion(book: BookDep, suggestion_id: SuggestionId) -> dict[str, Any]:
    person_id = book.mail_sync.add_suggestion(suggestion_id)
    return {"person_id": person_id,
            "suggestion": correspondent_json(book.mail_sync.suggestion(suggestion_id))}  # fmt: skip


@router.post("/suggestions/{suggestion_id}/dismiss", response_model=SuggestionOut,
             responses=e.WRITE_ONE, summary="Stop proposing someone")  # fmt: skip
def dismiss_suggestion(book: BookDep, suggestion_id: SuggestionId) -> dict[str, Any]:
    return correspondent_json(book.mail_sync.dismiss_suggestion(suggestion_id))
