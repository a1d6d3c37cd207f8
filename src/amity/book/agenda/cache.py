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
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

SIZE = 256


class InputsCache:
    """``weight(value)`` and ``max_weight``, when given, bound what the entries hold as well
    as how many there are (the newest entry always stays)."""

    def __init__(self, size: int = SIZE, *, weight: Callable[[Any], int] | None = None,
                 max_weight: int = 0) -> None:  # fmt: skip
        self._size = size
        self._weight, self._max_weight = weight, max_weight
        self._entries: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, version: int) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != version:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def newest(self, key: Hashable) -> tuple[int, Any] | None:
        """The entry under ``key`` whatever its version: (version, value), to bring up to
        date rather than rebuild."""
        with self._lock:
            return self._entries.get(key)

    def put(self, key: Hashable, version: int, value: Any) -> None:
        """Keep ``value`` under ``key`` unless a newer version is kept there already."""
        with self._lock:
            kept = self._entries.get(key)
            if kept is not None and kept[0] > version:
                return
            self._entries[key] = (version, value)
            self._entries.move_to_end(key)
            while len(self._entries) > 1 and (len(self._entries) > self._size or self._heavy()):
                self._entries.popitem(last=False)

    def _heavy(self) -> bool:
        weight = self._weight
        if weight is None:
            return False
        return sum(weight(value) for _, value in self._entries.values()) > self._max_weight

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def per_engine(registry: weakref.WeakKeyDictionary[Any, InputsCache], engine: Any,
               make: Callable[[], InputsCache]) -> InputsCache:  # fmt: skip
    """The cache of one database (engine) in ``registry``, made on first use: kept with its
    engine, so two in-memory books never share an entry and a closed one drops its."""
    with _REGISTRY_LOCK:
        cache = registry.get(engine)
        if cache is None:
            cache = registry[engine] = make()
        return cache


_REGISTRY_LOCK = threading.Lock()
INPUTS = InputsCache()
# the share items' inputs and matches, per owner, day and time zone, under the owner's
# profiles version (moved only by writes to what matching reads: BookContext.write), so
# logging an interaction or acting on an item does not match the new articles again
SHARES = InputsCache(64)
