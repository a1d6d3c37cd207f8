"""The backup engine: copies of the whole installation's database and their checks.

Every table of the schema's metadata is covered (``metadata.sorted_tables``), so tables added
by later revisions are backed up without a change here.

    measure.py   canonical rows, a checksum and row count per table, sampled row digests
    stream.py    the database as a stream of JSON lines (dump and load, bounded memory)
    sqlite.py    SQLite's online backup API, integrity checks, scratch databases

The installation's façade over it (files, encryption, schedule, records) is
:mod:`amity.backups`; the doors call that, never this.
"""
