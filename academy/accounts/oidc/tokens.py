"""A provider's discovery document and keys (cached), and ID token validation.

allauth fetches the discovery document and the keys on every sign-in and, when the
ID token came straight from the token endpoint, skips its signature (which the
OpenID Connect core specification permits over TLS). The Academy checks every ID
token as if it came from the browser: signature with the provider's published key,
issuer, audience, authorised party, expiry, issue time and the nonce of this sign-in.
The discovery document and the keys are kept in the cache (shared by every host in
production) for the provider's `metadata_cache_seconds`; an unknown key id fetches
the keys again at most once a minute, so the provider can rotate its keys.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time

from django.core.cache import cache

import jwt
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Error

logger = logging.getLogger(__name__)

#: Asymmetric algorithms only: "none" and HMAC (keyed with the client secret) never.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")
#: Clock difference tolerated between the provider and the Academy, in seconds.
LEEWAY_SECONDS = 30
#: An unknown key id refetches the keys at most this often.
JWKS_REFRESH_SECONDS = 60
#: The longest an ID token may have been issued before it is used.
MAX_AGE_SECONDS = 600


class IDTokenError(OAuth2Error):
    """The ID token is refused; the message says why (logged, not shown)."""


def _key(kind: str, url: str) -> str:
    return f"academy:oidc:{kind}:{hashlib.sha256(url.encode()).hexdigest()}"


def _get_json(url: str) -> dict:
    with get_adapter().get_requests_session() as session:
        response = session.get(url, timeout=10)
        response.raise_for_status()
        document = response.json()
    if not isinstance(document, dict):
        raise OAuth2Error(f"{url} did not answer a JSON object")
    return document


def discovery_document(
    server_url: str, *, issuer: str, overrides: dict, cache_seconds: int
) -> dict:
    """The provider's /.well-known/openid-configuration, from the cache if fresh.

    Its `issuer` must be the one configured (OpenID Connect Discovery 1.0, 4.3):
    a document that names another issuer is refused.
    """
    key = _key("discovery", server_url)
    document = cache.get(key)
    if document is None:
        document = _get_json(server_url)
        if document.get("issuer", "").rstrip("/") != issuer.rstrip("/"):
            raise OAuth2Error(
                f"the discovery document names issuer {document.get('issuer')!r}, "
                f"not {issuer!r}"
            )
        for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not document.get(field):
                raise OAuth2Error(f"the discovery document has no {field}")
        cache.set(key, document, cache_seconds)
    return {**document, **overrides}


def _jwks(jwks_uri: str, *, cache_seconds: int, refresh: bool) -> dict:
    key = _key("jwks", jwks_uri)
    keys = None if refresh else cache.get(key)
    if keys is None:
        keys = _get_json(jwks_uri)
        cache.set(key, keys, cache_seconds)
    return keys


def signing_key(jwks_uri: str, kid: str | None, alg: str, *, cache_seconds: int):
    """The provider's public key for `kid`, refetching the keys once if unknown."""
    for attempt in range(2):
        refresh = attempt == 1
        if refresh and not cache.add(
            _key("jwks-refresh", jwks_uri), True, JWKS_REFRESH_SECONDS
        ):
            break
        keys = _jwks(jwks_uri, cache_seconds=cache_seconds, refresh=refresh)
        candidates = [
            jwk
            for jwk in keys.get("keys", [])
            if (kid is None or jwk.get("kid") == kid) and jwk.get("use", "sig") == "sig"
        ]
        for jwk in candidates:
            try:
                return jwt.PyJWK(jwk, algorithm=alg).key
            except jwt.PyJWTError:
                continue
    raise IDTokenError(f"no signing key {kid!r} in the provider's keys")


def id_token_verify(
    raw: str,
    *,
    discovery: dict,
    client_id: str,
    nonce: str | None,
    cache_seconds: int,
    now: float | None = None,
) -> dict:
    """The ID token's claims if it is genuine, current, for us and for this sign-in."""
    try:
        header = jwt.get_unverified_header(raw)
    except jwt.PyJWTError as error:
        raise IDTokenError(f"malformed ID token: {error}") from error
    alg = header.get("alg")
    offered = discovery.get("id_token_signing_alg_values_supported") or ["RS256"]
    if alg not in ALGORITHMS or alg not in offered:
        raise IDTokenError(f"ID token algorithm {alg!r} is not accepted")
    key = signing_key(
        discovery["jwks_uri"], header.get("kid"), alg, cache_seconds=cache_seconds
    )
    now = time.time() if now is None else now
    try:
        claims = jwt.decode(
            raw,
            key=key,
            algorithms=[alg],
            audience=client_id,
            issuer=discovery["issuer"],
            leeway=LEEWAY_SECONDS,
            options={"require": ["iss", "sub", "aud", "exp", "iat"]},
        )
    except jwt.PyJWTError as error:
        raise IDTokenError(f"ID token refused: {error}") from error
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise IDTokenError("ID token for several audiences without azp = our client")
    if "azp" in claims and claims["azp"] != client_id:
        raise IDTokenError("ID token authorised for another client (azp)")
    if claims["exp"] + LEEWAY_SECONDS < now:
        raise IDTokenError("ID token expired")
    if claims["iat"] - LEEWAY_SECONDS > now or now - claims["iat"] > MAX_AGE_SECONDS:
        raise IDTokenError("ID token issued at an unacceptable time")
    if not nonce or claims.get("nonce") != nonce:
        raise IDTokenError("ID token nonce does not match this sign-in")
    return claims


def payload_unverified(raw: str) -> dict:
    """The claims of a token already verified (to read what it carries)."""
    return json.loads(json.dumps(jwt.decode(raw, options={"verify_signature": False})))
