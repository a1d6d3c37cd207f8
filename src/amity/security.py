"""Password hashing (argon2id) and secret tokens: shared by accounts and the web door."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024
# AMITY_PASSWORD_HASH_COST=low is for test suites only (argon2id at its smallest cost, as
# Django's test settings swap in a fast hasher): the suite signs in thousands of times.
# Hashes carry their own parameters, so a book made under either setting still verifies.


@cache
def _hasher() -> PasswordHasher:
    if os.environ.get("AMITY_PASSWORD_HASH_COST") == "low":
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()  # argon2id, m=65536 KiB, t=3, p=4 (RFC 9106's second choice)


@cache
def _dummy_hash() -> str:
    """Verified against when the e-mail is unknown, so a miss costs the same time as a hit."""
    return _hasher().hash("amity-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; constant work whether or not the user exists."""
    try:
        hasher = _hasher()
        return hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password needs at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return "the password is too long"
    return None


def new_token(prefix: str = "") -> str:
    """A random URL-safe secret (256 bits), optionally with a readable prefix."""
    return prefix + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """Tokens are long random strings, so a plain SHA-256 is enough to store them."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def same_secret(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))
