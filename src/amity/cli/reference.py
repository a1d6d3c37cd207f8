"""Generate the CLI reference (docs/cli.md) from the commands' own --help.

`make docs` writes it; tests/test_docs.py fails when it is out of date.
"""

from __future__ import annotations

import click

from amity.cli.main import cli

HEADER = """# CLI reference

Generated from `amity --help` by `make docs` (`python -m amity.cli.reference`); a test keeps
it in step with the code. PERSON accepts an id, an e-mail address, an exact name or an
unambiguous prefix of a name.
"""


def command_paths(group: click.Group, ctx: click.Context, prefix: str) -> list[tuple[str, click.Command, click.Context]]:
    found = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        path = f"{prefix} {name}"
        sub_ctx = click.Context(command, info_name=name, parent=ctx)
        found.append((path, command, sub_ctx))
        if isinstance(command, click.Group):
            found.extend(command_paths(command, sub_ctx, path))
    return found


def render() -> str:
    root = click.Context(cli, info_name="amity", max_content_width=100, terminal_width=100)
    parts = [HEADER, "## amity\n", "```text", cli.get_help(root).rstrip(), "```\n"]
    for path, command, ctx in command_paths(cli, root, "amity"):
        ctx.max_content_width = 100
        ctx.terminal_width = 100
        parts += [f"## {path}\n", "```text", command.get_help(ctx).rstrip(), "```\n"]
    return "\n".join(parts)


def all_command_paths() -> list[str]:
    root = click.Context(cli, info_name="amity")
    return [path for path, _, _ in command_paths(cli, root, "amity")]


if __name__ == "__main__":
    print(render(), end="")
