"""Every reader takes time in proportion to its input, whatever the input (issue 15 probe:
vCard unfolding was quadratic, 7.2 s for 40k folded lines and a server core busy for minutes
on a 14 MB file).

No wall-clock limits: each case reads 10k and 40k copies of the same pathological shape and
compares the two costs (the best of several runs, in this process's CPU time). Linear work
grows 4x; the quadratic code grew 16x and more, so anything past 8x fails.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from amity.formats.csv_import import iter_csv
from amity.formats.ical import iter_calendar
from amity.formats.mail import iter_mail
from amity.formats.records import PersonRecord
from amity.formats.vcard import iter_vcards
from amity.formats.vcard_lines import read_raw_cards

FOLD = b" abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\r\n"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def folded_vcard(n: int) -> bytes:
    return b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana\r\nNOTE:start\r\n" + FOLD * n + b"END:VCARD\r\n"


def soft_broken_vcard(n: int) -> bytes:
    """A vCard 2.1 QUOTED-PRINTABLE value continued by ``=`` soft breaks on every line."""
    return (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Ana\r\nNOTE;ENCODING=QUOTED-PRINTABLE:start=\r\n"
        + b"=C3=A9abcdefghijklmnopqrstuvwxyz=\r\n" * n
        + b"end\r\nEND:VCARD\r\n"
    )


def folded_head_vcard(n: int) -> bytes:
    """A property whose parameters are folded over many lines before the ':'."""
    return (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana\r\nNOTE;X-A=b"
        + b"\r\n c" * n
        + b":x\r\nEND:VCARD\r\n"
    )


def quoted_colons_vcard(n: int) -> bytes:
    """One line with many quoted colons before the real one."""
    return (
        b'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana\r\nNOTE;X-A="'
        + b'a:"b"' * n
        + b'":x\r\nEND:VCARD\r\n'
    )


def many_cards(n: int) -> bytes:
    card = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana %d\r\nEMAIL:a%d@example.org\r\nEND:VCARD\r\n"
    return b"".join(card % (i, i) for i in range(n // 4))


def folded_calendar(n: int) -> bytes:
    return (
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260101T100000Z\r\nSUMMARY:a\r\n"
        + FOLD * n
        + b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def folded_mail(n: int) -> bytes:
    return (
        b"From a@b Thu Jan  1 00:00:00 2026\nFrom: a@b.c\nTo: d@e.f\nSubject: x\n"
        + FOLD.replace(b"\r\n", b"\n") * n
        + b"Date: Thu, 1 Jan 2026 00:00:00 +0000\n\nbody\n"
    )


def long_quoted_csv(n: int) -> bytes:
    return b'First Name,Last Name,E-mail Address\n"A' + b"x,\n" * n + b'",B,a@b.c\n'


CASES: dict[str, tuple[Callable[[int], bytes], Callable[[bytes], object]]] = {
    "vcard folded lines": (folded_vcard, lambda d: list(iter_vcards(d))),
    "vcard unfolding only": (folded_vcard, lambda d: list(read_raw_cards(d))),
    "vcard QP soft breaks": (soft_broken_vcard, lambda d: list(iter_vcards(d))),
    "vcard folded parameters": (folded_head_vcard, lambda d: list(iter_vcards(d))),
    "vcard quoted colons": (quoted_colons_vcard, lambda d: list(iter_vcards(d))),
    "vcard many cards": (many_cards, lambda d: list(iter_vcards(d))),
    "icalendar folded lines": (folded_calendar, lambda d: list(iter_calendar(d, now=NOW))),
    "mbox folded header": (folded_mail, lambda d: list(iter_mail(d))),
    "csv long quoted cell": (long_quoted_csv, lambda d: list(iter_csv(d))),
}


def cost(read: Callable[[bytes], object], data: bytes, runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.process_time()
        read(data)
        best = min(best, time.process_time() - started)
    return max(best, 1e-4)  # below the clock's useful resolution both are "instant"


@pytest.mark.slow  # CPU time of 10k against 40k inputs, for every reader
@pytest.mark.parametrize("case", list(CASES))
def test_reading_grows_linearly_with_the_input(case: str) -> None:
    make, read = CASES[case]
    small, large = make(10_000), make(40_000)
    assert len(large) > 3.5 * len(small)
    read(small)  # warm imports and caches
    ratio = cost(read, large) / cost(read, small)
    assert ratio < 8, f"{case}: 4x the input took {ratio:.1f}x the time"


def test_forty_thousand_folded_lines_unfold_into_one_value() -> None:
    (card,) = read_raw_cards(folded_vcard(40_000))
    note = card.first("NOTE")
    assert note is not None and note.value.startswith("start" + "abcdefghij")
    assert len(note.value) == len("start") + 40_000 * (len(FOLD) - 3)
    (person,) = list(iter_vcards(folded_vcard(10)))
    assert isinstance(person, PersonRecord) and person.name == "Ana"


def test_soft_breaks_still_join_and_decode() -> None:
    (person,) = list(iter_vcards(soft_broken_vcard(3)))
    assert isinstance(person, PersonRecord)
    assert person.notes == "start" + "éabcdefghijklmnopqrstuvwxyz" * 3 + "end"
