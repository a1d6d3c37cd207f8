"""Bad input never crashes a reader: it becomes errors, and good records still come out."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amity.formats.csv_import import iter_csv
from amity.formats.ical import iter_calendar
from amity.formats.mail import iter_mail
from amity.formats.vcard import iter_vcards

LINES = st.lists(
    st.sampled_from(
        [
            "BEGIN:VCARD",
            "END:VCARD",
            "VERSION:2.1",
            "VERSION:4.0",
            "FN:Ana",
            "N:;;;;",
            "EMAIL;TYPE=a,,,,,,,,,,,,,,,,,,,,,,,,",
            'TEL;TYPE="x',
            "item1.X-ABLabel:_$!<Other>!$_",
            "NOTE;ENCODING=QUOTED-PRINTABLE:=C3=",
            "=A9=",
            " folded",
            "BDAY:--13-45",
            "BDAY:1604-02-29",
            "PHOTO;ENCODING=b:!!!",
            "ADR:;;;",
            "BEGIN:VCALENDAR",
            "BEGIN:VEVENT",
            "DTSTART:2020",
            "RRULE:FREQ=SECONDLY",
            "END:VEVENT",
            "From x",
            "Date: nonsense",
            'a,b,"c',
            "",
        ]
    )
    | st.text(max_size=30),
    max_size=25,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(LINES, st.sampled_from(["\r\n", "\n"]))
def test_readers_never_raise(lines: list[str], newline: str) -> None:
    data = newline.join(lines).encode("utf-8", "surrogatepass")
    list(iter_vcards(data))
    list(iter_csv(data))
    list(iter_mail(data))
    now = datetime(2026, 1, 1, tzinfo=UTC)
    list(iter_calendar(data, now=now))
