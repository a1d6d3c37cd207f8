"""What the CLI carries between the global options and a command."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from amity.book import Book


@dataclass
class AppState:
    db: str | None = None
    user: str | None = None
    today_override: date | None = None
    _book: Any = field(default=None, repr=False)

    def book(self) -> Book:
        if self._book is None:
            from amity.book import open_book

            self._book = open_book(self.db, self.user, clock=self.now, door="cli")
        return self._book  # type: ignore[no-any-return]

    def now(self) -> datetime:
        """The clock handed to the Book; with --date it is noon of that day (UTC)."""
        if self.today_override is not None:
            return datetime.combine(self.today_override, time(12), tzinfo=UTC)
        return datetime.now(UTC)

    def today(self) -> date:
        """Today in the user's configured time zone (or --date)."""
        if self.today_override is not None:
            return self.today_override
        return self.book().today()
