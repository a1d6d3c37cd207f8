"""Running the app on uvicorn: what `amity serve` and `make run` call.

With several workers uvicorn imports the app by name in each worker process, so the database
URL travels in an environment variable and :func:`app_from_env` builds the app there.
"""

from __future__ import annotations

import os
from typing import Any

URL_ENV = "AMITY_SERVE_DATABASE_URL"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def app_from_env() -> Any:
    """The app factory uvicorn calls in each worker (``factory=True``). What building it
    made (FastAPI, SQLAlchemy, the schema, the routes) lives as long as the worker, so it is
    frozen out of the collector's full passes (``gc.freeze``), as the CLI does after start-up
    (:func:`amity.cli.state.startup_done`); only served workers do it, not a test's app."""
    import gc

    from amity.web.app import create_app

    app = create_app(os.environ.get(URL_ENV) or None)
    gc.freeze()
    return app


def address(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104 - displaying only
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def prepare(url: str, workers: int = 1) -> str:
    """Create or upgrade the schema once, before any worker starts, and size each worker's
    connection pool so that all of them fit the database (unless AMITY_DB_POOL_SIZE is set).
    Returns a line describing the pool (empty on SQLite)."""
    from amity.book import size_worker_pools

    return size_worker_pools(url, workers)


def run(
    url: str,
    *,
    host: str = "127.0.0.1",
    port: int = 8787,
    workers: int = 1,
    log_level: str = "info",
) -> None:
    import uvicorn

    pool = prepare(url, workers)
    if pool:
        print(f"Database connections: {pool}", flush=True)
    os.environ[URL_ENV] = url
    uvicorn.run(
        "amity.web.server:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers if workers > 1 else None,
        log_level=log_level,
        log_config=log_config(log_level),
        # forwarding headers are applied by amity.web.proxies, only from AMITY_TRUSTED_PROXIES
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=10,
    )


def log_config(level: str = "info") -> dict[str, Any]:
    """uvicorn's logging, plus Amity's own loggers (the scheduler's) on the same console."""
    from copy import deepcopy

    from uvicorn.config import LOGGING_CONFIG

    config = deepcopy(LOGGING_CONFIG)
    config["loggers"]["amity"] = {
        "handlers": ["default"],
        "level": level.upper(),
        "propagate": False,
    }
    return config
