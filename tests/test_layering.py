"""model/ and rules/ stay pure: they import no I/O layer (DESIGN.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "amity"
FORBIDDEN_EVERYWHERE_PURE = {
    "amity.store",
    "amity.book",
    "amity.cli",
    "amity.web",
    "amity.formats",
    "amity.notify",
    "sqlalchemy",
    "alembic",
    "psycopg",
    "fastapi",
    "starlette",
    "click",
    "rich",
    "httpx",
    "smtplib",
    "socket",
    "sqlite3",
    "urllib",
    "requests",
    "subprocess",
    "os",
    "pathlib",
    "shutil",
    "tempfile",
    "io",
}
MODEL_ALLOWED_THIRD_PARTY: set[str] = set()  # model/ is stdlib only


def imported_modules(path: Path) -> set[str]:
    """Modules imported at run time (imports under ``if TYPE_CHECKING:`` are for types only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            node.body = []
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def violates(module: str, forbidden: set[str]) -> bool:
    return any(module == f or module.startswith(f + ".") for f in forbidden)


@pytest.mark.parametrize("package", ["model", "rules"])
def test_pure_packages_import_no_io_layer(package: str) -> None:
    offenders = []
    for path in sorted((SRC / package).rglob("*.py")):
        for module in imported_modules(path):
            if violates(module, FORBIDDEN_EVERYWHERE_PURE):
                offenders.append(f"{path.relative_to(SRC)} imports {module}")
    assert offenders == []


def test_model_is_stdlib_only() -> None:
    import sys

    offenders = []
    for path in sorted((SRC / "model").rglob("*.py")):
        for module in imported_modules(path):
            top = module.split(".")[0]
            if top not in sys.stdlib_module_names and top not in {"amity", "__future__"}:
                offenders.append(f"{path.relative_to(SRC)} imports {module}")
            if top == "amity" and not module.startswith("amity.model"):
                offenders.append(f"{path.relative_to(SRC)} imports {module}")
    assert offenders == []


def test_the_checker_catches_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from sqlalchemy import select\nimport amity.store.schema\n")
    modules = imported_modules(bad)
    assert violates("sqlalchemy", FORBIDDEN_EVERYWHERE_PURE)
    assert {m for m in modules if violates(m, FORBIDDEN_EVERYWHERE_PURE)} == {
        "sqlalchemy",
        "amity.store.schema",
    }


def test_adapters_do_not_reach_into_the_store_directly() -> None:
    """CLI, web and notify go through the Book (owned data) or amity.accounts (users, tokens):
    only book/, store/ and accounts.py touch tables."""
    offenders = []
    for package in ("cli", "web", "notify", "formats", "assistant", "sync"):
        for path in sorted((SRC / package).rglob("*.py")):
            for module in imported_modules(path):
                if module.startswith("amity.store.schema") or module in {
                    "sqlalchemy",
                    "sqlalchemy.sql",
                    "sqlalchemy.orm",
                }:
                    offenders.append(f"{path.relative_to(SRC)} imports {module}")
    assert offenders == []


def test_the_core_does_not_import_its_doors() -> None:
    """Nothing in the library (book, store, formats, accounts...) imports cli or web."""
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        if relative.parts[0] in {"cli", "web", "assistant"} or relative.name in {
            "run.py",
            "__main__.py",
        }:
            continue
        for module in imported_modules(path):
            if module.startswith(("amity.cli", "amity.web", "amity.assistant")):
                offenders.append(f"{relative} imports {module}")
    assert offenders == []


# The doors: adapters that parse input, call one Book (or accounts) method and render.
DOORS = ("cli", "web", "notify", "sync", "assistant")


def door_files() -> list[Path]:
    return [
        path
        for package in DOORS
        if (SRC / package).is_dir()
        for path in sorted((SRC / package).rglob("*.py"))
    ]


def test_doors_read_and_write_files_only_through_the_book() -> None:
    """Formats (parsers and writers) are the Book's business: a door hands book.transfer a file
    or stream and gets back a plan, a preview or a result (issue 9)."""
    offenders = [
        f"{path.relative_to(SRC)} imports {module}"
        for path in door_files()
        for module in imported_modules(path)
        if violates(module, {"amity.formats", "amity.store"})
    ]
    assert offenders == []


def uses_of_ctx(path: Path) -> list[int]:
    """Lines where the code reads an attribute called ``ctx`` (the Book's context)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "ctx"
    ]


def test_doors_never_touch_the_books_context() -> None:
    """The Book's façade is the doors' only way in: no ``book.ctx``, no connection."""
    offenders = [
        f"{path.relative_to(SRC)}:{line}" for path in door_files() for line in uses_of_ctx(path)
    ]
    assert offenders == []


def test_the_ctx_checker_sees_an_attribute(tmp_path: Path) -> None:
    sample = tmp_path / "door.py"
    sample.write_text("def f(book):\n    return book.ctx.now()\n")
    assert uses_of_ctx(sample) == [2]


def test_parsers_and_the_demo_generator_stay_below_the_book() -> None:
    """formats/ and demo/ build records and rows; they never import the Book or the store."""
    offenders = [
        f"{path.relative_to(SRC)} imports {module}"
        for package in ("formats", "demo")
        for path in sorted((SRC / package).rglob("*.py"))
        for module in imported_modules(path)
        if violates(module, {"amity.book", "amity.store", "amity.accounts", "sqlalchemy"})
    ]
    assert offenders == []


def test_no_module_is_over_700_lines() -> None:
    long = {
        str(path.relative_to(SRC)): count
        for path in sorted(SRC.rglob("*.py"))
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > 700
    }
    assert long == {}
