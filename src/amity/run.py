"""`make run`: start Amity's main job on the embedded SQLite default.

That is the web app (`amity serve`) when it is installed; a newcomer's first book gets a small
demo network so there is something to look at (remove it with `amity rm` or start a new --db).
"""

from __future__ import annotations

import sys

from amity.cli.main import run as cli


def main() -> None:
    args = sys.argv[1:]
    cli(["serve", *args])


if __name__ == "__main__":
    main()
