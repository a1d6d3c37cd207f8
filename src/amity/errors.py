"""Errors named after the condition; adapters map them to exit codes and HTTP statuses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class AmityError(Exception):
    """Base class: a problem the user can understand and fix."""

    code = "error"


class InvalidInput(AmityError):
    """Input refused before anything was written."""

    code = "invalid_input"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(AmityError):
    code = "not_found"


class Ambiguous(AmityError):
    """A reference that matches several records; ``candidates`` lists (id, label)."""

    code = "ambiguous"

    def __init__(self, message: str, candidates: Sequence[tuple[int, str]]) -> None:
        super().__init__(message)
        self.candidates = list(candidates)


class Conflict(AmityError):
    """The record changed since it was read (a stale ETag), or a uniqueness clash."""

    code = "conflict"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.details = details


class NotEmpty(AmityError):
    """A restore into a book that already holds data."""

    code = "not_empty"
