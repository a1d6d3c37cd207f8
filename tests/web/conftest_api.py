"""Fixtures for the REST API tests: the real app over SQLite and PostgreSQL, and users who
call it with real API tokens (each user has their own book in the shared test database).

Test modules import these fixtures explicitly (``from tests.web.conftest_api import ...``);
tests/web/conftest.py belongs to the pages' tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from amity.accounts import create_api_token
from amity.book import Book
from amity.web.app import create_app
from tests.conftest import Clock, new_book


@dataclass
class ApiUser:
    """A user of the API: their Book (to check stored rows) and a client sending their token."""

    book: Book
    client: TestClient
    token: str

    def url(self, path: str) -> str:
        return "/api/v1" + path


def api_user(app: FastAPI, db_url: str, clock: Clock) -> ApiUser:
    book = new_book(db_url, clock)
    _, token = create_api_token(book.ctx.engine, book.owner_id, "tests", now=clock())
    client = TestClient(
        app, headers={"Authorization": f"Bearer {token}"}, raise_server_exceptions=True
    )
    return ApiUser(book, client, token)


@pytest.fixture
def api_app(db_url: str, clock: Clock) -> FastAPI:
    return create_app(db_url, clock=clock, scheduler=False)


@pytest.fixture
def alice(api_app: FastAPI, db_url: str, clock: Clock) -> Iterator[ApiUser]:
    user = api_user(api_app, db_url, clock)
    yield user
    user.client.close()


@pytest.fixture
def bob(api_app: FastAPI, db_url: str, clock: Clock) -> Iterator[ApiUser]:
    user = api_user(api_app, db_url, clock)
    yield user
    user.client.close()


@pytest.fixture
def anonymous(api_app: FastAPI) -> Iterator[TestClient]:
    client = TestClient(api_app)
    yield client
    client.close()
