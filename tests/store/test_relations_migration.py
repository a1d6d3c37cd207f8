"""Revision 0019_relations on both backends: an imported related name that 0.1 stored as a
relation of the person to themself becomes a relationship to the one person it names, or to
no one yet (its name kept); manual relationships are untouched."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from amity.store.engine import current_revision, make_engine
from amity.store.migrations import run_upgrade
from tests.store.test_release_upgrade import empty_url  # noqa: F401 - the fixture

NOW = datetime(2026, 12, 1, tzinfo=UTC).replace(tzinfo=None)


def test_self_relations_become_links_or_names(empty_url: str) -> None:  # noqa: F811
    engine = make_engine(empty_url)
    run_upgrade(engine, "0017_country")
    people = [(1, "Ana Lima", "urn:uuid:ana"), (2, "Bruno Costa", None), (3, "Carla Lima", "c-3"),
              (4, "Eve Park", None), (5, "Eve Park", None)]  # fmt: skip
    rels = [  # id, a, b, kind, hint
        (1, 1, 1, "spouse", "bruno costa"),  # exact name, any case -> Bruno
        (2, 1, 1, "parent", "urn:uuid:C-3"),  # UID -> Carla
        (3, 1, 1, "colleague", "mailto:dora@example.org"),  # nobody: stays a name
        (4, 1, 1, "sister", "Eve Park"),  # two people answer: stays a name
        (5, 1, 1, "friend", "Ana Lima"),  # herself: stays a name, never herself
        (6, 1, 2, "colleague", None),  # made by hand: untouched
        (7, 2, 2, "member", None),  # meaningless: dropped
    ]
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, email, name, is_admin, session_epoch, "
                          "created_at) VALUES (1, 'o@example.org', '', false, 0, :now)"),
                     {"now": NOW})  # fmt: skip
        for pid, name, uid in people:
            conn.execute(text(
                "INSERT INTO people (id, owner_id, name, name_key, uid, is_group, created_at, "
                "updated_at, version) VALUES (:id, 1, :name, :key, :uid, false, :now, :now, 1)"),
                {"id": pid, "name": name, "key": name.lower(), "uid": uid, "now": NOW})  # fmt: skip
        for rid, a, b, kind, hint in rels:
            conn.execute(text(
                "INSERT INTO relationships (id, owner_id, person_a_id, person_b_id, kind, "
                "name_hint, created_at) VALUES (:id, 1, :a, :b, :kind, :hint, :now)"),
                {"id": rid, "a": a, "b": b, "kind": kind, "hint": hint, "now": NOW})  # fmt: skip
    run_upgrade(engine, "0019_relations")
    assert current_revision(engine) == "0019_relations"
    with engine.connect() as conn:
        got = conn.execute(text("SELECT id, person_a_id, person_b_id, name_key FROM "
                                "relationships ORDER BY id")).all()  # fmt: skip
    assert [tuple(r) for r in got] == [
        (1, 1, 2, "name:bruno costa"),
        (2, 1, 3, "uid:c-3"),
        (3, 1, None, "email:dora@example.org"),
        (4, 1, None, "name:eve park"),
        (5, 1, None, "name:ana lima"),
        (6, 1, 2, None),
    ]
    engine.dispose()


def test_group_people_become_groups(empty_url: str) -> None:  # noqa: F811
    """Revision 0020_groups: a group card 0.1 kept as a person (``is_group``) with "member"
    relations becomes a group: its tag on the members it linked, the rest listed, the person
    gone, and its CardDAV link marked so that a push neither sends nor deletes the card."""
    from amity.store.engine import make_engine as engine_for

    engine = engine_for(empty_url)
    run_upgrade(engine, "0019_relations")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, email, name, is_admin, session_epoch, "
                          "created_at) VALUES (1, 'o@example.org', '', false, 0, :now)"),
                     {"now": NOW})  # fmt: skip
        for pid, name, uid, group in [(1, "Book Club", "club-1", True), (2, "Ana Lima", "ana-1",
                                                                         False)]:  # fmt: skip
            conn.execute(text(
                "INSERT INTO people (id, owner_id, name, name_key, uid, is_group, created_at, "
                "updated_at, version) VALUES (:id, 1, :name, :key, :uid, :g, :now, :now, 1)"),
                {"id": pid, "name": name, "key": name.lower(), "uid": uid, "g": group, "now": NOW})  # fmt: skip
        for rid, b, hint in [(1, 2, "ana-1"), (2, None, "nobody-9")]:
            conn.execute(text(
                "INSERT INTO relationships (id, owner_id, person_a_id, person_b_id, kind, "
                "name_hint, name_key, created_at) VALUES (:id, 1, 1, :b, 'member', :hint, :key, "
                ":now)"), {"id": rid, "b": b, "hint": hint, "key": f"name:{hint}", "now": NOW})  # fmt: skip
        conn.execute(text("INSERT INTO sync_accounts (id, owner_id, kind, name, url, options, "
                          "cursor, enabled, interval_minutes, failures, created_at) VALUES "
                          "(1, 1, 'carddav', 'phone', 'https://dav.example/', '{}', '{}', true, "
                          "15, 0, :now)"), {"now": NOW})  # fmt: skip
        conn.execute(text("INSERT INTO sync_links (id, owner_id, account_id, collection, "
                          "remote_ref, person_id, synced_at) VALUES (1, 1, 1, '', "
                          "'/c/club.vcf', 1, :now)"), {"now": NOW})  # fmt: skip
    run_upgrade(engine, "0020_groups")
    with engine.connect() as conn:
        people = conn.execute(text("SELECT id FROM people ORDER BY id")).scalars().all()
        groups = conn.execute(text("SELECT id, name, uid FROM contact_groups")).all()
        members = conn.execute(text("SELECT value, person_id FROM contact_group_members "
                                    "ORDER BY id")).all()  # fmt: skip
        tagged = conn.execute(text("SELECT p.person_id, t.name FROM person_tags p JOIN tags t "
                                   "ON t.id = p.tag_id")).all()  # fmt: skip
        link = conn.execute(text("SELECT person_id, local_base FROM sync_links")).one()
        member_rels = conn.execute(text("SELECT count(*) FROM relationships")).scalar()
    assert people == [2]
    ((group_id, name, uid),) = groups
    assert (name, uid) == ("Book Club", "club-1")
    assert [tuple(m) for m in members] == [("urn:uuid:ana-1", 2), ("urn:uuid:nobody-9", None)]
    assert [tuple(t) for t in tagged] == [(2, "book club")]
    assert (link.person_id, link.local_base) == (None, f'{{"__group__": {group_id}}}')
    assert member_rels == 0
    engine.dispose()
