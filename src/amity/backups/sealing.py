"""Backup files encrypted with a passphrase: scrypt, then AES-256-GCM in chunks.

File layout (version 1)::

    b"AMITYENC" | version (1 byte) | header length (4 bytes, big-endian) | header (JSON)
    | check (16 bytes) | chunk* (4-byte length | AES-GCM ciphertext and tag)

The header names the KDF and its parameters (scrypt n, r, p; a random 16-byte salt), the
chunk size and a random 7-byte nonce prefix. Chunk ``i`` is sealed with the nonce
``prefix | i (4 bytes) | last (1 byte)`` and the header as associated data, so chunks cannot
be reordered, dropped, or the file cut short without the last flag giving it away. ``check``
is the tag of an empty message under a nonce no chunk uses: a wrong passphrase fails there,
before any chunk, and is told apart from a damaged file. Memory stays at one chunk (1 MiB)
whatever the size of the backup. The passphrase itself is never written anywhere.
"""

from __future__ import annotations

import json
import os
import struct
from typing import IO, Any

MAGIC = b"AMITYENC"
VERSION = 1
CHUNK = 1 << 20
SCRYPT = {"n": 2**15, "r": 8, "p": 1}
_CHECK_COUNTER = 0xFFFFFFFF


class WrongPassphrase(ValueError):
    """The passphrase does not open this backup."""


class DamagedFile(ValueError):
    """An encrypted backup that was altered or cut short."""


class NeedsPassphrase(ValueError):
    """The backup is encrypted and no passphrase was given."""


def is_encrypted(path: str | os.PathLike[str]) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def _key(passphrase: str, salt: bytes, params: dict[str, int]) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    if not passphrase:
        raise NeedsPassphrase("this backup needs a passphrase")
    kdf = Scrypt(salt=salt, length=32, n=params["n"], r=params["r"], p=params["p"])
    return kdf.derive(passphrase.encode("utf-8"))


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", counter, 1 if last else 0)


def encrypt(source: IO[bytes], target: IO[bytes], passphrase: str) -> None:
    """Encrypt the stream ``source`` into ``target``."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, prefix = os.urandom(16), os.urandom(7)
    header = json.dumps({"kdf": "scrypt", **SCRYPT, "salt": salt.hex(), "chunk": CHUNK,
                         "nonce": prefix.hex(), "cipher": "AES-256-GCM"}).encode()  # fmt: skip
    aead = AESGCM(_key(passphrase, salt, SCRYPT))
    target.write(MAGIC + bytes([VERSION]) + struct.pack(">I", len(header)) + header)
    target.write(aead.encrypt(_nonce(prefix, _CHECK_COUNTER, True), b"", header))
    counter = 0
    chunk = source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        last = not following
        sealed = aead.encrypt(_nonce(prefix, counter, last), chunk, header)
        target.write(struct.pack(">I", len(sealed)) + sealed)
        if last:
            return
        chunk, counter = following, counter + 1


def _read_header(source: IO[bytes]) -> tuple[bytes, dict[str, Any]]:
    start = source.read(len(MAGIC) + 5)
    if len(start) < len(MAGIC) + 5 or not start.startswith(MAGIC):
        raise DamagedFile("not an encrypted Amity backup")
    if start[len(MAGIC)] != VERSION:
        raise DamagedFile(f"encrypted backup version {start[len(MAGIC)]} is not supported")
    (length,) = struct.unpack(">I", start[-4:])
    if length > 4096:
        raise DamagedFile("the encrypted backup's header is damaged")
    header = source.read(length)
    try:
        fields = json.loads(header)
        if fields.get("kdf") != "scrypt" or fields.get("cipher") != "AES-256-GCM":
            raise ValueError
        bytes.fromhex(fields["salt"]), bytes.fromhex(fields["nonce"])
        int(fields["n"]), int(fields["r"]), int(fields["p"]), int(fields["chunk"])
    except (ValueError, KeyError, TypeError):
        raise DamagedFile("the encrypted backup's header is damaged") from None
    if not (2**10 <= int(fields["n"]) <= 2**20 and int(fields["r"]) <= 32 and int(fields["p"]) <= 16
            and 0 < int(fields["chunk"]) <= 64 * CHUNK):  # fmt: skip
        raise DamagedFile("the encrypted backup's header asks for unreasonable work")
    return header, fields


def decrypt(source: IO[bytes], target: IO[bytes], passphrase: str) -> None:
    """Decrypt ``source`` into ``target``; WrongPassphrase or DamagedFile when it cannot."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    header, fields = _read_header(source)
    params = {"n": int(fields["n"]), "r": int(fields["r"]), "p": int(fields["p"])}
    aead = AESGCM(_key(passphrase, bytes.fromhex(fields["salt"]), params))
    prefix = bytes.fromhex(fields["nonce"])
    try:
        aead.decrypt(_nonce(prefix, _CHECK_COUNTER, True), source.read(16), header)
    except InvalidTag:
        raise WrongPassphrase("wrong passphrase for this backup") from None
    limit = int(fields["chunk"]) + 16
    counter = 0
    while True:
        size = source.read(4)
        if len(size) < 4:
            raise DamagedFile("the encrypted backup is cut short")
        (length,) = struct.unpack(">I", size)
        if length > limit:
            raise DamagedFile(f"chunk {counter} of the encrypted backup is damaged")
        sealed = source.read(length)
        for last in (False, True):
            try:
                plain = aead.decrypt(_nonce(prefix, counter, last), sealed, header)
            except InvalidTag:
                continue
            target.write(plain)
            if last:
                if source.read(1):
                    raise DamagedFile("the encrypted backup has data after its end")
                return
            break
        else:
            raise DamagedFile(f"chunk {counter} of the encrypted backup is damaged")
        counter += 1
