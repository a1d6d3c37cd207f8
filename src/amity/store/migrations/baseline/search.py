"""Baseline schema (revision 0001), part: the full-text search objects autogenerate cannot see
(STACK.md G12): an FTS5 table kept in sync by triggers on SQLite, a generated tsvector column
with a GIN index on PostgreSQL."""

from alembic import op

SQLITE_SEARCH = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        body, content='search_docs', content_rowid='id',
        tokenize="unicode61 remove_diacritics 2", prefix='2 3')""",
    """CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN
        INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body); END""",
    """CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN
        INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body); END""",
    """CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN
        INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body);
        INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body); END""",
]

POSTGRES_SEARCH = [
    """ALTER TABLE search_docs ADD COLUMN tsv tsvector
        GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED""",
    "CREATE INDEX ix_search_docs_tsv ON search_docs USING gin (tsv)",
]


def create() -> None:
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_SEARCH if dialect == "sqlite" else POSTGRES_SEARCH:
        op.execute(statement)


def drop() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("search_docs_ai", "search_docs_ad", "search_docs_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_fts")
