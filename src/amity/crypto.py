"""Secrets at rest: the installation's secret, one key per purpose, authenticated encryption,
and redaction of secrets from messages.

Every stored secret (TOTP seeds today; mail and DAV passwords, notification URLs next) is
encrypted with a key derived from the installation's secret, so a copy of the database alone
reveals none of them. The web app and the CLI share this module.

The installation secret
    ``$AMITY_SECRET_KEY`` when set (required when several machines serve one database), else
    the file ``secret.key`` in the data folder, created exclusively on first use (mode 0600),
    so workers starting together agree on one secret. Losing or changing it makes every sealed
    value unreadable (``DecryptionFailed``): back it up with the database.

API
    ``installation_secret(url=None) -> bytes``
        The secret for the database at ``url`` (its data folder holds ``secret.key``).
    ``derive_key(purpose, secret) -> bytes``
        32 bytes from HKDF-SHA256 (RFC 5869) over the secret, one independent key per
        ``purpose`` (a short ASCII name such as ``"totp"`` or ``"session-cookie"``).
    ``SecretBox(secret)`` / ``secret_box(url=None)``
        ``box.seal(purpose, plaintext, context="") -> str`` encrypts ``str`` or ``bytes`` with
        AES-256-GCM under the purpose's key; ``box.unseal(purpose, sealed, context="") -> bytes``
        (``unseal_text`` for ``str``) decrypts and authenticates it. ``context`` binds a value
        to its place (e.g. ``"user:12"``): a value copied to another row or purpose fails to
        open. ``secret_box(url)`` caches one box per secret.
    ``redact(text, *secrets) -> str``
        ``text`` with the given secrets, URL passwords, bearer tokens, Amity API tokens and
        ``password=``/``token=``/``secret=`` values replaced by ``***``: use it on every error
        message that may quote a URL, a server's answer or a configuration value.

Sealed format (versioned, ASCII, safe in a TEXT column)::

    amity1.<base64url(nonce[12] || ciphertext || tag[16])>

with associated data ``b"amity1|" + purpose + b"|" + context``. A later format gets a new
prefix; ``unseal`` reads every format it knows.
"""

from __future__ import annotations

import base64
import os
import re
import secrets as _secrets
import time
from functools import lru_cache
from pathlib import Path

SECRET_ENV = "AMITY_SECRET_KEY"
SECRET_FILE = "secret.key"
FORMAT = "amity1"
NONCE_BYTES = 12
KEY_BYTES = 32
_SALT = b"amity installation secret v1"
_PURPOSE = re.compile(r"^[a-z0-9][a-z0-9.:-]{0,63}$")


class DecryptionFailed(ValueError):
    """A sealed value that cannot be opened: tampered, for another purpose or context, or
    sealed under another installation secret."""


# --- the installation secret ----------------------------------------------------------------


def installation_secret(url: str | None = None) -> bytes:
    """``$AMITY_SECRET_KEY``, else ``secret.key`` in the data folder of ``url`` (made once)."""
    env = os.environ.get(SECRET_ENV, "").strip()
    if env:
        return env.encode("utf-8")
    return _secret_file(_data_folder(url) / SECRET_FILE).encode("ascii")


def _data_folder(url: str | None) -> Path:
    from amity.config import data_folder, resolve_url

    return data_folder(resolve_url(url))


def _secret_file(path: Path) -> str:
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)  # another process made it first: use theirs
    with os.fdopen(fd, "w") as handle:
        handle.write(_secrets.token_urlsafe(48))
    return _read(path)


def _read(path: Path) -> str:
    for _ in range(50):  # another worker may be writing it this instant
        value = path.read_text().strip()
        if value:
            return value
        time.sleep(0.01)
    raise RuntimeError(f"the secret file {path} is empty")


# --- keys and sealing -----------------------------------------------------------------------


def derive_key(purpose: str, secret: bytes) -> bytes:
    """An independent 256-bit key for one purpose (HKDF-SHA256)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    _check_purpose(purpose)
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_BYTES,
        salt=_SALT,
        info=b"amity:" + purpose.encode("ascii"),
    )
    return hkdf.derive(secret)


def _check_purpose(purpose: str) -> None:
    if not _PURPOSE.match(purpose):
        raise ValueError(f"a purpose is a short lower-case ASCII name, not {purpose!r}")


class SecretBox:
    """Seals and opens values with keys derived from one installation secret."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the installation secret must have at least 16 bytes")
        self._secret = secret
        self._keys: dict[str, bytes] = {}

    def key(self, purpose: str) -> bytes:
        if purpose not in self._keys:
            self._keys[purpose] = derive_key(purpose, self._secret)
        return self._keys[purpose]

    def seal(self, purpose: str, plaintext: str | bytes, *, context: str = "") -> str:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        data = plaintext.encode("utf-8") if isinstance(plaintext, str) else plaintext
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.key(purpose)).encrypt(nonce, data, _aad(purpose, context))
        return f"{FORMAT}." + base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")

    def unseal(self, purpose: str, sealed: str, *, context: str = "") -> bytes:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        version, dot, body = sealed.partition(".")
        if version != FORMAT or not dot:
            raise DecryptionFailed("not a sealed value of a known format")
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except (ValueError, TypeError):
            raise DecryptionFailed("a sealed value that is not base64") from None
        if len(raw) < NONCE_BYTES + 16:
            raise DecryptionFailed("a sealed value that is too short")
        try:
            return AESGCM(self.key(purpose)).decrypt(
                raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(purpose, context)
            )
        except InvalidTag:
            raise DecryptionFailed(
                "cannot decrypt: the value was changed, belongs elsewhere, or the installation "
                "secret changed"
            ) from None

    def unseal_text(self, purpose: str, sealed: str, *, context: str = "") -> str:
        return self.unseal(purpose, sealed, context=context).decode("utf-8")


def _aad(purpose: str, context: str) -> bytes:
    return f"{FORMAT}|{purpose}|{context}".encode()


@lru_cache(maxsize=8)
def _box_for(secret: bytes) -> SecretBox:
    return SecretBox(secret)


def secret_box(url: str | None = None) -> SecretBox:
    """The box of this installation (one per secret, so keys are derived once)."""
    return _box_for(installation_secret(url))


# --- redaction ------------------------------------------------------------------------------

_URL_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/:@]*:)[^\s/@]+(?=@)")
_BEARER = re.compile(r"(?i)(?P<head>\b(?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]+")
_API_TOKEN = re.compile(r"\bamity_[A-Za-z0-9_-]{8,}")
_ASSIGNED = re.compile(
    r"(?i)(?P<head>\b[\w.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey)"
    r"[\"']?\s*[=:]\s*[\"']?)[^\s&\"',;]+"
)
MASK = "***"


def redact(text: str, *secrets: str | bytes | None) -> str:
    """``text`` safe to show or log: known secrets and secret-looking values masked."""
    out = str(text)
    for value in sorted((_as_text(s) for s in secrets if s), key=len, reverse=True):
        if len(value) >= 4:
            out = out.replace(value, MASK)
    out = _URL_PASSWORD.sub(lambda m: m.group("head") + MASK, out)
    out = _BEARER.sub(lambda m: m.group("head") + MASK, out)
    out = _API_TOKEN.sub("amity_" + MASK, out)
    return _ASSIGNED.sub(lambda m: m.group("head") + MASK, out)


def _as_text(value: str | bytes | None) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value or ""
