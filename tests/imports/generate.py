"""Generated files for import tests and benchmarks: deterministic, any size."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

FIRST = (
    "Ana",
    "Bruno",
    "Carla",
    "Diego",
    "Eva",
    "Filipe",
    "Gabriela",
    "Hugo",
    "Inês",
    "João",
    "Karin",
    "Luís",
    "Marta",
    "Nuno",
    "Olga",
    "Paulo",
    "Quim",
    "Rita",
    "Sofia",
    "Tiago",
)
LAST = (
    "Lima",
    "Costa",
    "Dias",
    "Silva",
    "Sousa",
    "Pereira",
    "Almeida",
    "Ferreira",
    "Gomes",
    "Martins",
    "Rocha",
    "Ribeiro",
    "Carvalho",
    "Teixeira",
    "Moreira",
    "Correia",
)
ORGS = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka")


def name(n: int) -> tuple[str, str]:
    return FIRST[n % len(FIRST)], f"{LAST[(n // len(FIRST)) % len(LAST)]}-{n}"


def write_vcards(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        for n in range(count):
            given, family = name(n)
            out.write(
                "BEGIN:VCARD\r\nVERSION:3.0\r\n"
                f"UID:gen-{n}\r\nFN:{given} {family}\r\nN:{family};{given};;;\r\n"
                f"EMAIL;TYPE=work:{given.lower()}.{n}@{ORGS[n % len(ORGS)].lower()}.example\r\n"
                f"TEL;TYPE=cell:+1 415 {200 + n // 10_000:03d} {n % 10_000:04d}\r\n"
                f"ORG:{ORGS[n % len(ORGS)]}\r\nTITLE:Engineer\r\nCATEGORIES:generated,batch{n % 7}\r\n"
                f"BDAY:19{70 + n % 30}-{1 + n % 12:02d}-{1 + n % 28:02d}\r\n"
                f"NOTE:Met at meetup {n % 50}\\, talked about Python\r\n"
                "END:VCARD\r\n"
            )
    return path


def write_mbox(
    path: Path, count: int, *, correspondents: int = 500, me: str = "me@home.example"
) -> Path:
    start = datetime(2025, 1, 1, 8, 0, tzinfo=UTC)
    with path.open("wb") as out:
        for n in range(count):
            peer = n % correspondents
            given, family = name(peer)
            other = f"{given.lower()}.{peer}@peer.example"
            outbound = n % 3 == 2
            sender, to = (me, other) if outbound else (other, me)
            when = start + timedelta(minutes=7 * n)
            thread = n - n % 3
            reply = (
                f"In-Reply-To: <m{thread}@gen>\r\nReferences: <m{thread}@gen>\r\n" if n % 3 else ""
            )
            header = (
                f"From {sender} {when:%a %b %d %H:%M:%S %Y}\r\n"
                f"From: {given} {family} <{sender}>\r\nTo: {to}\r\n"
                f"Subject: Re: project {thread}\r\nDate: {format_datetime(when)}\r\n"
                f"Message-ID: <m{n}@gen>\r\n{reply}\r\n"
                f"Hello, message {n}.\r\n\r\n"
            )
            out.write(header.encode())
    return path


def write_linkedin(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(
            'Notes:\r\n"When exporting your connection data, you may notice that some of '
            'the email addresses are missing."\r\n\r\n'
        )
        out.write("First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n")
        for n in range(count):
            given, family = name(n)
            email = f"{given.lower()}.{n}@mail.example" if n % 3 == 0 else ""
            out.write(
                f"{given},{family},https://www.linkedin.com/in/{given.lower()}-{n},{email},"
                f'"{ORGS[n % len(ORGS)]}, Inc.",Engineer,{1 + n % 28:02d} Mar 2024\r\n'
            )
    return path
