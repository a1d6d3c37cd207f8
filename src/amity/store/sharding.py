"""Spreading one Amity database over a PostgreSQL cluster sharded by owner (Citus).

``python -m amity.store.sharding`` prints the SQL that docs/scaling.md describes, generated
from the schema so that it covers every table that exists:

1. **owner keys** (:func:`owner_key_statements`, plain PostgreSQL 15+): every primary key,
   unique constraint and foreign key between distributed tables gains ``owner_id``, so that
   each owner's rows and all the constraints between them live on one shard. A foreign key
   ``ON DELETE SET NULL`` clears only its own column (PostgreSQL 15's column list), never the
   owner. The application is unchanged: it already filters every query by owner.
2. **distribution** (:func:`citus_statements`, needs the Citus extension): the installation's
   tables (``INSTALLATION_TABLES``, and ``api_tokens``, which is looked up by its hash before
   the owner is known) become reference tables, copied to every node; every other table is
   distributed by ``owner_id`` and co-located with ``people``.

Step 1 is tested on PostgreSQL (tests/store/test_sharding.py): the Book works unchanged on
the re-keyed schema.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import ForeignKeyConstraint, MetaData, Table
from sqlalchemy import UniqueConstraint as Unique

from amity.store import schema as s

# looked up before the owner is known (the API token's hash): copied to every node
LOOKED_UP_BY_OTHER_KEYS = ("api_tokens",)
ANCHOR = "people"
T = TypeVar("T")  # the table every distributed table is co-located with


def reference_tables(metadata: MetaData = s.metadata) -> list[Table]:
    names = {t.name for t in s.INSTALLATION_TABLES} | set(LOOKED_UP_BY_OTHER_KEYS)
    return [t for t in metadata.sorted_tables if t.name in names]


def distributed_tables(metadata: MetaData = s.metadata) -> list[Table]:
    reference = set(reference_tables(metadata))
    return [t for t in metadata.sorted_tables if t not in reference and "owner_id" in t.c]


def owner_key_statements(metadata: MetaData = s.metadata) -> list[str]:
    """ALTER statements giving every key between distributed tables the owner."""
    tables = distributed_tables(metadata)
    inner = [fk for t in tables for fk in _foreign_keys(t) if fk.referred_table in tables]
    out = [f"ALTER TABLE {fk.table.name} DROP CONSTRAINT {fk.name}" for fk in inner]
    for table in tables:
        out += _rekey(table)
    out += [_owner_foreign_key(fk) for fk in inner]
    return out


def citus_statements(metadata: MetaData = s.metadata) -> list[str]:
    out = ["CREATE EXTENSION IF NOT EXISTS citus"]
    out += [f"SELECT create_reference_table('{t.name}')" for t in reference_tables(metadata)]
    tables = distributed_tables(metadata)
    anchor = next(t for t in tables if t.name == ANCHOR)
    out.append(f"SELECT create_distributed_table('{anchor.name}', 'owner_id')")
    out += [
        f"SELECT create_distributed_table('{t.name}', 'owner_id', colocate_with => '{ANCHOR}')"
        for t in tables  # sorted_tables: referenced tables first
        if t is not anchor
    ]
    return out


def _rekey(table: Table) -> list[str]:
    out = []
    pk = table.primary_key
    if "owner_id" not in pk.columns:
        columns = ", ".join(["owner_id", *(c.name for c in pk.columns)])
        out += [
            f"ALTER TABLE {table.name} DROP CONSTRAINT {pk.name}",
            f"ALTER TABLE {table.name} ADD CONSTRAINT {pk.name} PRIMARY KEY ({columns})",
        ]
    for unique in _constraints(table, Unique):
        if "owner_id" not in unique.columns:
            columns = ", ".join(["owner_id", *(c.name for c in unique.columns)])
            out += [
                f"ALTER TABLE {table.name} DROP CONSTRAINT {unique.name}",
                f"ALTER TABLE {table.name} ADD CONSTRAINT {unique.name} UNIQUE ({columns})",
            ]
    return out


def _owner_foreign_key(fk: ForeignKeyConstraint) -> str:
    (column,) = (c.name for c in fk.columns)
    (target,) = (e.column.name for e in fk.elements)
    action = {"CASCADE": " ON DELETE CASCADE", "SET NULL": f" ON DELETE SET NULL ({column})"}
    return (
        f"ALTER TABLE {fk.table.name} ADD CONSTRAINT {fk.name} FOREIGN KEY (owner_id, {column}) "
        f"REFERENCES {fk.referred_table.name} (owner_id, {target})"
        + action.get((fk.ondelete or "").upper(), "")
    )


def _foreign_keys(table: Table) -> list[ForeignKeyConstraint]:
    return sorted(_constraints(table, ForeignKeyConstraint), key=lambda fk: str(fk.name))


def _constraints(table: Table, kind: type[T]) -> list[T]:
    return [c for c in table.constraints if isinstance(c, kind)]


if __name__ == "__main__":
    print("-- 1. owner keys (PostgreSQL 15+, before distributing)")
    for statement in owner_key_statements():
        print(statement + ";")
    print("\n-- 2. distribution (Citus)")
    for statement in citus_statements():
        print(statement + ";")
