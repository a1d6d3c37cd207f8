"""Amity benchmarks: `make bench` runs `python -m benchmarks` (see README.md)."""
