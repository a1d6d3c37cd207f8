"""A small WebDAV client (RFC 4918, 6578) on httpx, with XML parsed by defusedxml.

Enough for CardDAV and CalDAV: PROPFIND, REPORT (multiget, sync-collection), GET, PUT with
If-Match / If-None-Match, DELETE. Responses are read with a size bound (a server cannot make
Amity hold more than ``MAX_RESPONSE_BYTES``); XML is parsed with defusedxml (no entities, no
external references); every failure is a :class:`DavError` saying what went wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlsplit
from xml.etree.ElementTree import Element

from amity.errors import InvalidInput

if TYPE_CHECKING:
    import httpx

    from amity.sync.runner import Session

DAV = "DAV:"
CARDDAV = "urn:ietf:params:xml:ns:carddav"
CALDAV = "urn:ietf:params:xml:ns:caldav"
MAX_RESPONSE_BYTES = 32 * 1024 * 1024
NS = {"d": DAV, "c": CARDDAV, "cal": CALDAV}


class DavError(Exception):
    """The server answered something Amity cannot use (status, XML, size)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class PreconditionFailed(DavError):
    """412: the resource changed on the server since its ETag was read (or already exists)."""


class ResponseTooLarge(DavError):
    """The answer is larger than Amity holds in memory (``MAX_RESPONSE_BYTES``)."""


class InvalidSyncToken(DavError):
    """The server no longer knows the sync-token: list the whole collection again."""


@dataclass
class DavResponse:
    """One ``<d:response>`` of a multistatus: its href, status and found properties."""

    href: str
    status: int
    props: dict[str, Element] = field(default_factory=dict)

    def text(self, name: str) -> str | None:
        element = self.props.get(name)
        if element is None:
            return None
        return "".join(element.itertext())

    def has_child(self, name: str, child: str) -> bool:
        element = self.props.get(name)
        return element is not None and element.find(child) is not None

    def href_of(self, name: str) -> str | None:
        element = self.props.get(name)
        if element is None:
            return None
        href = element.find(f"{{{DAV}}}href")
        return None if href is None or not href.text else href.text.strip()


@dataclass
class Multistatus:
    responses: list[DavResponse]
    sync_token: str | None = None


class DavClient:
    """DAV requests on one session (the guarded, authenticated httpx client of a run)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def absolute(self, href: str, base: str | None = None) -> str:
        return urljoin(base or self.session.url, href)

    def request(self, method: str, url: str, *, body: str | bytes | None = None,
                headers: dict[str, str] | None = None) -> httpx.Response:  # fmt: skip
        import httpx

        data = body.encode("utf-8") if isinstance(body, str) else body
        request = self.session.client.build_request(method, url, content=data,
                                                    headers=headers or {})  # fmt: skip
        response = self.session.client.send(request, stream=True)
        try:
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_RESPONSE_BYTES:
                    raise ResponseTooLarge(f"{method} {_path(url)}: the answer is larger than "
                                   f"{MAX_RESPONSE_BYTES // (1024 * 1024)} MB")  # fmt: skip
                chunks.append(chunk)
            response._content = b"".join(chunks)
        except httpx.HTTPError:
            response.close()
            raise
        finally:
            response.close()
        self.session.server_seconds += response.elapsed.total_seconds()
        return response

    def propfind(self, url: str, props: Iterable[str], *, depth: int) -> Multistatus:
        body = _propfind_body(props)
        response = self.request("PROPFIND", url, body=body, headers=_xml_headers(depth))
        _expect(response, "PROPFIND", url, (207,))
        return parse_multistatus(response.content)

    def report(self, url: str, body: str, *, depth: int = 1) -> Multistatus:
        response = self.request("REPORT", url, body=body, headers=_xml_headers(depth))
        if response.status_code in (403, 409) and b"valid-sync-token" in response.content:
            raise InvalidSyncToken("the server no longer knows the sync-token", 403)
        _expect(response, "REPORT", url, (207,))
        return parse_multistatus(response.content)

    def get(self, url: str) -> tuple[bytes, str | None]:
        response = self.request("GET", url)
        _expect(response, "GET", url, (200,))
        etag = response.headers.get("etag")
        return response.content, None if etag is None else str(etag)

    def put(self, url: str, body: str, *, etag: str | None = None, create: bool = False,
            content_type: str = "text/vcard; charset=utf-8") -> str | None:  # fmt: skip
        """PUT with If-Match (an update) or If-None-Match: * (a new item); the new ETag."""
        headers = {"Content-Type": content_type}
        if create:
            headers["If-None-Match"] = "*"
        elif etag:
            headers["If-Match"] = etag
        response = self.request("PUT", url, body=body, headers=headers)
        if response.status_code == 412:
            raise PreconditionFailed(f"PUT {_path(url)}: changed on the server", 412)
        _expect(response, "PUT", url, (200, 201, 204))
        etag = response.headers.get("etag")
        return None if etag is None else str(etag)

    def delete(self, url: str, *, etag: str | None = None) -> None:
        headers = {"If-Match": etag} if etag else {}
        response = self.request("DELETE", url, headers=headers)
        if response.status_code == 412:
            raise PreconditionFailed(f"DELETE {_path(url)}: changed on the server", 412)
        _expect(response, "DELETE", url, (200, 204, 404))


def _xml_headers(depth: int) -> dict[str, str]:
    return {"Depth": str(depth), "Content-Type": "application/xml; charset=utf-8"}


def _propfind_body(props: Iterable[str]) -> str:
    names = "".join(f"<{p}/>" for p in props)
    return (f'<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:" '
            f'xmlns:c="{CARDDAV}" xmlns:cal="{CALDAV}" xmlns:cs="http://calendarserver.org/ns/">'
            f"<d:prop>{names}</d:prop></d:propfind>")  # fmt: skip


def _expect(response: httpx.Response, method: str, url: str, ok: tuple[int, ...]) -> None:
    status = response.status_code
    if status in ok:
        return
    if status in (401, 403):
        raise DavError(f"{method} {_path(url)}: the server refused the credentials ({status})",
                       status)  # fmt: skip
    if status >= 500:
        raise DavError(f"{method} {_path(url)}: server error {status}", status)
    raise DavError(f"{method} {_path(url)}: unexpected status {status}", status)


def _path(url: str) -> str:
    """The path only: a URL may carry a user name (never the password: httpx sends auth)."""
    return urlsplit(url).path or "/"


def parse_multistatus(data: bytes) -> Multistatus:
    """Responses of a 207 body (defusedxml: no entities, no DTD tricks)."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        root = fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise DavError(f"invalid XML from the server: {exc}") from None
    if root.tag != f"{{{DAV}}}multistatus":
        raise DavError(f"expected a DAV multistatus, got <{root.tag}>")
    responses = [_response(r) for r in root.findall(f"{{{DAV}}}response")]
    token = root.find(f"{{{DAV}}}sync-token")
    return Multistatus(
        [r for r in responses if r is not None],
        token.text.strip() if token is not None and token.text else None,
    )


