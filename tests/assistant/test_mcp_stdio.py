"""`amity mcp` as a subprocess on a temporary AMITY_HOME, driven by the SDK's stdio client:
every tool, and --read-only."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from amity.book import open_book
from tests.assistant.scenario import exercise_every_tool, fails, seed

pytestmark = pytest.mark.slow


def run_stdio(home: Path, check: Any, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMITY_")}
    env["AMITY_HOME"] = str(home)
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "amity", "mcp", *args], env=env
    )

    async def main() -> None:
        with anyio.fail_after(120), (home / "stderr.log").open("w") as errlog:
            async with stdio_client(params, errlog=errlog) as (read, write):  # noqa: SIM117
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    await check(session)

    anyio.run(main)


def test_every_tool_over_stdio(cli_env: Path) -> None:
    book = open_book()
    ids = seed(book)
    run_stdio(cli_env, lambda session: exercise_every_tool(session, ids))
    assert open_book().people.get("Cleo Park").facts[0].text == "loves jazz"


def test_read_only_over_stdio(cli_env: Path) -> None:
    seed(open_book())

    async def check(session: Any) -> None:
        assert not (await session.call_tool("person", {"person": "Bo Chen"})).is_error
        assert "read-only" in await fails(session, "add_person", {"name": "Intruder"})

    run_stdio(cli_env, check, "--read-only")
    assert "Intruder" not in [p.name for p in open_book().people.list()]
