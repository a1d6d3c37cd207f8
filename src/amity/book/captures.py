"""Quick captures received once (issue 12 §6): the browser gives each capture a key (a random
UUID); a capture sent again with the same key (a phone back online replaying its queue, a
retry after a lost answer) is not logged twice. The key is claimed before the interaction is
logged, under a unique constraint, so two requests racing with one key log one interaction."""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from amity.book.context import BookContext
from amity.errors import InvalidInput
from amity.store import schema as s

MAX_KEY = 100


class Captures:
    def __init__(self, ctx: BookContext) -> None:
        self._ctx = ctx

    def claim(self, key: str) -> tuple[bool, int | None]:
        """(True, None): the key is new and now ours to log; (False, interaction id or None
        while the first request is still logging): it was received already."""
        key = _checked(key)
        t = s.capture_keys
        try:
            with self._ctx.write() as conn:
                conn.execute(
                    insert(t).values(
                        owner_id=self._ctx.owner_id, key=key, created_at=self._ctx.now()
                    )
                )
            return True, None
        except IntegrityError:
            with self._ctx.read() as conn:
                found = conn.execute(
                    select(t.c.interaction_id).where(
                        t.c.owner_id == self._ctx.owner_id, t.c.key == key
                    )
                ).first()
            return False, None if found is None else found.interaction_id

    def finish(self, key: str, interaction_id: int) -> None:
        t = s.capture_keys
        with self._ctx.write() as conn:
            conn.execute(
                update(t)
                .where(t.c.owner_id == self._ctx.owner_id, t.c.key == _checked(key))
                .values(interaction_id=interaction_id)
            )

    def release(self, key: str) -> None:
        """The capture failed (bad input): the same key may be sent again, corrected."""
        t = s.capture_keys
        with self._ctx.write() as conn:
            conn.execute(
                delete(t).where(t.c.owner_id == self._ctx.owner_id, t.c.key == _checked(key))
            )


def _checked(key: str) -> str:
    key = key.strip()
    if not key or len(key) > MAX_KEY or not all(c.isalnum() or c in "-_" for c in key):
        raise InvalidInput("a capture key is 1-100 letters, digits, - or _", field="capture_key")
    return key
