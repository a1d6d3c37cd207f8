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
