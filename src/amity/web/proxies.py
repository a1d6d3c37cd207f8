"""Who the client is behind a reverse proxy: forwarding headers are believed only from the
proxies named in ``AMITY_TRUSTED_PROXIES``.

``AMITY_TRUSTED_PROXIES`` is a comma-separated list of addresses or networks
(``127.0.0.1, 10.0.0.0/8, ::1``). When the peer of a request is one of them,
``X-Forwarded-For`` is read from the right, skipping trusted addresses, and the first other
address is the client (so a client cannot prepend a forged address); ``X-Forwarded-Proto``
gives the scheme. From any other peer these headers are ignored: the peer is the client.
Nothing is trusted by default, not even loopback (issue 15 probe: rotating the header from
loopback gave 40 sign-ins and no 429). uvicorn's own proxy handling is off (``amity serve``).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

TRUSTED_PROXIES_ENV = "AMITY_TRUSTED_PROXIES"
PROXY_AUTH_ENV = "AMITY_PROXY_AUTH_HEADER"
PEER_KEY = "amity.trusted_proxy"  # set in the scope when the peer is a trusted proxy
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> tuple[Network, ...]:
    """``"127.0.0.1, 10.0.0.0/8"`` -> networks; a bad entry is a clear error at start-up."""
    networks = []
    for item in text.replace(";", ",").split(","):
        item = item.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(
                f"{TRUSTED_PROXIES_ENV}: {item!r} is not an address or network"
            ) from None
    return tuple(networks)


def trusted_proxies() -> tuple[Network, ...]:
    return parse_networks(os.environ.get(TRUSTED_PROXIES_ENV, ""))


def is_trusted(address: str, networks: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return False
    return any(ip in net for net in networks if ip.version == net.version)


def forwarded_client(peer: str, forwarded_for: str, networks: tuple[Network, ...]) -> str:
    """The client address for a request from ``peer`` carrying ``X-Forwarded-For``."""
    if not networks or not is_trusted(peer, networks):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not is_trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop.strip("[]")))
            except ValueError:
                return peer  # garbage from a trusted proxy: keep the proxy as the client
    return hops[0] if hops else peer


def proxy_auth_header() -> str | None:
    """The header a trusted proxy names the signed-in user with (e.g. ``Remote-Email``),
    only when configured; lower-cased."""
    name = os.environ.get(PROXY_AUTH_ENV, "").strip().lower()
    return name or None


class ClientAddress:
    """Rewrites ``scope["client"]`` (and ``scheme``) from forwarding headers sent by trusted
    proxies only."""

    def __init__(self, app: ASGIApp, networks: tuple[Network, ...] | None = None) -> None:
        self.app = app
        self.networks = trusted_proxies() if networks is None else networks

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.networks:
            client = scope.get("client")
            peer = client[0] if client else ""
            if peer and is_trusted(peer, self.networks):
                scope = dict(scope)
                scope[PEER_KEY] = peer  # the proxy itself (for AMITY_PROXY_AUTH_HEADER)
                headers = dict(scope.get("headers") or [])
                forwarded = headers.get(b"x-forwarded-for", b"").decode("latin-1")
                if forwarded:
                    scope = dict(scope)
                    scope["client"] = (forwarded_client(peer, forwarded, self.networks), 0)
                proto = headers.get(b"x-forwarded-proto", b"").decode("latin-1").strip().lower()
                if proto in ("http", "https"):
                    scope = dict(scope)
                    if scope["type"] == "websocket":
                        proto = "wss" if proto == "https" else "ws"
                    scope["scheme"] = proto
        await self.app(scope, receive, send)
