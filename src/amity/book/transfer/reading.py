"""Reading a file through the format registry with the book's settings.

Every door's file takes this one path: detect the format (content, then name), build the
reader's options from the owner's settings (``phone.region``, ``me.emails``,
``import.broadcast_attendees``) and the person's choices, and read records (or, for the JSON
backup, its document). So a file reads the same whichever door it came through.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from amity.book.context import BookContext
from amity.book.transfer.results import ImportOptions
from amity.errors import InvalidInput
from amity.formats import registry
from amity.formats.records import Item, Source


def format_of(name: str) -> registry.Format:
    try:
        return registry.get(name)
    except registry.UnknownFormat as exc:
        raise InvalidInput(str(exc), field="format") from None


def resolve_format(
    source: Source, fmt: str, filename: str | None
) -> tuple[registry.Format, Source]:
    """The format to read ``source`` as (``auto``: detected) and the source to read from (a
    stream that cannot seek is handed back with its first bytes put in front again)."""
    head, source = head_of(source)
    if not head.strip():
        raise InvalidInput("the file is empty", field="file")
    if fmt != "auto":
        return format_of(fmt), source
    return format_of(registry.detect(head, filename or name_of(source))), source


def head_of(source: Source) -> tuple[bytes, Source]:
    if isinstance(source, bytes):
        return source[: registry.HEAD_BYTES], source
    if isinstance(source, str | os.PathLike):
        with Path(source).open("rb") as stream:
            return stream.read(registry.HEAD_BYTES), source
    if source.seekable():
        start = source.tell()
        head = source.read(registry.HEAD_BYTES)
        source.seek(start)
        return head, source
    head = source.read(registry.HEAD_BYTES)
    return head, io.BufferedReader(_Prefixed(head, source))


def name_of(source: Source) -> str | None:
    return Path(source).name if isinstance(source, str | os.PathLike) else None


class _Prefixed(io.RawIOBase):
    """A raw stream that first returns ``head`` and then the rest of ``stream``."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self._head, self._stream = head, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._head[: len(buffer)] if self._head else self._stream.read(len(buffer))
        self._head = self._head[len(data) :]
        buffer[: len(data)] = data
        return len(data)


def read_records(ctx: BookContext, form: registry.Format, source: Source,
                 options: ImportOptions) -> Iterator[Item]:  # fmt: skip
    """The records of ``source``, read with this book's settings and the person's choices."""
    if form.read is None:
        raise InvalidInput(f"{form.label} is not a file of records", field="format")
    return form.read(source, read_options(ctx, options))


def read_options(ctx: BookContext, options: ImportOptions) -> registry.ReadOptions:
    threshold = ctx.setting("import.broadcast_attendees")
    return registry.ReadOptions(
        now=ctx.now(),
        region=ctx.setting("phone.region") or None,
        own_addresses=own_addresses(ctx),
        broadcast_attendees=int(threshold or registry.DEFAULT_BROADCAST_ATTENDEES),
        include_broadcasts=options.include_broadcasts,
        mapping=mapping_of(options.mapping),
    )


def own_addresses(ctx: BookContext) -> frozenset[str]:
    return frozenset(e.strip().lower() for e in ctx.setting("me.emails") or [])


def load_document(form: registry.Format, source: Source) -> dict[str, Any]:
    if form.load is None:
        raise InvalidInput(f"{form.label} is not a backup", field="format")
    try:
        return form.load(source)
    except registry.UnreadableDocument as exc:
        raise InvalidInput(f"not a valid JSON backup: {exc}", field="file") from None


def mapping_of(mapping: str | Mapping[str, str] | None) -> dict[str, str] | None:
    if mapping is None or isinstance(mapping, str):
        return parse_mapping(mapping)
    return check_mapping(dict(mapping))


def parse_mapping(text: str | None) -> dict[str, str] | None:
    """``"E-mail=email,Given=first_name"`` -> ``{"E-mail": "email", "Given": "first_name"}``."""
    if not text:
        return None
    mapping: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        header, sep, target = part.partition("=")
        if not sep or not header.strip() or not target.strip():
            raise InvalidInput(f"a mapping is 'Header=field,...', not {part.strip()!r}",
                               field="map")  # fmt: skip
        mapping[header.strip()] = target.strip()
    return check_mapping(mapping)


def check_mapping(mapping: dict[str, str]) -> dict[str, str]:
    from amity.formats.csv_import import FIELDS

    for target in mapping.values():
        if target.split(":", 1)[0] not in FIELDS:
            raise InvalidInput(f"unknown field {target!r}; fields: {', '.join(FIELDS)}",
                               field="map")  # fmt: skip
    return mapping
