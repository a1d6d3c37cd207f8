"""The `amity` command: one module per noun group, loaded lazily (see cli/main.py)."""
