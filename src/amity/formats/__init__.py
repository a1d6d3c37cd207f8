"""Importers and exporters: parse and normalise files into records plus errors, as values.

Every reader takes a path, bytes or a binary stream and yields records (`records.PersonRecord`,
`records.InteractionRecord`), `records.RecordError` for bad input and `records.SkippedRecord`
for what is deliberately left out. Nothing here touches the database or reads the clock.
"""
