"""Amity: a personal relationship manager for professionals."""

__version__ = "0.1.0"
