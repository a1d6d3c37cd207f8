"""Sign-in throttling with growing delays, counted in the database so every worker agrees.

No hard lock that anyone can keep an account in (issue 15 probe: 8 wrong passwords every 15
minutes kept an owner out). Failed attempts are counted under keys, and each key allows a few
free failures and then asks the next attempt to wait, doubling the wait with every further
failure (1 s, 2 s, 4 s ... at most 15 minutes):

- ``pair``: the account (or, for an unknown address, its folded form) from this client or
  this known device: 3 free failures. This is what slows a guesser down.
- ``account``: the account from every client: 8 free failures. A browser that signed in to
  the account before (a device cookie) and an account with a second factor are exempt: a
  guessed password alone does not open them, so their owner always gets in.
- ``client``: one client address over every account: 30 free failures.

Keys name the *resolved* account (``acct:12``), never the address as typed, so look-alike
spellings (full-width letters, ``。``) of one address share one count. A success forgives the
pair's failures (the account's keep counting: another client's guesses are no less likely
after the owner signed in). Attempts refused for waiting are not counted.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, func, insert, select

from amity.store import engine as store_engine
from amity.store import schema as s

WINDOW = timedelta(hours=24)  # failures older than this are forgotten
FREE_PER_PAIR = 3
FREE_PER_ACCOUNT = 8
FREE_PER_CLIENT = 30
FIRST_DELAY_SECONDS = 1
MAX_DELAY_SECONDS = 15 * 60
MAX_KEY = 300


@dataclass(frozen=True)
class Attempt:
    """Who is trying: the keys one sign-in attempt is counted under."""

    account: str  # acct:<id>, or addr:<folded address> when no account has it
    pair: str  # the account from this client, or from this known device
    client: str  # client:<address>
    exempt_account: bool  # a known device, or an account with a second factor


def folded_address(value: str) -> str:
    """An address as the account lookup sees it, for counting unknown addresses: NFKC folds
    full-width letters and the ideographic full stop, then case is folded."""
    text = unicodedata.normalize("NFKC", value).strip().casefold()
    return text.replace("\u3002", ".").replace("\uff0e", ".")[:MAX_KEY]


def attempt_keys(
    *,
    user_id: int | None,
    typed: str,
    client: str,
    device: str | None = None,
    second_factor: bool = False,
) -> Attempt:
    """``device`` is the id of a known device of this account (its cookie was recognised)."""
    account = f"acct:{user_id}" if user_id is not None else "addr:" + folded_address(typed)
    pair = f"{account}|device:{device}" if device else f"{account}|client:{client[:MAX_KEY]}"
    return Attempt(
        account=account,
        pair=pair,
        client="client:" + client[:MAX_KEY],
        exempt_account=bool(device) or second_factor,
    )


def second_factor_keys(*, user_id: int, client: str, device: str | None = None) -> Attempt:
    """The codes asked after a right password are counted apart from passwords, the same way."""
    plain = attempt_keys(user_id=user_id, typed="", client=client, device=device)
    return Attempt(
        account="2fa:" + plain.account,
        pair="2fa:" + plain.pair,
        client=plain.client,
        exempt_account=plain.exempt_account,
    )


def delay_after(failures: int, free: int) -> int:
    """Seconds the next attempt waits after ``failures`` failures of a key allowing ``free``."""
    if failures < free:
        return 0
    return min(MAX_DELAY_SECONDS, FIRST_DELAY_SECONDS << min(failures - free, 20))


def wait_seconds(engine: Engine, attempt: Attempt, *, now: datetime) -> int:
    """How long this attempt must wait (0: it may try now)."""
    t = s.login_attempts
    keys = [(attempt.pair, FREE_PER_PAIR), (attempt.client, FREE_PER_CLIENT)]
    if not attempt.exempt_account:
        keys.append((attempt.account, FREE_PER_ACCOUNT))
    wait = 0.0
    with engine.connect() as conn:
        for key, free in keys:
            count, last = conn.execute(
                select(func.count(), func.max(t.c.at)).where(
                    t.c.key == key, t.c.at >= now - WINDOW, t.c.succeeded.is_(False)
                )
            ).one()
            delay = delay_after(int(count), free)
            if delay and last is not None:
                wait = max(wait, (last + timedelta(seconds=delay) - now).total_seconds())
    return max(0, int(-(-wait // 1)))  # rounded up


def record(engine: Engine, attempt: Attempt, *, succeeded: bool, now: datetime) -> None:
    t = s.login_attempts
    with store_engine.write_transaction(engine) as conn:
        conn.execute(delete(t).where(t.c.at < now - WINDOW))
        if succeeded:  # a success forgives this pair's failures (not the account's: the
            conn.execute(delete(t).where(t.c.key == attempt.pair))  # attacker's go on counting)
            return
        conn.execute(
            insert(t),
            [
                {"key": key, "at": now, "succeeded": False}
                for key in (attempt.account, attempt.pair, attempt.client)
            ],
        )
