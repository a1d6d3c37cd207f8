"""The agenda's share matches stored in the database (issue 14, SQLite and PostgreSQL): a new
process reads them instead of ranking again, and gets the same items; a change to what
matching reads, another day, or an unreadable entry means ranking again."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select, update

from amity.book import Book, PersonInput
from amity.book.agenda import stored
from amity.book.agenda.cache import INPUTS, SHARES
from amity.book.agenda.network import load_shares
from amity.store import schema as s
from tests.conftest import Clock
from tests.network.test_share_items_fast import _populate, _share_items


def _stored(book: Book) -> tuple[int, str] | None:
    t = s.agenda_shares
    with book.ctx.read() as conn:
        row = conn.execute(
            select(t.c.profiles_version, t.c.payload).where(t.c.owner_id == book.owner_id)
        ).first()
    return None if row is None else (row.profiles_version, row.payload)


def _profiles_version(book: Book) -> int:
    with book.ctx.read() as conn:
        return int(conn.execute(
            select(s.data_versions.c.profiles_version)
            .where(s.data_versions.c.owner_id == book.owner_id)).scalar_one())  # fmt: skip


def _count_rankings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one each time the agenda ranks the articles (load_shares)."""
    from amity.book.agenda import network

    ranked: list[int] = []

    def counting(*args: Any, **kwargs: Any) -> Any:
        ranked.append(1)
        return load_shares(*args, **kwargs)

    monkeypatch.setattr(network, "load_shares", counting)
    return ranked


def _new_process() -> None:
    SHARES.clear()  # what a new process starts with: nothing ranked or loaded in memory
    INPUTS.clear()


def test_a_new_process_reads_the_stored_matches(book: Book, clock: Clock,
                                                monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    _populate(book, clock)
    today = clock().date()
    _new_process()
    first = _share_items(book, today)
    assert len(first) >= 6
    entry = _stored(book)
    assert entry is not None and entry[0] == _profiles_version(book)
    assert json.loads(entry[1])["format"] == stored.FORMAT

    ranked = _count_rankings(monkeypatch)
    _new_process()
    assert _share_items(book, today) == first  # the same items, read back
    assert ranked == []
    book.settings.set("digest.time", "09:30")  # a write matching does not read: still stored
    _new_process()
    assert _share_items(book, today) == first and ranked == []


def test_a_profile_change_or_another_day_ranks_again(book: Book, clock: Clock,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    _populate(book, clock)
    today = clock().date()
    _new_process()
    before = _share_items(book, today)
    version = _profiles_version(book)
    zed = book.people.add(PersonInput(name="Zed Rustacean", title="Rust developer",
                                      tags=["rust"]))  # fmt: skip
    book.people.add_fact(zed.id, "interest", "rust programming")
    book.people.add_fact(zed.id, "interest", "open source")
    assert _profiles_version(book) > version
    ranked = _count_rankings(monkeypatch)
    _new_process()
    after = _share_items(book, today)
    assert ranked == [1]
    assert zed.id in {a.people[0].id for a in after} - {a.people[0].id for a in before}
    entry = _stored(book)
    assert entry is not None and entry[0] == _profiles_version(book)
    _new_process()
    assert _share_items(book, today) == after and ranked == [1]  # stored again, read back
    _new_process()
    clock.advance(days=1)  # another day (the articles are still recent): ranked again
    assert _share_items(book, clock().date()) and ranked == [1, 1]
    with book.ctx.read() as conn:
        days = conn.execute(select(s.agenda_shares.c.day)).scalars().all()
    assert clock().date() in days


def test_an_unreadable_entry_is_ranked_again(book: Book, clock: Clock) -> None:
    _populate(book, clock)
    today = clock().date()
    _new_process()
    first = _share_items(book, today)
    t = s.agenda_shares
    for damaged in ('{"format": 1, "articles": [[1]]}', "not json", '{"format": 99}'):
        with book.ctx.engine.begin() as conn:
            conn.execute(update(t).where(t.c.owner_id == book.owner_id).values(payload=damaged))
        _new_process()
        assert _share_items(book, today) == first
        entry = _stored(book)
        assert entry is not None and json.loads(entry[1])["format"] == stored.FORMAT  # mended


def test_the_codec_keeps_every_field_the_engine_reads(book: Book, clock: Clock) -> None:
    _populate(book, clock)
    with book.ctx.read() as conn:
        ranked = load_shares(conn, book.owner_id, clock().date(), __import__("datetime").UTC)
    back = stored.decode(json.loads(json.dumps(stored.encode(ranked))))
    assert back is not None and back.matches == [
        (type(a)(a.id, a.url, a.title, tuple(a.topics)), list(found))
        for a, found in ranked.matches or []
    ]
    named = {m.person.id for _, found in ranked.matches or [] for m in found}
    assert named and back.people == {i: ranked.people[i] for i in named}
