"""The source registry: one entry per kind of connected account.

A source knows how to check and complete a new account (``prepare``: discover the address
book, fill the options) and how to run it (``run``: pull, push, record outcomes, move the
cursor). Adding a kind (issue 11: ``imap``, ``caldav``, ``ics``) is one ``register`` call in
its module plus its name in ``amity.model.sync.SOURCE_KINDS``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from amity.errors import InvalidInput

if TYPE_CHECKING:
    from amity.book import Book
    from amity.model.sync import RunClaim
    from amity.sync.runner import Session


@dataclass(frozen=True)
class Source:
    """``prepare(session, options) -> options``: check the account works before it is added
    (discovery; raise InvalidInput with what to choose); ``run(book, claim, session)``: one
    run; ``describe``: a line for ``amity sync add --help`` and Settings."""

    kind: str
    describe: str
    prepare: Callable[[Session, dict[str, Any]], dict[str, Any]]
    run: Callable[[Book, RunClaim, Session], None]
    needs_password: bool = True
    schemes: tuple[str, ...] = ("https", "http")  # of the account's address
    #: the address itself is the secret (an ICS address): it is sealed like a password, the
    #: account shows ``public_url(address)``, and the session's password is the address
    secret_url: bool = False
    public_url: Callable[[str], str] | None = None
    normalize: Callable[[str], str] | None = None  # webcal:// -> https://


_SOURCES: dict[str, Source] = {}
#: module that registers each kind, imported on first use (so `amity --help` stays fast)
MODULES = {
    "carddav": "amity.sync.carddav",
    "imap": "amity.sync.imap",
    "caldav": "amity.sync.caldav",
    "ics": "amity.sync.ics",
}


def register(source: Source) -> None:
    _SOURCES[source.kind] = source


def source_for(kind: str) -> Source:
    if kind not in _SOURCES and kind in MODULES:
        importlib.import_module(MODULES[kind])
    found = _SOURCES.get(kind)
    if found is None:
        raise InvalidInput(f"no sync source for {kind!r}; kinds: {', '.join(sorted(MODULES))}",
                           field="kind")  # fmt: skip
    return found


def kinds() -> list[str]:
    return sorted(MODULES)
