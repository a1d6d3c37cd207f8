"""Where Amity keeps its data: the database URL and the data folder.

The one place that reads ``--db``, ``AMITY_DATABASE_URL`` and ``AMITY_HOME``. It opens
nothing (no engine, no connection), so the doors (CLI, web, notify) may use it freely;
``amity.store.engine`` sets up engines for the URLs resolved here.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_URL = "AMITY_DATABASE_URL"
ENV_HOME = "AMITY_HOME"


def default_db_path() -> Path:
    """The embedded database: one SQLite file in the platform's user data folder."""
    from platformdirs import user_data_path

    base = os.environ.get(ENV_HOME)
    folder = Path(base) if base else user_data_path("amity", appauthor=False)
    return folder / "amity.db"


def sqlite_path(url: str) -> str:
    """The file of a SQLite URL ("" for other databases and for an in-memory one's ":memory:")."""
    if url.startswith("sqlite") and "///" in url:
        return url.split("///", 1)[1].split("?", 1)[0]
    return ""


def data_folder(url: str) -> Path:
    """Where backups and other files of this database live (beside the SQLite file)."""
    path = sqlite_path(url)
    if path and path != ":memory:":
        return Path(path).resolve().parent
    return default_db_path().parent


def resolve_url(db: str | os.PathLike[str] | None = None) -> str:
    """``--db PATH`` wins, then ``AMITY_DATABASE_URL``, then the embedded default."""
    if db:
        text_db = str(db)
        if "://" in text_db:
            return text_db
        return "sqlite:///" + str(Path(text_db).expanduser().resolve())
    env = os.environ.get(ENV_URL)
    if env:
        return env
    return "sqlite:///" + str(default_db_path())


def describe_url(url: str) -> str:
    """The URL with any password hidden, for display."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
