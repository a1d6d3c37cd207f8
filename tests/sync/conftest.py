from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sync.servers import DavServer, radicale, xandikos


@pytest.fixture(autouse=True)
def allow_loopback(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The servers run on loopback, which the SSRF guard refuses unless allowed."""
    monkeypatch.setenv("AMITY_SYNC_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("AMITY_SECRET_KEY", "test-installation-secret")


@pytest.fixture(params=["radicale", "xandikos"])
def dav(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DavServer]:
    start = radicale if request.param == "radicale" else xandikos
    with start(tmp_path) as server:
        yield server


@pytest.fixture
def radicale_server(tmp_path: Path) -> Iterator[DavServer]:
    with radicale(tmp_path) as server:
        yield server
