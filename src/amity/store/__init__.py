"""Storage: the schema, the engine (SQLite pragmas, PostgreSQL), migrations and search."""
