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
            startup_done()
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


STARTUP_GC = (100_000, 50, 100)  # collections while start-up imports: rare, never none
_usual_gc: tuple[int, ...] | None = None
_started = False  # once a process: a test suite runs many commands in one


def startup_begins() -> None:
    """The collector made rare until :func:`startup_done` (never off: a command that opens
    no book, `amity serve` or `amity mcp`, still collects)."""
    import gc

    global _usual_gc, _started
    if not _started:
        _started = True
        _usual_gc = gc.get_threshold()
        gc.set_threshold(*STARTUP_GC)


def startup_done() -> None:
    """The collector back to its usual pace, with what start-up built set aside: the CLI's
    imports (SQLAlchemy, the schema, the Book) allocate some 200,000 objects that live as
    long as the process; collecting often while they are made, then scanning them again in
    every full collection, cost a short command a fifth of its time or more (`amity today
    --json` at 10,000 people: 0.51 -> 0.37 s, `amity list --json --limit 50` 0.35 -> 0.26 s)."""
    import gc

    global _usual_gc
    if _usual_gc is not None:
        gc.freeze()
        gc.set_threshold(*_usual_gc)
        _usual_gc = None
