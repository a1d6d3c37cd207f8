"""OpenID Connect single sign-on (authorization code flow with PKCE), with any provider named
by its issuer URL.

Configuration (environment, read when the app starts):

- ``AMITY_OIDC_ISSUER``: the provider's issuer URL; its ``/.well-known/openid-configuration``
  names every other endpoint (discovery). Every request to it goes through
  :mod:`amity.netguard` (purpose ``oidc``: a provider on a private network needs
  ``AMITY_OIDC_ALLOW_PRIVATE=1``).
- ``AMITY_OIDC_CLIENT_ID``, ``AMITY_OIDC_CLIENT_SECRET``: the client registered there, with
  the redirect URI ``<AMITY_BASE_URL>/login/sso/callback``.
- ``AMITY_OIDC_ALLOWED_DOMAINS``: e-mail domains whose verified addresses may make an
  account through the provider (besides invited addresses).
- ``AMITY_OIDC_NAME``: the button's label (default "single sign-on").

The client is authlib's (``OAuth2Client`` on httpx, so the SSRF guard sees every request);
ID tokens are verified with joserfc against the provider's JWKS: the signature, ``iss``,
``aud``, ``exp``, ``iat`` and the ``nonce`` of this sign-in.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any

from amity.accounts.sso import Identity
from amity.errors import InvalidInput

ISSUER_ENV = "AMITY_OIDC_ISSUER"
PURPOSE = "oidc"
DISCOVERY_TTL = 3600.0
CLOCK_SKEW = 120


class SsoFailed(InvalidInput):
    """The provider's answer could not be trusted (state, code, token or claims)."""


@dataclass
class OidcSettings:
    issuer: str
    client_id: str
    client_secret: str
    allowed_domains: frozenset[str]
    name: str = "single sign-on"
    scopes: str = "openid email profile"
    _discovery: dict[str, Any] = field(default_factory=dict, repr=False)
    _fetched_at: float = 0.0

    @classmethod
    def from_env(cls) -> OidcSettings | None:
        issuer = os.environ.get(ISSUER_ENV, "").strip().rstrip("/")
        if not issuer:
            return None
        client_id = os.environ.get("AMITY_OIDC_CLIENT_ID", "").strip()
        if not client_id:
            raise ValueError(f"{ISSUER_ENV} is set: AMITY_OIDC_CLIENT_ID is needed too")
        domains = os.environ.get("AMITY_OIDC_ALLOWED_DOMAINS", "")
        return cls(
            issuer=issuer,
            client_id=client_id,
            client_secret=os.environ.get("AMITY_OIDC_CLIENT_SECRET", ""),
            allowed_domains=frozenset(
                d.strip().lower().lstrip("@") for d in domains.split(",") if d.strip()
            ),
            name=os.environ.get("AMITY_OIDC_NAME", "").strip() or "single sign-on",
        )

    # --- the provider's endpoints ------------------------------------------------------------

    def _client(self, **kwargs: Any) -> Any:
        from authlib.integrations.httpx_client import OAuth2Client

        from amity.netguard import check_url

        def guard(request: Any) -> None:
            check_url(str(request.url), purpose=PURPOSE)

        return OAuth2Client(
            client_id=self.client_id,
            client_secret=self.client_secret or None,
            token_endpoint_auth_method=("client_secret_basic" if self.client_secret else "none"),
            event_hooks={"request": [guard]},
            follow_redirects=False,
            timeout=15.0,
            **kwargs,
        )

    def discovery(self) -> dict[str, Any]:
        if self._discovery and time.monotonic() - self._fetched_at < DISCOVERY_TTL:
            return self._discovery
        url = self.issuer + "/.well-known/openid-configuration"
        try:
            document = _get_json(url)
        except InvalidInput:
            raise
        except Exception as exc:
            raise SsoFailed(f"the provider's discovery could not be read: {exc}") from None
        if not isinstance(document, dict) or document.get("issuer", "").rstrip("/") != self.issuer:
            raise SsoFailed("the provider's discovery document names another issuer")
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(document.get(key), str):
                raise SsoFailed(f"the provider's discovery document has no {key}")
        self._discovery, self._fetched_at = document, time.monotonic()
        return document

    def authorization_url(self, redirect_uri: str) -> tuple[str, dict[str, str]]:
        """Where to send the browser, and what the session keeps until it comes back."""
        from authlib.common.security import generate_token

        endpoint = self.discovery()["authorization_endpoint"]
        state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
        with self._client(
            redirect_uri=redirect_uri, scope=self.scopes, code_challenge_method="S256"
        ) as client:
            url, _ = client.create_authorization_url(
                endpoint, state=state, nonce=nonce, code_verifier=verifier
            )
        return str(url), {"state": state, "nonce": nonce, "verifier": verifier}

    def identity(
        self, code: str, redirect_uri: str, kept: dict[str, str], *, now: float
    ) -> Identity:
        """Trade the code for tokens and verify the ID token."""
        document = self.discovery()
        with self._client(redirect_uri=redirect_uri) as client:
            try:
                token = client.fetch_token(
                    document["token_endpoint"],
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=kept["verifier"],
                )
            except InvalidInput:
                raise
            except Exception as exc:
                raise SsoFailed(f"the provider refused the sign-in code: {exc}") from None
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise SsoFailed("the provider sent no ID token")
        try:
            jwks = _get_json(document["jwks_uri"])
        except InvalidInput:
            raise
        except Exception as exc:
            raise SsoFailed(f"the provider's keys could not be read: {exc}") from None
        claims = self._verified_claims(id_token, jwks, kept["nonce"], now=now)
        return Identity(
            issuer=self.issuer,
            subject=str(claims["sub"]),
            email=claims.get("email") if isinstance(claims.get("email"), str) else None,
            email_verified=claims.get("email_verified") is True,
            name=claims.get("name") if isinstance(claims.get("name"), str) else None,
        )

    def _verified_claims(
        self, id_token: str, jwks: dict[str, Any], nonce: str, *, now: float
    ) -> dict[str, Any]:
        from joserfc import jwt
        from joserfc.errors import JoseError
        from joserfc.jwk import KeySet

        try:
            key_set = KeySet.import_key_set(jwks)  # type: ignore[arg-type]
            token = jwt.decode(id_token, key_set, algorithms=["RS256", "ES256", "PS256", "EdDSA"])
        except (JoseError, ValueError, TypeError, KeyError) as exc:
            raise SsoFailed(f"the ID token's signature does not verify: {exc}") from None
        claims = dict(token.claims)
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        problems = [
            "issuer" if str(claims.get("iss", "")).rstrip("/") != self.issuer else "",
            "audience" if self.client_id not in audiences else "",
            "expiry" if not _number(claims.get("exp")) or claims["exp"] < now - CLOCK_SKEW else "",
            "issued-at"
            if not _number(claims.get("iat")) or claims["iat"] > now + CLOCK_SKEW
            else "",
            "nonce" if claims.get("nonce") != nonce else "",
            "subject" if not isinstance(claims.get("sub"), str) or not claims["sub"] else "",
        ]
        wrong = [p for p in problems if p]
        if wrong:
            raise SsoFailed(f"the ID token is not for this sign-in ({', '.join(wrong)})")
        return claims


def _get_json(url: str) -> Any:
    """A GET through the SSRF guard (no redirects), as JSON."""
    from amity.netguard import guarded_client

    with guarded_client(PURPOSE, follow_redirects=False, timeout=15.0) as client:
        answer = client.get(url)
        answer.raise_for_status()
        return answer.json()


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
