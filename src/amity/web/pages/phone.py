"""The phone (issue 12 §6): the web app manifest, the service worker (served from the root so
that it may control every page), the offline page, and "More" behind the bottom bar."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from amity.accounts import User
from amity.web.deps import get_user
from amity.web.templating import render

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).resolve().parents[1] / "static"
MANIFEST = {
    "name": "Amity",
    "short_name": "Amity",
    "description": "Remember people, follow up, keep promises.",
    "start_url": "/",
    "scope": "/",
    "display": "standalone",
    "background_color": "#f6f7f9",
    "theme_color": "#2f6fde",
    "icons": [
        {"src": "/static/icon-192.png", "sizes": "192x192", "type": "image/png"},
        {"src": "/static/icon-512.png", "sizes": "512x512", "type": "image/png"},
        {
            "src": "/static/icon-512.png",
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
        {"src": "/static/favicon.svg", "sizes": "any", "type": "image/svg+xml"},
    ],
    "shortcuts": [
        {"name": "Log an interaction", "url": "/capture"},
        {"name": "Awaiting your reply", "url": "/awaiting"},
    ],
}
MORE = [
    ("/promises", "Promises"),
    ("/prepare", "Prepare"),
    ("/events", "Events"),
    ("/network", "Network"),
    ("/organisations", "Organisations"),
    ("/articles", "Articles"),
    ("/feedback", "Growth"),
    ("/review", "Review"),
    ("/today/hidden", "Snoozed and dismissed"),
    ("/import", "Import"),
    ("/export", "Export"),
    ("/settings", "Settings"),
]


@router.get("/manifest.webmanifest")
def manifest() -> Response:
    return JSONResponse(MANIFEST, media_type="application/manifest+json")


@router.get("/sw.js")
def service_worker() -> Response:
    """The worker's script: never cached by the browser's HTTP cache (updates apply at once)."""
    return Response(
        (STATIC / "sw.js").read_bytes(),
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


@router.get("/offline", response_class=HTMLResponse)
def offline(request: Request) -> Response:
    """Shown by the service worker for a page that cannot load without the network."""
    return render(request, "offline.html", {})


@router.get("/more", response_class=HTMLResponse)
def more(request: Request, user: Annotated[User, Depends(get_user)]) -> Response:
    return render(request, "more.html", {"links": MORE})
