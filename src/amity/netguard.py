"""Outbound connections to addresses a user typed: the guard against server-side request forgery.

Every URL or host a user can set (webhooks, CardDAV/CalDAV servers, calendar subscriptions,
IMAP servers, notification channels) could point Amity's server at its own network: the
database, a cloud metadata service, an admin page on loopback. Before connecting, the host is
resolved and every address it resolves to must be public (``ipaddress``'s ``is_global``, and
not multicast); a redirect is checked again before it is followed.

Private, loopback and link-local addresses are refused unless the installation allows them:

- ``AMITY_<PURPOSE>_ALLOW_PRIVATE=1`` for one purpose (``AMITY_WEBHOOKS_ALLOW_PRIVATE=1``,
  ``AMITY_SYNC_ALLOW_PRIVATE=1``, ``AMITY_NOTIFY_ALLOW_PRIVATE=1``);
- ``AMITY_ALLOW_PRIVATE_URLS=1`` for every purpose (a single-user machine syncing with a NAS);
- ``AMITY_ALLOW_HOSTS=nas.local,192.168.1.0/24`` for named hosts or networks only.

The check resolves the name itself; a DNS answer that changes between the check and the
connection (rebinding) is narrowed by checking again on every request the client sends.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from amity.errors import InvalidInput

if TYPE_CHECKING:
    import httpx

PURPOSES = ("webhooks", "sync", "notify", "oidc")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class BlockedAddress(InvalidInput):
    """The URL or host resolves to an address Amity may not connect to."""


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def private_allowed(purpose: str, env: Mapping[str, str] | None = None) -> bool:
    """Whether the installation lets ``purpose`` reach private and loopback addresses."""
    values = os.environ if env is None else env
    return _flag(values, "AMITY_ALLOW_PRIVATE_URLS") or _flag(
        values, f"AMITY_{purpose.upper()}_ALLOW_PRIVATE"
    )


def allowed_hosts(env: Mapping[str, str] | None = None) -> tuple[set[str], list[IPNetwork]]:
    """Host names and networks named in ``AMITY_ALLOW_HOSTS`` (comma-separated)."""
    values = os.environ if env is None else env
    names: set[str] = set()
    networks: list[IPNetwork] = []
    for item in values.get("AMITY_ALLOW_HOSTS", "").split(","):
        entry = item.strip().lower()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.add(entry.rstrip("."))
    return names, networks


def is_public(address: IPAddress) -> bool:
    """Routable on the internet: not private, loopback, link-local, shared, reserved or
    multicast (an IPv4 address mapped into IPv6 is judged as the IPv4 address)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (an IP literal resolves to itself)."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = _system_getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise InvalidInput(f"cannot resolve the host {host!r}: {exc}", field="url") from None
    found: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    return found


_system_getaddrinfo = socket.getaddrinfo
_pins = threading.local()


def _pinned_getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
    pins: dict[str, list[IPAddress]] | None = getattr(_pins, "hosts", None)
    name = host.decode() if isinstance(host, bytes) else host
    if pins and isinstance(name, str) and name.strip().lower().rstrip(".") in pins:
        answers = []
        for address in pins[name.strip().lower().rstrip(".")]:
            answers += _system_getaddrinfo(str(address), port, *args, **kwargs)
        return answers
    return _system_getaddrinfo(host, port, *args, **kwargs)


@contextmanager
def pinned(host: str, addresses: list[IPAddress]) -> Iterator[None]:
    """While inside, this thread's lookups of ``host`` answer only ``addresses`` (the ones
    :func:`check_host` judged): a library making its own connections (Apprise, smtplib)
    cannot be sent elsewhere by a DNS answer that changed after the check (DNS rebinding)."""
    if socket.getaddrinfo is not _pinned_getaddrinfo:
        socket.getaddrinfo = _pinned_getaddrinfo
    previous = getattr(_pins, "hosts", None)
    _pins.hosts = {**(previous or {}), host.strip().lower().rstrip("."): list(addresses)}
    try:
        yield
    finally:
        _pins.hosts = previous


def check_host(
    host: str, port: int, *, purpose: str, env: Mapping[str, str] | None = None
) -> list[IPAddress]:
    """The addresses of ``host`` if Amity may connect to them for ``purpose``; else
    :class:`BlockedAddress` naming the address and the setting that would allow it."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    name = host.strip().lower().rstrip(".")
    if not name:
        raise InvalidInput("the address has no host", field="url")
    addresses = resolve(name, port)
    if private_allowed(purpose, env):
        return addresses
    names, networks = allowed_hosts(env)
    if name in names:
        return addresses
    for address in addresses:
        if not is_public(address) and not _in_any(address, networks):
            raise BlockedAddress(
                f"{host} resolves to {address}, a private or local address; "
                f"set AMITY_{purpose.upper()}_ALLOW_PRIVATE=1 (or AMITY_ALLOW_HOSTS) on the "
                "server to allow it",
                field="url",
            )
    return addresses


def _in_any(address: IPAddress, networks: Iterable[IPNetwork]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def check_url(
    url: str,
    *,
    purpose: str,
    schemes: tuple[str, ...] = ("https", "http"),
    env: Mapping[str, str] | None = None,
) -> str:
    """``url`` if its scheme is allowed and its host passes :func:`check_host`."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise InvalidInput(f"not a valid address: {exc}", field="url") from None
    if parts.scheme.lower() not in schemes:
        raise InvalidInput(
            f"the address must start with {' or '.join(s + '://' for s in schemes)}", field="url"
        )
    if parts.hostname is None:
        raise InvalidInput("the address has no host", field="url")
    default_port = 443 if parts.scheme.lower() == "https" else 80
    check_host(parts.hostname, port or default_port, purpose=purpose, env=env)
    return url.strip()


def guarded_client(purpose: str, **kwargs: Any) -> httpx.Client:
    """An ``httpx.Client`` that checks every request it sends (redirects included) with
    :func:`check_url`. Redirects are followed (at most 5) unless ``follow_redirects=False``."""
    import httpx

    def check(request: httpx.Request) -> None:
        check_url(str(request.url), purpose=purpose)

    hooks = kwargs.pop("event_hooks", {})
    hooks = {**hooks, "request": [check, *hooks.get("request", [])]}
    kwargs.setdefault("follow_redirects", True)
    kwargs.setdefault("max_redirects", 5)
    kwargs.setdefault("timeout", httpx.Timeout(20.0, connect=10.0))
    return httpx.Client(event_hooks=hooks, **kwargs)


__all__ = [
    "PURPOSES",
    "BlockedAddress",
    "check_host",
    "check_url",
    "guarded_client",
    "is_public",
    "pinned",
    "private_allowed",
]
