"""`amity history`, `undo`, `trash`, `restore` through Click's runner on a private book."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli_core import amity, run_main


def test_history_undo_trash_restore(cli_env: Path) -> None:
    amity("add", "Ana Lima", "--email", "ana@example.com", "--org", "Acme")
    amity("edit", "Ana", "--org", "Globex")
    out = amity("history", "Ana", "--fields").output
    assert "cli" in out and "edited person Ana Lima (org) and 1 more" in out
    assert "org: 'Acme' -> 'Globex'" in out
    groups = json.loads(amity("history", "--json").output)
    assert [g["door"] for g in groups] == ["cli", "cli"]
    assert groups[0]["actor"] == "owner@localhost"
    assert "Undid change" in amity("undo").output
    assert json.loads(amity("show", "Ana", "--json").output)["org"] == "Acme"

    assert "in the trash for 30 days" in amity("rm", "Ana", "--purge", "--yes").output
    entries = json.loads(amity("trash", "--json").output)
    assert entries[0]["records"] == [{"record": "person", "label": "Ana Lima"}]
    assert "deleted person Ana Lima" in amity("trash").output
    assert "Restored" in amity("restore", str(entries[0]["id"])).output
    assert json.loads(amity("show", "Ana", "--json").output)["emails"] == ["ana@example.com"]
    assert "The trash is empty." in amity("trash").output


def test_undo_conflict_and_unknown_ids_exit_2(cli_env: Path) -> None:
    amity("add", "Ana Lima")
    amity("edit", "Ana", "--org", "Globex")
    first = json.loads(amity("history", "--json").output)[0]["id"]
    amity("edit", "Ana", "--title", "CTO")
    assert run_main("undo", str(first)) == 2
    assert json.loads(amity("show", "Ana", "--json").output)["org"] == "Globex"
    assert run_main("undo", str(first), "--force") == 0
    assert json.loads(amity("show", "Ana", "--json").output)["org"] is None
    assert run_main("restore", "999") == 2
    assert run_main("undo", "999") == 2
