"""The CardDAV server under ``/dav/`` (RFC 4918, 6352, 6578, 6764): phones sync with Amity.

One address book per user, ``/dav/addressbooks/<user id>/contacts/``, served from their Book
(``book.address_book``). Clients find it from ``/.well-known/carddav`` (a redirect to
``/dav/``), ``current-user-principal`` and ``addressbook-home-set``. Supported: OPTIONS,
PROPFIND (depth 0 and 1), REPORT ``addressbook-multiget``, ``sync-collection`` and
``addressbook-query`` (all cards), GET/HEAD, PUT with ``If-Match``/``If-None-Match``, DELETE.

Authentication is HTTP Basic with the user's e-mail and an **app password**: an API token
made with the ``dav`` scope (Settings, "App passwords"), never the sign-in password. Another
user's id in a path is "not found", like everywhere else. Request bodies are parsed with
defusedxml and bounded by the app's body limit.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, unquote
from xml.etree.ElementTree import Element

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from amity import accounts
from amity.book import Book
from amity.book.address_book import InvalidSyncToken, Member, PreconditionFailed
from amity.errors import InvalidInput, NotFound
from amity.web.deps import config

router = APIRouter(include_in_schema=False)
DAV, CARD, CS = "DAV:", "urn:ietf:params:xml:ns:carddav", "http://calendarserver.org/ns/"
PREFIX = {DAV: "d", CARD: "c", CS: "cs"}
METHODS = ["OPTIONS", "PROPFIND", "REPORT", "GET", "HEAD", "PUT", "DELETE", "PROPPATCH", "MKCOL"]
ALLOW = "OPTIONS, PROPFIND, REPORT, GET, HEAD, PUT, DELETE"
CHALLENGE = {"WWW-Authenticate": 'Basic realm="Amity", charset="UTF-8"'}
VCARD = "text/vcard; charset=utf-8"


class DavAuthFailed(Exception):
    pass


@router.api_route("/.well-known/carddav", methods=["GET", "PROPFIND", "OPTIONS", "HEAD"])
def well_known() -> Response:
    """RFC 6764: the CardDAV context path."""
    return RedirectResponse("/dav/", status_code=301)


def dav_book(request: Request) -> Book:
    """The Book of the user whose e-mail and app password came in Basic auth."""
    cfg = config(request)
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic" or not value:
        raise DavAuthFailed()
    try:
        user, _, password = base64.b64decode(value.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise DavAuthFailed() from None
    owner = accounts.owner_of_app_password(cfg.engine, password, now=cfg.clock())
    found = accounts.user_by_id(cfg.engine, owner) if owner is not None else None
    if found is None or found.email.casefold() != user.strip().casefold():
        raise DavAuthFailed()
    return Book(cfg.engine, found.id, cfg.url, cfg.clock, door="dav", actor=found.email)


@router.api_route("/dav", methods=METHODS)
@router.api_route("/dav/{path:path}", methods=METHODS)
async def dav(request: Request, path: str = "") -> Response:
    from starlette.concurrency import run_in_threadpool

    try:
        book = await run_in_threadpool(dav_book, request)
    except DavAuthFailed:
        return Response("sign in with your e-mail and an app password", 401, headers=CHALLENGE)
    body = await request.body()
    try:
        return await run_in_threadpool(handle, request, book, path, body)
    except NotFound:
        return Response("not found", 404)
    except PreconditionFailed:
        return Response("precondition failed", 412)
    except InvalidInput as exc:
        return Response(str(exc), 400 if exc.field in ("xml", "name") else 415)


def handle(request: Request, book: Book, path: str, body: bytes) -> Response:
    target = Target.parse(path, book.owner_id)
    method = request.method
    if method == "OPTIONS":
        return Response(status_code=200, headers={"DAV": "1, 3, addressbook", "Allow": ALLOW})
    if method == "PROPFIND":
        depth = request.headers.get("depth", "1")
        return propfind(book, target, parse_xml(body) if body.strip() else None, depth)
    if method == "REPORT":
        return report(book, target, parse_xml(body))
    if target.kind != "card":
        return Response("not allowed here", 405, headers={"Allow": "OPTIONS, PROPFIND, REPORT"})
    if method in ("GET", "HEAD"):
        text, etag = book.address_book.card(target.name)
        return Response(text if method == "GET" else b"", 200, media_type=VCARD,
                        headers={"ETag": f'"{etag}"'})  # fmt: skip
    if method == "PUT":
        return put(request, book, target, body)
    if method == "DELETE":
        book.address_book.delete(target.name, if_match=request.headers.get("if-match"))
        return Response(status_code=204)
    return Response("not allowed", 405, headers={"Allow": ALLOW})


def put(request: Request, book: Book, target: Target, body: bytes) -> Response:
    if "vcard" not in request.headers.get("content-type", "text/vcard").lower():
        raise InvalidInput("send a text/vcard body", field="content-type")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("the card is not UTF-8", field="card") from None
    existed = _exists(book, target.name)
    etag = book.address_book.put(
        target.name, text, if_match=request.headers.get("if-match"),
        if_none_match=request.headers.get("if-none-match", "").strip() == "*",
    )  # fmt: skip
    headers = {"ETag": f'"{etag}"'} if etag else {}
    return Response(status_code=204 if existed else 201, headers=headers)


def _exists(book: Book, name: str) -> bool:
    try:
        book.address_book.card(name)
    except NotFound:
        return False
    return True


# --- resources ---------------------------------------------------------------------------------


class Target:
    """What a path under /dav/ names: root, principal, home, collection or card."""

    def __init__(self, kind: str, owner: int, name: str = "") -> None:
        self.kind, self.owner, self.name = kind, owner, name

    @classmethod
    def parse(cls, path: str, owner: int) -> Target:
        parts = [unquote(p) for p in path.strip("/").split("/") if p]
        if not parts:
            return cls("root", owner)
        if len(parts) >= 2 and parts[1] != str(owner):
            raise NotFound("no such resource")  # another user's: not found
        shape = (parts[0], len(parts))
        kinds = {("principals", 2): "principal", ("addressbooks", 2): "home",
                 ("addressbooks", 3): "collection", ("addressbooks", 4): "card"}  # fmt: skip
        kind = kinds.get(shape)
        if kind is None or (len(parts) >= 3 and parts[2] != "contacts"):
            raise NotFound("no such resource")
        return cls(kind, owner, parts[3] if kind == "card" else "")

    @property
    def href(self) -> str:
        return href_of(self.kind, self.owner, self.name)


def href_of(kind: str, owner: int, name: str = "") -> str:
    return {
        "root": "/dav/",
        "principal": f"/dav/principals/{owner}/",
        "home": f"/dav/addressbooks/{owner}/",
        "collection": f"/dav/addressbooks/{owner}/contacts/",
        "card": f"/dav/addressbooks/{owner}/contacts/{quote(name)}",
    }[kind]


def properties(book: Book, kind: str, owner: int, member: Member | None = None,
               token: str | None = None) -> dict[str, str]:  # fmt: skip
    """Every property of a resource as XML (Clark name -> inner XML)."""
    principal = f"<d:href>{href_of('principal', owner)}</d:href>"
    props = {f"{{{DAV}}}current-user-principal": principal}
    if kind == "card" and member is not None:
        return {f"{{{DAV}}}getetag": f"&quot;{member.etag}&quot;",
                f"{{{DAV}}}getcontenttype": "text/vcard; charset=utf-8",
                f"{{{DAV}}}resourcetype": ""}  # fmt: skip
    props[f"{{{DAV}}}resourcetype"] = {
        "root": "<d:collection/>", "principal": "<d:collection/><d:principal/>",
        "home": "<d:collection/>", "collection": "<d:collection/><c:addressbook/>",
    }[kind]  # fmt: skip
    props[f"{{{DAV}}}displayname"] = {"collection": "Amity"}.get(kind, "Amity")
    if kind == "principal":
        props[f"{{{DAV}}}principal-URL"] = principal
        props[f"{{{CARD}}}addressbook-home-set"] = f"<d:href>{href_of('home', owner)}</d:href>"
    if kind == "collection":
        props[f"{{{DAV}}}sync-token"] = token or ""
        props[f"{{{CS}}}getctag"] = token or ""
        props[f"{{{DAV}}}supported-report-set"] = "".join(
            f"<d:supported-report><d:report><{r}/></d:report></d:supported-report>"
            for r in ("c:addressbook-multiget", "c:addressbook-query", "d:sync-collection")
        )
        props[f"{{{CARD}}}supported-address-data"] = (
            '<c:address-data-type content-type="text/vcard" version="3.0"/>'
        )
        props[f"{{{CARD}}}max-resource-size"] = "1048576"
        props[f"{{{DAV}}}current-user-privilege-set"] = (
            "<d:privilege><d:read/></d:privilege><d:privilege><d:write/></d:privilege>"
        )
    return props


def propfind(book: Book, target: Target, request: Element | None, depth: str) -> Response:
    wanted = _wanted(request)
    owner = target.owner
    responses: list[str] = []
    if target.kind == "card":
        member = _member(book, target.name)
        responses.append(_response(target.href, properties(book, "card", owner, member), wanted))
        return multistatus(responses)
    token = None
    members: list[Member] = []
    if target.kind == "collection":
        members, token = book.address_book.members()
    responses.append(_response(target.href, properties(book, target.kind, owner, token=token),
                               wanted))  # fmt: skip
    if depth != "0":
        if target.kind == "collection":
            responses += [_response(href_of("card", owner, m.name),
                                    properties(book, "card", owner, m), wanted) for m in members]  # fmt: skip
        elif target.kind == "home":
            _, token = book.address_book.members()
            responses.append(_response(href_of("collection", owner),
                                       properties(book, "collection", owner, token=token), wanted))  # fmt: skip
        elif target.kind == "root":
            responses.append(_response(href_of("principal", owner),
                                       properties(book, "principal", owner), wanted))  # fmt: skip
    return multistatus(responses)


def _member(book: Book, name: str) -> Member:
    _text, etag = book.address_book.card(name)
    return Member(name, etag)


def report(book: Book, target: Target, request: Element) -> Response:
    if target.kind != "collection":
        raise NotFound("REPORT is answered by the address book")
    wanted = _wanted(request)
    data = f"{{{CARD}}}address-data" in (wanted or set())
    if request.tag == f"{{{CARD}}}addressbook-multiget":
        hrefs = [h.text.strip() for h in request.findall(f"{{{DAV}}}href") if h.text]
        names = [unquote(h.rstrip("/").rsplit("/", 1)[-1]) for h in hrefs]
        cards = book.address_book.cards(names)
        return multistatus([_card_response(h, cards.get(n), data=True) for h, n in
                            zip(hrefs, names, strict=True)])  # fmt: skip
    if request.tag == f"{{{DAV}}}sync-collection":
        token_element = request.find(f"{{{DAV}}}sync-token")
        token = (token_element.text or "").strip() if token_element is not None else ""
        try:
            changes = book.address_book.changes_since(token)
        except InvalidSyncToken:
            return Response('<?xml version="1.0" encoding="utf-8"?><d:error xmlns:d="DAV:">'
                            "<d:valid-sync-token/></d:error>", 403, media_type="application/xml")  # fmt: skip
        owner = target.owner
        rows = [_card_response(href_of("card", owner, m.name),
                               (_text(book, m.name, data), m.etag), data=data)
                for m in changes.changed]  # fmt: skip
        rows += [_card_response(href_of("card", owner, n), None) for n in changes.deleted]
        return multistatus(rows, token=changes.token)
    if request.tag == f"{{{CARD}}}addressbook-query":
        members, _ = book.address_book.members()
        cards = book.address_book.cards([m.name for m in members]) if data else {}
        return multistatus([_card_response(href_of("card", target.owner, m.name),
                                           cards.get(m.name, ("", m.etag)), data=data)
                            for m in members])  # fmt: skip
    return Response("unsupported report", 403)


def _text(book: Book, name: str, data: bool) -> str:
    return book.address_book.card(name)[0] if data else ""


def _card_response(href: str, card: tuple[str, str] | None, *, data: bool = False) -> str:
    if card is None:
        return f"<d:response><d:href>{_esc(href)}</d:href><d:status>HTTP/1.1 404 Not Found" \
               "</d:status></d:response>"  # fmt: skip
    text, etag = card
    inner = f"<d:getetag>&quot;{etag}&quot;</d:getetag>"
    if data:
        inner += f"<c:address-data>{_esc(text).replace(chr(13), '&#13;')}</c:address-data>"
    return (f"<d:response><d:href>{_esc(href)}</d:href><d:propstat><d:prop>{inner}</d:prop>"
            "<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>")  # fmt: skip


def _wanted(request: Element | None) -> set[str] | None:
    """The properties asked for; None for allprop (or no body)."""
    if request is None or request.find(f"{{{DAV}}}allprop") is not None:
        return None
    prop = request.find(f"{{{DAV}}}prop")
    if prop is None:
        return None
    return {child.tag for child in prop}


def _response(href: str, props: dict[str, str], wanted: set[str] | None) -> str:
    names = props.keys() if wanted is None else [n for n in wanted if n in props]
    found = "".join(_prop(n, props[n]) for n in names)
    missing = [] if wanted is None else [n for n in wanted if n not in props]
    out = f"<d:response><d:href>{_esc(href)}</d:href>"
    if found or not missing:
        out += f"<d:propstat><d:prop>{found}</d:prop><d:status>HTTP/1.1 200 OK</d:status>" \
               "</d:propstat>"  # fmt: skip
    if missing:
        out += "<d:propstat><d:prop>" + "".join(_prop(n, "") for n in missing) + \
               "</d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>"  # fmt: skip
    return out + "</d:response>"


def _prop(clark: str, inner: str) -> str:
    namespace, _, local = clark[1:].partition("}")
    prefix = PREFIX.get(namespace)
    if prefix is None:
        return f'<x:{local} xmlns:x="{_esc(namespace)}">{inner}</x:{local}>'
    return f"<{prefix}:{local}>{inner}</{prefix}:{local}>" if inner else f"<{prefix}:{local}/>"


def multistatus(responses: Iterable[str], *, token: str | None = None) -> Response:
    body = ('<?xml version="1.0" encoding="utf-8"?>'
            f'<d:multistatus xmlns:d="{DAV}" xmlns:c="{CARD}" xmlns:cs="{CS}">'
            + "".join(responses)
            + (f"<d:sync-token>{_esc(token)}</d:sync-token>" if token is not None else "")
            + "</d:multistatus>")  # fmt: skip
    return Response(body, 207, media_type="application/xml; charset=utf-8")


def parse_xml(body: bytes) -> Element:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        root: Any = fromstring(body, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError):
        raise InvalidInput("the request is not well-formed XML", field="xml") from None
    return root  # type: ignore[no-any-return]


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