def _response(element: Element) -> DavResponse | None:
    href = element.find(f"{{{DAV}}}href")
    if href is None or not href.text:
        return None
    status = _status(element.find(f"{{{DAV}}}status"))
    result = DavResponse(href.text.strip(), status or 200)
    for propstat in element.findall(f"{{{DAV}}}propstat"):
        if _status(propstat.find(f"{{{DAV}}}status")) != 200:
            continue
        prop = propstat.find(f"{{{DAV}}}prop")
        for child in prop if prop is not None else []:
            result.props[_short(child.tag)] = child
    return result


def _status(element: Element | None) -> int | None:
    if element is None or not element.text:
        return None
    parts = element.text.split()
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def _short(tag: str) -> str:
    """``{DAV:}getetag`` -> ``d:getetag``; ``{urn:...carddav}address-data`` -> ``c:...``."""
    for prefix, uri in NS.items():
        if tag.startswith(f"{{{uri}}}"):
            return f"{prefix}:{tag[len(uri) + 2 :]}"
    return tag


def propfind_one(dav: DavClient, url: str, props: Iterable[str]) -> DavResponse | None:
    """A depth-0 PROPFIND's one answer, or None where the server has nothing to say (a 4xx
    other than 401, which like a 5xx is raised: credentials or the server are wrong)."""
    try:
        result = dav.propfind(url, props, depth=0)
    except DavError as exc:
        if exc.status in (401,) or (exc.status or 0) >= 500:
            raise
        return None
    return result.responses[0] if result.responses else None


def path_of(href: str, url: str) -> str:
    """The path of ``href`` read relative to ``url``."""
    return urlsplit(urljoin(url, href)).path


def discover_collections(
    dav: DavClient,
    url: str,
    *,
    props: tuple[str, ...],
    home_prop: str,
    well_known: str,
    is_collection: Callable[[DavResponse], bool],
    listing_props: list[str],
    not_found: str,
) -> list[dict[str, str]]:
    """RFC 6764 discovery shared by CardDAV and CalDAV: the address itself when it is a
    collection, else the home set from it, from ``/.well-known/...`` or from the user's
    principal; then the home's collections for which ``is_collection`` holds."""
    here = propfind_one(dav, url, props)
    if here and is_collection(here):
        return [{"href": path_of(here.href, url), "name": here.text("d:displayname") or ""}]
    principal = here.href_of("d:current-user-principal") if here else None
    home = here.href_of(home_prop) if here else None
    if principal is None and home is None:
        known = propfind_one(dav, dav.absolute(well_known, url), props)
        principal = known.href_of("d:current-user-principal") if known else None
        home = known.href_of(home_prop) if known else None
    if home is None and principal is not None:
        found = propfind_one(dav, dav.absolute(principal, url), props)
        home = found.href_of(home_prop) if found else None
    if home is None:
        raise InvalidInput(not_found, field="url")
    listing = dav.propfind(dav.absolute(home, url), listing_props, depth=1)
    return [{"href": r.href, "name": r.text("d:displayname") or ""} for r in listing.responses
            if is_collection(r)]  # fmt: skip


def same_path(a: str, b: str) -> bool:
    """Whether two hrefs (absolute or not, quoted or not) name the same collection."""
    return unquote(urlsplit(a).path).rstrip("/") == unquote(urlsplit(b).path).rstrip("/")


def escape_xml(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))  # fmt: skip
