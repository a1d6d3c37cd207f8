"""The connected-accounts mechanism on both backends: sealed secrets, leases, back-off, due
accounts, outcomes and counts, tenancy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from amity.book import Book
from amity.book.connections import due_accounts
from amity.errors import InvalidInput, NotFound
from amity.model.sync import ItemOutcome, backoff_minutes
from tests.conftest import Clock, new_book

SECRET = "correct horse battery staple"


def test_the_password_is_sealed_and_never_shown(book: Book) -> None:
    from amity.serialize_sync import sync_account_json
    from amity.store import schema as s

    account = book.connections.add("carddav", "https://dav.example.org/", username="ana",
                                   secret=SECRET)  # fmt: skip
    with book.ctx.read() as conn:
        stored = conn.execute(select(s.sync_accounts.c.secret)).scalars().all()
    assert all(SECRET not in (v or "") for v in stored)
    assert book.connections.secret(account.id) == SECRET
    shown = repr(sync_account_json(book.connections.get(account.id)))
    assert SECRET not in shown and "'has_password': True" in shown
    assert SECRET not in repr(book.export_json())


def test_a_sealed_secret_opens_only_in_its_own_row(book: Book) -> None:
    from sqlalchemy import update

    from amity.crypto import DecryptionFailed
    from amity.store import schema as s

    a = book.connections.add("carddav", "https://a.example/", secret=SECRET)
    b = book.connections.add("carddav", "https://b.example/", secret="other")
    with book.ctx.write() as conn:
        sealed = conn.execute(select(s.sync_accounts.c.secret).where(
            s.sync_accounts.c.id == a.id)).scalar_one()  # fmt: skip
        conn.execute(update(s.sync_accounts).where(s.sync_accounts.c.id == b.id)
                     .values(secret=sealed))  # fmt: skip
    with pytest.raises(DecryptionFailed):
        book.connections.secret(b.id)


def test_one_run_at_a_time_then_back_off_and_due_again(book: Book, clock: Clock) -> None:
    account = book.connections.add("carddav", "https://dav.example.org/")
    assert (book.owner_id, account.id) in due_accounts(book.ctx.engine, clock())
    claim = book.connections.claim(account.id)
    assert claim is not None
    assert book.connections.claim(account.id) is None  # another worker finds it leased
    assert (book.owner_id, account.id) not in due_accounts(book.ctx.engine, clock())
    book.connections.record(claim, [ItemOutcome("created", remote_ref="/a.vcf"),
                                    ItemOutcome("error", remote_ref="/b.vcf", reason="bad")])  # fmt: skip
    run = book.connections.finish(claim, error="server error 503")
    assert run.status == "failed" and run.counts == {"created": 1, "error": 1}
    failing = book.connections.get(account.id)
    assert failing.status == "failing" and failing.failures == 1
    assert failing.next_run_at == clock() + timedelta(minutes=5)
    assert [a.id for a in book.connections.failing()] == [account.id]
    clock.advance(minutes=6)
    second = book.connections.claim(account.id)
    assert second is not None
    book.connections.finish(second)
    healthy = book.connections.get(account.id)
    assert healthy.status == "ok" and healthy.next_run_at == clock() + timedelta(minutes=15)
    assert book.connections.failing() == []


def test_a_lease_left_by_a_dead_worker_expires(book: Book, clock: Clock) -> None:
    account = book.connections.add("carddav", "https://dav.example.org/")
    assert book.connections.claim(account.id) is not None  # then the worker dies
    clock.advance(minutes=16)
    assert book.connections.claim(account.id) is not None


def test_backoff_grows_and_is_capped() -> None:
    assert [backoff_minutes(n, 15) for n in range(6)] == [15, 5, 10, 20, 40, 80]
    assert backoff_minutes(30, 15) == 360


def test_another_owner_sees_nothing(book: Book, clock: Clock) -> None:
    account = book.connections.add("carddav", "https://dav.example.org/", secret=SECRET)
    other = new_book(book.ctx.url, clock)
    assert other.connections.list() == []
    for call in (other.connections.get, other.connections.remove, other.connections.secret,
                 other.connections.claim, other.connections.runs):  # fmt: skip
        with pytest.raises(NotFound):
            call(account.id)


def test_bad_input_is_refused_before_anything_is_stored(book: Book) -> None:
    for kwargs in ({"kind": "gopher", "url": "https://x/"}, {"kind": "carddav", "url": ""},
                   {"kind": "carddav", "url": "https://x/\x00"}):  # fmt: skip
        with pytest.raises(InvalidInput):
            book.connections.add(**kwargs)  # type: ignore[arg-type]
    assert book.connections.list() == []
