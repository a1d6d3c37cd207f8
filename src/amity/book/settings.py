"""Settings: per-owner key/value pairs with defaults (`amity config`)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, insert, select

from amity.book.context import DEFAULT_SETTINGS, BookContext
from amity.errors import InvalidInput
from amity.store.schema import settings as t

SECRET_KEYS = {"smtp.password"}


def coerce_setting(key: str, raw: str) -> Any:
    """Turn the text a user typed into the setting's type, judged by its default."""
    default = DEFAULT_SETTINGS.get(key)
    if key.startswith("agenda.date_lead_days.") or (key not in DEFAULT_SETTINGS and "." in key):
        default = 0 if key.startswith("agenda.") else ""
    if isinstance(default, bool):
        lowered = raw.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off"}:
            return False
        raise InvalidInput(f"{key} takes true or false, not {raw!r}", field=key)
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise InvalidInput(f"{key} takes a whole number, not {raw!r}", field=key) from None
    if isinstance(default, float):
        try:
            return float(raw)
        except ValueError:
            raise InvalidInput(f"{key} takes a number, not {raw!r}", field=key) from None
    if isinstance(default, list):
        return [part.strip() for part in raw.split(",") if part.strip()]
    return raw


class Settings:
    def __init__(self, ctx: BookContext) -> None:
        self._ctx = ctx

    def get(self, key: str) -> Any:
        return self._ctx.setting(key)

    def all(self, *, reveal_secrets: bool = False) -> dict[str, Any]:
        values = dict(DEFAULT_SETTINGS)
        with self._ctx.read() as conn:
            rows = conn.execute(
                select(t.c.key, t.c.value).where(t.c.owner_id == self._ctx.owner_id)
            )
            values.update({key: json.loads(value) for key, value in rows})
        if not reveal_secrets:
            for key in SECRET_KEYS:
                if values.get(key):
                    values[key] = "********"
        return dict(sorted(values.items()))

    def set(self, key: str, value: Any) -> Any:
        """Store ``value`` (already typed, or text to be coerced) under ``key``."""
        if key not in DEFAULT_SETTINGS and not key.startswith(("agenda.", "ui.", "web.")):
            known = ", ".join(sorted(DEFAULT_SETTINGS))
            raise InvalidInput(f"unknown setting {key!r}; known settings: {known}", field=key)
        if isinstance(value, str):
            value = coerce_setting(key, value)
        if key == "timezone":
            from amity.rules.when import WhenError, zone

            try:
                zone(value)
            except WhenError as exc:
                raise InvalidInput(str(exc), field=key) from None
        if key == "me.emails":
            from amity.rules.normalize import NormalizeError, email_key, normalize_email

            try:
                value = [email_key(normalize_email(v)) for v in value]
            except NormalizeError as exc:
                raise InvalidInput(str(exc), field=key) from None
        with self._ctx.write() as conn:
            conn.execute(delete(t).where(t.c.owner_id == self._ctx.owner_id, t.c.key == key))
            conn.execute(
                insert(t).values(owner_id=self._ctx.owner_id, key=key, value=json.dumps(value))
            )
        return value

    def unset(self, key: str) -> None:
        with self._ctx.write() as conn:
            conn.execute(delete(t).where(t.c.owner_id == self._ctx.owner_id, t.c.key == key))
