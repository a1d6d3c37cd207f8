"""Sending through Apprise (ntfy, Telegram, Matrix, Slack, Discord, Gotify, Signal, e-mail...).

Apprise makes its own HTTP and SMTP connections, so the address is judged before it is handed
over, and again before every send:

- schemes that act on the server itself (files, commands, its desktop or syslog) are refused
  (``rules.outbound.LOCAL_SCHEMES``), and so is anything Apprise does not know;
- for services that reach a host named in the URL (``json://``, ``ntfy://``, ``gotify://``,
  ``mailto://``'s SMTP server, Matrix, Mattermost...), that host must pass the SSRF guard
  (``amity.netguard``, purpose ``notify``: private and loopback addresses need
  ``AMITY_NOTIFY_ALLOW_PRIVATE=1``); cloud services whose URL carries only tokens
  (``tgram://``, ``discord://``, ``slack://``...) go to their fixed public endpoints;
- Apprise is told not to follow redirects, and to give up after :data:`TIMEOUT` seconds;
- the addresses judged are pinned for the send (``netguard.pinned``), so a DNS answer that
  changes between the check and the connection (DNS rebinding) cannot redirect it.

URLs hold secrets: they are never logged, and every error is passed through
``amity.crypto.redact`` with the URL before anyone sees it.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from amity.errors import InvalidInput
from amity.rules.outbound import channel_url_problem, url_scheme

TIMEOUT = 10.0  # seconds to connect and to read each answer
# services whose "host" is a token: Apprise talks to the service's own public endpoint
CLOUD_SCHEMES = frozenset(
    {
        "tgram",
        "discord",
        "slack",
        "msteams",
        "pover",
        "pbul",
        "pushed",
        "join",
        "ifttt",
        "line",
        "twilio",
        "sns",
        "ses",
        "fcm",
        "spush",
        "pjet",
        "prowl",
        "guilded",
        "zulip",
        "wxteams",
        "webex",
        "flock",
        "kumulos",
        "lametric",
        "reddit",
        "twitter",
        "x",
        "mastodon",
        "toot",
        "bluesky",
    }
)
LOCAL_PLUGINS = frozenset(
    {"NotifySyslog", "NotifyDBus", "NotifyWindows", "NotifyMacOSX", "NotifyGnome", "NotifyKDE"}
)


class ChannelFailed(Exception):
    """The channel did not take the notification; the message names why (secrets removed)."""


def _instantiate(url: str) -> Any:
    import apprise

    plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    if plugin is None:
        raise InvalidInput(
            "Apprise does not understand this URL: check the service's URL format", field="url"
        )
    if type(plugin).__name__ in LOCAL_PLUGINS:
        raise InvalidInput("this service acts on the server itself: refused", field="url")
    return plugin


def reached_host(url: str, plugin: Any) -> tuple[str, int] | None:
    """The host (and port) Apprise will connect to for ``url``, when the URL names it."""
    scheme = url_scheme(url)
    if scheme in CLOUD_SCHEMES:
        return None
    host = getattr(plugin, "smtp_host", None) or getattr(plugin, "host", None)
    if not host:
        return None
    port = getattr(plugin, "port", None)
    secure = bool(getattr(plugin, "secure", False))
    return str(host), int(port) if isinstance(port, int) else (443 if secure else 80)


def check_channel_url(url: str) -> Any:
    """The Apprise plugin for ``url`` once the URL and the host it reaches are allowed; else
    InvalidInput (or netguard's BlockedAddress) with the reason, the URL's secrets removed."""
    return _checked(url)[0]


def _checked(url: str) -> tuple[Any, tuple[str, list[Any]] | None]:
    """The plugin and, for a URL naming a host, that host with the addresses judged."""
    from amity.crypto import redact
    from amity.netguard import check_host

    problem = channel_url_problem(url)
    if problem:
        raise InvalidInput(problem, field="url")
    plugin = _instantiate(url.strip())
    target = reached_host(url, plugin)
    if target is None:
        return plugin, None
    try:
        addresses = check_host(target[0], target[1], purpose="notify")
    except InvalidInput as exc:
        raise type(exc)(redact(str(exc), url), field="url") from None
    return plugin, (target[0], addresses)


def send(url: str, title: str, body: str, *, timeout: float = TIMEOUT) -> None:
    """Send one notification, or raise ChannelFailed with the reason."""
    import apprise

    from amity.crypto import redact
    from amity.netguard import pinned

    try:
        plugin, target = _checked(url)
    except InvalidInput as exc:
        raise ChannelFailed(str(exc)) from None
    # the connection Apprise makes goes to the addresses just judged, whatever DNS says next
    pin = pinned(*target) if target is not None else contextlib.nullcontext()
    plugin.redirects = False
    plugin.socket_connect_timeout = timeout
    plugin.socket_read_timeout = timeout
    capture: Any = apprise.LogCapture
    with pin, capture(level=logging.WARNING, fmt="%(message)s") as captured:
        try:
            ok = plugin.notify(body=body, title=title)
        except Exception as exc:  # a plugin bug must not stop the other deliveries
            raise ChannelFailed(redact(f"{exc.__class__.__name__}: {exc}", url)) from None
        log = captured.getvalue()
    if not ok:
        lines = [line.strip() for line in log.splitlines() if line.strip()]
        reason = "; ".join(lines[-3:]) or "the service refused the notification"
        raise ChannelFailed(redact(reason, url)[:900])
