"""One error format for the whole API: ``{"error": {"code", "message", "fields"}}``.

`install_error_handlers(app)` maps Amity's errors, FastAPI's validation errors and HTTP
exceptions onto it for paths under ``/api/``; other paths keep whatever handler the app had
before (the HTML pages render their own errors), so the pages and the API can share one app.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from amity.errors import Ambiguous, AmityError, Conflict, InvalidInput, NotEmpty, NotFound
from amity.web.deps import CsrfRejected, NotSignedIn, ReadOnlyToken

API_PREFIX = "/api/"
log = logging.getLogger("amity.web.api")

Handler = Callable[[Request, Any], Awaitable[Response] | Response]


class ErrorDetail(BaseModel):
    code: str = Field(description="A stable, machine-readable code: not_found, invalid_input...")
    message: str = Field(description="One line a person can read.")
    fields: dict[str, str] = Field(
        default_factory=dict, description="Per-field reasons for invalid input."
    )


class ErrorBody(BaseModel):
    error: ErrorDetail


class PreconditionFailed(AmityError):
    """If-Match named a version that is no longer current (HTTP 412)."""

    code = "precondition_failed"


def error_json(
    status: int,
    code: str,
    message: str,
    fields: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "fields": dict(fields or {})}}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


STATUS_OF: dict[type[AmityError], int] = {
    InvalidInput: 422,
    NotFound: 404,
    Ambiguous: 409,
    Conflict: 409,
    NotEmpty: 409,
    PreconditionFailed: 412,
}


def status_of(exc: AmityError) -> int:
    for kind in type(exc).__mro__:
        if kind in STATUS_OF:
            return STATUS_OF[kind]
    return 400


def amity_error_response(exc: AmityError) -> JSONResponse:
    fields: dict[str, str] = {}
    if isinstance(exc, InvalidInput) and exc.field:
        fields[exc.field] = str(exc)
    return error_json(status_of(exc), exc.code, str(exc), fields)


def validation_fields(errors: Sequence[Any]) -> dict[str, str]:
    """FastAPI's error list as ``{"body.name": "Field required"}`` (first reason per field)."""
    fields: dict[str, str] = {}
    for err in errors:
        loc = [str(part) for part in err.get("loc", ())]
        if loc and loc[0] in ("body", "query", "path", "header", "cookie") and len(loc) > 1:
            loc = loc[1:]
        key = ".".join(loc) or "body"
        fields.setdefault(key, str(err.get("msg", "invalid")).removeprefix("Value error, "))
    return fields


def validation_error_response(exc: RequestValidationError) -> JSONResponse:
    fields = validation_fields(exc.errors())
    first = next(iter(fields.items()), ("body", "invalid input"))
    message = f"{first[0]}: {first[1]}" if len(fields) == 1 else f"{len(fields)} fields are invalid"
    return error_json(422, "invalid_input", message, fields)


def http_error_response(exc: StarletteHTTPException) -> JSONResponse:
    status = exc.status_code
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "error"
    code = phrase.lower().replace(" ", "_").replace("-", "_")
    if status == 400 and "json" in str(exc.detail).lower():
        code = "invalid_json"
    message = exc.detail if isinstance(exc.detail, str) else phrase
    return error_json(status, code, message, headers=getattr(exc, "headers", None))


def not_signed_in_response(exc: Exception) -> JSONResponse:
    return error_json(401, "unauthorized", str(exc), headers={"WWW-Authenticate": "Bearer"})


def is_api_request(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def install_error_handlers(app: FastAPI) -> None:
    """Answer errors on ``/api/...`` in the one JSON shape; elsewhere keep the previous handler.

    Call it after the pages have registered their own handlers (if any): each handler here
    falls back to what was registered before it for the same exception class.
    """

    def chained(
        kind: type[Exception], api: Callable[[Any], Response], default: Handler | None
    ) -> None:
        previous = app.exception_handlers.get(kind, default)

        async def handle(request: Request, exc: Exception) -> Response:
            if is_api_request(request) or previous is None:
                return api(exc)
            result = previous(request, exc)
            if isinstance(result, Response):
                return result
            return await result

        app.add_exception_handler(kind, handle)

    chained(NotSignedIn, not_signed_in_response, None)
    chained(CsrfRejected, lambda exc: error_json(403, "csrf", str(exc)), None)
    chained(ReadOnlyToken, lambda exc: error_json(403, "read_only", str(exc)), None)
    chained(AmityError, amity_error_response, None)
    chained(RequestValidationError, validation_error_response, request_validation_exception_handler)
    chained(StarletteHTTPException, http_error_response, http_exception_handler)


# --- what routes declare, so the OpenAPI lists every code a route can return ---------------

Responses = dict[int | str, dict[str, Any]]


def _doc(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


R400: Responses = {400: _doc("The body is not valid JSON.")}
R401: Responses = {401: _doc("No valid session or API token.")}
R403: Responses = {
    403: _doc("A session request without its CSRF token, or a write with a read-only token.")
}
R404: Responses = {404: _doc("No such record in this book (also for another user's ids).")}
R409: Responses = {409: _doc("The request clashes with the book's state.")}
R412: Responses = {412: _doc("If-Match named a stale version; read the record again.")}
R422: Responses = {422: _doc("Invalid input; `fields` says which.")}

READ: Responses = {**R401, **R422}
READ_ONE: Responses = {**R401, **R404, **R422}
WRITE: Responses = {**R400, **R401, **R403, **R422}
WRITE_ONE: Responses = {**WRITE, **R404}
