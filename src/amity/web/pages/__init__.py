"""HTML pages: one module per page, all collected on one router."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
