"""`make run`: start the web app (`amity serve`) on the embedded SQLite book and print its
address. The first visit creates the owner account; a book the CLI already filled becomes
that account's book. Extra arguments go to `amity serve` (e.g. `--port 9000`).
"""

from __future__ import annotations

import sys

from amity.cli.main import run as cli


def main() -> None:
    cli(["serve", *sys.argv[1:]])


if __name__ == "__main__":
    main()
