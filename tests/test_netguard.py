"""The SSRF guard: user-set addresses never reach private or loopback addresses unless allowed."""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from amity.errors import InvalidInput
from amity.netguard import BlockedAddress, check_host, check_url, guarded_client, is_public


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # shared address space (CGNAT)
        "0.0.0.0",  # noqa: S104
        "224.0.0.1",
        "::1",
        "fc00::1",
        "fe80::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
    ],
)
def test_local_and_private_addresses_are_not_public(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))
    with pytest.raises(BlockedAddress, match="AMITY_WEBHOOKS_ALLOW_PRIVATE"):
        check_host(address, 80, purpose="webhooks", env={})


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700::1111", "8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))
    assert check_host(address, 443, purpose="sync", env={}) == [ipaddress.ip_address(address)]


def test_localhost_by_name_is_refused_and_allowed_only_where_configured() -> None:
    with pytest.raises(BlockedAddress):
        check_url("http://localhost:8080/hook", purpose="webhooks", env={})
    assert check_url(
        "http://localhost:8080/hook", purpose="webhooks", env={"AMITY_WEBHOOKS_ALLOW_PRIVATE": "1"}
    )
    # one purpose's permission does not open another's door
    with pytest.raises(BlockedAddress):
        check_url(
            "http://localhost:8080/", purpose="sync", env={"AMITY_WEBHOOKS_ALLOW_PRIVATE": "1"}
        )
    assert check_url("http://127.0.0.1/", purpose="sync", env={"AMITY_ALLOW_PRIVATE_URLS": "1"})
    net = {"AMITY_ALLOW_HOSTS": "127.0.0.0/8"}
    assert check_url("http://127.0.0.1:9/", purpose="notify", env=net)
    with pytest.raises(BlockedAddress):
        check_url("http://10.0.0.1/", purpose="notify", env=net)


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/", "file:///etc/passwd", "gopher://x/", "http:///nohost", "http://[::1"],
)
def test_only_http_urls_with_a_host(url: str) -> None:
    with pytest.raises(InvalidInput):
        check_url(url, purpose="webhooks", env={"AMITY_ALLOW_PRIVATE_URLS": "1"})


class _Redirector(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/start":
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{self.server.server_port}/secret")
            self.end_headers()
            return
        self.server.reached_secret = True  # type: ignore[attr-defined]
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"secret")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def redirector() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Redirector)
    server.reached_secret = False  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_redirect_to_a_refused_address_is_not_followed(
    redirector: ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first hop (localhost, allowed by name) redirects to 127.0.0.1, which is not."""
    for name in ("AMITY_ALLOW_PRIVATE_URLS", "AMITY_WEBHOOKS_ALLOW_PRIVATE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AMITY_ALLOW_HOSTS", "localhost")
    port = redirector.server_port
    with guarded_client("webhooks") as client, pytest.raises(BlockedAddress, match=r"127\.0\.0\.1"):
        client.get(f"http://localhost:{port}/start")
    assert redirector.reached_secret is False  # type: ignore[attr-defined]
    monkeypatch.setenv("AMITY_ALLOW_HOSTS", "localhost,127.0.0.1/32")
    with guarded_client("webhooks") as client:
        assert client.get(f"http://localhost:{port}/start").text == "secret"


def test_a_pinned_name_answers_only_the_judged_addresses() -> None:
    import ipaddress
    import socket

    from amity.netguard import pinned

    with pinned("pinned-name.invalid", [ipaddress.ip_address("127.0.0.1")]):
        infos = socket.getaddrinfo("pinned-name.invalid", 80, type=socket.SOCK_STREAM)
        assert {i[4][0] for i in infos} == {"127.0.0.1"}
        assert socket.getaddrinfo("127.0.0.1", 80, type=socket.SOCK_STREAM)
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("pinned-name.invalid", 80, type=socket.SOCK_STREAM)
