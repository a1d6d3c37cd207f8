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


def command_paths(
    group: click.Group, ctx: click.Context, prefix: str
) -> list[tuple[str, click.Command, click.Context]]:
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
    root = click.Context(
        cli,
        info_name="amity",
        **{**cli.context_settings, "max_content_width": 100, "terminal_width": 100},
    )
    parts = [HEADER, "## amity\n", "```text", cli.get_help(root).rstrip(), "```\n"]
    for path, command, ctx in command_paths(cli, root, "amity"):
        ctx.max_content_width = 100
        ctx.terminal_width = 100
        parts += [f"## {path}\n", "```text", command.get_help(ctx).rstrip(), "```\n"]
    return "\n".join(parts)


def render_agenda_doc() -> str:
    """docs/agenda.md: the ranking rules, from the docstring of the rules/agenda package."""
    from amity.rules import agenda

    body = (agenda.__doc__ or "").split("\n", 1)[1].strip()
    for title in ("How ranking works", "Settings", "Backlog", "What you did to an item", "Keys"):
        body = body.replace(f"{title}\n{'=' * len(title)}", f"## {title}")
    return (
        "# The agenda: how items get there and how they are ranked\n\n"
        "This page is the docstring of `src/amity/rules/agenda/__init__.py`, written by"
        " `make docs`"
        " (a test keeps them the same).\n\n" + body + "\n"
    )


def all_command_paths() -> list[str]:
    root = click.Context(cli, info_name="amity", **cli.context_settings)
    return [path for path, _, _ in command_paths(cli, root, "amity")]


if __name__ == "__main__":
    import sys

    print(render_agenda_doc() if "--agenda" in sys.argv else render(), end="")
