from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def sqlite_url_for_hypothesis(sqlite_url: str) -> str:
    """The session's SQLite database: hypothesis examples each open a new book in it."""
    return sqlite_url
