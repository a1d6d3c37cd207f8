"""The suite hashes passwords at argon2id's smallest cost (tests/conftest.py); an installation
never does unless told so, and a hash made under either cost verifies under the other."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from amity import security


def test_the_default_cost_is_argon2s_recommended_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AMITY_PASSWORD_HASH_COST", raising=False)
    security._hasher.cache_clear()
    try:
        made = security.hash_password("correct horse battery")
        assert "$m=65536,t=3,p=4$" in made
        default = PasswordHasher()
        assert (default.memory_cost, default.time_cost) == (65536, 3)
    finally:
        security._hasher.cache_clear()


def test_hashes_of_either_cost_verify(monkeypatch: pytest.MonkeyPatch) -> None:
    strong = PasswordHasher().hash("correct horse battery")
    monkeypatch.setenv("AMITY_PASSWORD_HASH_COST", "low")
    security._hasher.cache_clear()
    try:
        weak = security.hash_password("correct horse battery")
        assert "$m=1024,t=1,p=1$" in weak
        assert security.verify_password(strong, "correct horse battery")
        assert security.verify_password(weak, "correct horse battery")
        assert not security.verify_password(weak, "wrong horse battery")
        assert not security.verify_password(None, "correct horse battery")
    finally:
        security._hasher.cache_clear()
