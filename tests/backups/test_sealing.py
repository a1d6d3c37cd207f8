"""Passphrase encryption of backup files: round trips at chunk boundaries, a wrong passphrase
told apart from a damaged file, and every kind of tampering refused."""

from __future__ import annotations

import io
import os

import pytest

from amity.backups import sealing

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sealing, "CHUNK", 64)  # many chunks from a few bytes
    monkeypatch.setattr(sealing, "SCRYPT", {"n": 2**10, "r": 8, "p": 1})  # fast in tests


def seal(data: bytes, passphrase: str = PASSPHRASE) -> bytes:
    out = io.BytesIO()
    sealing.encrypt(io.BytesIO(data), out, passphrase)
    return out.getvalue()


def unseal(data: bytes, passphrase: str = PASSPHRASE) -> bytes:
    out = io.BytesIO()
    sealing.decrypt(io.BytesIO(data), out, passphrase)
    return out.getvalue()


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 128, 1000])
def test_round_trip_at_chunk_boundaries(size: int) -> None:
    data = os.urandom(size)
    sealed = seal(data)
    assert sealed.startswith(b"AMITYENC\x01")
    assert unseal(sealed) == data
    assert seal(data) != sealed  # a fresh salt and nonce every time


def test_the_passphrase_is_nowhere_in_the_file() -> None:
    sealed = seal(b"people and their secrets" * 10)
    assert PASSPHRASE.encode() not in sealed and b"secrets" not in sealed


def test_a_wrong_passphrase_is_a_clear_error() -> None:
    sealed = seal(b"x" * 200)
    with pytest.raises(sealing.WrongPassphrase, match="wrong passphrase"):
        unseal(sealed, "not the passphrase")
    with pytest.raises(sealing.NeedsPassphrase):
        unseal(sealed, "")


def test_tampering_is_refused_as_damage() -> None:
    sealed = bytearray(seal(b"y" * 300))  # five chunks
    header_end = sealed.index(b"}") + 1 + 16
    flipped = bytearray(sealed)
    flipped[-5] ^= 1  # inside the last chunk
    with pytest.raises(sealing.DamagedFile, match="chunk 4"):
        unseal(bytes(flipped))
    first = header_end + 4 + 64 + 16  # one whole chunk record (length, data, tag)
    dropped = sealed[:header_end] + sealed[first:]  # the first chunk removed
    with pytest.raises(sealing.DamagedFile):
        unseal(bytes(dropped))
    with pytest.raises(sealing.DamagedFile, match="cut short"):
        unseal(bytes(sealed[: header_end + 4 + 80 + 4 + 80]))  # the end is missing
    with pytest.raises(sealing.DamagedFile, match="after its end"):
        unseal(bytes(sealed) + b"more")
    header = bytearray(sealed)
    header[header.index(b'"chunk"') + 9] ^= 1  # the header is authenticated too
    with pytest.raises((sealing.WrongPassphrase, sealing.DamagedFile)):
        unseal(bytes(header))
    with pytest.raises(sealing.DamagedFile, match="not an encrypted"):
        unseal(b"SQLite format 3\x00" + bytes(100))


def test_a_header_asking_for_absurd_work_is_refused() -> None:
    sealed = seal(b"z")
    greedy = sealed.replace(b'"n": 1024', b'"n": 1073741824')
    greedy = greedy[:9] + len(greedy[13 : greedy.index(b"}") + 1]).to_bytes(4, "big") + greedy[13:]
    with pytest.raises(sealing.DamagedFile, match="unreasonable"):
        unseal(greedy)
