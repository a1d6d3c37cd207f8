"""Accounts a calendar test connected stay in the shared test database; once their server is
gone they would be due forever and crowd the scheduler tests' rounds. Pause them afterwards."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select, update


@pytest.fixture(autouse=True)
def pause_accounts_afterwards(request: pytest.FixtureRequest) -> Iterator[None]:
    from amity.book import open_engine
    from amity.store import schema as s

    urls = [request.getfixturevalue("sqlite_url")]
    if "db_url" in request.fixturenames:
        urls.append(request.getfixturevalue("db_url"))
    engines = [open_engine(url) for url in dict.fromkeys(urls)]
    t = s.sync_accounts
    before = []
    for engine in engines:
        with engine.connect() as conn:
            before.append(conn.execute(select(func.coalesce(func.max(t.c.id), 0))).scalar())
    yield
    for engine, last in zip(engines, before, strict=True):
        with engine.begin() as conn:
            conn.execute(update(t).where(t.c.id > last).values(enabled=False))
