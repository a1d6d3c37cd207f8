"""Second factors: TOTP (RFC 6238, pyotp) with ten one-time recovery codes, and the
installation's policy of requiring a second factor for everyone.

- The TOTP secret is sealed with :mod:`amity.crypto` (purpose ``totp``, bound to the user), so
  a copy of the database alone reveals nothing. A code is accepted in the 30-second step
  before, at or after ``now`` and never twice (the last step used is kept).
- Recovery codes are 10 random codes of 10 letters and digits, shown once; only their keyed
  HMAC-SHA256 (a key derived from the installation's secret) is kept, and each works once.
- Passkeys count as a second factor too (:mod:`amity.accounts.passkeys`).
- API tokens and CardDAV app passwords are not affected: they are second secrets already.
- Losing the factor: a recovery code, or ``amity user reset-2fa EMAIL`` on the server.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, update

from amity.errors import InvalidInput, NotFound
from amity.store import engine as store_engine
from amity.store import schema as s

ISSUER = "Amity"
STEP_SECONDS = 30
RECOVERY_CODES = 10
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
REQUIRE_KEY = "signin.require_second_factor"


@dataclass(frozen=True)
class SecondFactors:
    totp: bool
    passkeys: int
    recovery_left: int

    @property
    def any(self) -> bool:
        return self.totp or self.passkeys > 0


def _box(url: str | None) -> Any:
    from amity.crypto import secret_box

    return secret_box(url)


def _context(user_id: int) -> str:
    return f"user:{user_id}"


def second_factors(engine: Engine, user_id: int) -> SecondFactors:
    t, r, p = s.totp_secrets, s.recovery_codes, s.passkeys
    with engine.connect() as conn:
        confirmed = conn.execute(
            select(t.c.user_id).where(t.c.user_id == user_id, t.c.confirmed_at.is_not(None))
        ).first()
        passkeys = conn.execute(
            select(func.count()).select_from(p).where(p.c.user_id == user_id)
        ).scalar_one()
        left = conn.execute(
            select(func.count()).select_from(r).where(r.c.user_id == user_id, r.c.used_at.is_(None))
        ).scalar_one()
    return SecondFactors(
        totp=confirmed is not None, passkeys=int(passkeys), recovery_left=int(left)
    )


# --- TOTP -----------------------------------------------------------------------------------


def begin_totp(engine: Engine, user_id: int, *, url: str | None, now: datetime) -> str:
    """A new secret waiting for its first code (a confirmed one stays until then)."""
    import pyotp

    secret = pyotp.random_base32()
    sealed = _box(url).seal("totp", secret, context=_context(user_id))
    t = s.totp_secrets
    with store_engine.write_transaction(engine) as conn:
        current = conn.execute(select(t.c.confirmed_at).where(t.c.user_id == user_id)).first()
        if current is not None and current.confirmed_at is not None:
            raise InvalidInput("turn the authenticator app off before setting up a new one")
        conn.execute(delete(t).where(t.c.user_id == user_id))
        conn.execute(
            insert(t).values(user_id=user_id, secret_sealed=sealed, created_at=now, last_step=0)
        )
    return secret


def pending_totp_secret(engine: Engine, user_id: int, *, url: str | None) -> str | None:
    """The secret being set up (not yet confirmed), to show again."""
    t = s.totp_secrets
    with engine.connect() as conn:
        row = conn.execute(
            select(t.c.secret_sealed).where(t.c.user_id == user_id, t.c.confirmed_at.is_(None))
        ).first()
    if row is None:
        return None
    return str(_box(url).unseal_text("totp", row.secret_sealed, context=_context(user_id)))


def provisioning_uri(secret: str, email: str) -> str:
    import pyotp

    return str(pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER))


def qr_svg(text: str) -> bytes:
    """A QR code of ``text`` as an SVG image (no raster library needed)."""
    import io

    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()


def confirm_totp(
    engine: Engine, user_id: int, code: str, *, url: str | None, now: datetime
) -> list[str]:
    """Turn TOTP on with the first code from the app; returns fresh recovery codes."""
    t = s.totp_secrets
    with engine.connect() as conn:
        row = conn.execute(
            select(t.c.secret_sealed).where(t.c.user_id == user_id, t.c.confirmed_at.is_(None))
        ).first()
    if row is None:
        raise NotFound("no authenticator app is being set up")
    secret = _box(url).unseal_text("totp", row.secret_sealed, context=_context(user_id))
    step = _matching_step(secret, code, now=now, after=0)
    if step is None:
        raise InvalidInput(
            "that code is not right; check the app's clock and try again", field="code"
        )
    with store_engine.write_transaction(engine) as conn:
        conn.execute(
            update(t).where(t.c.user_id == user_id).values(confirmed_at=now, last_step=step)
        )
    return new_recovery_codes(engine, user_id, url=url, now=now)


def verify_totp(engine: Engine, user_id: int, code: str, *, url: str | None, now: datetime) -> bool:
    """A current code of the confirmed secret, never accepted twice."""
    t = s.totp_secrets
    with engine.connect() as conn:
        row = conn.execute(
            select(t.c.secret_sealed, t.c.last_step).where(
                t.c.user_id == user_id, t.c.confirmed_at.is_not(None)
            )
        ).first()
    if row is None:
        return False
    secret = _box(url).unseal_text("totp", row.secret_sealed, context=_context(user_id))
    step = _matching_step(secret, code, now=now, after=int(row.last_step))
    if step is None:
        return False
    with store_engine.write_transaction(engine) as conn:  # claim the step once, across workers
        claimed = conn.execute(
            update(t).where(t.c.user_id == user_id, t.c.last_step < step).values(last_step=step)
        )
    return bool(claimed.rowcount)


def _matching_step(secret: str, code: str, *, now: datetime, after: int) -> int | None:
    import pyotp

    digits = "".join(code.split())
    if not (digits.isdigit() and len(digits) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in (current - 1, current, current + 1):
        if step > after and hmac.compare_digest(totp.at(step * STEP_SECONDS), digits):
            return step
    return None


def disable_totp(engine: Engine, user_id: int) -> None:
    with store_engine.write_transaction(engine) as conn:
        conn.execute(delete(s.totp_secrets).where(s.totp_secrets.c.user_id == user_id))
        conn.execute(delete(s.recovery_codes).where(s.recovery_codes.c.user_id == user_id))


def reset_second_factors(engine: Engine, user_id: int) -> None:
    """``amity user reset-2fa``: the authenticator app, recovery codes and passkeys go."""
    with store_engine.write_transaction(engine) as conn:
        for table in (s.totp_secrets, s.recovery_codes, s.passkeys):
            conn.execute(delete(table).where(table.c.user_id == user_id))


# --- recovery codes -------------------------------------------------------------------------


def _code_hash(code: str, *, url: str | None) -> str:
    from amity.crypto import derive_key, installation_secret

    key = derive_key("recovery-codes", installation_secret(url))
    canonical = "".join(code.lower().split()).replace("-", "")
    return hmac.new(key, canonical.encode("utf-8", "replace"), hashlib.sha256).hexdigest()


def new_recovery_codes(
    engine: Engine, user_id: int, *, url: str | None, now: datetime
) -> list[str]:
    """Ten new codes (shown once; the old ones stop working)."""
    codes = [
        "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)
    ]
    shown = [f"{c[:5]}-{c[5:]}" for c in codes]
    r = s.recovery_codes
    with store_engine.write_transaction(engine) as conn:
        conn.execute(delete(r).where(r.c.user_id == user_id))
        conn.execute(
            insert(r),
            [
                {"user_id": user_id, "code_hash": _code_hash(c, url=url), "created_at": now}
                for c in codes
            ],
        )
    return shown


def use_recovery_code(
    engine: Engine, user_id: int, code: str, *, url: str | None, now: datetime
) -> bool:
    if not code.strip() or len(code) > 100:
        return False
    r = s.recovery_codes
    with store_engine.write_transaction(engine) as conn:
        used = conn.execute(
            update(r)
            .where(
                r.c.user_id == user_id,
                r.c.code_hash == _code_hash(code, url=url),
                r.c.used_at.is_(None),
            )
            .values(used_at=now)
        )
    return bool(used.rowcount)


# --- the installation's policy --------------------------------------------------------------


def second_factor_required(engine: Engine) -> bool:
    t = s.install_settings
    with engine.connect() as conn:
        value = conn.execute(select(t.c.value).where(t.c.key == REQUIRE_KEY)).scalar()
    return value == "true"


def require_second_factor(engine: Engine, required: bool, *, now: datetime) -> None:
    t = s.install_settings
    with store_engine.write_transaction(engine) as conn:
        conn.execute(delete(t).where(t.c.key == REQUIRE_KEY))
        conn.execute(
            insert(t).values(key=REQUIRE_KEY, value="true" if required else "false", updated_at=now)
        )
