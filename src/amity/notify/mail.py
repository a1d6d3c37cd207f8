"""SMTP sending with the standard library: settings ``smtp.*``, STARTTLS, SSL or none.

Every value that reaches a header (names, subjects, addresses) is stripped of CR, LF and NUL
first: this machine's Python predates the fixes for CPython's header-injection bugs
(CVE-2024-6923, CVE-2025-11468, CVE-2026-1299), so we do not rely on the email package.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from typing import Any

from amity.errors import AmityError, InvalidInput

TLS_MODES = ("starttls", "ssl", "none")
DEFAULT_TIMEOUT = 30.0


class DeliveryFailed(AmityError):
    """The SMTP server refused the message or could not be reached."""

    code = "delivery_failed"


def clean_header(value: str) -> str:
    """A header value without CR, LF or NUL (line breaks become spaces)."""
    text = value.replace("\x00", "")
    return " ".join(text.replace("\r", " ").replace("\n", " ").split())


def clean_address(value: str, what: str) -> tuple[str, str]:
    """(display name, address) from ``Ana <ana@example.org>`` or ``ana@example.org``."""
    name, address = parseaddr(clean_header(value))
    if not address or "@" not in address or any(c in address for c in " <>,;\"'"):
        raise InvalidInput(f"{what} is not an e-mail address: {clean_header(value)!r}", field=what)
    return clean_header(name), address


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: tuple[str, str]  # (name, address)
    recipients: tuple[tuple[str, str], ...]
    tls: str = "starttls"
    user: str = ""
    password: str = ""
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def from_settings(cls, values: Mapping[str, Any]) -> SmtpConfig:
        """From the book's settings (``amity config set smtp.host ...``); refuses gaps."""
        host = clean_header(str(values.get("smtp.host") or ""))
        if not host:
            raise InvalidInput(
                "no SMTP server: amity config set smtp.host mail.example.org", field="smtp.host"
            )
        port = values.get("smtp.port")
        if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
            raise InvalidInput(f"smtp.port is a port number, not {port!r}", field="smtp.port")
        tls = str(values.get("smtp.tls") or "starttls").strip().lower()
        if tls not in TLS_MODES:
            raise InvalidInput(
                f"smtp.tls is one of {', '.join(TLS_MODES)}, not {tls!r}", field="smtp.tls"
            )
        sender_text = str(values.get("smtp.from") or "")
        if not sender_text.strip():
            raise InvalidInput(
                "no sender: amity config set smtp.from amity@example.org", field="smtp.from"
            )
        to_value = values.get("smtp.to") or ""
        to_parts = to_value if isinstance(to_value, list) else str(to_value).split(",")
        recipients = tuple(clean_address(part, "smtp.to") for part in to_parts if part.strip())
        if not recipients:
            raise InvalidInput(
                "no recipient: amity config set smtp.to you@example.org", field="smtp.to"
            )
        return cls(
            host=host,
            port=port,
            sender=clean_address(sender_text, "smtp.from"),
            recipients=recipients,
            tls=tls,
            user=clean_header(str(values.get("smtp.user") or "")),
            password=str(values.get("smtp.password") or ""),
        )


def build_message(
    config: SmtpConfig, subject: str, text: str, html: str | None, now: datetime
) -> EmailMessage:
    """A multipart/alternative message (text, then HTML) with cleaned headers."""
    message = EmailMessage()
    message["Subject"] = clean_header(subject)
    message["From"] = formataddr(config.sender)
    message["To"] = ", ".join(formataddr(r) for r in config.recipients)
    message["Date"] = formatdate(now.timestamp(), usegmt=True)
    domain = config.sender[1].rsplit("@", 1)[1]
    message["Message-ID"] = make_msgid(idstring="amity", domain=clean_header(domain))
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def send_message(config: SmtpConfig, message: EmailMessage) -> None:
    """Hand ``message`` to the configured server; raises DeliveryFailed with the reason."""
    recipients: Sequence[str] = [address for _name, address in config.recipients]
    try:
        with _connect(config) as smtp:
            if config.user:
                smtp.login(config.user, config.password)
            refused = smtp.send_message(
                message, from_addr=config.sender[1], to_addrs=list(recipients)
            )
    except smtplib.SMTPNotSupportedError as exc:
        raise DeliveryFailed(
            f"{config.host}:{config.port}: {_reason(exc)} (try smtp.tls ssl or none)"
        ) from None
    except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
        raise DeliveryFailed(
            f"sending through {config.host}:{config.port} failed: {_reason(exc)}"
        ) from None
    if refused:
        raise DeliveryFailed(f"the server refused {', '.join(sorted(refused))}")


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if config.tls == "ssl":
        return smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=context)
    smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    try:
        smtp.ehlo()
        if config.tls == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
    except BaseException:
        smtp.close()
        raise
    return smtp


def _reason(exc: BaseException) -> str:
    text = clean_header(str(exc)) or exc.__class__.__name__
    return text[:300]
