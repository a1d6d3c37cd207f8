"""Explicit request-size limits (Starlette CVE-2024-47874, python-multipart CVE-2024-24762)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 2 * 1024 * 1024  # forms and JSON
MAX_UPLOAD = 25 * 1024 * 1024  # import uploads
UPLOAD_PATHS = ("/import", "/api/v1/import")
FORM_LIMITS = {"max_files": 2, "max_fields": 500, "max_part_size": 1024 * 1024}


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    """413 when a request body is larger than its path allows (by header or while reading)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        limit = MAX_UPLOAD if path.startswith(UPLOAD_PATHS) else MAX_BODY
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _too_large(send)
            return
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except BodyTooLarge:
            await _too_large(send)


async def _too_large(send: Send) -> None:
    body = b'{"error": {"code": "too_large", "message": "the request body is too large", "fields": null}}'
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
