"""Opaque cursors for list endpoints.

A cursor is URL-safe base64 of a small JSON object. It carries a fingerprint of the filters it
was made for, so a cursor sent with other filters is refused instead of paging the wrong list.
People page by position in the sorted list, anchored on the previous page's last person (so
a few rows added or removed before it shift nothing); interactions page by their
(occurred_at, id) key, which stays exact while rows arrive.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from amity.errors import InvalidInput

MAX_OFFSET = 10_000_000


def fingerprint(filters: Mapping[str, Any]) -> str:
    text = json.dumps(filters, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def encode_cursor(position: Mapping[str, Any], filters: Mapping[str, Any]) -> str:
    doc = {**position, "f": fingerprint(filters)}
    raw = json.dumps(doc, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, filters: Mapping[str, Any]) -> dict[str, Any] | None:
    """The position a cursor holds, or None for the first page; InvalidInput when it is bad."""
    if cursor is None or cursor == "":
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        doc = json.loads(raw)
    except (binascii.Error, ValueError):
        raise InvalidInput("the cursor is not one this API made", field="cursor") from None
    if not isinstance(doc, dict):
        raise InvalidInput("the cursor is not one this API made", field="cursor")
    if doc.pop("f", None) != fingerprint(filters):
        raise InvalidInput("the cursor belongs to a list with other filters", field="cursor")
    return doc


def offset_of(position: Mapping[str, Any] | None) -> int:
    if position is None:
        return 0
    offset = position.get("o")
    if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset <= MAX_OFFSET:
        raise InvalidInput("the cursor is not one this API made", field="cursor")
    return offset
