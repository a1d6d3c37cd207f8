"""What the doors hand to ``book.transfer`` and get back: options, previews, results, exports."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from amity.book.transfer.plan import ImportPlan
from amity.formats.records import Item

Progress = Callable[[int], None]  # called with the number of records done so far


@dataclass(frozen=True)
class ImportOptions:
    """What the person importing chose; the book's settings (``phone.region``, ``me.emails``,
    ``import.broadcast_attendees``) supply the rest, the same for every door."""

    create_people: bool = False  # add unknown attendees and correspondents as people
    include_broadcasts: bool = False  # keep big meetings and bulk or mailing-list mail
    mapping: str | Mapping[str, str] | None = None  # CSV: "Header=field,..." or a dict


@dataclass(frozen=True)
class ParsedItems:
    """Records already parsed by a source that is not a file (CardDAV, IMAP, CalDAV...):
    they go through the same match -> plan -> apply as a file's records."""

    items: Iterable[Item]
    origin: str  # what the import history names as the format ("carddav")


@dataclass
class BackupContents:
    """A JSON backup: rows per table it holds (or restored), and why it cannot be restored
    into this book (a backup restores into an empty book only)."""

    tables: dict[str, int]
    problems: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    """What an import did, or with ``applied=False`` what it would do (a preview)."""

    format: str
    plan: ImportPlan
    applied: bool
    awaiting_reply: int = 0
    import_id: int | None = None
    backup: BackupContents | None = None  # for the JSON backup (its plan is empty)

    @property
    def problems(self) -> list[str]:
        return list(self.backup.problems) if self.backup else []

    @property
    def can_apply(self) -> bool:
        return not self.problems

    def summary(self) -> dict[str, int]:
        """Record counts per outcome; for a backup, rows per table."""
        if self.backup is not None:
            return dict(self.backup.tables)
        out = self.plan.summary()
        out["awaiting_reply"] = self.awaiting_reply
        return out


@dataclass(frozen=True)
class Export:
    """An export's text and how to serve it."""

    format: str
    text: str
    media_type: str
    suffix: str  # of the file name
    count: int  # people written (for a backup: people in it)


@dataclass(frozen=True)
class ExportFile:
    name: str  # a safe file name (the vdirsyncer/khard layout names a card by its UID)
    text: str


@dataclass(frozen=True)
class FormatInfo:
    """A format as the doors list it (the table itself is ``amity.formats.registry``)."""

    name: str
    label: str
    extensions: tuple[str, ...]
    imports: bool
    exports: bool
