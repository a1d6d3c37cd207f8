"""The password-reset e-mail: sent through the SMTP settings of the user's book (the ones the
digest uses), to the user's own address. The link is built from the configured base URL
(``AMITY_BASE_URL``), never from the request's Host header."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from amity.notify.mail import SmtpConfig, build_message, clean_header, send_message


def smtp_configured(settings: dict[str, Any]) -> bool:
    return bool(settings.get("smtp.host")) and bool(settings.get("smtp.from"))


def send_reset_link(
    settings: dict[str, Any], *, to: str, name: str, link: str, minutes: int, now: datetime
) -> None:
    """E-mail ``link`` to ``to`` (raises DeliveryFailed or InvalidInput for bad settings)."""
    config = SmtpConfig.from_settings({**settings, "smtp.to": [to]})
    greeting = f"Hello {clean_header(name)}," if name else "Hello,"
    text = (
        f"{greeting}\n\nSomeone (you, we hope) asked to reset the password of your Amity "
        f"account.\nOpen this link within {minutes} minutes to choose a new one; it works "
        f"once:\n\n{link}\n\nIf you did not ask, ignore this message: your password stays "
        "as it is.\n"
    )
    send_message(config, build_message(config, "Reset your Amity password", text, None, now))
