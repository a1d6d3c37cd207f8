"""A connected account with a run and a conflict, for the isolation walks (API and pages)."""

from __future__ import annotations

from amity.book import Book, PersonInput
from amity.model.sync import ItemOutcome


def sync_ids(book: Book) -> dict[str, int]:
    """An account (never contacted: no network), a finished run with an item, and an open
    conflict about a person; their ids by path parameter name."""
    person = book.people.add(PersonInput(name="Sync Secret", emails=["sync@secret.example"]))
    account = book.connections.add("carddav", "https://203.0.113.10/", username="alice",
                                   secret="a-secret-password")  # fmt: skip
    claim = book.connections.claim(account.id)
    assert claim is not None
    book.connections.record(claim, [ItemOutcome("created", "pull", "/a/secret.vcf")])
    with book.ctx.write() as conn:
        book.connections.add_conflict(conn, claim, person_id=person.id, remote_ref="/a/s.vcf",
                                      field="title", base=None, amity="A", server="B",
                                      kept="amity")  # fmt: skip
    book.connections.finish(claim)
    conflict = book.connections.conflicts()[0]
    return {
        "account_id": account.id,
        "run_id": claim.run_id,
        "conflict_id": conflict.id,
        "suggestion_id": _suggestion(book),
    }


def _suggestion(book: Book) -> int:
    """Someone Alice wrote to who is not in her book (as the mail sync records them)."""
    from sqlalchemy import insert

    from amity.store import schema as s

    with book.ctx.write() as conn:
        return int(conn.execute(insert(s.mail_correspondents).returning(
            s.mail_correspondents.c.id).values(
            owner_id=book.owner_id, email="secret-friend@example.net", name="Secret Friend",
            sent_count=3, received_count=1, status="open",
            created_at=book.now())).scalar_one())  # fmt: skip


SYNC_API_BODIES = {
    "POST /api/v1/sync/conflicts/{conflict_id}/resolve": {"keep": "server"},
    "PATCH /api/v1/sync/accounts/{account_id}": {"tags": ["stolen"], "password": "stolen"},
}
SYNC_PAGE_FORMS = {"/settings/connections/conflicts/{conflict_id}": {"keep": "server"}}
