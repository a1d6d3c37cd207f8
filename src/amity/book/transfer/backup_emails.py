"""E-mail values in a JSON backup (issue 12 section 4): a backup made before e-mails were
checked may hold a value that is not an address (an Exchange X.500 path an old import kept).
Restoring it puts such a value in its person's notes, never among their e-mails, and the
import report warns (record, field, why) like every other import."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, update

from amity.formats.records import (
    UNRECOGNISED_EMAIL,
    RecordWarning,
    not_an_address,
    with_note_line,
)
from amity.rules.normalize import email_problem
from amity.store import schema as s


def bad_email_rows(doc: dict[str, Any]) -> list[tuple[int, dict[str, Any], str]]:
    """(row number, contact_points row, why) of every e-mail value that is not an address."""
    rows = doc.get("tables", {}).get("contact_points", []) or []
    found = []
    for n, row in enumerate(rows, start=1):
        if isinstance(row, dict) and row.get("kind") == "email":
            why = email_problem(str(row.get("value") or ""))
            if why is not None:
                found.append((n, row, why))
    return found


def email_warnings(doc: dict[str, Any]) -> list[RecordWarning]:
    names = {r.get("id"): str(r.get("name") or "") for r in doc["tables"].get("people", [])
             if isinstance(r, dict)}  # fmt: skip
    return [
        RecordWarning(
            n,
            names.get(row.get("person_id")) or "person",
            not_an_address(str(row.get("value")), why),
        )
        for n, row, why in bad_email_rows(doc)
    ]


def keep_in_notes(conn: Connection, owner_id: int, values: dict[int, list[str]]) -> None:
    """Append each person's set-aside values to their notes (ids as restored)."""
    p = s.people
    for person_id, found in values.items():
        notes = conn.execute(select(p.c.notes).where(p.c.owner_id == owner_id,
                                                     p.c.id == person_id)).scalar()  # fmt: skip
        for value in found:
            notes = with_note_line(notes, UNRECOGNISED_EMAIL + value)
        conn.execute(update(p).where(p.c.owner_id == owner_id, p.c.id == person_id)
                     .values(notes=notes))  # fmt: skip
