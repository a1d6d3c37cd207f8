"""The agenda's inputs, cached per owner, day and limit while the owner's data version stays.

Loading the inputs is most of the agenda's cost (the engine builds from them in a few
milliseconds), and they change only when the book does: every write transaction of the Book
moves the owner's data version (:meth:`BookContext.write`), in the database, so a write by
another worker or process is seen too. The version is read first, in the same read
transaction as the inputs, so cached inputs are never older than the version they are filed
under. The engine still runs on every call, with the current time (reasons such as "14:05
there" change by the minute). One cache per process, bounded (least recently used out).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

SIZE = 256


class InputsCache:
    def __init__(self, size: int = SIZE) -> None:
        self._size = size
        self._entries: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, version: int) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != version:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: Hashable, version: int, value: Any) -> None:
        with self._lock:
            self._entries[key] = (version, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


INPUTS = InputsCache()
# the share items' inputs and matches, per owner, day and time zone, under the owner's
# profiles version (moved only by writes to what matching reads: BookContext.write), so
# logging an interaction or acting on an item does not match the new articles again
SHARES = InputsCache(64)
