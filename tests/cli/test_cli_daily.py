"""Issue 12 in the CLI: a known e-mail warns on add, never-contacted health, one promise for
several people."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli_core import amity


def test_adding_a_person_with_a_known_email_warns_with_the_merge_command(cli_env: Path) -> None:
    amity("add", "Ana Lima", "--email", "ana@example.com")
    result = amity("add", "Ana L", "--email", "ANA@example.COM")
    assert "Warning: Ana Lima (id 1) already has ANA@example.COM" in result.stderr
    assert "amity merge 1 2" in result.stderr
    quiet = amity("add", "Ben Okafor", "--email", "ben@example.com")
    assert "Warning" not in quiet.stderr


def test_health_of_someone_never_contacted_says_so(cli_env: Path) -> None:
    amity("add", "Lena Connection")
    assert "Lena Connection: no contact yet" in amity("health", "Lena").output
    data = json.loads(amity("health", "Lena", "--json").output)
    assert data["contacted"] is False and data["score"] == 0
