"""Whose book a request reads, and whether it may write: handed to every tool.

Over stdio the book is the CLI's (``amity mcp`` opens it like any command; ``--read-only``
refuses writes). Over HTTP it is the API token's owner's, and the token's scope decides
(``read``: reads only; ``api``: reads and writes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from amity.errors import AmityError

if TYPE_CHECKING:
    from amity.book import Book


class ReadOnlyAccess(AmityError):
    """A write tool called with read-only access."""

    code = "read_only"


@dataclass(frozen=True)
class Access:
    book: Book
    can_write: bool

    def writable(self) -> Book:
        """The book, for a tool that changes it; refused with read-only access."""
        if not self.can_write:
            raise ReadOnlyAccess(
                "this connection is read-only (a read-scoped API token, or amity mcp "
                "--read-only): nothing was changed"
            )
        return self.book
