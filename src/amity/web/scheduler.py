"""The server's own scheduler for the daily digest (filled in below)."""

from __future__ import annotations

from collections.abc import Callable

from amity.web.deps import WebConfig


def start_digest_scheduler(cfg: WebConfig) -> Callable[[], None]:
    return lambda: None
