"""The REST API under /api/v1: ``router`` (mounted by the app) and ``install(app)``.

``install(app)`` adds what a router cannot carry: the one error format for ``/api/...`` paths
(see :mod:`amity.web.api.errors`) and the OpenAPI document at ``/api/v1/openapi.json``, which
describes only the API routes, with bearer-token security.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse

from amity.web.api import (
    agenda,
    history,
    interactions,
    mail,
    network,
    organisations,
    outbound,
    people,
    records,
    sync,
    transfer,
)
from amity.web.api.errors import install_error_handlers

PREFIX = "/api/v1"
VERSION = "1"

router = APIRouter()
router.include_router(organisations.dupes_router)  # issue 12 §5: before /people/{person_id}
router.include_router(people.router)
router.include_router(interactions.router)
router.include_router(transfer.router)
router.include_router(agenda.router)
router.include_router(network.router)  # issue 6
router.include_router(outbound.router)  # issue 13: notifications and webhooks
router.include_router(sync.router)  # issue 10: connected accounts
router.include_router(mail.router)  # issue 11: IMAP mailboxes, people you write to
router.include_router(records.router)  # issue 12: edit and delete every kind of record
router.include_router(history.router)  # issue 15: history, undo and the trash
router.include_router(organisations.router)  # issue 12 §4: organisations

__all__ = ["PREFIX", "install", "install_error_handlers", "openapi_document", "router"]


def openapi_document(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI narrowed to the API's paths and the schemas they use."""
    from fastapi.openapi.utils import get_openapi

    doc = get_openapi(
        title="Amity REST API",
        version=VERSION,
        routes=app.routes,
        description="A personal CRM's REST API. Authenticate with "
        "`Authorization: Bearer <API token>` (Settings -> API tokens).",
    )
    doc["paths"] = {p: v for p, v in doc.get("paths", {}).items() if p.startswith(PREFIX + "/")}
    components = doc.setdefault("components", {})
    schemas = components.get("schemas", {})
    used = _referenced_schemas(doc["paths"], schemas)
    components["schemas"] = {name: schemas[name] for name in sorted(used)}
    components["securitySchemes"] = {
        "bearer": {"type": "http", "scheme": "bearer", "description": "An Amity API token"}
    }
    doc["security"] = [{"bearer": []}]
    return doc


def _referenced_schemas(paths: dict[str, Any], schemas: dict[str, Any]) -> set[str]:
    prefix = "#/components/schemas/"
    seen: set[str] = set()
    pending: list[Any] = [paths]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(prefix):
                name = ref[len(prefix) :]
                if name not in seen and name in schemas:
                    seen.add(name)
                    pending.append(schemas[name])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return seen


def install(app: FastAPI) -> None:
    """Error handlers for /api/ paths and the OpenAPI route; the app calls it once."""
    install_error_handlers(app)
    cache: dict[str, Any] = {}

    @app.get(PREFIX + "/openapi.json", include_in_schema=False)
    def openapi_json() -> JSONResponse:
        if "doc" not in cache:
            cache["doc"] = openapi_document(app)
        return JSONResponse(cache["doc"])
