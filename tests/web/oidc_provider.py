"""A small OpenID Connect provider the test suite runs on loopback as a subprocess:
discovery, an authorization endpoint with a sign-in form (the browser picks a user), a token
endpoint (client secret, PKCE S256 checked with authlib's server helper) and a JWKS with an
RS256 key generated at start.

    python -m tests.web.oidc_provider --port 8123 --client-id amity --client-secret s3cret \
        --redirect-uri http://127.0.0.1:9000/login/sso/callback --users users.json

``users.json`` maps a login name to its claims (sub, email, email_verified, name).
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import secrets
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route


def build(
    issuer: str, client_id: str, client_secret: str, redirect_uri: str, users: dict[str, Any]
) -> Starlette:
    key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig", "alg": "RS256"})
    codes: dict[str, dict[str, Any]] = {}

    async def discovery(request: Request) -> Response:
        return JSONResponse(
            {
                "issuer": issuer,
                "authorization_endpoint": issuer + "/authorize",
                "token_endpoint": issuer + "/token",
                "jwks_uri": issuer + "/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
            }
        )

    async def jwks(request: Request) -> Response:
        return JSONResponse({"keys": [key.as_dict(private=False)]})

    def check_request(params: Any) -> str | None:
        if params.get("client_id") != client_id:
            return "unknown client"
        if params.get("redirect_uri") != redirect_uri:
            return "redirect_uri not registered"
        if params.get("response_type") != "code" or params.get("code_challenge_method") != "S256":
            return "only the code flow with PKCE S256"
        if not params.get("state") or not params.get("nonce") or not params.get("code_challenge"):
            return "state, nonce and code_challenge are required"
        return None

    async def authorize(request: Request) -> Response:
        params = request.query_params if request.method == "GET" else await request.form()
        problem = check_request(params)
        if problem:
            return HTMLResponse(f"<p id=problem>{html.escape(problem)}</p>", status_code=400)
        if request.method == "GET":
            hidden = "".join(
                f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                for k, v in params.items()
            )
            return HTMLResponse(
                "<!doctype html><title>Test IdP</title><h1>Test IdP</h1>"
                f'<form method="post" action="/authorize">{hidden}'
                '<label>User <input name="username" id="username"></label>'
                '<button type="submit" id="approve">Sign in</button></form>'
            )
        username = str(params.get("username", ""))
        if username not in users:
            return HTMLResponse("<p id=problem>no such user</p>", status_code=401)
        code = secrets.token_urlsafe(24)
        codes[code] = {
            "user": username,
            "nonce": params["nonce"],
            "challenge": params["code_challenge"],
            "redirect_uri": params["redirect_uri"],
            "at": time.time(),
        }
        target = redirect_uri + "?" + urlencode({"code": code, "state": params["state"]})
        return RedirectResponse(target, status_code=302)

    async def token(request: Request) -> Response:
        form = await request.form()
        auth = request.headers.get("authorization", "")
        sent = base64.b64decode(auth[6:]).decode() if auth.startswith("Basic ") else ""
        if sent != f"{client_id}:{client_secret}":
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        grant = codes.pop(str(form.get("code", "")), None)  # a code works once
        if grant is None or time.time() - grant["at"] > 60:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        if create_s256_code_challenge(str(form.get("code_verifier", ""))) != grant["challenge"]:
            return JSONResponse({"error": "invalid_grant", "error_description": "PKCE"}, 400)
        now = int(time.time())
        claims = {
            "iss": issuer,
            "aud": client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            **users[grant["user"]],
        }
        id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, key)
        return JSONResponse(
            {
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "id_token": id_token,
            }
        )

    return Starlette(
        routes=[
            Route("/.well-known/openid-configuration", discovery),
            Route("/jwks", jwks),
            Route("/authorize", authorize, methods=["GET", "POST"]),
            Route("/token", token, methods=["POST"]),
        ]
    )


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--redirect-uri", required=True)
    parser.add_argument("--users", required=True)
    args = parser.parse_args()
    issuer = f"http://127.0.0.1:{args.port}"
    users = json.loads(Path(args.users).read_text())
    app = build(issuer, args.client_id, args.client_secret, args.redirect_uri, users)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
