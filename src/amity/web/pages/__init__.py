"""HTML pages: one module per page, all collected on one router."""

from __future__ import annotations

from fastapi import APIRouter

from amity.web.pages import auth, capture, lists, people, person, settings, today, transfer

router = APIRouter(include_in_schema=False)
for module in (auth, today, people, person, capture, lists, transfer, settings):
    router.include_router(module.router)
