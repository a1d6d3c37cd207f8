"""Field-by-field three-way merge of a contact between Amity and a server (docs/sync.md).

A contact is a dict of fields (``fn``, ``given``, ``family``, ``nickname``, ``org``, ``title``,
``birthday``, ``note``, ``emails``, ``phones``, ``urls``, ``addresses``, ``tags``). Each side
has its own base, what it looked like at the last sync: a side *changed* a field when its value
differs from its base. Then, per field:

- only one side changed it: that side's value goes to both;
- both changed it to the same value: nothing to do;
- both changed it differently: a **conflict**; the rule in ``WINNER`` decides which value both
  sides get, and the conflict is recorded for the user to confirm or reverse.

List fields (e-mails, phones, URLs, addresses, tags) merge item by item on the item's key
(``k``: the e-mail lower-cased, the phone in E.164...): additions from both sides are kept,
removals from either side are applied, and an item both sides have takes the server's label.
They never conflict.

    >>> result = merge_contact(
    ...     amity={"title": "CTO", "fn": "Ana"}, amity_base={"title": "VP", "fn": "Ana"},
    ...     server={"title": "VP", "fn": "Ana Lima"}, server_base={"title": "VP", "fn": "Ana"})
    >>> result.merged, result.conflicts
    ({'fn': 'Ana Lima', 'title': 'CTO'}, [])
    >>> sorted(result.to_amity), sorted(result.to_server)
    (['fn'], ['title'])
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SCALAR_FIELDS = ("fn", "given", "family", "nickname", "org", "title", "birthday", "note")
LIST_FIELDS = ("emails", "phones", "urls", "addresses", "tags")
FIELDS = SCALAR_FIELDS + LIST_FIELDS

#: Who wins a conflict on each scalar field (documented in docs/sync.md):
#: names and the birthday are usually fixed on the phone; work details and notes are kept in
#: Amity (its job history and its notes are where they are curated).
WINNER: Mapping[str, str] = {
    "fn": "server",
    "given": "server",
    "family": "server",
    "nickname": "server",
    "birthday": "server",
    "org": "amity",
    "title": "amity",
    "note": "amity",
}


@dataclass(frozen=True)
class FieldConflict:
    field: str
    base: Any
    amity: Any
    server: Any
    kept: str  # amity or server


@dataclass
class MergeResult:
    merged: dict[str, Any]
    to_amity: dict[str, Any] = field(default_factory=dict)  # fields Amity must take
    to_server: dict[str, Any] = field(default_factory=dict)  # fields the card must take
    conflicts: list[FieldConflict] = field(default_factory=list)


def merge_contact(
    *,
    amity: Mapping[str, Any],
    amity_base: Mapping[str, Any] | None,
    server: Mapping[str, Any],
    server_base: Mapping[str, Any] | None,
    fields: tuple[str, ...] | None = None,
) -> MergeResult:
    """Merge every field present on either side; a missing base means "first sync", where
    a value only one side has is taken and differing values follow ``WINNER``."""
    names = [f for f in (fields or FIELDS) if f in amity or f in server]
    result = MergeResult({})
    for name in names:
        a, s = amity.get(name), server.get(name)
        a0 = amity_base.get(name) if amity_base is not None else None
        s0 = server_base.get(name) if server_base is not None else None
        first = amity_base is None or server_base is None
        if name in LIST_FIELDS:
            value = merge_items(a or [], a0 or [], s or [], s0 or [], first=first)
        else:
            value = _merge_scalar(result, name, a, a0, s, s0, first=first)
        result.merged[name] = value
        if not same_value(value, a):
            result.to_amity[name] = value
        if not same_value(value, s):
            result.to_server[name] = value
    return result


def _merge_scalar(result: MergeResult, name: str, a: Any, a0: Any, s: Any, s0: Any, *,
                  first: bool) -> Any:  # fmt: skip
    if first:
        if _empty(a) or same_value(a, s):
            return s if not _empty(s) else a
        if _empty(s):
            return a
        amity_changed = server_changed = True
    else:
        amity_changed, server_changed = not same_value(a, a0), not same_value(s, s0)
    if not server_changed:
        return a
    if not amity_changed or same_value(a, s):
        return s
    kept = WINNER.get(name, "server")
    result.conflicts.append(FieldConflict(name, None if first else s0, a, s, kept))
    return a if kept == "amity" else s


def merge_items(amity: list[dict[str, Any]], amity_base: list[dict[str, Any]],
                server: list[dict[str, Any]], server_base: list[dict[str, Any]], *,
                first: bool = False) -> list[dict[str, Any]]:  # fmt: skip
    """Item-wise merge on ``k``: Amity's items minus what the server removed, then the
    server's items minus what Amity removed (nothing the server has is lost unless Amity
    removed it); on the first sync, the union."""
    a_keys, s_keys = _keys(amity), _keys(server)
    a_removed = set() if first else _keys(amity_base) - a_keys
    s_removed = set() if first else _keys(server_base) - s_keys
    by_server = {item["k"]: item for item in server}
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in amity:
        key = item["k"]
        if key in s_removed or key in seen:
            continue
        seen.add(key)
        out.append(by_server.get(key, item))
    for item in server:
        key = item["k"]
        if key in seen or key in a_removed:
            continue
        seen.add(key)
        out.append(item)
    return out


def _keys(items: list[dict[str, Any]]) -> set[str]:
    return {str(item["k"]) for item in items}


def same_value(a: Any, b: Any) -> bool:
    """Equal as synced values: None and "" and [] are all "nothing"; lists compare by key and
    label, in any order."""
    if _empty(a) and _empty(b):
        return True
    if isinstance(a, list) and isinstance(b, list):
        return _item_set(a) == _item_set(b)
    return bool(a == b)


def _item_set(items: list[Any]) -> set[tuple[str, str]]:
    out = set()
    for item in items:
        if isinstance(item, dict):
            out.add((str(item.get("k")), str(item.get("l") or "")))
        else:
            out.add((str(item), ""))
    return out


def _empty(value: Any) -> bool:
    return value is None or value in ("", [])


def changed_fields(current: Mapping[str, Any], base: Mapping[str, Any] | None) -> list[str]:
    """The fields where ``current`` differs from ``base`` (all of them without a base)."""
    return [
        name
        for name in FIELDS
        if (name in current or (base is not None and name in base))
        and (base is None or not same_value(current.get(name), base.get(name)))
    ]
