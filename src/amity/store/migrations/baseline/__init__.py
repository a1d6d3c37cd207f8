"""The baseline revision's (0001) tables, in parts (see versions/0001_baseline.py)."""
