"""The FastAPI application: sessions, size limits, error mapping, pages, static files, and the
REST API under /api/v1 (mounted when `amity.web.api` is present)."""

from __future__ import annotations

import importlib
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from amity.book import open_engine, request_threads, system_clock
from amity.config import resolve_url
from amity.errors import Ambiguous, AmityError, Conflict, InvalidInput, NotEmpty, NotFound
from amity.web.deps import (
    CsrfRejected,
    NotSignedIn,
    ReadOnlyToken,
    SecondFactorRequired,
    WebConfig,
    is_api,
)
from amity.web.headers import SecurityHeaders
from amity.web.limits import BodyLimit
from amity.web.proxies import ClientAddress
from amity.web.sessions import Sessions, session_secret

HERE = Path(__file__).parent
STATUS: dict[type[AmityError], int] = {
    InvalidInput: 422,
    NotFound: 404,
    Ambiguous: 409,
    Conflict: 409,
    NotEmpty: 409,
}
SECURE_ENV = "AMITY_SECURE_COOKIES"
SCHEDULER_ENV = "AMITY_SCHEDULER"
BASE_URL_ENV = "AMITY_BASE_URL"
DEFAULT_BASE_URL = "http://127.0.0.1:8787"


def create_app(
    db_url: str | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    scheduler: bool | None = None,
    secure_cookies: bool | None = None,
) -> FastAPI:
    """The whole web app over the database at ``db_url`` (default: as the CLI resolves it)."""
    url = resolve_url(db_url)
    cfg = WebConfig(
        engine=open_engine(url),
        url=url,
        clock=clock or system_clock,
        secure_cookies=_flag(SECURE_ENV) if secure_cookies is None else secure_cookies,
        # links in pages and e-mails come from configuration, never from the request's Host
        # header (a forged Host would otherwise mint links to another site: STACK.md)
        base_url=(os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/"),
    )
    run_scheduler = _flag(SCHEDULER_ENV, default=True) if scheduler is None else scheduler

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        threads = request_threads(cfg.engine)
        if threads is not None:  # as many requests at once as the pool has connections
            from anyio import to_thread

            to_thread.current_default_thread_limiter().total_tokens = threads
        app.state.digest_scheduler = None
        if run_scheduler:
            from amity.web.scheduler import start_digest_scheduler

            app.state.digest_scheduler = start_digest_scheduler(cfg)
        try:
            async with app.state.mcp.session_manager.run():  # the MCP server at /mcp
                yield
        finally:
            if app.state.digest_scheduler is not None:
                app.state.digest_scheduler()
                app.state.digest_scheduler = None

    app = FastAPI(title="Amity", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.amity = cfg
    from amity.web.sso import OidcSettings

    app.state.oidc = OidcSettings.from_env()  # single sign-on, when AMITY_OIDC_ISSUER is set
    _add_error_handlers(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _include_api(app)
    from amity.assistant.http import mount_mcp

    app.state.mcp = mount_mcp(app, cfg.engine, cfg.url, cfg.clock, cfg.base_url)
    from amity.web.dav import router as dav  # the CardDAV server (issue 10)

    app.include_router(dav)
    from amity.web.pages import router as pages

    app.include_router(pages)
    app.add_middleware(Sessions, secret=session_secret(url), force_secure=cfg.secure_cookies)
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(ClientAddress)  # outermost: every layer sees the real client
    return app


def _flag(name: str, *, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value in ("1", "true", "yes", "on")


def _include_api(app: FastAPI) -> None:
    """The REST API lives in `amity.web.api` (its own router, and optionally its own error
    handlers through ``install(app)``)."""
    try:
        api = importlib.import_module("amity.web.api")
    except ModuleNotFoundError as exc:
        if exc.name not in ("amity.web.api",):
            raise
        return
    router = getattr(api, "router", None)
    if router is not None:
        app.include_router(router, prefix="/api/v1")
    install = getattr(api, "install", None)
    if callable(install):
        install(app)


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields}}


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if is_api(request) or request.headers.get("authorization"):
            return JSONResponse(
                error_body("unauthorized", str(exc)),
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        from starlette.concurrency import run_in_threadpool

        from amity.accounts import has_owner

        owner_exists = await run_in_threadpool(has_owner, request.app.state.amity.engine)
        target = "/login" if owner_exists else "/setup"
        if owner_exists and request.method == "GET" and request.url.path not in ("/", "/login"):
            from urllib.parse import quote

            target += "?next=" + quote(request.url.path, safe="/")
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(SecondFactorRequired)
    async def second_factor_required(request: Request, exc: SecondFactorRequired) -> Response:
        if is_api(request):
            return JSONResponse(error_body("second_factor_required", str(exc)), status_code=403)
        target = "/settings/security?required=1"
        if request.headers.get("hx-request"):
            return Response(status_code=403, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(CsrfRejected)
    async def csrf_rejected(request: Request, exc: CsrfRejected) -> Response:
        return JSONResponse(error_body("csrf", str(exc)), status_code=403)

    @app.exception_handler(ReadOnlyToken)
    async def read_only_token(request: Request, exc: ReadOnlyToken) -> Response:
        return JSONResponse(error_body("read_only", str(exc)), status_code=403)

    @app.exception_handler(AmityError)
    async def amity_error(request: Request, exc: AmityError) -> Response:
        status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
        if is_api(request):
            field = getattr(exc, "field", None)
            return JSONResponse(
                error_body(exc.code, str(exc), {field: str(exc)} if field else None),
                status_code=status,
            )
        from amity.web.templating import render_error

        return render_error(request, str(exc), status)
