"""`amity list` prints aligned columns without a Rich table (which measured every cell of
10,000 rows for 8 s): widths in terminal cells, long values cut with "…", ids right-aligned."""

from __future__ import annotations

from click.testing import CliRunner

from amity.cli.options import print_columns


def test_columns_align_in_cells_and_cut_long_values() -> None:
    import click
    from rich.cells import cell_len

    @click.command()
    def show() -> None:
        print_columns(["id", "name", "tags"],
                      [["7", "김민지", "a"], ["1234", "Ana\nLima", "x" * 50]],
                      right=frozenset({0}), limits={2: 10})  # fmt: skip

    out = CliRunner().invoke(show).output.splitlines()
    assert out[0].split() == ["id", "name", "tags"]
    assert out[1].startswith("   7  김민지") and out[2].startswith("1234  Ana Lima")
    assert out[2].endswith("x" * 9 + "…")
    name_column = [cell_len(line[: line.index(tag)]) for line, tag in
                   ((out[1], "a"), (out[2], "x"))]  # fmt: skip
    assert name_column[0] == name_column[1]  # the wide name takes two cells a character
